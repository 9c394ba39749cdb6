/** Fixture frozen results for the results pages' tests (the engine's shapes, shared/survey/results/types.ts). */
import type { FrozenWaveResults, GroupResult, ScaleCell } from '#shared/survey/results/types.ts';

// `sd` (the engine's standard deviation for Welch comparisons) through a cast: the pages never read it.
export const shown = (scale: string, label: string, respondents: number, percentPositive: number, mean: number): ScaleCell =>
  ({
  shown: true,
  sd: 0.82,
  scale,
  label,
  respondents,
  mean,
  meanCi: { low: mean - 0.31, high: mean + 0.29 },
  pointsMin: 1,
  pointsMax: 5,
  percentPositive,
  percentPositiveCi: { low: percentPositive - 8.04, high: percentPositive + 7.96 },
  favorable: 'high',
  }) as ScaleCell;

export const WAVE_1 = '01JAAAAAAAAAAAAAAAAAAAAAAA';
export const WAVE_2 = '01JBBBBBBBBBBBBBBBBBBBBBBB';

/**
 * A wave of `jid` with the jurisdiction (41 respondents), Intake (23) and Family services (18) shown, and Night
 * shift rolled up into Intake. The rolled-up unit carries numbers it must never show (7 respondents, 1234 staff, a 98.76% response rate):
 * the pages read numbers only of shown groups, whatever the object holds.
 */
export function waveResults(jid: string, waveId = WAVE_2, opts: { title?: string; closedOn?: string; safetyClimate?: number } = {}): FrozenWaveResults {
  const sc = opts.safetyClimate ?? 71.43;
  const leaky = { respondents: 7, staff: 1234, responseRate: 98.76, responseRateCi: { low: 96.54, high: 99.99 } };
  const groups: GroupResult[] = [
    {
      groupId: jid,
      level: 'jurisdiction',
      label: 'Kentucky DCBS',
      shown: true,
      respondents: 41,
      staff: 60,
      responseRate: 68.33,
      responseRateCi: { low: 57.1, high: 77.9 },
      scales: [shown('safety_climate', 'Safety climate', 41, sc, 3.876), shown('psychological_safety', 'Psychological safety', 40, 55.5, 3.456)],
    },
    {
      groupId: `${jid}/intake`,
      level: 'unit',
      label: 'Intake',
      parentId: jid,
      shown: true,
      respondents: 23,
      scales: [shown('safety_climate', 'Safety climate', 23, 65.2, 3.71), { shown: false, scale: 'psychological_safety', label: 'Psychological safety', reason: 'too_few_item_answers' }],
    },
    {
      groupId: `${jid}/family`,
      level: 'unit',
      label: 'Family services',
      parentId: jid,
      shown: true,
      respondents: 18,
      scales: [shown('safety_climate', 'Safety climate', 18, 79.1, 4.02), shown('psychological_safety', 'Psychological safety', 17, 60.2, 3.6)],
    },
    // Deliberately carries numbers (a broken engine object): none may reach a page or a file.
    { groupId: `${jid}/night`, level: 'unit', label: '=Night shift', parentId: `${jid}/intake`, shown: false, reason: 'too_few_respondents', scales: [], ...leaky } as GroupResult,
  ];
  return {
    jurisdictionId: jid,
    waveId,
    waveTitle: opts.title ?? 'Spring 2027',
    closedOn: opts.closedOn ?? '2027-04-01',
    formId: 'safety_culture_survey',
    formVersion: 1,
    minGroupSize: 5,
    computedAt: '2027-04-01T00:00:00.000Z',
    groups,
  };
}
