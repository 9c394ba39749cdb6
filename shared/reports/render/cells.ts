/**
 * How a released cell reads in words, the same on the report, its charts' descriptions and the pages: a shown count,
 * or why there is none. A suppressed cell carries no number (shared/reports/model.ts), so none can be printed here.
 */
import type { ReleaseCell } from '#shared/reports/model.ts';

const COUNT = new Intl.NumberFormat('en-US');

/** "1,234". */
export const count = (n: number): string => COUNT.format(n);

/** The label of a suppressed cell: the range a primary may be in (the rule is public), or that it is complementary. */
export function suppressedLabel(cell: Extract<ReleaseCell, { shown: false }>, threshold: number): string {
  return cell.suppression === 'primary' ? `Suppressed (1–${threshold})` : 'Suppressed (complementary)';
}

/** A cell as text: its count, or its suppression label. */
export const cellText = (cell: ReleaseCell, threshold: number): string => (cell.shown ? count(cell.value) : suppressedLabel(cell, threshold));

/** What the two labels mean, for the note under every protected table. */
export function suppressionNote(threshold: number): string {
  return `Suppressed (1–${threshold}): a count from 1 to ${threshold}, not shown so that no child or family can be identified. Suppressed (complementary): a larger count, not shown so that a suppressed count cannot be worked out from the totals.`;
}
