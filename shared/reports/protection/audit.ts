/**
 * The audit (docs/reports-protection.md, "The audit"): for each suppressed primary, the values the attacker cannot
 * rule out. Every value it reports is the value of the primary in some integer table consistent with everything
 * published (a witness), so a reported interval is never wider than the attacker's: the audit can only err towards
 * suppressing more. `exact` pushes each bound to the proven optimum over the primary's whole component.
 */
import { optimise, reduce, type LinkedSystem, type Reduction, type SystemCell } from './system.ts';

export interface Target {
  /** Index of the cell in the system. */
  cell: number;
  width: number;
  low: number;
  high: number;
}

/** Scopes of the local searches before the whole component: most primaries are proved within a few lines. */
const LOCAL_SCOPES = [12, 96];
/** A whole component's integer program may stop early; its best table still counts as a witness. */
const COMPONENT_TIMEOUT_MS = 500;
/**
 * Larger components are not solved whole while suppressions can still be added: a primary its local scopes cannot
 * prove counts as short, and is repaired by one more suppression (safe, if sometimes more than needed). Before a
 * primary is given up (and its table withheld), components up to LAST_RESORT_LIMIT are solved whole: half a second
 * each at 300 unknowns, spent only where it saves a table. `exact` audits solve every component whole.
 */
const COMPONENT_LIMIT = 150;
const LAST_RESORT_LIMIT = 300;
/** A local scope's integer program that branches too long stops; its best table still counts. */
const LOCAL_TIMEOUT_MS = 100;

export class Auditor {
  reduction: Reduction;
  linearPrograms = 0;
  private readonly byGroup = new Map<number, number[]>();

  constructor(
    private readonly system: LinkedSystem,
    readonly targets: Target[],
  ) {
    targets.forEach((t, i) => {
      for (const g of system.cells[t.cell]!.groups) {
        const list = this.byGroup.get(g);
        if (list) list.push(i);
        else this.byGroup.set(g, [i]);
      }
    });
    this.reduction = reduce(system);
  }

  /** Recomputes the reduction after suppressions were added (witnesses found before stay valid: see `record`). */
  refresh(): void {
    this.reduction = reduce(this.system);
    this.free.clear();
    this.short.clear();
  }

  /** Each cell's free groups under the current reduction, computed once per reduction (margins hold thousands). */
  private readonly free = new Map<SystemCell, number[]>();

  private freeGroups(cell: SystemCell): number[] {
    let free = this.free.get(cell);
    if (!free) {
      free = cell.groups.filter((g) => Number.isNaN(this.reduction.fixed[g]!));
      this.free.set(cell, free);
    }
    return free;
  }

  /**
   * Adds an integer table consistent with the release to every target's interval. A suppression added later only
   * relaxes a constraint (a shown value becomes ">= threshold + 1", which the true value meets), so a table
   * consistent with an earlier pattern stays consistent with every later one.
   */
  private record(point: ReadonlyMap<number, number>): void {
    const { truth, cells } = this.system;
    const affected = new Set<number>();
    for (const [g, v] of point) if (v !== truth[g]) for (const t of this.byGroup.get(g) ?? []) affected.add(t);
    for (const i of affected) {
      const target = this.targets[i]!;
      let value = 0;
      for (const g of cells[target.cell]!.groups) value += point.get(g) ?? truth[g]!;
      if (value < target.low) target.low = value;
      if (value > target.high) target.high = value;
    }
  }

  private scope(cell: SystemCell, cap: number): number[] {
    const { cells, groupCells } = this.system;
    const inside = new Set(this.freeGroups(cell));
    const expanded = new Set<number>();
    for (let grew = true; grew; ) {
      grew = false;
      const around = new Set<number>();
      for (const g of inside) for (const k of groupCells[g]!) if (!expanded.has(k)) around.add(k);
      const ranked = [...around].map((k) => ({ k, free: this.freeGroups(cells[k]!) })).sort((a, b) => a.free.length - b.free.length || a.k - b.k);
      for (const { k, free } of ranked) {
        expanded.add(k);
        const fresh = free.filter((g) => !inside.has(g));
        if (fresh.length === 0 || inside.size + fresh.length > cap) continue;
        for (const g of fresh) inside.add(g);
        grew = true;
      }
    }
    return [...inside].sort((a, b) => a - b);
  }

  private push(target: Target, direction: 'minimize' | 'maximize', scope: readonly number[], timeout?: number, together = false): boolean {
    const cell = this.system.cells[target.cell]!;
    let objective = [cell];
    if (together) {
      // Every target still short of its width whose free groups all lie in the scope: one table for all of them.
      const inside = new Set(scope);
      const short = new Set<number>();
      for (const g of scope) for (const t of this.byGroup.get(g) ?? []) short.add(t);
      objective = [...short]
        .sort((a, b) => a - b)
        .map((t) => this.targets[t]!)
        .filter((t) => t.high - t.low < t.width && this.freeGroups(this.system.cells[t.cell]!).every((g) => inside.has(g)))
        .map((t) => this.system.cells[t.cell]!);
      if (objective.length <= 1) return false;
    }
    const outcome = optimise(this.system, this.reduction, objective, direction, scope, { timeout });
    this.linearPrograms++;
    if (outcome.point) this.record(outcome.point);
    return outcome.optimal;
  }

  /** Targets found short under the current reduction, by what decides their interval: their groups, bounds and width. */
  private readonly short = new Set<string>();

  /** Whether the target's interval is proved at least `width` wide, searching only as far as needed. */
  passes(target: Target): boolean {
    const wide = () => target.high - target.low >= target.width;
    if (wide()) return true;
    // A twin (an earlier quarter's period and year-to-date cells hold the same atoms) has the same interval.
    const cell = this.system.cells[target.cell]!;
    const key = `${cell.groups.join(',')}|${cell.status}|${cell.threshold}|${target.width}`;
    if (this.short.has(key)) return false;
    if (this.proves(target)) return true;
    this.short.add(key);
    return false;
  }

  /**
   * The last try for a target `passes` found short and nothing more can be suppressed for: its whole component, when
   * that is larger than `passes` solves but at most LAST_RESORT_LIMIT unknowns.
   */
  passesWhole(target: Target): boolean {
    const free = this.freeGroups(this.system.cells[target.cell]!);
    if (free.length === 0) return false;
    const size = this.reduction.members[this.reduction.component[free[0]!]!]!.length;
    if (size > COMPONENT_LIMIT && size <= LAST_RESORT_LIMIT) this.exact(target, COMPONENT_TIMEOUT_MS);
    return target.high - target.low >= target.width;
  }

  private proves(target: Target): boolean {
    const cell = this.system.cells[target.cell]!;
    const wide = () => target.high - target.low >= target.width;
    const free = this.freeGroups(cell);
    if (free.length === 0) return false;
    const component = this.reduction.members[this.reduction.component[free[0]!]!]!;
    let previous = -1;
    const caps = component.length <= COMPONENT_LIMIT ? [...LOCAL_SCOPES, Number.POSITIVE_INFINITY] : LOCAL_SCOPES;
    for (const cap of caps) {
      const whole = cap >= component.length;
      const scope = whole ? component : this.scope(cell, cap);
      if (scope.length === previous) continue;
      previous = scope.length;
      for (const direction of ['maximize', 'minimize'] as const) {
        if (wide()) return true;
        if (direction === 'maximize' ? target.high >= cell.threshold : target.low <= 1) continue;
        // First push every short target of the scope at once: one program often settles several lines.
        if (!whole) this.push(target, direction, scope, LOCAL_TIMEOUT_MS, true);
        if (wide() || (direction === 'maximize' ? target.high >= cell.threshold : target.low <= 1)) continue;
        this.push(target, direction, scope, whole ? COMPONENT_TIMEOUT_MS : LOCAL_TIMEOUT_MS);
      }
      if (wide()) return true;
      if (whole) break;
    }
    return wide();
  }

  /**
   * The exact interval: each bound optimised over the target's whole component (primaries lie in 1..threshold). With
   * a timeout, the best tables found in time count (a narrower interval, never a wrong one).
   */
  exact(target: Target, timeout?: number): void {
    const cell = this.system.cells[target.cell]!;
    const free = this.freeGroups(cell);
    if (free.length === 0) return;
    const component = this.reduction.members[this.reduction.component[free[0]!]!]!;
    if (target.high < cell.threshold) this.push(target, 'maximize', component, timeout);
    if (target.low > 1) this.push(target, 'minimize', component, timeout);
  }
}
