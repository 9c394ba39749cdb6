/**
 * Small-cell protection of a release (docs/reports-protection.md): primary suppression, complementary suppression
 * per table, ledger stickiness, and an audit of the linked system that adds suppressions until every suppressed
 * primary's interval under the attacker's model is wide enough. Deterministic: the same input gives the same
 * pattern, so reruns of a period agree.
 */
import { solve, type Constraint } from 'yalps';
import { Auditor, type Target } from './audit.ts';
import { buildSystem, type LinkedSystem } from './system.ts';
import type { AuditInterval, CellStatus, LedgerCell, ProtectionResult, ProtectionTable } from './types.ts';

export type * from './types.ts';

/** The rule every published cell follows: the attacker knows it, so the audit relies on it too. */
const statusByValue = (value: number, threshold: number): CellStatus => (value >= 1 && value <= threshold ? 'primary' : 'secondary');

interface Context {
  tables: readonly ProtectionTable[];
  system: LinkedSystem;
  /** lines[t]: each line (rows with their total, then columns with theirs) as system cell indices. */
  lines: number[][][];
  /** Current cells with exactly the same atoms (a Q1 release's period and year-to-date cells): one status. */
  twins: Map<number, number[]>;
  /** links[t]: the tables of this release sharing atoms with table t (a year to date and its period). */
  links: Set<number>[];
}

function context(tables: readonly ProtectionTable[], system: LinkedSystem): Context {
  const lines: number[][][] = [];
  let k = 0;
  for (const table of tables) {
    const rows = table.cells.length + 1;
    const columns = table.columnTotals.length + 1;
    const index = Array.from({ length: rows }, () => Array.from({ length: columns }, () => k++));
    lines.push([...index, ...Array.from({ length: columns }, (_, c) => index.map((row) => row[c]!))]);
  }
  const bySet = new Map<string, number[]>();
  for (let i = 0; i < system.currentCount; i++) {
    const key = system.cells[i]!.groups.join(',');
    const list = bySet.get(key);
    if (list) list.push(i);
    else bySet.set(key, [i]);
  }
  const twins = new Map<number, number[]>();
  for (const list of bySet.values()) if (list.length > 1) for (const i of list) twins.set(i, list);
  const links = tables.map(() => new Set<number>());
  for (const cellsOfGroup of system.groupCells) {
    const inGroup = new Set<number>();
    for (const k of cellsOfGroup) if (k < system.currentCount) inGroup.add(system.cells[k]!.table);
    for (const t of inGroup) for (const u of inGroup) if (t !== u) links[t]!.add(u);
  }
  return { tables, system, lines, twins, links };
}

function suppress(ctx: Context, k: number): void {
  for (const i of ctx.twins.get(k) ?? [k]) {
    const cell = ctx.system.cells[i]!;
    if (cell.status === 'shown' && cell.value > 0) cell.status = statusByValue(cell.value, cell.threshold);
  }
}

const eligible = (ctx: Context, k: number) => {
  const cell = ctx.system.cells[k]!;
  return cell.status === 'shown' && cell.value > 0;
};

/**
 * Linked to a suppression elsewhere: the cell at the same place of another table sharing its atoms (the period's
 * and the year to date's) is suppressed, or an earlier release suppressed a cell of the same id. Margins merely
 * holding a suppressed cell's atoms do not count: every total would.
 */
function linked(ctx: Context, k: number): boolean {
  const { cells, groupCells } = ctx.system;
  const cell = cells[k]!;
  for (const g of cell.groups) {
    for (const other of groupCells[g]!) {
      const o = cells[other]!;
      if (o.status === 'shown') continue;
      if (o.table === -1 ? o.id === cell.id : o.table !== cell.table && o.row === cell.row && o.column === cell.column) return true;
    }
  }
  return false;
}

/**
 * Complementary suppression within each table: no line with exactly one suppressed cell, and no line whose
 * suppressed cells sum to the threshold or less. The complement is a shown, non-zero cell of the line: one linked to
 * a suppression elsewhere first, then the smallest. Runs until no table changes (twins cross tables).
 */
function completeLines(ctx: Context): void {
  const { cells } = ctx.system;
  for (let changed = true; changed; ) {
    changed = false;
    ctx.tables.forEach((table, t) => {
      for (let again = true; again; ) {
        again = false;
        for (const line of ctx.lines[t]!) {
          let count = 0;
          let sum = 0;
          for (const k of line) {
            if (cells[k]!.status === 'shown') continue;
            count++;
            sum += cells[k]!.value;
          }
          if (count === 0 || (count > 1 && sum > table.threshold)) continue;
          const candidates = line.filter((k) => eligible(ctx, k));
          if (candidates.length === 0) continue;
          const rank = candidates.map((k) => ({ k, linked: linked(ctx, k) ? 0 : 1, value: cells[k]!.value }));
          rank.sort((a, b) => a.linked - b.linked || a.value - b.value || a.k - b.k);
          suppress(ctx, rank[0]!.k);
          again = true;
          changed = true;
        }
      }
    });
  }
}

/** Targets of the audit: this release's suppressed primaries, and unrevised ledger primaries sharing atoms with it. */
function targetsOf(ctx: Context): Target[] {
  const { cells, groupCells, currentCount } = ctx.system;
  const targets: Target[] = [];
  cells.forEach((cell, k) => {
    if (cell.status !== 'primary') return;
    let width = 0;
    if (k < currentCount) width = ctx.tables[cell.table]!.minIntervalWidth;
    else {
      for (const g of cell.groups) for (const other of groupCells[g]!) if (other < currentCount) width = Math.max(width, ctx.tables[cells[other]!.table]!.minIntervalWidth);
      if (width === 0) return;
    }
    targets.push({ cell: k, width, low: cell.value, high: cell.value });
  });
  return targets;
}

/** Shown non-zero cells of this release that could widen the target: first those on its lines or sharing its atoms. */
function complements(ctx: Context, target: Target): number[][] {
  const { cells, groupCells, currentCount } = ctx.system;
  const cell = cells[target.cell]!;
  const near = new Set<number>();
  const tables = new Set<number>();
  if (cell.table >= 0) {
    tables.add(cell.table);
    for (const line of ctx.lines[cell.table]!) if (line.includes(target.cell)) for (const k of line) near.add(k);
  }
  for (const g of cell.groups) {
    for (const k of groupCells[g]!) {
      if (k >= currentCount) continue;
      near.add(k);
      tables.add(cells[k]!.table);
    }
  }
  // The fallback reaches every table linked to those through shared atoms (a year to date links its period).
  for (const t of tables) for (const u of ctx.links[t]!) tables.add(u);
  const byValue = (a: number, b: number) => cells[a]!.value - cells[b]!.value || a - b;
  const first = [...near].filter((k) => eligible(ctx, k)).sort(byValue);
  const rest: number[] = [];
  for (const t of [...tables].sort((a, b) => a - b)) for (const line of ctx.lines[t]!.slice(0, ctx.tables[t]!.cells.length + 1)) for (const k of line) if (!near.has(k) && eligible(ctx, k)) rest.push(k);
  return [first, rest.sort(byValue)];
}

/**
 * Whether the rule alone pins the target, whatever else is suppressed: with every non-zero cell of its lines
 * suppressed (bounds 1..threshold or >= threshold + 1, zeros still shown) and every other constraint dropped, the
 * linear relaxation's interval, rounded inward, is still narrower than the width. Dropping constraints and relaxing
 * integrality only widen an interval, so this proves no further suppression can help (a line of ones under a
 * suppressed total at most the threshold: each one is 1 up to threshold - (count - 1)).
 */
function pinnedByRule(ctx: Context, target: Target): boolean {
  const { cells } = ctx.system;
  const cell = cells[target.cell]!;
  if (cell.table < 0) return false;
  const around = new Set<number>();
  for (const line of ctx.lines[cell.table]!) if (line.includes(target.cell)) for (const k of line) around.add(k);
  const constraints: [number, Constraint][] = [...around].map((k) => {
    const { value, threshold } = cells[k]!;
    return [k, value === 0 ? { equal: 0 } : value <= threshold ? { min: 1, max: threshold } : { min: threshold + 1 }];
  });
  const groups = new Set([...around].flatMap((k) => cells[k]!.groups));
  const inside = new Set(cell.groups);
  const OBJECTIVE = -1;
  const variables = [...groups].map((g): [number, [number, number][]] => [g, [...[...around].filter((k) => cells[k]!.groups.includes(g)).map((k): [number, number] => [k, 1]), ...(inside.has(g) ? [[OBJECTIVE, 1] as [number, number]] : [])]]);
  const bound = (direction: 'minimize' | 'maximize') => solve({ direction, objective: OBJECTIVE, constraints, variables }).result;
  const low = Math.ceil(bound('minimize') - 1e-6);
  const high = Math.floor(bound('maximize') + 1e-6);
  return high - low < target.width;
}

function applyStatus(ctx: Context, status: ReadonlyMap<string, CellStatus>): void {
  for (let k = 0; k < ctx.system.currentCount; k++) {
    const cell = ctx.system.cells[k]!;
    const given = status.get(cell.id) ?? 'shown';
    const rule = cell.value >= 1 && cell.value <= cell.threshold ? 'primary' : given === 'shown' ? 'shown' : 'secondary';
    if (given !== rule || (given === 'secondary' && cell.value === 0)) throw new Error(`protection: cell ${cell.id} is ${given} but the rule makes it ${rule === 'secondary' ? 'shown or secondary (never a zero)' : rule}`);
    cell.status = given;
  }
}

const intervals = (ctx: Context, targets: readonly Target[]): AuditInterval[] => targets.map((t) => ({ cellId: ctx.system.cells[t.cell]!.key, value: ctx.system.cells[t.cell]!.value, low: t.low, high: t.high }));

export interface ReleaseAudit {
  audit: AuditInterval[];
  /** Primaries whose interval is narrower than their table's minIntervalWidth. */
  failing: string[];
  revised: string[];
  linearPrograms: number;
}

/**
 * Recomputes the attacker's interval for every suppressed primary of a release (and every unrevised ledger primary
 * sharing atoms with it) under the pattern `status` (cells not in it are shown). `exact` (the default) optimises
 * each bound over the primary's whole component; `exact: false` stops as soon as each interval is proved wide
 * enough, as the engine does, and reports the narrower interval it proved. Throws when the pattern breaks the rule
 * the attacker relies on (a primary shown, a zero suppressed).
 */
export function auditRelease(tables: readonly ProtectionTable[], atoms: ReadonlyMap<string, number>, ledger: readonly LedgerCell[], status: ReadonlyMap<string, CellStatus>, options: { exact?: boolean } = {}): ReleaseAudit {
  const system = buildSystem(tables, atoms, ledger);
  const ctx = context(tables, system);
  applyStatus(ctx, status);
  const auditor = new Auditor(system, targetsOf(ctx));
  const failing: string[] = [];
  for (const target of auditor.targets) {
    if (options.exact ?? true) auditor.exact(target);
    else auditor.passes(target);
    if (target.high - target.low < target.width) failing.push(system.cells[target.cell]!.key);
  }
  return { audit: intervals(ctx, auditor.targets), failing, revised: system.revised, linearPrograms: auditor.linearPrograms };
}

/**
 * Linked spans: the smallest cell of this release that holds every atom of a cell an earlier release suppressed, and
 * more (the year to date's cell at the same place), shown beside this period's cell would give the earlier one away
 * by subtraction. Suppressed up front: the audit would find each case too, but one primary and one round at a time.
 */
function suppressLinkedSpans(ctx: Context): void {
  const { cells, currentCount, groupCells } = ctx.system;
  // A cell this release publishes again (a rerun of the period) is kept by stickiness, not by a larger cell.
  const republished = new Set<string>();
  for (let k = 0; k < currentCount; k++) republished.add(cells[k]!.groups.join(','));
  for (let l = currentCount; l < cells.length; l++) {
    const earlier = cells[l]!;
    if (earlier.status === 'shown' || earlier.groups.length === 0 || republished.has(earlier.groups.join(','))) continue;
    let smallest = Infinity;
    let found: number[] = [];
    for (const k of groupCells[earlier.groups[0]!]!) {
      if (k >= currentCount) continue;
      const groups = cells[k]!.groups;
      if (groups.length <= earlier.groups.length || groups.length > smallest) continue;
      const holds = new Set(groups);
      if (!earlier.groups.every((g) => holds.has(g))) continue;
      if (groups.length < smallest) {
        smallest = groups.length;
        found = [];
      }
      found.push(k);
    }
    for (const k of found) if (eligible(ctx, k)) suppress(ctx, k);
  }
}

/**
 * The tables to hold back for the unprotected primaries (`ProtectionResult.withheld`). An earlier release's primary
 * keeps the interval it was published with once no table of this release shares atoms with it, directly or through
 * cells of the ledger: so the search walks atoms through ledger cells only, collecting the tables of this release it
 * meets (a quarter's year to date; with monthly releases in the ledger, the quarter's period too).
 */
function withheldTables(ctx: Context, unprotected: readonly string[]): string[] {
  const { cells, groupCells, currentCount } = ctx.system;
  const index = new Map(cells.map((cell, k) => [cell.key, k]));
  const tables = new Set<number>();
  const seenGroups = new Set<number>();
  const seenCells = new Set<number>();
  for (const key of unprotected) {
    const start = index.get(key)!;
    if (start < currentCount) {
      tables.add(cells[start]!.table);
      continue;
    }
    const queue = [start];
    seenCells.add(start);
    while (queue.length > 0) {
      const k = queue.pop()!;
      for (const g of cells[k]!.groups) {
        if (seenGroups.has(g)) continue;
        seenGroups.add(g);
        for (const other of groupCells[g]!) {
          if (other < currentCount) tables.add(cells[other]!.table);
          else if (!seenCells.has(other)) {
            seenCells.add(other);
            queue.push(other);
          }
        }
      }
    }
  }
  return [...tables].sort((a, b) => a - b).map((t) => ctx.tables[t]!.id);
}

/**
 * Protects a release: see docs/reports-protection.md. Terminates: each round of the audit loop suppresses at least
 * one more cell of a finite release, or gives the primary up (`unprotected`) when the rule alone pins it or once
 * every shown non-zero cell of its linked tables is suppressed.
 */
export function protect(tables: readonly ProtectionTable[], atoms: ReadonlyMap<string, number>, ledger: readonly LedgerCell[]): ProtectionResult {
  const system = buildSystem(tables, atoms, ledger);
  const ctx = context(tables, system);
  const { cells, currentCount } = system;
  // Primaries, then what earlier releases suppressed and still holds the same value (stickiness).
  for (let k = 0; k < currentCount; k++) if (cells[k]!.value >= 1 && cells[k]!.value <= cells[k]!.threshold) suppress(ctx, k);
  const stickyValue = new Map<string, number[]>();
  for (let k = currentCount; k < cells.length; k++) if (cells[k]!.status !== 'shown') (stickyValue.get(cells[k]!.id) ?? stickyValue.set(cells[k]!.id, []).get(cells[k]!.id)!).push(cells[k]!.value);
  for (let k = 0; k < currentCount; k++) if (stickyValue.get(cells[k]!.id)?.includes(cells[k]!.value)) suppress(ctx, k);
  suppressLinkedSpans(ctx);
  completeLines(ctx);

  const auditor = new Auditor(system, targetsOf(ctx));
  const unprotected: string[] = [];
  let pending: Target[] = [];
  for (const target of auditor.targets) {
    if (auditor.passes(target)) continue;
    auditor.linearPrograms += 2;
    if (pinnedByRule(ctx, target)) unprotected.push(cells[target.cell]!.key);
    else pending.push(target);
  }
  // Rounds: one more suppression for each primary still short, then the lines and the reduction once. A check
  // against the reduction of the round before only sees less freedom than there is: still safe.
  const exhausted = new Set<Target>();
  while (pending.length > 0) {
    const next: Target[] = [];
    for (const target of pending) {
      if (auditor.passes(target)) continue;
      const [first, rest] = complements(ctx, target);
      const pick = first![0] ?? rest![0];
      if (pick === undefined) {
        // Nothing left to suppress: given up once checked against this round's suppressions too, and then with
        // its whole component solved where that is affordable.
        if (exhausted.has(target)) {
          if (!auditor.passesWhole(target)) unprotected.push(cells[target.cell]!.key);
        } else {
          exhausted.add(target);
          next.push(target);
        }
        continue;
      }
      suppress(ctx, pick);
      next.push(target);
    }
    completeLines(ctx);
    auditor.refresh();
    pending = next;
  }

  const status = new Map<string, CellStatus>();
  const values = new Map<string, number>();
  const withheld = withheldTables(ctx, unprotected);
  let primary = 0;
  let secondary = 0;
  for (let k = 0; k < currentCount; k++) {
    const cell = cells[k]!;
    status.set(cell.id, cell.status);
    values.set(cell.id, cell.value);
    if (cell.status === 'primary') primary++;
    if (cell.status === 'secondary') secondary++;
  }
  return { status, values, audit: intervals(ctx, auditor.targets), revised: system.revised, unprotected, withheld, stats: { primary, secondary, linearPrograms: auditor.linearPrograms } };
}
