import { describe, expect, it } from 'vitest';
import { computeWaveResults, type SurveyUnit } from '#shared/survey/results/compute.ts';
import type { FrozenWaveResults, GroupResult, ShownScale } from '#shared/survey/results/types.ts';
import { answers, resultsForm, WAVE } from './fixtures.ts';

const compute = (units: SurveyUnit[], responses: Record<string, unknown>[], minGroupSize = 5, staffCounts?: Record<string, number>): FrozenWaveResults =>
  computeWaveResults({
    definition: resultsForm,
    jurisdictionId: 'ky-dcbs',
    jurisdictionLabel: 'Kentucky',
    units,
    responses,
    minGroupSize,
    wave: WAVE,
    computedAt: '2027-04-01T12:00:00.000Z',
    ...(staffCounts ? { staffCounts } : {}),
  });
const times = (n: number, unit: string | undefined, value = 4) => Array.from({ length: n }, () => answers(unit, value));
const group = (r: FrozenWaveResults, code?: string): GroupResult => r.groups.find((g) => g.groupId === (code ? `ky-dcbs/${code}` : 'ky-dcbs'))!;
const scale = (g: GroupResult, name: string) => g.scales.find((s) => s.scale === name)!;

describe('wave results: numbers', () => {
  it('computes mean, standard deviation, percent positive and intervals by hand-checked values', () => {
    // up: all 5 keys to 5,5,5,1 (u4 reversed) = 4 with 3 positive; all 1 keys to 1,1,1,5 = 2 with 1; all 3 = 3 with 0.
    // down (low favorable: positive at 1-2): all 5 = 5 with 0; all 1 = 1 with 3; all 3 = 3 with 0.
    const r = compute([{ code: 'a', label: 'A' }], [answers('a', 5), answers('a', 1), answers('a', 3)], 3);
    const up = scale(group(r, 'a'), 'up') as ShownScale;
    expect(up).toMatchObject({ shown: true, respondents: 3, mean: 3, sd: 1, pointsMin: 1, pointsMax: 5, favorable: 'high' });
    expect(up.percentPositive).toBeCloseTo(100 / 3, 10);
    // t(0.975, 2) = 4.302653: 3 ± 4.302653 / sqrt(3).
    expect(up.meanCi.low).toBeCloseTo(3 - 4.302653 / Math.sqrt(3), 5);
    expect(up.meanCi.high).toBeCloseTo(3 + 4.302653 / Math.sqrt(3), 5);
    // Wilson with n = 3 respondents (not 12 answers) at p = 1/3.
    const z = 1.959963984540054;
    const centre = (1 / 3 + (z * z) / 6) / (1 + (z * z) / 3);
    const half = (z * Math.sqrt((1 / 3) * (2 / 3) / 3 + (z * z) / 36)) / (1 + (z * z) / 3);
    expect(up.percentPositiveCi.low).toBeCloseTo(100 * (centre - half), 8);
    expect(up.percentPositiveCi.high).toBeCloseTo(100 * (centre + half), 8);
    const down = scale(group(r, 'a'), 'down') as ShownScale;
    expect(down).toMatchObject({ respondents: 3, mean: 3, sd: 2, favorable: 'low' });
    expect(down.percentPositive).toBeCloseTo(100 / 3, 10);
    expect(group(r)).toMatchObject({ shown: true, respondents: 3, level: 'jurisdiction', label: 'Kentucky' });
    expect(group(r)).not.toHaveProperty('responseRate');
  });

  it('counts a scale only with 75% of its items answered, even where the form asks for fewer', () => {
    const r = compute(
      [{ code: 'a', label: 'A' }],
      [
        ...times(10, 'a'),
        ...Array.from({ length: 3 }, () => answers('a', 4, { u1: undefined, u2: undefined })), // up 2 of 4: not counted
        ...Array.from({ length: 3 }, () => answers('a', 4, { d1: undefined })), // down 2 of 3: the form's minAnswered is 2, 75% of 3 is 3: not counted
        ...Array.from({ length: 3 }, () => answers('a', 4, { u1: undefined })), // up 3 of 4: counted
      ],
      3,
    );
    expect(group(r, 'a').respondents).toBe(19);
    // up: 4,4,4 and u4 = 4 reversed to 2 -> 3.5 with 3 positive; without u1 -> 10/3 with 2 positive.
    // down: 4 keys to 4, never positive on a low-favorable scale (positive is 1-2).
    expect(r.sums).toEqual([
      { scale: 'up', respondents: 16, sum: expect.closeTo(13 * 3.5 + 10, 10), sumSquares: expect.closeTo(13 * 3.5 ** 2 + 3 * (10 / 3) ** 2, 10), positive: 13 * 3 + 3 * 2, answers: 13 * 4 + 3 * 3 },
      { scale: 'down', respondents: 16, sum: 64, sumSquares: 256, positive: 0, answers: 48 },
    ]);
  });

  it('suppresses a scale when the group minus its scale respondents would single out fewer than the minimum', () => {
    const r = compute([{ code: 'a', label: 'A' }], [...times(6, 'a'), ...Array.from({ length: 2 }, () => answers('a', 4, { d1: undefined, d2: undefined }))], 3);
    expect(group(r, 'a').respondents).toBe(8);
    expect(scale(group(r, 'a'), 'up')).toMatchObject({ shown: true, respondents: 8 });
    expect(scale(group(r, 'a'), 'down')).toEqual({ shown: false, scale: 'down', label: 'Down scale', reason: 'complement' });
    expect(r.sums?.map((x) => x.scale)).toEqual(['up']);
  });

  it('finite-population corrects with staff counts and gives the response rate (a census: zero width)', () => {
    const r = compute([{ code: 'a', label: 'A' }], [answers('a', 5), answers('a', 1), answers('a', 3)], 3, { a: 4 });
    const a = group(r, 'a');
    expect(a).toMatchObject({ staff: 4, responseRate: 75, responseRateCi: { low: 75, high: 75 } });
    const up = scale(a, 'up') as ShownScale;
    // f = (4 - 3) / (4 - 1) = 1/3.
    expect(up.meanCi.high - 3).toBeCloseTo((4.302653 / Math.sqrt(3)) * Math.sqrt(1 / 3), 5);
    // A staff list smaller than its answers is no population: neither rate nor correction.
    const wrong = compute([{ code: 'a', label: 'A' }], times(6, 'a'), 3, { a: 4 });
    expect(group(wrong, 'a')).not.toHaveProperty('staff');
    expect(group(wrong, 'a')).not.toHaveProperty('responseRate');
  });

  it("sums a unit's staff and respondents over its descendants; unknown units count at the jurisdiction only", () => {
    const units = [
      { code: 'child', label: 'Child', parent: 'parent' },
      { code: 'parent', label: 'Parent' },
    ];
    const r = compute(units, [...times(5, 'child'), ...times(5, 'parent'), ...times(5, 'gone'), ...times(5, undefined)], 5, { child: 10, parent: 5, gone: 6 });
    expect(group(r, 'parent')).toMatchObject({ shown: true, respondents: 10, staff: 15, parentId: 'ky-dcbs' });
    expect(group(r, 'child')).toMatchObject({ shown: true, respondents: 5, staff: 10, parentId: 'ky-dcbs/parent' });
    expect(group(r)).toMatchObject({ shown: true, respondents: 20, staff: 21 });
    // Registry order is kept: the jurisdiction first, then the units as listed.
    expect(r.groups.map((g) => g.groupId)).toEqual(['ky-dcbs', 'ky-dcbs/child', 'ky-dcbs/parent']);
  });

  it('refuses a unit cycle, a unit listed twice, and a minimum group below 3', () => {
    expect(() => compute([{ code: 'a', label: 'A', parent: 'b' }, { code: 'b', label: 'B', parent: 'a' }], [])).toThrow(/cycle/);
    expect(() => compute([{ code: 'a', label: 'A' }, { code: 'a', label: 'A again' }], [])).toThrow(/twice/);
    expect(() => compute([], [], 2)).toThrow(/at least 3/);
  });
});

describe('wave results: protection', () => {
  it('rolls up by the rule of difference (Ennova): 7 and 2 under 9, so both roll up', () => {
    const units = [
      { code: 'p', label: 'Parent' },
      { code: 'seven', label: 'Seven', parent: 'p' },
      { code: 'two', label: 'Two', parent: 'p' },
      { code: 'q', label: 'Other' },
    ];
    const r = compute(units, [...times(7, 'seven'), ...times(2, 'two'), ...times(6, 'q')]);
    expect(group(r, 'two')).toEqual({ groupId: 'ky-dcbs/two', level: 'unit', label: 'Two', parentId: 'ky-dcbs/p', shown: false, reason: 'too_few_respondents', scales: [] });
    // Showing 7 under a parent of 9 would show the 2 by subtraction.
    expect(group(r, 'seven')).toEqual({ groupId: 'ky-dcbs/seven', level: 'unit', label: 'Seven', parentId: 'ky-dcbs/p', shown: false, reason: 'complement', scales: [] });
    expect(group(r, 'p')).toMatchObject({ shown: true, respondents: 9 });
    expect(group(r, 'q')).toMatchObject({ shown: true, respondents: 6 });
    expect(group(r)).toMatchObject({ shown: true, respondents: 15 });
  });

  it('rolls up the smallest child first, then the next, until the remainder is 0 or at least the minimum', () => {
    // Jurisdiction 23 = 8 + 6 + 5 + 4 (unknown unit). Remainder 4: roll up 5 (smallest) -> 9: fine.
    const units = ['a', 'b', 'c'].map((code) => ({ code, label: code.toUpperCase() }));
    const r = compute(units, [...times(8, 'a'), ...times(6, 'b'), ...times(5, 'c'), ...times(4, 'elsewhere')]);
    expect(r.groups.map((g) => [g.groupId, g.shown, g.reason])).toEqual([
      ['ky-dcbs', true, undefined],
      ['ky-dcbs/a', true, undefined],
      ['ky-dcbs/b', true, undefined],
      ['ky-dcbs/c', false, 'complement'],
    ]);
    // Equal sizes: the earlier in registry order rolls up first.
    const tie = compute(units, [...times(5, 'a'), ...times(5, 'b'), ...times(5, 'c'), ...times(1, 'elsewhere')]);
    expect(tie.groups.map((g) => g.shown)).toEqual([true, false, true, true]);
  });

  it('suppresses a scale whose item was answered by too few, and keeps per-scale remainders', () => {
    // 6 respondents all count for 'up' (3 of 4 items is enough); u2 needs 5 answers among them.
    const a = [...times(5, 'a'), answers('a', 4, { u2: undefined })];
    const r1 = compute([{ code: 'a', label: 'A' }], a);
    expect(scale(group(r1, 'a'), 'up')).toMatchObject({ shown: true, respondents: 6 });
    const b = [...times(4, 'a'), ...Array.from({ length: 2 }, () => answers('a', 4, { u2: undefined }))];
    expect(scale(group(compute([{ code: 'a', label: 'A' }], b), 'a'), 'up')).toEqual({ shown: false, scale: 'up', label: 'Up scale', reason: 'too_few_item_answers' });

    // Per scale: units x (6) and y (6) answer everything; at the jurisdiction (an unknown unit) 2 more answered only
    // 'up' and 5 more too little of either. The down remainder is 0, but up's is 2: one up cell rolls up.
    const units = [{ code: 'x', label: 'X' }, { code: 'y', label: 'Y' }];
    const noDown = { d1: undefined, d2: undefined, d3: undefined };
    const r2 = compute(units, [...times(6, 'x'), ...times(6, 'y'), ...Array.from({ length: 2 }, () => answers('z', 4, noDown)), ...Array.from({ length: 5 }, () => answers('z', 4, { ...noDown, u1: undefined, u2: undefined }))]);
    // Jurisdiction 19: up 14 (6 + 6 + 2), down 12. Cross-measure: 19 - 14 = 5 and 19 - 12 = 7: both fine.
    expect(scale(group(r2), 'up')).toMatchObject({ shown: true, respondents: 14 });
    expect(scale(group(r2), 'down')).toMatchObject({ shown: true, respondents: 12 });
    // up: 14 - 6 - 6 = 2 -> roll up x (tie, earlier); then 14 - 6 = 8 fine. down: 12 - 12 = 0.
    expect(scale(group(r2, 'x'), 'up')).toMatchObject({ shown: false, reason: 'complement' });
    expect(scale(group(r2, 'y'), 'up')).toMatchObject({ shown: true, respondents: 6 });
    expect(scale(group(r2, 'x'), 'down')).toMatchObject({ shown: true, respondents: 6 });
    expect(r2.sums?.map((s) => s.scale)).toEqual(['up', 'down']);
  });

  it("hides a scale whose respondents all sit in one sub-group that hides it for its skippers (rule 4)", () => {
    // Unit u: 8 respondents, 2 skip 'down' (8 - 6 = 2 < 3: hidden there). The jurisdiction adds 4 who answered
    // nothing: 12 - 6 = 6 passes its own check, but its 6 'down' respondents are exactly u's, and u shows 8.
    const noDown = { d1: undefined, d2: undefined, d3: undefined };
    const blank = Object.fromEntries(['u1', 'u2', 'u3', 'u4', 'd1', 'd2', 'd3'].map((k) => [k, undefined]));
    const r = compute([{ code: 'u', label: 'U' }], [...times(6, 'u'), ...Array.from({ length: 2 }, () => answers('u', 4, noDown)), ...Array.from({ length: 4 }, () => answers(undefined, 4, blank))], 3);
    expect(scale(group(r, 'u'), 'down')).toMatchObject({ shown: false, reason: 'complement' });
    expect(scale(group(r), 'down')).toMatchObject({ shown: false, reason: 'complement' });
    expect(group(r, 'u')).toMatchObject({ shown: true, respondents: 8 });
  });

  it('rolls up a scale cell when the skippers left over at its parent would be too few (rule 5)', () => {
    // x: 10, 7 answer 'down' (3 skip: fine for x). Jurisdiction's own: 7, 5 answer 'down' (2 skip).
    // Jurisdiction: 17 - 12 = 5 skippers, 12 - 7 = 5 'down' respondents outside x: fine; but 5 - 3 = 2 skippers
    // outside x: showing x's cell would give the jurisdiction's own 2 skippers away. x's 'down' rolls up.
    const noDown = { d1: undefined, d2: undefined, d3: undefined };
    const r = compute(
      [{ code: 'x', label: 'X' }],
      [...times(7, 'x'), ...Array.from({ length: 3 }, () => answers('x', 4, noDown)), ...times(5, 'elsewhere'), ...Array.from({ length: 2 }, () => answers('elsewhere', 4, noDown))],
      3,
    );
    expect(scale(group(r, 'x'), 'down')).toMatchObject({ shown: false, reason: 'complement' });
    expect(scale(group(r), 'down')).toMatchObject({ shown: true, respondents: 12 });
    expect(scale(group(r, 'x'), 'up')).toMatchObject({ shown: true, respondents: 10 });
  });

  it('shows nothing, and keeps no sums, when the jurisdiction has too few respondents', () => {
    const r = compute([{ code: 'a', label: 'A' }], times(4, 'a'));
    expect(r.groups.every((g) => !g.shown)).toBe(true);
    expect(r).not.toHaveProperty('sums');
    expect(JSON.stringify(r.groups)).not.toMatch(/"(respondents|mean|percentPositive|staff|responseRate)"/);
  });
});
