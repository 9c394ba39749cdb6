/**
 * The frozen results of a survey wave and the partnership's baselines and targets: the shapes the results engine
 * (compute.ts), the stores and the pages share. Only what a group may show is in a shown cell; a suppressed cell
 * carries no number at all (not even its count), so no page can leak one by mistake.
 */

/** A two-sided 95% confidence interval, on the statistic's own scale (points for a mean, 0-100 for a percentage). */
export interface Interval {
  low: number;
  high: number;
}

/** Why a cell shows nothing. */
export type SuppressionReason =
  /** Fewer respondents than the minimum group size. */
  | 'too_few_respondents'
  /** One of the scale's items was answered by fewer than the minimum in this group. */
  | 'too_few_item_answers'
  /** Showing it would let a smaller group be found by subtracting it from its parent (or the parent from it). */
  | 'complement';

/** One scale of one group, shown. */
export interface ShownScale {
  shown: true;
  scale: string;
  label: string;
  /** Respondents counted for this scale: at least 75% of its items answered. */
  respondents: number;
  /** Mean of the respondents' scale scores (reverse-scored items as (min + max) - x), on the item points. */
  mean: number;
  /** Standard deviation (n - 1) of the respondents' scale scores: what a Welch comparison across waves needs. */
  sd: number;
  meanCi: Interval;
  /** The scale's lowest and highest point (1-5, 1-7): charts and pages need the range. */
  pointsMin: number;
  pointsMax: number;
  /** Percent positive, 0-100 (agree and strongly agree; reverse-worded items counted on disagree). */
  percentPositive: number;
  percentPositiveCi: Interval;
  /** Which end is the good one (emotional exhaustion: low). */
  favorable: 'high' | 'low';
}

export interface SuppressedScale {
  shown: false;
  scale: string;
  label: string;
  reason: SuppressionReason;
}

export type ScaleCell = ShownScale | SuppressedScale;

export type GroupLevel = 'partnership' | 'jurisdiction' | 'unit';

/** One group of a wave's results: the jurisdiction, or one of its units. */
export interface GroupResult {
  /** `<jurisdictionId>` for the jurisdiction, `<jurisdictionId>/<unitCode>` for a unit; `partnership` for the pool. */
  groupId: string;
  level: GroupLevel;
  label: string;
  /** The group it rolls up into (absent for the top). */
  parentId?: string;
  /** False: rolled up into its parent; then no count, rate or scale is present. */
  shown: boolean;
  reason?: SuppressionReason;
  respondents?: number;
  /** Staff invited (invitation mode): known only then; present only when shown. */
  staff?: number;
  /** Respondents / staff, 0-100, with a Wilson interval (finite-population corrected). */
  responseRate?: number;
  responseRateCi?: Interval;
  scales: ScaleCell[];
}

/**
 * Per scale, what pooling across jurisdictions and comparing waves need, of the jurisdiction level only and only
 * when that level is shown: sums, never a respondent's values. Kept with the frozen results, never rendered.
 */
export interface ScaleSums {
  scale: string;
  respondents: number;
  /** Sum and sum of squares of the respondents' scale scores. */
  sum: number;
  sumSquares: number;
  /** Percent positive's numerator and denominator as the engine pools them. */
  positive: number;
  answers: number;
}

export interface FrozenWaveResults {
  jurisdictionId: string;
  waveId: string;
  waveTitle: string;
  /** The day the wave closed (YYYY-MM-DD, UTC): the wave's place in trends. */
  closedOn: string;
  formId: string;
  formVersion: number;
  /** The minimum group size the results were protected with. */
  minGroupSize: number;
  /** When the results were computed (ISO time); they never change afterwards. */
  computedAt: string;
  /** The jurisdiction first, then its units in registry order. */
  groups: GroupResult[];
  /** Present only when the jurisdiction level is shown. */
  sums?: ScaleSums[];
}

/** Which wave of a jurisdiction is the baseline of a scale. */
export type BaselineRule = { kind: 'first_closed' } | { kind: 'chosen'; waves: Readonly<Record<string, string>> };

/** A scale's target: a change of the measure over the baseline (percentage points for percent positive). */
export interface ScaleTarget {
  scale: string;
  baseline: BaselineRule;
  measure: 'percent_positive' | 'mean';
  /** The change sought, in the measure's units, in the favorable direction (e.g. 10 = +10 points). */
  change: number;
}

export type TargetStatus = 'met_with_confidence' | 'met' | 'not_met';

/** A scale of a group against its baseline and target (only when both waves show it). */
export interface ScaleComparison {
  scale: string;
  baselineWaveId: string;
  current: number;
  baseline: number;
  /** current - baseline, with a Newcombe interval (percent positive) or a Welch t interval (mean). */
  difference: number;
  differenceCi: Interval;
  target?: { change: number; status: TargetStatus };
}
