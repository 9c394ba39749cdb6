import type { ComponentChildren } from 'preact';

export interface DataTableProps {
  /** Id of the caption, which names the scrollable region for screen readers. */
  id: string;
  caption: ComponentChildren;
  /** For a table under a heading that already says what it holds: the caption is for screen readers only. */
  captionHidden?: boolean;
  /** Column headings, in order; null leaves a column out (one shown to some roles only). */
  columns: readonly (string | null)[];
  /** A last column of per-row actions, headed for screen readers only. */
  actions?: boolean;
  class?: string;
  /** The rows: `<tr>` with a `<th scope="row">` and `data-label` on every cell (the stacked layout shows it). */
  children: ComponentChildren;
}

/**
 * The one table of the list pages: a USWDS stacked table (rows become cards on small screens) inside a scrollable
 * region that keyboard users can reach and screen readers name by the table's caption.
 */
export function DataTable(p: DataTableProps) {
  return (
    <div class="usa-table-container--scrollable" tabindex={0} role="region" aria-labelledby={p.id}>
      <table class={`usa-table usa-table--borderless usa-table--stacked${p.class ? ` ${p.class}` : ''}`}>
        <caption id={p.id} class={p.captionHidden ? 'usa-sr-only' : undefined}>
          {p.caption}
        </caption>
        <thead>
          <tr>
            {p.columns.map((c) => (c === null ? null : <th scope="col">{c}</th>))}
            {p.actions ? (
              <th scope="col">
                <span class="usa-sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{p.children}</tbody>
      </table>
    </div>
  );
}
