/**
 * The data dictionary as HTML: `DictionaryBody` for a web page to embed, `dictionaryHtmlDocument` for the
 * standalone file. Preact escapes every text, so labels that look like markup stay text.
 */
import { renderToString } from 'preact-render-to-string';
import type { ChangelogRow, DictionaryRow } from './dictionary.ts';

const FIELD_COLUMNS: readonly { key: keyof DictionaryRow; title: string }[] = [
  { key: 'variable_name', title: 'Variable' },
  { key: 'section_header', title: 'Section' },
  { key: 'repeating_group', title: 'Repeating group' },
  { key: 'field_type', title: 'Type' },
  { key: 'field_label', title: 'Label' },
  { key: 'choices', title: 'Choices (code, label)' },
  { key: 'validation', title: 'Validation' },
  { key: 'branching_logic', title: 'Shown when' },
  { key: 'required_field', title: 'Required' },
  { key: 'identifier', title: 'Identifier' },
  { key: 'sensitivity', title: 'Sensitivity' },
  { key: 'deid_rule', title: 'De-identification' },
  { key: 'aggregation_role', title: 'Role' },
  { key: 'construct', title: 'Construct' },
  { key: 'reverse_scored', title: 'Reverse-scored' },
  { key: 'version_added', title: 'Added in' },
  { key: 'version_changed', title: 'Changed in' },
];

const CHANGE_COLUMNS: readonly { key: keyof ChangelogRow; title: string }[] = [
  { key: 'from_version', title: 'From' },
  { key: 'to_version', title: 'To' },
  { key: 'variable_name', title: 'Variable' },
  { key: 'change', title: 'Change' },
  { key: 'details', title: 'Details' },
  { key: 'breaking', title: 'Breaking' },
  { key: 'declared_reason', title: 'Reason given' },
];

function Choices({ text }: { text: string }) {
  if (!text.includes(' | ')) return <>{text}</>;
  return (
    <ul>
      {text.split(' | ').map((choice) => {
        const [code = '', ...label] = choice.split(', ');
        return (
          <li key={code}>
            <code>{code}</code> {label.join(', ')}
          </li>
        );
      })}
    </ul>
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

export interface DictionaryBodyProps {
  rows: readonly DictionaryRow[];
  changelog: readonly ChangelogRow[];
}

/** The dictionary's content: per form and version a table of variables, then the form's changelog. */
function ColumnHeads({ columns }: { columns: readonly { key: string; title: string }[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.key} scope="col">
            {c.title}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function DictionaryBody({ rows, changelog }: DictionaryBodyProps) {
  const forms = groupBy(rows, (r) => r.form_id);
  return (
    <div class="data-dictionary">
      <nav aria-label="Forms">
        <ul>
          {[...forms.entries()].map(([formId, formRows]) => (
            <li key={formId}>
              <a href={`#form-${formId}`}>{formRows[0]?.form_name ?? formId}</a>
            </li>
          ))}
        </ul>
      </nav>
      {[...forms.entries()].map(([formId, formRows]) => (
        <section key={formId} id={`form-${formId}`} aria-labelledby={`form-${formId}-title`}>
          <h2 id={`form-${formId}-title`}>
            {formRows[0]?.form_name} <code>{formId}</code>
          </h2>
          {[...groupBy(formRows, (r) => String(r.form_version)).entries()].map(([version, versionRows]) => (
            <div key={version} class="table-scroll" tabindex={0} role="region" aria-label={`${formRows[0]?.form_name ?? formId}, version ${version}`}>
              <table>
                <caption>
                  Version {version} ({versionRows[0]?.version_status}): {versionRows.length} variables
                </caption>
                <ColumnHeads columns={FIELD_COLUMNS} />
                <tbody>
                  {versionRows.map((row) => (
                    <tr key={row.variable_name}>
                      {FIELD_COLUMNS.map((c) =>
                        c.key === 'variable_name' ? (
                          <th key={c.key} scope="row">
                            <code>{row.variable_name}</code>
                          </th>
                        ) : (
                          <td key={c.key}>{c.key === 'choices' ? <Choices text={row.choices} /> : String(row[c.key])}</td>
                        ),
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
          <div class="table-scroll" tabindex={0} role="region" aria-label={`${formRows[0]?.form_name ?? formId}, changelog`}>
            <table>
              <caption>Changelog</caption>
              <ColumnHeads columns={CHANGE_COLUMNS} />
              <tbody>
                {changelog
                  .filter((r) => r.form_id === formId)
                  .map((row, i) => (
                    <tr key={i}>
                      {CHANGE_COLUMNS.map((c) => (
                        <td key={c.key}>{String(row[c.key])}</td>
                      ))}
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}

export const DICTIONARY_STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 0 0 2rem; font-size: 0.875rem; }
caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }
th, td { border: 1px solid #a9aeb1; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
thead th { background: #f0f0f0; position: sticky; top: 0; }
ul { margin: 0; padding-left: 1rem; }
.table-scroll { overflow-x: auto; }
`;

/** The standalone dictionary file (deterministic: no timestamps, so regenerating it changes nothing). */
export function dictionaryHtmlDocument(props: DictionaryBodyProps & { title?: string }): string {
  const title = props.title ?? 'Data dictionary';
  const body = renderToString(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: DICTIONARY_STYLE }} />
      </head>
      <body>
        <main>
          <h1>{title}</h1>
          <p>Generated from the form definitions. Codes are stable across versions; see each form's changelog.</p>
          <DictionaryBody rows={props.rows} changelog={props.changelog} />
        </main>
      </body>
    </html>,
  );
  return `<!doctype html>\n${body}\n`;
}
