import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safetyCultureSurveyV1 as survey } from '#forms/index.ts';
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
