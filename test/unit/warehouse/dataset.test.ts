import { parse } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import { datasetFiles, type DatasetManifest, type DatasetObject, sha256, UNKNOWN_YEAR_PARTITION } from '#shared/warehouse/dataset.ts';
import { deidentifyRelease, RELEASE_KEY, type Release } from '#shared/warehouse/deidentify.ts';
import { releaseRecords, syntheticReviews } from '#local/warehouse-demo.ts';

const form = criticalIncidentReviewV1;
const GENERATED_AT = '2026-12-01T06:00:00.000Z';
const reviews = syntheticReviews(120);

const manifestOf = (objects: DatasetObject[]): DatasetManifest =>
  JSON.parse(new TextDecoder().decode(objects.find((o) => o.key.endsWith('/manifest.json'))?.body)) as DatasetManifest;

async function readParquet(body: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file })) as Record<string, unknown>[];
}

describe('datasetFiles', () => {
  const release = deidentifyRelease({ form, records: releaseRecords(reviews) });
  const objects = datasetFiles({ releaseId: '2026-12', generatedAt: GENERATED_AT, releases: [{ form, release }] });
  const manifest = manifestOf(objects);
  const parquetFiles = objects.filter((o) => o.key.endsWith('.parquet'));

  it('partitions each table by form, version and the record incident year, one file per table and year', () => {
    expect(parquetFiles.length).toBeGreaterThan(4);
    for (const o of parquetFiles) {
      expect(o.key).toMatch(/^warehouse\/datasets\/form=critical_incident_review\/version=1\/(critical_incident_review|improvement_opportunities)\/year=(\d{4}|__HIVE_DEFAULT_PARTITION__)\/\1-2026-12\.parquet$/);
      expect(o.contentType).toBe('application/vnd.apache.parquet');
    }
    expect(new Set(parquetFiles.map((o) => o.key)).size).toBe(parquetFiles.length);
  });

  it('writes every shipped row once, with its values, in the partition of its record year', async () => {
    const [main, io] = release.tables as [Release['tables'][0], Release['tables'][0]];
    const yearOf = new Map(main.rows.map((r) => [r[RELEASE_KEY], r.incident_date]));
    for (const table of [main, io]) {
      const read: Record<string, unknown>[] = [];
      for (const o of parquetFiles.filter((f) => f.key.includes(`/${table.name}-`))) {
        const partition = /year=([^/]+)\//.exec(o.key)?.[1];
        const rows = await readParquet(o.body);
        for (const row of rows) expect(String(yearOf.get(row[RELEASE_KEY] as string) ?? UNKNOWN_YEAR_PARTITION)).toBe(partition);
        read.push(...rows);
      }
      const byKey = (rows: readonly Record<string, unknown>[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      expect(byKey(read)).toEqual(byKey(table.rows));
      expect(Object.keys(read[0] ?? {})).toEqual(table.columns.map((c) => c.name));
    }
  });

  it('files rows whose year was suppressed under the default partition, their opportunities with them', async () => {
    // k = 40 on 120 varied reviews leaves small classes that only suppression can close.
    const strict = deidentifyRelease({ form, records: releaseRecords(reviews), settings: { k: 40 } });
    expect(strict.report.suppressed).toBeGreaterThan(0);
    const files = datasetFiles({ releaseId: 'strict', generatedAt: GENERATED_AT, releases: [{ form, release: strict }] });
    const unknown = files.filter((o) => o.key.includes(`/year=${UNKNOWN_YEAR_PARTITION}/`));
    const mainRows = await readParquet(unknown.find((o) => o.key.includes('/critical_incident_review-'))?.body ?? new Uint8Array());
    expect(mainRows.length).toBeGreaterThan(0);
    expect(mainRows.length).toBe(strict.tables[0]?.rows.filter((r) => r.incident_date === null).length);
    expect(mainRows.every((r) => r.incident_date === null)).toBe(true);
    const suppressedKeys = new Set(mainRows.map((r) => r[RELEASE_KEY]));
    const expectedIo = strict.tables[1]?.rows.filter((r) => suppressedKeys.has(r[RELEASE_KEY])) ?? [];
    const ioFile = unknown.find((o) => o.key.includes('/improvement_opportunities-'));
    expect(ioFile ? (await readParquet(ioFile.body)).length : 0).toBe(expectedIo.length);
  });

  it('lists every file in the manifest with its rows, bytes and SHA-256, and the report of each form version', () => {
    expect(manifest.releaseId).toBe('2026-12');
    expect(manifest.generatedAt).toBe(GENERATED_AT);
    expect(manifest.files.map((f) => f.key).sort()).toEqual(parquetFiles.map((o) => o.key).sort());
    for (const f of manifest.files) {
      const o = parquetFiles.find((p) => p.key === f.key) as DatasetObject;
      expect(f.sha256).toBe(sha256(o.body));
      expect(f.bytes).toBe(o.body.byteLength);
    }
    for (const table of release.tables) expect(manifest.files.filter((f) => f.table === table.name).reduce((n, f) => n + f.rows, 0)).toBe(table.rows.length);
    expect(manifest.forms).toEqual([
      { formId: form.formId, version: form.version, records: 120, tables: release.tables.map((t) => ({ name: t.name, rows: t.rows.length })), report: release.report },
    ]);
    const dictionary = objects.find((o) => o.key === 'warehouse/releases/2026-12/dictionary.csv') as DatasetObject;
    expect(manifest.dictionary).toEqual({ key: dictionary.key, bytes: dictionary.body.byteLength, sha256: sha256(dictionary.body) });
    expect(objects.at(-1)?.key).toBe('warehouse/releases/2026-12/manifest.json');
  });

  it('describes exactly the shipped columns in the dictionary, plus the partition year', () => {
    const csv = new TextDecoder().decode(objects.find((o) => o.key.endsWith('/dictionary.csv'))?.body);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    for (const table of release.tables) {
      const listed = rows.filter((r) => r.table === table.name);
      expect(listed.map((r) => r.name)).toEqual([...table.columns.map((c) => c.name), 'year']);
      for (const c of table.columns) {
        const row = listed.find((r) => r.name === c.name);
        expect(row).toMatchObject({ form_id: form.formId, form_version: '1', label: c.label, kind: c.kind, quasi_identifier: c.quasiIdentifier ? 'yes' : 'no', allowed_values: (c.values ?? []).join('|') });
      }
    }
    expect(rows.map((r) => r.name)).not.toContain('review_id');
    expect(rows.map((r) => r.name)).not.toContain('narrative');
  });

  it('refuses a release the walker finds an identifying value in, and a release id that cannot name a file', () => {
    const tampered: Release = structuredClone(release);
    (tampered.tables[0]?.rows[3] as Record<string, unknown>).cause_category = 'Jane Doe';
    expect(() => datasetFiles({ releaseId: 'x', generatedAt: GENERATED_AT, releases: [{ form, release: tampered }] })).toThrow(/could identify; nothing written/);
    expect(() => datasetFiles({ releaseId: '../2026', generatedAt: GENERATED_AT, releases: [{ form, release }] })).toThrow(/Release id/);
    expect(() => datasetFiles({ releaseId: 'x', generatedAt: GENERATED_AT, releases: [{ form, release }, { form, release }] })).toThrow(/given twice/);
  });

  it('writes no data file for a form version without records, yet describes its columns', () => {
    const empty = deidentifyRelease({ form, records: [] });
    const files = datasetFiles({ releaseId: 'empty', generatedAt: GENERATED_AT, releases: [{ form, release: empty }] });
    expect(files.map((o) => o.key)).toEqual(['warehouse/releases/empty/dictionary.csv', 'warehouse/releases/empty/manifest.json']);
    expect(manifestOf(files).forms[0]?.records).toBe(0);
  });
});
