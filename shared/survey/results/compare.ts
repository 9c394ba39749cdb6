/**
 * Frozen results against baselines and targets, pooled across the partnership, and over time. Pure, and built only
 * from numbers that were shown: a comparison needs the scale shown in both waves, and the partnership pool adds up
 * the `sums` of jurisdictions whose jurisdiction level (and that scale) was shown, so no hidden respondent ever
 * contributes to a compared or pooled number.
 */
import type { FormDefinition } from '#forms/types.ts';
import { scaleKeying } from '#shared/forms/scores.ts';
import { shownScale } from './compute.ts';
import { newcombeDifference, welchDifference } from './stats.ts';
import type { FrozenWaveResults, GroupResult, ScaleCell, ScaleComparison, ScaleTarget, ShownScale, TargetStatus } from './types.ts';

const byClosing = (a: FrozenWaveResults, b: FrozenWaveResults) => a.closedOn.localeCompare(b.closedOn) || a.waveId.localeCompare(b.waveId);

/**
 * The baseline wave of a scale's target for a jurisdiction: its first closed wave, or the wave the partnership chose
 * for it. A chosen rule that names no wave of this jurisdiction (or a wave not closed) gives none: the admins chose
 * per jurisdiction, and guessing another wave would compare against something nobody chose.
 */
export function baselineOf(target: ScaleTarget, jurisdictionId: string, closedWaves: FrozenWaveResults[]): FrozenWaveResults | undefined {
  const own = closedWaves.filter((w) => w.jurisdictionId === jurisdictionId).sort(byClosing);
  if (target.baseline.kind === 'first_closed') return own[0];
  const chosen = target.baseline.waves[jurisdictionId];
  return chosen === undefined ? undefined : own.find((w) => w.waveId === chosen);
}

const shownCell = (results: FrozenWaveResults, groupId: string, scale: string): ShownScale | undefined => {
  const group = results.groups.find((g) => g.groupId === groupId);
  if (!group?.shown) return undefined;
  const cell = group.scales.find((c) => c.scale === scale);
  return cell?.shown ? cell : undefined;
};

function status(improvement: number, improvementLow: number, change: number): TargetStatus {
  if (improvementLow >= change) return 'met_with_confidence';
  return improvement >= change ? 'met' : 'not_met';
}

/**
 * Each target's scale of one group (default: the jurisdiction) in `current` against its baseline wave: the
 * difference current - baseline with a 95% interval, and whether the target change was reached in the favorable
 * direction ('met'), or even by the interval's low end ('met_with_confidence'). Only scales shown in both waves.
 *
 * Percent positive: Newcombe's hybrid score interval with n = the scale's respondents in each wave (not item answers:
 * one person's answers to a scale are not independent, so respondents is the honest sample size). Mean: Welch's
 * interval from each wave's mean, standard deviation and respondents. Neither uses the finite-population correction:
 * a change between waves is a change in the group's culture, not in one wave's staff list, so the wider interval is
 * the right one.
 */
export function compareToBaseline(current: FrozenWaveResults, closedWaves: FrozenWaveResults[], targets: ScaleTarget[], groupId?: string): ScaleComparison[] {
  const group = groupId ?? current.jurisdictionId;
  const out: ScaleComparison[] = [];
  for (const target of targets) {
    const baseline = baselineOf(target, current.jurisdictionId, closedWaves);
    if (!baseline || baseline.waveId === current.waveId) continue;
    const now = shownCell(current, group, target.scale);
    const then = shownCell(baseline, group, target.scale);
    if (!now || !then) continue;
    let currentValue: number;
    let baselineValue: number;
    let difference: number;
    let low: number;
    let high: number;
    if (target.measure === 'percent_positive') {
      const d = newcombeDifference(now.percentPositive / 100, now.respondents, then.percentPositive / 100, then.respondents);
      [currentValue, baselineValue, difference, low, high] = [now.percentPositive, then.percentPositive, 100 * d.difference, 100 * d.ci.low, 100 * d.ci.high];
    } else {
      const d = welchDifference(now.mean, now.sd, now.respondents, then.mean, then.sd, then.respondents);
      [currentValue, baselineValue, difference, low, high] = [now.mean, then.mean, d.difference, d.ci.low, d.ci.high];
    }
    // The target is a change in the favorable direction: a fall, for a scale whose low end is the good one.
    const favorableHigh = now.favorable === 'high';
    const improvement = favorableHigh ? difference : -difference;
    const improvementLow = favorableHigh ? low : -high;
    out.push({
      scale: target.scale,
      baselineWaveId: baseline.waveId,
      current: currentValue,
      baseline: baselineValue,
      difference,
      differenceCi: { low, high },
      target: { change: target.change, status: status(improvement, improvementLow, target.change) },
    });
  }
  return out;
}

export const PARTNERSHIP_GROUP_ID = 'partnership';

/**
 * The partnership's pooled results of each jurisdiction's latest wave: respondents of the jurisdiction levels that
 * were shown, and per scale the pooled sums of the jurisdictions that showed that scale. Every pooled number is then
 * a sum of shown numbers, each of at least the minimum group size, so the pool (and the pool minus any one
 * jurisdiction) describes no hidden group. The pool itself is shown when it reaches the minimum group size.
 * Its intervals carry no finite-population correction (the sums do not keep staff counts).
 */
export function poolJurisdictions(latest: FrozenWaveResults[], definition: FormDefinition, minGroupSize: number): GroupResult {
  const base = { groupId: PARTNERSHIP_GROUP_ID, level: 'partnership' as const, label: 'Partnership' };
  const shownTops = latest.map((w) => ({ wave: w, top: w.groups.find((g) => g.groupId === w.jurisdictionId) })).filter((x) => x.top?.shown && x.wave.sums);
  const respondents = shownTops.reduce((s, x) => s + (x.top!.respondents ?? 0), 0);
  if (respondents < minGroupSize) return { ...base, shown: false, reason: 'too_few_respondents', scales: [] };
  const scales: ScaleCell[] = (definition.scores ?? []).map((score) => {
    const keying = scaleKeying(definition, score);
    const totals = { respondents: 0, sum: 0, sumSquares: 0, positive: 0, answers: 0 };
    for (const { wave } of shownTops) {
      const s = wave.sums!.find((x) => x.scale === score.name);
      if (!s) continue;
      totals.respondents += s.respondents;
      totals.sum += s.sum;
      totals.sumSquares += s.sumSquares;
      totals.positive += s.positive;
      totals.answers += s.answers;
    }
    if (totals.respondents < minGroupSize) return { shown: false, scale: score.name, label: score.label, reason: 'too_few_respondents' };
    return shownScale(keying, totals, undefined);
  });
  return { ...base, shown: true, respondents, scales };
}

/**
 * One group's scales across a jurisdiction's closed waves, oldest first. A wave where the group was not shown gives
 * every scale as suppressed, with the group's reason, so a trend line has a gap (never a zero) there. Waves without
 * the group (a unit added later) are left out.
 */
export function trend(closedWaves: FrozenWaveResults[], groupId: string): { waveId: string; closedOn: string; title: string; scales: ScaleCell[] }[] {
  return [...closedWaves].sort(byClosing).flatMap((wave) => {
    const group = wave.groups.find((g) => g.groupId === groupId);
    if (!group) return [];
    // A hidden group lists no scales: name them from the jurisdiction's cells (none when that is hidden too).
    const scales: ScaleCell[] = group.shown
      ? group.scales
      : wave.groups[0]!.scales.map((c) => ({ shown: false, scale: c.scale, label: c.label, reason: group.reason ?? 'complement' }));
    return [{ waveId: wave.waveId, closedOn: wave.closedOn, title: wave.waveTitle, scales }];
  });
}
