/** Builders for the protection engine's tests and bench: tables over month atoms, and a release as a ledger. */
import type { CellStatus, LedgerCell, ProtectionCell, ProtectionResult, ProtectionTable } from '#shared/reports/protection/index.ts';

export const atomId = (dataset: string, row: string, column: string, month: string) => `${dataset}|${row}|${column}|${month}`;

/** A dataset's table over `months` (rows = jurisdictions, columns = categories), ids `<dataset>.<span>|<row>|<column>`. */
export function datasetTable(options: { dataset: string; span: string; rows: readonly string[]; columns: readonly string[]; months: readonly string[]; threshold: number; minIntervalWidth: number }): ProtectionTable {
  const { dataset, span, rows, columns, months } = options;
  const cell = (rs: readonly string[], cs: readonly string[], row: string, column: string): ProtectionCell => ({
    id: `${dataset}.${span}|${row}|${column}`,
    atoms: rs.flatMap((r) => cs.flatMap((c) => months.map((m) => atomId(dataset, r, c, m)))),
  });
  return {
    id: `${dataset}.${span}`,
    threshold: options.threshold,
    minIntervalWidth: options.minIntervalWidth,
    cells: rows.map((r) => columns.map((c) => cell([r], [c], r, c))),
    rowTotals: rows.map((r) => cell([r], columns, r, 'total')),
    columnTotals: columns.map((c) => cell(rows, [c], 'all', c)),
    grandTotal: cell(rows, columns, 'all', 'total'),
  };
}

/** The cells of a protected release as the ledger keeps them. */
export function ledgerOf(releaseId: string, tables: readonly ProtectionTable[], result: Pick<ProtectionResult, 'status' | 'values'>): LedgerCell[] {
  return tables.flatMap((t) =>
    [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal].map((c) => ({
      id: c.id,
      releaseId,
      atoms: c.atoms,
      status: result.status.get(c.id) as CellStatus,
      value: result.values.get(c.id)!,
      threshold: t.threshold,
    })),
  );
}

/** Atoms from counts[row][column] all in one month. */
export function monthAtoms(dataset: string, rows: readonly string[], columns: readonly string[], month: string, counts: readonly (readonly number[])[], into = new Map<string, number>()): Map<string, number> {
  rows.forEach((r, i) => columns.forEach((c, j) => into.set(atomId(dataset, r, c, month), counts[i]![j]!)));
  return into;
}
