/**
 * View models of the survey results pages, from frozen results and comparisons (pure: tested with fixtures). Every
 * number is rounded here once, and the page, its charts' descriptions and the CSV all print these same values, so a
 * download holds exactly what was shown. A group or cell that is not shown yields no number at all, whatever its
 * object carries: the view reads numbers only through `shown`.
 */
import type { FrozenWaveResults, GroupLevel, GroupResult, Interval, ScaleCell, ScaleComparison, ScaleTarget, ShownScale, SuppressionReason, TargetStatus } from '#shared/survey/results/types.ts';
import type { TrendWave } from './results-data.ts';

/** A rounded estimate with its 95% interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
  digits: number;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const estimate = (value: number, ci: Interval, digits: number): Estimate => ({ value: round(value, digits), low: round(ci.low, digits), high: round(ci.high, digits), digits });
export const fixed = (v: number, digits: number) => v.toFixed(digits);
/** `72.5% (95% CI 60.1 to 82.3)` style text of an estimate. */
export const estimateText = (e: Estimate, unit = '') => `${fixed(e.value, e.digits)}${unit} (95% CI ${fixed(e.low, e.digits)} to ${fixed(e.high, e.digits)})`;

const PERCENT_DIGITS = 1;
const MEAN_DIGITS = 2;

export interface ShownNumbers {
  respondents: number;
  percentPositive: Estimate;
  mean: Estimate;
}

export const REASON_TEXT: Record<SuppressionReason, string> = {
  too_few_respondents: 'too few respondents',
  too_few_item_answers: 'too few answers to an item',
  complement: 'would reveal a smaller group',
};

/** Why a cell shows nothing, in words (no number). */
function noteOf(cell: ScaleCell | undefined): string {
  return cell && !cell.shown ? REASON_TEXT[cell.reason] : REASON_TEXT.too_few_respondents;
}

/** One group's row of one scale: its numbers, or why there are none. */
export interface ScaleRow {
  groupId: string;
  label: string;
  level: GroupLevel;
  /** Rolled up: the parent's label (no number is shown for the group). */
  combinedWith?: string;
  /** Shown numbers; absent when the group or the cell is suppressed. */
  numbers?: ShownNumbers;
  /** Why a shown group's cell is suppressed. */
  note?: string;
}

export interface GroupSummary {
  groupId: string;
  label: string;
  level: GroupLevel;
  combinedWith?: string;
  respondents?: number;
  staff?: number;
  responseRate?: Estimate;
}

export const STATUS_LABELS: Record<TargetStatus, string> = {
  met_with_confidence: 'Met with confidence',
  met: 'Met',
  not_met: 'Not met',
};

export interface ComparisonView {
  measure: ScaleTarget['measure'];
  baselineWave: { waveId: string; title: string; closedOn: string } | undefined;
  current: number;
  baseline: number;
  difference: Estimate;
  digits: number;
  target?: { change: number; status: TargetStatus };
}

export interface TrendPoint {
  waveId: string;
  title: string;
  closedOn: string;
  current: boolean;
  numbers?: ShownNumbers;
  note?: string;
}

export interface ScaleView {
  scale: string;
  label: string;
  pointsMin: number;
  pointsMax: number;
  favorable: 'high' | 'low';
  rows: ScaleRow[];
  comparison?: ComparisonView;
  trend: TrendPoint[];
}

export interface WaveResultsView {
  jurisdictionName: string;
  wave: { waveId: string; title: string; closedOn: string; minGroupSize: number };
  groups: GroupSummary[];
  scales: ScaleView[];
}

function numbersOf(cell: ScaleCell | undefined): ShownNumbers | undefined {
  if (!cell || cell.shown !== true) return undefined;
  return { respondents: cell.respondents, percentPositive: estimate(cell.percentPositive, cell.percentPositiveCi, PERCENT_DIGITS), mean: estimate(cell.mean, cell.meanCi, MEAN_DIGITS) };
}

function labelOf(groups: readonly GroupResult[], id: string | undefined): string | undefined {
  return id === undefined ? undefined : groups.find((g) => g.groupId === id)?.label;
}

/**
 * Where a rolled-up group's respondents went: its parent, or the parent's parent when the parent was rolled up
 * too (the first shown ancestor).
 */
function combinedWith(groups: readonly GroupResult[], group: GroupResult): string | undefined {
  let parentId = group.parentId;
  for (let hops = 0; parentId !== undefined && hops < groups.length; hops++) {
    const parent = groups.find((g) => g.groupId === parentId);
    if (!parent) return undefined;
    if (parent.shown) return parent.label;
    parentId = parent.parentId;
  }
  return labelOf(groups, group.parentId);
}

export function groupSummary(groups: readonly GroupResult[], g: GroupResult): GroupSummary {
  if (!g.shown) {
    const parent = combinedWith(groups, g);
    return { groupId: g.groupId, label: g.label, level: g.level, ...(parent ? { combinedWith: parent } : {}) };
  }
  return {
    groupId: g.groupId,
    label: g.label,
    level: g.level,
    ...(g.respondents !== undefined ? { respondents: g.respondents } : {}),
    ...(g.staff !== undefined ? { staff: g.staff } : {}),
    ...(g.responseRate !== undefined && g.responseRateCi ? { responseRate: estimate(g.responseRate, g.responseRateCi, PERCENT_DIGITS) } : {}),
  };
}

/** The scales of a wave, in the order of its top group (the jurisdiction), with their range. */
function scalesOf(results: FrozenWaveResults): { scale: string; label: string; shown?: ShownScale }[] {
  const top = results.groups[0];
  const all = new Map<string, { scale: string; label: string; shown?: ShownScale }>();
  for (const g of top ? [top, ...results.groups.slice(1)] : results.groups) {
    for (const c of g.scales) {
      const known = all.get(c.scale) ?? { scale: c.scale, label: c.label };
      if (c.shown && !known.shown) known.shown = c;
      all.set(c.scale, known);
    }
  }
  return [...all.values()];
}

export function comparisonView(c: ScaleComparison | undefined, target: ScaleTarget | undefined, waves: readonly { waveId: string; waveTitle: string; closedOn: string }[]): ComparisonView | undefined {
  if (!c || !target) return undefined;
  const digits = target.measure === 'percent_positive' ? PERCENT_DIGITS : MEAN_DIGITS;
  const wave = waves.find((w) => w.waveId === c.baselineWaveId);
  return {
    measure: target.measure,
    baselineWave: wave ? { waveId: wave.waveId, title: wave.waveTitle, closedOn: wave.closedOn } : undefined,
    current: round(c.current, digits),
    baseline: round(c.baseline, digits),
    difference: estimate(c.difference, c.differenceCi, digits),
    digits,
    ...(c.target ? { target: c.target } : {}),
  };
}

/** The wave page's view: groups, and per scale its rows, its comparison with baseline and target, its trend. */
export function waveResultsView(input: {
  jurisdictionName: string;
  current: FrozenWaveResults;
  closedWaves: readonly FrozenWaveResults[];
  comparisons: readonly ScaleComparison[];
  targets: readonly ScaleTarget[];
  trend: readonly TrendWave[];
}): WaveResultsView {
  const { current } = input;
  const groups = current.groups;
  const defaultRange = { pointsMin: 1, pointsMax: 5, favorable: 'high' as const };
  const scales = scalesOf(current).map(({ scale, label, shown }): ScaleView => {
    const range = shown ? { pointsMin: shown.pointsMin, pointsMax: shown.pointsMax, favorable: shown.favorable } : defaultRange;
    const rows = groups.map((g): ScaleRow => {
      if (!g.shown) {
        const parent = combinedWith(groups, g);
        return { groupId: g.groupId, label: g.label, level: g.level, ...(parent ? { combinedWith: parent } : {}) };
      }
      const cell = g.scales.find((c) => c.scale === scale);
      const numbers = numbersOf(cell);
      return { groupId: g.groupId, label: g.label, level: g.level, ...(numbers ? { numbers } : { note: noteOf(cell) }) };
    });
    const comparison = comparisonView(
      input.comparisons.find((c) => c.scale === scale),
      input.targets.find((t) => t.scale === scale),
      input.closedWaves,
    );
    const trend = input.trend.map((w): TrendPoint => {
      const cell = w.scales.find((c) => c.scale === scale);
      const numbers = numbersOf(cell);
      return { waveId: w.waveId, title: w.title, closedOn: w.closedOn, current: w.waveId === current.waveId, ...(numbers ? { numbers } : { note: noteOf(cell) }) };
    });
    return { scale, label, ...range, rows, ...(comparison ? { comparison } : {}), trend };
  });
  return {
    jurisdictionName: input.jurisdictionName,
    wave: { waveId: current.waveId, title: current.waveTitle, closedOn: current.closedOn, minGroupSize: current.minGroupSize },
    groups: groups.map((g) => groupSummary(groups, g)),
    scales,
  };
}

/** One jurisdiction on the partnership page (or the pool row). */
export interface PartnershipRow {
  jurisdictionId: string;
  name: string;
  wave?: { waveId: string; title: string; closedOn: string };
  /** 'no_wave': no closed wave with results yet; 'suppressed': too few respondents to show. */
  status: 'shown' | 'suppressed' | 'no_wave';
  numbers?: ShownNumbers;
  note?: string;
  comparison?: ComparisonView;
}

export interface PartnershipScaleView {
  scale: string;
  label: string;
  pointsMin: number;
  pointsMax: number;
  rows: PartnershipRow[];
  pool: PartnershipRow;
}

export interface PartnershipView {
  scales: PartnershipScaleView[];
  jurisdictions: { jurisdictionId: string; name: string; wave?: { waveId: string; title: string; closedOn: string }; respondents?: number; responseRate?: Estimate; status: PartnershipRow['status'] }[];
  minGroupSize: number;
}

export interface JurisdictionLatest {
  jurisdictionId: string;
  name: string;
  latest?: FrozenWaveResults;
  closedWaves: readonly FrozenWaveResults[];
  comparisons: readonly ScaleComparison[];
}

/** The partnership page's view: each jurisdiction's latest wave at jurisdiction level only, and the pool. */
export function partnershipView(input: {
  scales: readonly { scale: string; label: string; pointsMin: number; pointsMax: number }[];
  jurisdictions: readonly JurisdictionLatest[];
  pool: GroupResult;
  targets: readonly ScaleTarget[];
  minGroupSize: number;
}): PartnershipView {
  const top = (j: JurisdictionLatest) => j.latest?.groups.find((g) => g.level === 'jurisdiction') ?? j.latest?.groups[0];
  const waveOf = (j: JurisdictionLatest) => (j.latest ? { wave: { waveId: j.latest.waveId, title: j.latest.waveTitle, closedOn: j.latest.closedOn } } : {});
  const statusOf = (j: JurisdictionLatest): PartnershipRow['status'] => (!j.latest ? 'no_wave' : top(j)?.shown ? 'shown' : 'suppressed');
  const scales = input.scales.map((s): PartnershipScaleView => {
    const rows = input.jurisdictions.map((j): PartnershipRow => {
      const status = statusOf(j);
      const g = top(j);
      const cell = g?.scales.find((c) => c.scale === s.scale);
      const numbers = status === 'shown' ? numbersOf(cell) : undefined;
      const note = status === 'no_wave' ? 'no closed wave with results yet' : numbers ? undefined : status === 'suppressed' ? REASON_TEXT[g?.reason ?? 'too_few_respondents'] : noteOf(cell);
      const comparison = status === 'shown' ? comparisonView(j.comparisons.find((c) => c.scale === s.scale), input.targets.find((t) => t.scale === s.scale), j.closedWaves) : undefined;
      return { jurisdictionId: j.jurisdictionId, name: j.name, ...waveOf(j), status, ...(numbers ? { numbers } : {}), ...(note ? { note } : {}), ...(comparison ? { comparison } : {}) };
    });
    const poolCell = input.pool.scales.find((c) => c.scale === s.scale);
    const poolNumbers = input.pool.shown ? numbersOf(poolCell) : undefined;
    const poolNote = poolNumbers ? undefined : input.pool.shown ? noteOf(poolCell) : REASON_TEXT[input.pool.reason ?? 'too_few_respondents'];
    const pool: PartnershipRow = { jurisdictionId: input.pool.groupId, name: input.pool.label, status: input.pool.shown ? 'shown' : 'suppressed', ...(poolNumbers ? { numbers: poolNumbers } : {}), ...(poolNote ? { note: poolNote } : {}) };
    return { scale: s.scale, label: s.label, pointsMin: s.pointsMin, pointsMax: s.pointsMax, rows, pool };
  });
  return {
    scales,
    minGroupSize: input.minGroupSize,
    jurisdictions: input.jurisdictions.map((j) => {
      const status = statusOf(j);
      const g = top(j);
      const summary = g && status === 'shown' ? groupSummary(j.latest!.groups, g) : undefined;
      return {
        jurisdictionId: j.jurisdictionId,
        name: j.name,
        ...waveOf(j),
        status,
        ...(summary?.respondents !== undefined ? { respondents: summary.respondents } : {}),
        ...(summary?.responseRate ? { responseRate: summary.responseRate } : {}),
      };
    }),
  };
}
