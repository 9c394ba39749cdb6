import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safetyCultureSurveyV1 as survey } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { sampleSurveyResponse } from '#shared/forms/samples.ts';
import { aggregateScores, computeScores } from '#shared/forms/scores.ts';
import { validAnswers } from './arbitraries.ts';
import { TEST_CONTEXT } from './fixtures.ts';

const PS_ITEMS = ['ps_mistakes_remembered', 'ps_raise_problems', 'ps_difference_excluded', 'ps_try_new', 'ps_help_hard', 'ps_no_undermining', 'ps_skills_used'];
const all = (names: string[], value: number) => Object.fromEntries(names.map((n) => [n, value]));

describe('scale scores', () => {
  it('flips reverse-scored items before averaging and counting positives', () => {
    // Agreeing with everything: the 3 reverse-scored items count as 1 (strongly disagree with the construct).
    const score = computeScores(survey, all(PS_ITEMS, 5)).psychological_safety;
    expect(score?.mean).toBeCloseTo((4 * 5 + 3 * 1) / 7, 10);
    expect(score?.percentPositive).toBeCloseTo((100 * 4) / 7, 10);
    expect(score?.answered).toBe(7);
  });

  it('uses the 7-point scale and its top-two positive rule for safety organizing', () => {
    const answers = { so_anticipate: 6, so_expertise: 7, so_alternatives: 5, so_shared_picture: 4, so_near_misses: 6 };
    const score = computeScores(survey, answers).safety_organizing;
    expect(score?.mean).toBeCloseTo(5.6, 10);
    expect(score?.percentPositive).toBeCloseTo(60, 10);
  });

  it('counts low emotional exhaustion as the favorable answer', () => {
    const items = ['ee_used_up', 'ee_burned_out', 'ee_dread', 'ee_frustrated', 'ee_emotional_demands'];
    expect(computeScores(survey, all(items, 1)).emotional_exhaustion).toMatchObject({ mean: 1, percentPositive: 100 });
    expect(computeScores(survey, all(items, 5)).emotional_exhaustion).toMatchObject({ mean: 5, percentPositive: 0 });
  });

  it('gives no score when too few items are answered', () => {
    expect(computeScores(survey, { sc_feedback: 4, sc_know_channels: 5 }).safety_climate).toMatchObject({
      mean: null,
      percentPositive: null,
      answered: 2,
      items: 6,
    });
  });

  it('keeps every score in range for any valid response', () => {
    fc.assert(
      fc.property(validAnswers(survey, TEST_CONTEXT), (answers) => {
        for (const s of Object.values(computeScores(survey, answers))) {
          if (s.mean === null) {
            expect(s.percentPositive).toBeNull();
            continue;
          }
          expect(s.mean).toBeGreaterThanOrEqual(1);
          expect(s.mean).toBeLessThanOrEqual(s.name === 'safety_organizing' ? 7 : 5);
          expect(s.percentPositive).toBeGreaterThanOrEqual(0);
          expect(s.percentPositive).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it('mirrors the mean when every answer is mirrored (reverse scoring is symmetric)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 7, maxLength: 7 }), (values) => {
        const answers = Object.fromEntries(PS_ITEMS.map((n, i) => [n, values[i]]));
        const mirrored = Object.fromEntries(PS_ITEMS.map((n, i) => [n, 6 - (values[i] as number)]));
        const a = computeScores(survey, answers).psychological_safety?.mean as number;
        const b = computeScores(survey, mirrored).psychological_safety?.mean as number;
        expect(a + b).toBeCloseTo(6, 10);
      }),
    );
  });

  it('aggregates a group: mean of respondent means, pooled percent positive, scored respondents only', () => {
    const responses = [all(PS_ITEMS, 5), all(PS_ITEMS, 1), { ps_raise_problems: 5 }];
    const group = aggregateScores(survey, responses).psychological_safety;
    expect(group?.respondents).toBe(2);
    expect(group?.mean).toBeCloseTo(((4 * 5 + 3) / 7 + (4 + 3 * 5) / 7) / 2, 10);
    // 4 positives in the first response, 3 (the reversed items) in the second, out of 14 answers.
    expect(group?.percentPositive).toBeCloseTo((100 * 7) / 14, 10);
    expect(aggregateScores(survey, [sampleSurveyResponse('north')]).safety_climate?.respondents).toBe(1);
  });
});

// A small form whose scales differ from the survey's (a 0-6 scale listed high to low, a threshold that is not the
// top two), so that each boundary of the scoring rules is tested on its own.
const FIVE = { id: 'five', points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `P${value}` })), positiveMin: 4 } as const;
const ZERO_SIX = { id: 'zero_six', points: [6, 5, 4, 3, 2, 1, 0].map((value) => ({ value, label: `Z${value}` })), positiveMin: 5 } as const;
const TAGS = { sensitivity: 'none', deid: 'keep', role: 'scale_item' } as const;
const likert = (name: string, scale: typeof FIVE | typeof ZERO_SIX, reverseScored = false) =>
  ({ type: 'likert', name, label: `Item ${name}`, scale, reverseScored, tags: TAGS }) as const;

const scoring = {
  formId: 'scoring_test',
  version: 1,
  status: 'draft',
  title: 'Scoring boundaries',
  description: 'A test form.',
  sections: [
    {
      id: 'items',
      title: 'Items',
      fields: [likert('a1', FIVE), likert('a2', FIVE), likert('a3', FIVE), likert('r1', FIVE, true), likert('z1', ZERO_SIX), likert('z2', ZERO_SIX), likert('z3', ZERO_SIX, true)],
    },
  ],
  scores: [
    { name: 'up', label: 'Up scale', construct: 'Higher is better', items: ['a1', 'a2', 'a3', 'r1'], minAnswered: 3, favorable: 'high' },
    { name: 'down', label: 'Down scale', construct: 'Lower is better', items: ['z1', 'z2', 'z3'], minAnswered: 2, favorable: 'low' },
  ],
} as const satisfies FormDefinition;

type Scale = typeof FIVE | typeof ZERO_SIX;
const bounds = (scale: Scale) => ({ low: Math.min(...scale.points.map((p) => p.value)), high: Math.max(...scale.points.map((p) => p.value)) });

/** The scoring rules of docs/forms.md for one item answer, written out without the engine: null when not counted. */
function keyedAnswer(scale: Scale, reverse: boolean, favorable: 'high' | 'low', value: unknown): { keyed: number; positive: boolean } | null {
  const { low, high } = bounds(scale);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) return null;
  const keyed = reverse ? high - (value - low) : value;
  // Favorable low mirrors the threshold: as many points from the bottom as positiveMin is from the top.
  const positive = favorable === 'high' ? keyed >= scale.positiveMin : high - keyed >= scale.positiveMin - low;
  return { keyed, positive };
}

function expectedScore(score: (typeof scoring.scores)[number], answers: Record<string, unknown>) {
  const fields = scoring.sections[0].fields;
  const counted = score.items.flatMap((name) => {
    const field = fields.find((f) => f.name === name)!;
    const k = keyedAnswer(field.scale, field.reverseScored, score.favorable, answers[name]);
    return k ? [k] : [];
  });
  const enough = counted.length >= score.minAnswered;
  return {
    answered: counted.length,
    sum: counted.reduce((s, k) => s + k.keyed, 0),
    positive: counted.filter((k) => k.positive).length,
    mean: enough ? counted.reduce((s, k) => s + k.keyed, 0) / counted.length : null,
    percentPositive: enough ? (100 * counted.filter((k) => k.positive).length) / counted.length : null,
  };
}

// Answers around and outside each scale: the points, one and two beyond each end, halves, and values of other types.
const looseAnswer = fc.oneof(
  fc.integer({ min: -2, max: 8 }),
  fc.constantFrom(0.5, 2.5, 4.5, 5.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '4', '', null, true, [4]),
);
const looseResponse = fc.record(
  Object.fromEntries(['a1', 'a2', 'a3', 'r1', 'z1', 'z2', 'z3'].map((n) => [n, looseAnswer])),
  { requiredKeys: [] },
);

describe('scale score boundaries', () => {
  it('counts both end points of a scale and nothing beyond them', () => {
    const answered = (a1: unknown) => computeScores(scoring, { a1, a2: 3, a3: 3 }).up?.answered;
    expect(answered(1)).toBe(3);
    expect(answered(5)).toBe(3);
    for (const outside of [0, 6, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, '4', null, true]) expect(answered(outside), String(outside)).toBe(2);
    // The 0-6 scale is listed high to low: its ends are still 0 and 6.
    const down = (z1: unknown) => computeScores(scoring, { z1, z2: 3 }).down?.answered;
    expect(down(0)).toBe(2);
    expect(down(6)).toBe(2);
    expect(down(-1)).toBe(1);
    expect(down(7)).toBe(1);
  });

  it('counts an answer at the positive threshold as positive and one point below as not', () => {
    expect(computeScores(scoring, { a1: 4, a2: 4, a3: 4 }).up).toMatchObject({ mean: 4, percentPositive: 100 });
    expect(computeScores(scoring, { a1: 3, a2: 3, a3: 3 }).up).toMatchObject({ mean: 3, percentPositive: 0 });
    expect(computeScores(scoring, { a1: 4, a2: 3, a3: 5, r1: 1 }).up).toMatchObject({ mean: 4.25, percentPositive: 75 });
  });

  it('flips a reverse-scored item about the middle of its scale before the threshold', () => {
    // r1 = 2 keys to 4 (positive), r1 = 3 stays 3 (not positive).
    expect(computeScores(scoring, { a1: 1, a2: 1, r1: 2 }).up).toMatchObject({ mean: 2, percentPositive: 100 / 3 });
    expect(computeScores(scoring, { a1: 1, a2: 1, r1: 3 }).up).toMatchObject({ mean: 5 / 3, percentPositive: 0 });
    // On the 0-6 scale z3 = 0 keys to 6 and z3 = 6 to 0.
    expect(computeScores(scoring, { z1: 0, z3: 0 }).down).toMatchObject({ mean: 3 });
    expect(computeScores(scoring, { z1: 0, z3: 6 }).down).toMatchObject({ mean: 0, percentPositive: 100 });
  });

  it('mirrors the threshold when the low end is favorable', () => {
    // positiveMin 5 on 0-6 is the top two points (5, 6), so favorable low is the bottom two (0, 1).
    expect(computeScores(scoring, { z1: 1, z2: 1 }).down).toMatchObject({ mean: 1, percentPositive: 100 });
    expect(computeScores(scoring, { z1: 2, z2: 2 }).down).toMatchObject({ mean: 2, percentPositive: 0 });
    expect(computeScores(scoring, { z1: 0, z2: 6 }).down).toMatchObject({ mean: 3, percentPositive: 50 });
  });

  it('scores at exactly the minimum of answered items and not one below', () => {
    expect(computeScores(scoring, { a1: 5, a2: 4, a3: 2 }).up).toEqual({
      name: 'up',
      label: 'Up scale',
      construct: 'Higher is better',
      mean: 11 / 3,
      percentPositive: 200 / 3,
      answered: 3,
      items: 4,
    });
    expect(computeScores(scoring, { a1: 5, a2: 4, a3: 0 }).up).toEqual({
      name: 'up',
      label: 'Up scale',
      construct: 'Higher is better',
      mean: null,
      percentPositive: null,
      answered: 2,
      items: 4,
    });
  });

  it('counts a respondent in a group at exactly the minimum and not one below', () => {
    const group = aggregateScores(scoring, [{ a1: 5, a2: 5, a3: 5 }, { a1: 1, a2: 1 }, { z1: 1 }, { z1: 0, z2: 2 }]);
    expect(group).toEqual({
      up: { name: 'up', label: 'Up scale', respondents: 1, mean: 5, percentPositive: 100 },
      down: { name: 'down', label: 'Down scale', respondents: 1, mean: 1, percentPositive: 50 },
    });
  });

  it('gives no group score, not NaN, when no respondent has one', () => {
    const empty = { respondents: 0, mean: null, percentPositive: null };
    expect(aggregateScores(scoring, [])).toEqual({ up: { name: 'up', label: 'Up scale', ...empty }, down: { name: 'down', label: 'Down scale', ...empty } });
    expect(aggregateScores(scoring, [{ a1: 5 }, {}]).up).toMatchObject(empty);
  });

  it('gives forms without scores no scores', () => {
    const { scores: _, ...unscored } = scoring;
    expect(computeScores(unscored, { a1: 5, a2: 5, a3: 5 })).toEqual({});
    expect(aggregateScores(unscored, [{ a1: 5, a2: 5, a3: 5 }])).toEqual({});
  });

  it('ignores items the form does not define', () => {
    const stray = { ...scoring, scores: [{ ...scoring.scores[0], items: ['a1', 'gone'], minAnswered: 1 }] } as const satisfies FormDefinition;
    expect(computeScores(stray, { a1: 4, gone: 4 }).up).toMatchObject({ answered: 1, mean: 4, items: 2 });
  });

  it('matches the written-out rules for any answers, in range or not', () => {
    fc.assert(
      fc.property(looseResponse, (answers) => {
        const scores = computeScores(scoring, answers);
        for (const def of scoring.scores) {
          const want = expectedScore(def, answers);
          const got = scores[def.name]!;
          expect(got.answered).toBe(want.answered);
          if (want.mean === null) expect(got).toMatchObject({ mean: null, percentPositive: null });
          else {
            expect(got.mean).toBeCloseTo(want.mean, 10);
            expect(got.percentPositive).toBeCloseTo(want.percentPositive!, 10);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('pools a group per the written-out rules: mean of scored means, positives over their answers', () => {
    fc.assert(
      fc.property(fc.array(looseResponse, { maxLength: 6 }), (responses) => {
        const group = aggregateScores(scoring, responses);
        for (const def of scoring.scores) {
          const scored = responses.map((r) => expectedScore(def, r)).filter((s) => s.mean !== null);
          const got = group[def.name]!;
          expect(got.respondents).toBe(scored.length);
          if (scored.length === 0) {
            expect(got).toMatchObject({ mean: null, percentPositive: null });
            continue;
          }
          expect(got.mean).toBeCloseTo(scored.reduce((s, x) => s + x.mean!, 0) / scored.length, 10);
          const answered = scored.reduce((s, x) => s + x.answered, 0);
          expect(got.percentPositive).toBeCloseTo((100 * scored.reduce((s, x) => s + x.positive, 0)) / answered, 10);
        }
      }),
      { numRuns: 200 },
    );
  });
});
