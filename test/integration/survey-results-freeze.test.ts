import { describe, expect, it } from 'vitest';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import { sampleSurveyResponse } from '#shared/forms/samples.ts';
import { keys } from '#shared/storage/keys.ts';
import { SURVEY_FORM_ID, type SurveyWave } from '#shared/survey/model.ts';
import { computeWaveResults } from '#shared/survey/results/compute.ts';
import { freezeWaveResults } from '#shared/survey/results/freeze.ts';
import { SurveyResults } from '#shared/survey/results/store.ts';
import { rawPartition, tableOf, uniqueJurisdiction } from './records/setup.ts';

/** Freezing a closed wave's results against DynamoDB Local: computed from every page of responses, stored once. */
const UNITS = [
  { code: 'north', label: 'North' },
  { code: 'south', label: 'South' },
  { code: 'tiny', label: 'Tiny' },
];

async function closedWave(jurisdictionId: string, waveId: string, perUnit: Record<string, number>): Promise<{ wave: SurveyWave; responses: Record<string, unknown>[] }> {
  const table = tableOf(jurisdictionId);
  const version = latestVersion(SURVEY_FORM_ID);
  const responses: Record<string, unknown>[] = [];
  let n = 0;
  for (const [unit, count] of Object.entries(perUnit)) {
    for (let i = 0; i < count; i++, n++) {
      const answers = { ...sampleSurveyResponse(unit), sc_feedback: 1 + (n % 5), ee_dread: 1 + ((n * 3) % 5) };
      responses.push(answers);
      await table.put({ key: keys.surveyResponse(waveId, `r-${String(n).padStart(4, '0')}`), attributes: { kind: 'survey_response', formId: SURVEY_FORM_ID, formVersion: version, answers } });
    }
  }
  const wave: SurveyWave = {
    waveId,
    jurisdictionId,
    title: 'Spring',
    formId: SURVEY_FORM_ID,
    formVersion: version,
    status: 'closed',
    linkToken: 'x'.repeat(22),
    closesOn: '2027-03-31',
    openedAt: '2027-03-01T00:00:00.000Z',
    closedAt: '2027-03-31T18:00:00.000Z',
    responseCount: n,
    mode: 'open_link',
    reminderDays: [],
    invited: 0,
    sent: 0,
    reminded: 0,
    answered: 0,
    imports: [],
  };
  return { wave, responses };
}

const context = (now: string) => ({ jurisdictionLabel: 'Test agency', units: UNITS, minGroupSize: 5, now: new Date(now), pageSize: 7 });

describe('frozen wave results', () => {
  it('computes from every page of responses and stores once: a second close returns what was stored', async () => {
    const jurisdictionId = uniqueJurisdiction('sr');
    const { wave, responses } = await closedWave(jurisdictionId, '01JTESTWAVE0000000000000001', { north: 12, south: 9, tiny: 2 });
    const table = tableOf(jurisdictionId);

    const first = await freezeWaveResults(table, { ...wave, staffCounts: { north: 20, south: 10, tiny: 4 } }, context('2027-04-01T00:00:00.000Z'));
    // The same numbers as computing over all responses at once (pages of 7 crossed 4 times).
    expect(first).toEqual(
      computeWaveResults({
        definition: getForm(SURVEY_FORM_ID, wave.formVersion),
        jurisdictionId,
        jurisdictionLabel: 'Test agency',
        units: UNITS,
        responses,
        staffCounts: { north: 20, south: 10, tiny: 4 },
        minGroupSize: 5,
        wave: { waveId: wave.waveId, title: 'Spring', closedOn: '2027-03-31', formId: SURVEY_FORM_ID, formVersion: wave.formVersion },
        computedAt: '2027-04-01T00:00:00.000Z',
      }),
    );
    expect(first.groups.map((g) => [g.groupId.split('/')[1] ?? 'top', g.shown, g.respondents])).toEqual([
      ['top', true, 23],
      ['north', true, 12],
      // tiny (2) is too few; showing south too would leave those 2 by subtraction (23 - 12 - 9): it rolls up.
      ['south', false, undefined],
      ['tiny', false, undefined],
    ]);
    expect(first.groups[0]).toMatchObject({ staff: 34 });

    // Closed again later (the daily run after the admin's button): nothing is computed or stored again.
    const second = await freezeWaveResults(table, wave, context('2027-04-02T00:00:00.000Z'));
    expect(second).toEqual(first);
    const items = (await rawPartition(`${jurisdictionId}#SURVEY`)).filter((i) => String(i.sk).startsWith('RESULTS#'));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ pk: `${jurisdictionId}#SURVEY`, sk: `RESULTS#${wave.waveId}`, kind: 'survey_results' });
    expect(await new SurveyResults(table).get(wave.waveId)).toEqual(first);
  });

  it('two closes at the same moment store one result and both return it', async () => {
    const jurisdictionId = uniqueJurisdiction('sr');
    const { wave } = await closedWave(jurisdictionId, '01JTESTWAVE0000000000000002', { north: 6, south: 6 });
    const table = tableOf(jurisdictionId);
    const [a, b] = await Promise.all([freezeWaveResults(table, wave, context('2027-04-01T00:00:00.000Z')), freezeWaveResults(table, wave, context('2027-04-01T00:00:01.000Z'))]);
    expect(a).toEqual(b);
    expect((await rawPartition(`${jurisdictionId}#SURVEY`)).filter((i) => String(i.sk).startsWith('RESULTS#'))).toHaveLength(1);
  });

  it('lists closed waves oldest first, and refuses to freeze an open wave', async () => {
    const jurisdictionId = uniqueJurisdiction('sr');
    const table = tableOf(jurisdictionId);
    const late = await closedWave(jurisdictionId, '01JTESTWAVE0000000000000003', { north: 5 });
    const early = await closedWave(jurisdictionId, '01JTESTWAVE0000000000000004', { north: 5 });
    await freezeWaveResults(table, late.wave, context('2027-09-01T00:00:00.000Z'));
    await freezeWaveResults(table, { ...early.wave, closedAt: '2027-01-15T00:00:00.000Z' }, context('2027-09-01T00:00:00.000Z'));
    expect((await new SurveyResults(table).listClosed()).map((r) => [r.waveId, r.closedOn])).toEqual([
      [early.wave.waveId, '2027-01-15'],
      [late.wave.waveId, '2027-03-31'],
    ]);
    await expect(freezeWaveResults(table, { ...late.wave, waveId: '01JTESTWAVE0000000000000005', status: 'open' }, context('2027-09-01T00:00:00.000Z'))).rejects.toThrow(/closed/);
  });
});
