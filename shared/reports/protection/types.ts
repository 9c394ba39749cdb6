/**
 * The small-cell protection engine's contract (docs/reports-protection.md). Every published cell is the sum of
 * atoms: the finest counts (dataset, jurisdiction, category, month) that are never published themselves. Cells of
 * the period's and the year-to-date tables share atoms, and so do the cells of earlier releases in the ledger: that
 * is how linked releases become one system of equations for the attacker and for the audit.
 */

/** A cell of a table to release: which atoms it sums. Its value is the sum of the atoms' current values. */
export interface ProtectionCell {
  /** Unique in the release, e.g. `reviews_by_cause.period|ky-dcbs|drowning`; margins use `all` / `total`. */
  id: string;
  atoms: readonly string[];
}

/** A two-way table with its margins: rows are jurisdictions, columns categories. */
export interface ProtectionTable {
  id: string;
  /** Counts 1..threshold are primary suppressions (0 is published). */
  threshold: number;
  /** Each suppressed primary's feasible interval under the attacker's model must be at least this wide. */
  minIntervalWidth: number;
  /** cells[r][c]; rowTotals[r]; columnTotals[c]; grandTotal. */
  cells: ProtectionCell[][];
  rowTotals: ProtectionCell[];
  columnTotals: ProtectionCell[];
  grandTotal: ProtectionCell;
}

export type CellStatus = 'shown' | 'primary' | 'secondary';

/** A cell of an earlier release, as the ledger keeps it (internal: never published). */
export interface LedgerCell {
  id: string;
  releaseId: string;
  atoms: readonly string[];
  status: CellStatus;
  /** The value it had then (shown: what was published; suppressed: the true value, kept to detect revisions). */
  value: number;
  threshold: number;
}

export interface AuditInterval {
  cellId: string;
  /** The true value (internal). */
  value: number;
  /** The smallest and largest value the attacker can prove, under the model of docs/reports-protection.md. */
  low: number;
  high: number;
}

export interface ProtectionResult {
  /** Every cell of every table given, by id. */
  status: ReadonlyMap<string, CellStatus>;
  /** Every cell's value (the sum of its atoms now). */
  values: ReadonlyMap<string, number>;
  /**
   * One interval per suppressed primary of this release (and any ledger primary this release touches, as
   * `<releaseId>/<id>`): values the attacker cannot rule out, each reached by a table consistent with the release.
   */
  audit: AuditInterval[];
  /** Ledger cells whose value changed since they were published (amended records), as `<releaseId>/<id>`: not constraints any more. */
  revised: string[];
  /**
   * Suppressed primaries (ids; ledger primaries as `<releaseId>/<id>`) whose interval stays narrower than the width
   * even with every shown non-zero cell of their tables suppressed: the rule itself pins them (a line of `threshold`
   * ones under a suppressed total), or earlier releases already did. The caller withholds the tables in `withheld`.
   */
  unprotected: string[];
  /**
   * Ids of the tables of this release to hold back whole so that nothing published narrows an unprotected primary:
   * the table of each unprotected cell of this release, and for an earlier release's, every table of this release
   * that its earlier releases link to it (sharing atoms with a ledger cell reachable from it through ledger cells).
   * Whatever this release publishes without them was audited with them shown, so it only gets safer.
   */
  withheld: string[];
  stats: { primary: number; secondary: number; linearPrograms: number };
}
