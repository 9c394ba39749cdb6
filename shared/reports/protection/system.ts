/**
 * The linked system of a release (docs/reports-protection.md, "The audit"): every cell of the release and every
 * unrevised ledger cell is a constraint on the atoms, the attacker's unknowns. This module reduces that system and
 * finds integer tables consistent with what is published, which is how intervals are proved.
 */
import { solve, type Constraint } from 'yalps';
import type { CellStatus, LedgerCell, ProtectionTable } from './types.ts';

/** A cell of the system: a cell of a table of this release, or an unrevised cell of an earlier release. */
export interface SystemCell {
  /** Current cells: the cell id. Ledger cells: `<releaseId>/<id>`. */
  key: string;
  id: string;
  /** Merged atom groups it sums (sorted, distinct). */
  groups: number[];
  value: number;
  threshold: number;
  status: CellStatus;
  /** For cells of this release: the table's index and the position in its (rows + 1) x (columns + 1) grid. */
  table: number;
  row: number;
  column: number;
}

export interface LinkedSystem {
  cells: SystemCell[];
  /** Cells of this release first (tables in order, each row by row with its margins), then the ledger's. */
  currentCount: number;
  /** The true value of each merged atom group. */
  truth: number[];
  /** groupCells[g]: the cells summing group g. */
  groupCells: number[][];
  /** Ledger cells whose value changed since they were released, as `<releaseId>/<id>`. */
  revised: string[];
}

/** The (rows + 1) x (columns + 1) grid of a table: margins in the last row and column. */
export function grid(table: ProtectionTable): { id: string; atoms: readonly string[] }[][] {
  const rows = table.cells.map((row, r) => [...row, table.rowTotals[r]!]);
  rows.push([...table.columnTotals, table.grandTotal]);
  return rows;
}

const sumOf = (atoms: readonly string[], values: ReadonlyMap<string, number>) => atoms.reduce((s, a) => s + (values.get(a) ?? 0), 0);

/**
 * Builds the system. Atoms that occur in exactly the same cells are merged into one group: only their sum can ever
 * matter to a constraint, and any non-negative integer sum splits into non-negative integer atoms, so merging loses
 * nothing, for the attacker or for the audit. The set of cells does not depend on which are suppressed, so the
 * groups stay the same while suppressions are added.
 */
export function buildSystem(tables: readonly ProtectionTable[], atoms: ReadonlyMap<string, number>, ledger: readonly LedgerCell[]): LinkedSystem {
  const raw: { key: string; id: string; atoms: readonly string[]; value: number; threshold: number; status: CellStatus; table: number; row: number; column: number }[] = [];
  const seen = new Set<string>();
  tables.forEach((table, t) => {
    grid(table).forEach((cells, r) =>
      cells.forEach((cell, c) => {
        if (seen.has(cell.id)) throw new Error(`protection: cell id ${cell.id} occurs twice in the release`);
        seen.add(cell.id);
        raw.push({ key: cell.id, id: cell.id, atoms: cell.atoms, value: sumOf(cell.atoms, atoms), threshold: table.threshold, status: 'shown', table: t, row: r, column: c });
      }),
    );
  });
  const currentCount = raw.length;
  const revised: string[] = [];
  for (const cell of ledger) {
    const key = `${cell.releaseId}/${cell.id}`;
    const now = sumOf(cell.atoms, atoms);
    // An amended record changed it: the old value constrains atoms that no longer exist as they were.
    if (now !== cell.value) {
      revised.push(key);
      continue;
    }
    raw.push({ key, id: cell.id, atoms: cell.atoms, value: cell.value, threshold: cell.threshold, status: cell.status, table: -1, row: -1, column: -1 });
  }
  // Merge atoms by the list of cells they occur in.
  const membership = new Map<string, number[]>();
  raw.forEach((cell, k) => {
    for (const atom of new Set(cell.atoms)) {
      const list = membership.get(atom);
      if (list) list.push(k);
      else membership.set(atom, [k]);
    }
  });
  const groupOf = new Map<string, number>();
  const truth: number[] = [];
  const groupCells: number[][] = [];
  const cellGroups: number[][] = raw.map(() => []);
  for (const [atom, list] of membership) {
    const signature = list.join(',');
    let g = groupOf.get(signature);
    if (g === undefined) {
      g = truth.length;
      groupOf.set(signature, g);
      truth.push(0);
      groupCells.push(list);
      for (const k of list) cellGroups[k]!.push(g);
    }
    truth[g]! += atoms.get(atom) ?? 0;
  }
  const cells: SystemCell[] = raw.map((cell, k) => ({ key: cell.key, id: cell.id, groups: cellGroups[k]!.sort((a, b) => a - b), value: cell.value, threshold: cell.threshold, status: cell.status, table: cell.table, row: cell.row, column: cell.column }));
  return { cells, currentCount, truth, groupCells, revised };
}

/** The attacker's bounds on a cell's value, from its status (docs/reports-protection.md, "Attacker model"). */
export function boundsOf(cell: SystemCell): { min: number; max: number } {
  if (cell.status === 'shown') return { min: cell.value, max: cell.value };
  if (cell.status === 'primary') return { min: 1, max: cell.threshold };
  return { min: cell.threshold + 1, max: Number.POSITIVE_INFINITY };
}

/** The reduced system under one suppression pattern: groups fixed by shown cells, and components of the rest. */
export interface Reduction {
  /** fixed[g]: the value shown cells force on group g, or NaN when it is free. */
  fixed: Float64Array;
  /** component[g] for free groups (-1 when fixed). */
  component: Int32Array;
  /** The free groups of each component, in order. */
  members: number[][];
}

/**
 * Fixes what shown cells determine: a shown cell whose free groups leave a residual of 0 forces them all to 0 (atoms
 * are >= 0), and a shown cell with one free group left fixes it. Repeats until nothing changes, then splits the free
 * groups into components (groups linked through a cell): only components holding a suppressed primary need solving.
 */
export function reduce(system: LinkedSystem): Reduction {
  const { cells, groupCells, truth } = system;
  const fixed = new Float64Array(truth.length).fill(Number.NaN);
  const freeCount = cells.map((c) => c.groups.length);
  const fixedSum = new Float64Array(cells.length);
  const queue: number[] = [];
  cells.forEach((c, k) => {
    if (c.status === 'shown') queue.push(k);
  });
  const fix = (g: number, value: number) => {
    fixed[g] = value;
    for (const k of groupCells[g]!) {
      freeCount[k]!--;
      fixedSum[k]! += value;
      if (cells[k]!.status === 'shown' && freeCount[k]! <= 1) queue.push(k);
    }
  };
  while (queue.length > 0) {
    const k = queue.pop()!;
    const cell = cells[k]!;
    if (freeCount[k] === 0) continue;
    const residual = cell.value - fixedSum[k]!;
    if (residual === 0) {
      for (const g of cell.groups) if (Number.isNaN(fixed[g]!)) fix(g, 0);
    } else if (freeCount[k] === 1) {
      const g = cell.groups.find((x) => Number.isNaN(fixed[x]!))!;
      fix(g, residual);
    }
  }
  // Union-find over free groups, through every cell that holds two or more of them.
  const parent = new Int32Array(truth.length).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (const cell of cells) {
    let first = -1;
    for (const g of cell.groups) {
      if (!Number.isNaN(fixed[g]!)) continue;
      if (first === -1) first = find(g);
      else {
        const r = find(g);
        if (r !== first) parent[Math.max(r, first)] = Math.min(r, first);
        first = Math.min(r, first);
      }
    }
  }
  const component = new Int32Array(truth.length).fill(-1);
  const members: number[][] = [];
  const index = new Map<number, number>();
  for (let g = 0; g < truth.length; g++) {
    if (!Number.isNaN(fixed[g]!)) continue;
    const root = find(g);
    let c = index.get(root);
    if (c === undefined) {
      c = members.length;
      index.set(root, c);
      members.push([]);
    }
    component[g] = c;
    members[c]!.push(g);
  }
  return { fixed, component, members };
}

export interface SolveOutcome {
  /** The optimum (or the best integer value found when the search stopped early); NaN when none was found. */
  value: number;
  /** Whether the value is the proven optimum over the restricted problem. */
  optimal: boolean;
  /** The integer table found (values of the free groups it changed), to add to the witnesses. */
  point?: Map<number, number>;
}

/**
 * Minimises or maximises a cell's value (or a sum of cells) over integer tables consistent with the release, changing only the free
 * groups in `scope` and holding every other free group at `base` (the true table). Any table it returns is
 * consistent with what is published, so its value is a value the attacker cannot rule out; with `scope` the whole
 * component and `optimal` true, it is the attacker's exact bound.
 */
export function optimise(system: LinkedSystem, reduction: Reduction, objective: readonly SystemCell[], direction: 'minimize' | 'maximize', scope: readonly number[], options: { timeout?: number }): SolveOutcome {
  const { cells, groupCells, truth } = system;
  const inScope = new Set(scope);
  // Every group outside the scope keeps its true value (fixed groups' forced value is their true value), so a
  // cell's constant part is its true value less the true values of its groups in the scope.
  const inside = new Map<number, number>();
  for (const g of scope) for (const k of groupCells[g]!) inside.set(k, (inside.get(k) ?? 0) + truth[g]!);
  const touched = [...inside.keys()].sort((a, b) => a - b);
  const constraints: [number, Constraint][] = [];
  for (const k of touched) {
    const cell = cells[k]!;
    const constant = cell.value - inside.get(k)!;
    const { min, max } = boundsOf(cell);
    constraints.push([k, Number.isFinite(max) ? { min: min - constant, max: max - constant } : { min: min - constant }]);
  }
  // The objective: the sum of the given cells (one target, or every target of the scope at once).
  const weight = new Map<number, number>();
  let constant = 0;
  for (const cell of objective) {
    for (const g of cell.groups) {
      if (inScope.has(g)) weight.set(g, (weight.get(g) ?? 0) + 1);
      else {
        const f = reduction.fixed[g]!;
        constant += Number.isNaN(f) ? truth[g]! : f;
      }
    }
  }
  const OBJECTIVE = -1;
  const variables = scope.map((g): [number, [number, number][]] => {
    const coefficients: [number, number][] = groupCells[g]!.map((k) => [k, 1]);
    const w = weight.get(g);
    if (w !== undefined) coefficients.push([OBJECTIVE, w]);
    return [g, coefficients];
  });
  const solution = solve({ direction, objective: OBJECTIVE, constraints, variables, integers: true }, { timeout: options.timeout, includeZeroVariables: true });
  if (solution.status !== 'optimal' && !(solution.status === 'timedout' && Number.isFinite(solution.result))) return { value: Number.NaN, optimal: false };
  const point = new Map<number, number>();
  for (const [g, v] of solution.variables) point.set(g, Math.round(v));
  // Guard against the solver's floating point: only a table that satisfies every constraint exactly is a witness.
  const delta = new Map<number, number>();
  for (const g of scope) {
    const change = (point.get(g) ?? 0) - truth[g]!;
    if (change !== 0) for (const k of groupCells[g]!) delta.set(k, (delta.get(k) ?? 0) + change);
  }
  for (const [k, change] of delta) {
    const { min, max } = boundsOf(cells[k]!);
    const sum = cells[k]!.value + change;
    if (sum < min || sum > max) return { value: Number.NaN, optimal: false };
  }
  let value = constant;
  for (const [g, w] of weight) value += w * (point.get(g) ?? 0);
  return { value, optimal: solution.status === 'optimal', point };
}
