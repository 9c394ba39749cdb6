import { afterEach, describe, expect, it, vi } from 'vitest';
import { baselineOf, compareToBaseline, poolJurisdictions, trend } from '#shared/survey/results/compare.ts';
import { computeWaveResults } from '#shared/survey/results/compute.ts';
import { surveyMinGroupSize } from '#shared/survey/results/settings.ts';
import { newcombeDifference, welchDifference } from '#shared/survey/results/stats.ts';
import type { FrozenWaveResults, ScaleTarget, ShownScale } from '#shared/survey/results/types.ts';
import { MIN_SURVEY_GROUP } from '#shared/policy.ts';
import { answers, resultsForm } from './fixtures.ts';

const UNITS = [{ code: 'a', label: 'A' }, { code: 'b', label: 'B' }];
function wave(jurisdictionId: string, waveId: string, closedOn: string, values: number[]): FrozenWaveResults {
  return computeWaveResults({
    definition: resultsForm,
    jurisdictionId,
    jurisdictionLabel: jurisdictionId,
    units: UNITS,
    responses: values.map((v, i) => answers(i % 2 ? 'a' : 'b', v)),
    minGroupSize: 5,
    wave: { waveId, title: `Wave ${waveId}`, closedOn, formId: 'results_test', formVersion: 1 },
    computedAt: `${closedOn}T00:00:00.000Z`,
  });
}
const cell = (w: FrozenWaveResults, scale: string) => w.groups[0]!.scales.find((s) => s.scale === scale) as ShownScale;

// Baseline: mostly neutral (3). Later: mostly agreeing (5), so 'up' improves and 'down' (low favorable) worsens.
const base = wave('ky', 'W1', '2026-04-01', [...Array(10).fill(3), 5, 5]);
const later = wave('ky', 'W2', '2027-04-01', [...Array(10).fill(5), 3, 3]);
const middle = wave('ky', 'W3', '2026-10-01', Array(12).fill(4));
const other = wave('tn', 'T1', '2026-01-01', Array(12).fill(4));
const closed = [later, other, middle, base];
const target = (measure: ScaleTarget['measure'], change: number, scale = 'up', baseline: ScaleTarget['baseline'] = { kind: 'first_closed' }): ScaleTarget => ({ scale, measure, change, baseline });

describe('baselines', () => {
  it("takes the jurisdiction's first closed wave, or the one chosen for it", () => {
    expect(baselineOf(target('mean', 0), 'ky', closed)?.waveId).toBe('W1');
    expect(baselineOf(target('mean', 0, 'up', { kind: 'chosen', waves: { ky: 'W3' } }), 'ky', closed)?.waveId).toBe('W3');
    expect(baselineOf(target('mean', 0, 'up', { kind: 'chosen', waves: { tn: 'T1' } }), 'ky', closed)).toBeUndefined();
    expect(baselineOf(target('mean', 0, 'up', { kind: 'chosen', waves: { ky: 'T1' } }), 'ky', closed)).toBeUndefined();
  });
});

describe('comparison with the baseline', () => {
  it('gives the percent positive difference with a Newcombe interval on respondents', () => {
    const [c] = compareToBaseline(later, closed, [target('percent_positive', 10)]);
    const now = cell(later, 'up');
    const then = cell(base, 'up');
    const want = newcombeDifference(now.percentPositive / 100, 12, then.percentPositive / 100, 12);
    expect(c).toMatchObject({ scale: 'up', baselineWaveId: 'W1', current: now.percentPositive, baseline: then.percentPositive });
    expect(c!.difference).toBeCloseTo(100 * want.difference, 10);
    expect(c!.differenceCi.low).toBeCloseTo(100 * want.ci.low, 10);
    expect(c!.differenceCi.high).toBeCloseTo(100 * want.ci.high, 10);
  });

  it('gives the mean difference with a Welch interval', () => {
    const [c] = compareToBaseline(later, closed, [target('mean', 0.5)]);
    const want = welchDifference(cell(later, 'up').mean, cell(later, 'up').sd, 12, cell(base, 'up').mean, cell(base, 'up').sd, 12);
    expect(c!.difference).toBeCloseTo(want.difference, 10);
    expect(c!.differenceCi).toEqual(want.ci);
  });

  it('judges the target in the favorable direction: met with confidence, met, not met', () => {
    const status = (t: ScaleTarget) => compareToBaseline(later, closed, [t])[0]!.target!.status;
    const [c] = compareToBaseline(later, closed, [target('mean', 0)]);
    expect(c!.differenceCi.low).toBeGreaterThan(0);
    expect(status(target('mean', c!.differenceCi.low))).toBe('met_with_confidence');
    expect(status(target('mean', (c!.differenceCi.low + c!.difference) / 2))).toBe('met');
    expect(status(target('mean', c!.difference))).toBe('met');
    expect(status(target('mean', c!.difference + 0.01))).toBe('not_met');
    // 'down' is favorable low and rose: its improvement is negative, whatever the size of the target.
    expect(status(target('mean', 0, 'down'))).toBe('not_met');
    const [fell] = compareToBaseline(base, [later, base], [target('mean', 0.1, 'down', { kind: 'chosen', waves: { ky: 'W2' } })]);
    expect(fell!.difference).toBeLessThan(0);
    expect(fell!.target!.status).toBe('met_with_confidence');
  });

  it('compares only scales shown in both waves, and never a wave with itself', () => {
    const small = wave('ky', 'W0', '2025-04-01', [4, 4, 4]);
    expect(compareToBaseline(later, [small, ...closed], [target('mean', 0)])).toEqual([]);
    expect(compareToBaseline(base, closed, [target('mean', 0)])).toEqual([]);
    // A unit group: shown in both waves (6 each).
    expect(compareToBaseline(later, closed, [target('mean', 0)], 'ky/a')).toHaveLength(1);
  });
});

describe('partnership pool', () => {
  it('adds up the sums of shown jurisdiction levels only', () => {
    const hidden = wave('va', 'V1', '2027-04-01', [1, 1, 1, 1]);
    expect(hidden.groups[0]!.shown).toBe(false);
    const pool = poolJurisdictions([later, other, hidden], resultsForm, 5);
    expect(pool).toMatchObject({ groupId: 'partnership', level: 'partnership', shown: true, respondents: 24 });
    const up = pool.scales.find((s) => s.scale === 'up') as ShownScale;
    expect(up.respondents).toBe(24);
    expect(up.mean).toBeCloseTo((12 * cell(later, 'up').mean + 12 * cell(other, 'up').mean) / 24, 10);
    const sums = [later, other].map((w) => w.sums!.find((s) => s.scale === 'up')!);
    expect(up.percentPositive).toBeCloseTo((100 * (sums[0]!.positive + sums[1]!.positive)) / (sums[0]!.answers + sums[1]!.answers), 10);
    expect(poolJurisdictions([hidden], resultsForm, 5)).toEqual({ groupId: 'partnership', level: 'partnership', label: 'Partnership', shown: false, reason: 'too_few_respondents', scales: [] });
  });
});

describe('trend', () => {
  it("lists a group's scales across waves, oldest first, with hidden waves as suppressed cells", () => {
    const small = wave('ky', 'W9', '2028-04-01', [...Array(5).fill(4), 4, 4]); // unit a has 3: hidden
    const points = trend([later, small, base, middle], 'ky/a');
    expect(points.map((p) => p.waveId)).toEqual(['W1', 'W3', 'W2', 'W9']);
    expect(points[0]!.scales.every((s) => s.shown)).toBe(true);
    expect(points[3]!.scales).toEqual([
      { shown: false, scale: 'up', label: 'Up scale', reason: 'too_few_respondents' },
      { shown: false, scale: 'down', label: 'Down scale', reason: 'too_few_respondents' },
    ]);
    expect(trend([later], 'ky/none')).toEqual([]);
  });
});

describe('minimum group size setting', () => {
  afterEach(() => vi.unstubAllEnvs());
  it('defaults to the policy, takes a whole number of at least 3, and refuses anything else', () => {
    vi.stubEnv('SURVEY_MIN_GROUP_SIZE', '');
    expect(surveyMinGroupSize()).toBe(MIN_SURVEY_GROUP);
    vi.stubEnv('SURVEY_MIN_GROUP_SIZE', '3');
    expect(surveyMinGroupSize()).toBe(3);
    vi.stubEnv('SURVEY_MIN_GROUP_SIZE', '10');
    expect(surveyMinGroupSize()).toBe(10);
    for (const bad of ['2', '0', '-5', '4.5', 'five', '1e1']) {
      vi.stubEnv('SURVEY_MIN_GROUP_SIZE', bad);
      expect(() => surveyMinGroupSize(), bad).toThrow(/SURVEY_MIN_GROUP_SIZE/);
    }
  });
});
