/**
 * A brute-force oracle for the protection tests, independent of the engine: it enumerates every assignment of
 * non-negative integers to the atoms that is consistent with what a release and its ledger publish (shown values,
 * primaries in 1..threshold, secondaries >= threshold + 1), and returns each cell's smallest and largest value.
 * The intervals of primaries are exact; those of secondaries are not (see the bound on atoms below).
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
  /** Search nodes visited. */
  nodes: number;
  /** False when the enumeration stopped at `maxNodes`. */
  complete: boolean;
}

const bounds = (status: CellStatus, value: number, threshold: number) =>
  status === 'shown' ? { min: value, max: value } : status === 'primary' ? { min: 1, max: threshold } : { min: threshold + 1, max: Number.POSITIVE_INFINITY };

export function oracle(tables: readonly ProtectionTable[], atoms: ReadonlyMap<string, number>, ledger: readonly LedgerCell[], status: ReadonlyMap<string, CellStatus>, options: { maxNodes?: number } = {}): OracleResult {
  const sum = (list: readonly string[]) => list.reduce((s, a) => s + (atoms.get(a) ?? 0), 0);
  const cells: OracleCell[] = [];
  for (const t of tables) {
    for (const c of [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal]) cells.push({ key: c.id, atoms: [...c.atoms], ...bounds(status.get(c.id) ?? 'shown', sum(c.atoms), t.threshold) });
  }
  for (const c of ledger) if (sum(c.atoms) === c.value) cells.push({ key: `${c.releaseId}/${c.id}`, atoms: [...c.atoms], ...bounds(c.status, c.value, c.threshold) });
  const all = [...new Set(cells.flatMap((c) => c.atoms))].sort();
  // An atom in a shown or primary cell is at most that cell's largest value. An atom only in secondary cells can be
  // taken down while every secondary holding it stays above its threshold, without touching any primary: so every
  // primary value the attacker cannot rule out is reached by a table where that atom is at most the largest
  // threshold + 1 of its cells. Bounding it there keeps the enumeration finite and the primaries' intervals exact.
  const maxOf = new Map(
    all.map((a) => {
      const holding = cells.filter((c) => c.atoms.includes(a));
      const bounded = holding.filter((c) => Number.isFinite(c.max));
      return [a, bounded.length > 0 ? Math.min(...bounded.map((c) => c.max)) : Math.max(...holding.map((c) => c.min))];
    }),
  );
  const names = all;
  const index = new Map(names.map((a, i) => [a, i]));
  const cellsOf: number[][] = names.map(() => []);
  cells.forEach((c, k) => {
    for (const a of new Set(c.atoms)) cellsOf[index.get(a)!]!.push(k);
  });
  const upper = names.map((a) => maxOf.get(a)!);
  for (const c of cells) if (c.max < c.min) throw new Error(`oracle: ${c.key} has no value`);
  const partial = new Float64Array(cells.length);
  // remaining[k]: the largest sum the atoms of cell k not yet assigned can still add.
  const remaining = new Float64Array(cells.length);
  cells.forEach((c, k) => {
    for (const a of new Set(c.atoms)) remaining[k]! += upper[index.get(a)!]!;
  });
  const low = new Float64Array(cells.length).fill(Number.POSITIVE_INFINITY);
  const high = new Float64Array(cells.length).fill(Number.NEGATIVE_INFINITY);
  const maxNodes = options.maxNodes ?? 5_000_000;
  let nodes = 0;
  let complete = true;
  const assigned = new Uint8Array(names.length);
  const range = (i: number): [number, number] => {
    let from = 0;
    let to = upper[i]!;
    for (const k of cellsOf[i]!) {
      const c = cells[k]!;
      to = Math.min(to, c.max - partial[k]!);
      from = Math.max(from, c.min - partial[k]! - (remaining[k]! - upper[i]!));
    }
    return [from, to];
  };
  // Depth-first search for one table consistent with everything, always on the atom with the fewest values left
  // (forced ones first); each table found widens every cell's interval.
  const found = (depth: number): boolean => {
    if (nodes++ > maxNodes) {
      complete = false;
      return false;
    }
    if (depth === names.length) {
      cells.forEach((_, k) => {
        low[k] = Math.min(low[k]!, partial[k]!);
        high[k] = Math.max(high[k]!, partial[k]!);
      });
      return true;
    }
    let pick = -1;
    let best: [number, number] = [0, -1];
    for (let i = 0; i < names.length; i++) {
      if (assigned[i]) continue;
      const r = range(i);
      if (r[1] < r[0]) return false;
      if (pick === -1 || r[1] - r[0] < best[1] - best[0]) {
        pick = i;
        best = r;
      }
    }
    assigned[pick] = 1;
    let done = false;
    for (let v = best[0]; v <= best[1] && complete && !done; v++) {
      for (const k of cellsOf[pick]!) {
        partial[k]! += v;
        remaining[k]! -= upper[pick]!;
      }
      done = found(depth + 1);
      for (const k of cellsOf[pick]!) {
        partial[k]! -= v;
        remaining[k]! += upper[pick]!;
      }
    }
    assigned[pick] = 0;
    return done;
  };
  // Each value 1..threshold of each suppressed primary: is some consistent table holding it there?
  cells.forEach((c, k) => {
    if (c.min !== 1 || !Number.isFinite(c.max) || c.max === c.min) return;
    const { min, max } = c;
    const holds = (v: number) => {
      if (v >= low[k]! && v <= high[k]!) return true;
      c.min = v;
      c.max = v;
      const yes = found(0);
      c.min = min;
      c.max = max;
      return yes;
    };
    for (let v = min; v <= max && complete && !holds(v); v++);
    for (let v = max; v >= min && complete && !holds(v); v--);
  });
  const intervals = new Map<string, { low: number; high: number }>();
  cells.forEach((c, k) => intervals.set(c.key, { low: low[k]!, high: high[k]! }));
  return { intervals, nodes, complete };
}
