/**
 * A brute-force oracle for the protection tests, independent of the engine: it enumerates every assignment of
 * non-negative integers to the atoms that is consistent with what a release and its ledger publish (shown values,
 * primaries in 1..threshold, secondaries >= threshold + 1), and returns each cell's smallest and largest value.
 * Each atom is bounded by its cells' upper bounds and, where every cell holding it is an unbounded secondary, by
 * `cap` (the sum of all true atoms plus threshold + 1 by default), so the enumeration is finite.
 */
import type { CellStatus, LedgerCell, ProtectionTable } from '#shared/reports/protection/index.ts';

interface OracleCell {
  key: string;
  atoms: string[];
  min: number;
  max: number;
}

export interface OracleResult {
  intervals: Map<string, { low: number; high: number }>;
  /** Assignments visited (feasible or not) and whether the cap was ever reached by a feasible table. */
  nodes: number;
  capReached: boolean;
  /** False when the enumeration stopped at `maxNodes`. */
  complete: boolean;
}

const bounds = (status: CellStatus, value: number, threshold: number) =>
  status === 'shown' ? { min: value, max: value } : status === 'primary' ? { min: 1, max: threshold } : { min: threshold + 1, max: Number.POSITIVE_INFINITY };

export function oracle(tables: readonly ProtectionTable[], atoms: ReadonlyMap<string, number>, ledger: readonly LedgerCell[], status: ReadonlyMap<string, CellStatus>, options: { maxNodes?: number } = {}): OracleResult {
  const sum = (list: readonly string[]) => list.reduce((s, a) => s + (atoms.get(a) ?? 0), 0);
  const cells: OracleCell[] = [];
  let threshold = 0;
  for (const t of tables) {
    threshold = Math.max(threshold, t.threshold);
    for (const c of [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal]) cells.push({ key: c.id, atoms: [...c.atoms], ...bounds(status.get(c.id) ?? 'shown', sum(c.atoms), t.threshold) });
  }
  for (const c of ledger) if (sum(c.atoms) === c.value) cells.push({ key: `${c.releaseId}/${c.id}`, atoms: [...c.atoms], ...bounds(c.status, c.value, c.threshold) });
  const names = [...new Set(cells.flatMap((c) => c.atoms))].sort();
  const cap = names.reduce((s, a) => s + (atoms.get(a) ?? 0), 0) + threshold + 1;
  const index = new Map(names.map((a, i) => [a, i]));
  const cellsOf: number[][] = names.map(() => []);
  cells.forEach((c, k) => {
    for (const a of new Set(c.atoms)) cellsOf[index.get(a)!]!.push(k);
  });
  const upper = names.map((_, i) => Math.min(cap, ...cellsOf[i]!.map((k) => cells[k]!.max)));
  const partial = new Float64Array(cells.length);
  // remaining[k]: the largest sum the atoms of cell k not yet assigned can still add.
  const remaining = new Float64Array(cells.length);
  cells.forEach((c, k) => {
    for (const a of new Set(c.atoms)) remaining[k]! += upper[index.get(a)!]!;
  });
  const low = new Float64Array(cells.length).fill(Number.POSITIVE_INFINITY);
  const high = new Float64Array(cells.length).fill(Number.NEGATIVE_INFINITY);
  const values = new Int32Array(names.length);
  const maxNodes = options.maxNodes ?? 2_000_000;
  let nodes = 0;
  let capReached = false;
  let complete = true;
  const visit = (i: number): void => {
    if (nodes++ > maxNodes) {
      complete = false;
      return;
    }
    if (i === names.length) {
      cells.forEach((_, k) => {
        low[k] = Math.min(low[k]!, partial[k]!);
        high[k] = Math.max(high[k]!, partial[k]!);
      });
      if (values.some((v, j) => v === cap && upper[j] === cap)) capReached = true;
      return;
    }
    let from = 0;
    let to = upper[i]!;
    for (const k of cellsOf[i]!) {
      const c = cells[k]!;
      const rest = remaining[k]! - upper[i]!;
      to = Math.min(to, c.max - partial[k]!);
      from = Math.max(from, c.min - partial[k]! - rest);
    }
    for (let v = from; v <= to && complete; v++) {
      values[i] = v;
      for (const k of cellsOf[i]!) {
        partial[k]! += v;
        remaining[k]! -= upper[i]!;
      }
      visit(i + 1);
      for (const k of cellsOf[i]!) {
        partial[k]! -= v;
        remaining[k]! += upper[i]!;
      }
    }
  };
  visit(0);
  const intervals = new Map<string, { low: number; high: number }>();
  cells.forEach((c, k) => intervals.set(c.key, { low: low[k]!, high: high[k]! }));
  return { intervals, nodes, capReached, complete };
}
