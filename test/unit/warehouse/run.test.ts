import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1, safetyNoticeV1 } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { exportRecord } from '#shared/forms/export-columns.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { datasetKey, releaseIdOfKey } from '#shared/warehouse/dataset.ts';
import { releaseForms, releaseIdOf } from '#shared/warehouse/run.ts';
import { parseReleaseSettings } from '#shared/warehouse/settings.ts';
import type { StagedJurisdiction } from '#shared/warehouse/extract.ts';

describe('release ids', () => {
  it('sort by the run start, carry the run, and are read back from every dataset file name', () => {
    const a = releaseIdOf('2026-12-03T07:00:00.123Z', 'ab12cd34-0000-4000-8000-000000000000');
    const b = releaseIdOf('2026-12-04T16:20:00Z', 'on-demand-20261204162000-a1b2c3');
    expect(a).toBe('20261203T070000123Z-ab12cd34-0000-4000-8000-000000000000');
    expect(releaseIdOf('2026-12-03T07:00:00Z', 'x'.repeat(80))).toBe(`20261203T070000000Z-${'x'.repeat(40)}`);
    // Two runs started in the same second sort by their start, whatever their run ids.
    expect(releaseIdOf('2026-12-03T07:00:00.100Z', 'zzzz') < releaseIdOf('2026-12-03T07:00:00.900Z', 'aaaa')).toBe(true);
    expect(a < b).toBe(true);
    // Characters a file name may not hold are dropped.
    expect(releaseIdOf('2026-12-04T16:20:00Z', 'run:with.dots')).toBe('20261204T162000000Z-runwithdots');
    for (const year of [2024, null]) {
      for (const table of ['critical_incident_review', 'improvement_opportunities']) {
        expect(releaseIdOfKey(datasetKey('critical_incident_review', 1, year, table, b))).toBe(b);
      }
    }
    // Not a dataset file: a manifest, a file whose name does not match its folder, something else.
    expect(releaseIdOfKey(`warehouse/releases/${b}/manifest.json`)).toBeUndefined();
    expect(releaseIdOfKey(`warehouse/datasets/form=x/version=1/a_table/year=2024/other_table-${b}.parquet`)).toBeUndefined();
    expect(releaseIdOfKey('warehouse/datasets/notes.txt')).toBeUndefined();
  });
});

describe('releaseForms', () => {
  const staged = (id: string, records: { recordId: string; form: FormDefinition }[]): StagedJurisdiction => ({
    jurisdiction: { id, state: 'KY', type: 'state' },
    itemsRead: records.length,
    records: records.map(({ recordId, form }) => ({ recordId, formId: form.formId, formVersion: form.version, rows: exportRecord(form, recordId, sampleCriticalIncidentReview(1)) })),
  });

  it('gives every published warehouse form version, with or without records, and each record with its jurisdiction', () => {
    const out = releaseForms([staged('ky', [{ recordId: 'r1', form: criticalIncidentReviewV1 }]), staged('oh', [{ recordId: 'r2', form: criticalIncidentReviewV1 }])]);
    expect(out.map((f) => `${f.form.formId}@${f.form.version}`)).toEqual(['critical_incident_review@1', 'safety_notice@1', 'safety_notice@2']);
    expect(out[0]!.records.map((r) => [r.recordId, r.jurisdiction.id])).toEqual([
      ['r1', 'ky'],
      ['r2', 'oh'],
    ]);
    expect(out[1]!.records).toEqual([]);
    expect(out[2]!.records).toEqual([]);
  });

  it('keeps the records of a version that is not published any more (retired): they are not left out', () => {
    const out = releaseForms([staged('ky', [{ recordId: 'n1', form: safetyNoticeV1 }])], [criticalIncidentReviewV1]);
    expect(out.map((f) => `${f.form.formId}@${f.form.version}`)).toEqual(['critical_incident_review@1', 'safety_notice@1']);
    expect(out[1]!.records.map((r) => r.recordId)).toEqual(['n1']);
  });
});

describe('release settings (deploy context, passed as environment)', () => {
  it('default to k = 5 without the county', () => {
    expect(parseReleaseSettings(undefined, undefined)).toMatchObject({ k: 5, countyAllowed: false });
    expect(parseReleaseSettings('10', 'true')).toMatchObject({ k: 10, countyAllowed: true });
  });

  it('refuse a k that protects nothing or is not a whole number, and a county setting that is not true or false', () => {
    for (const k of ['1', '0', '-5', '51', '4.5', 'five', '']) expect(() => parseReleaseSettings(k, undefined), k).toThrow(/k-anonymity setting must be a whole number from 2 to 50/);
    expect(() => parseReleaseSettings('5', 'yes')).toThrow(/county setting is true or false/);
  });
});
