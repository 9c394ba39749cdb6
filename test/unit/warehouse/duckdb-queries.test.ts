import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import { EXAMPLE_QUERIES, findViews, formatTable, openWarehouse, type Row, type Warehouse, writeDatasetObjects } from '#local/warehouse.ts';
import { releaseRecords, type SyntheticReview, syntheticReviews } from '#local/warehouse-demo.ts';
import { datasetFiles, type DatasetManifest, sha256 } from '#shared/warehouse/dataset.ts';
import { deidentifyRelease, type Release } from '#shared/warehouse/deidentify.ts';
import { daysBetween } from '#shared/reports/datasets.ts';

const form = criticalIncidentReviewV1;
const reviews = syntheticReviews(300, 'duckdb-queries');
const dirs: string[] = [];

async function warehouseOf(release: Release, releaseId = 'r1'): Promise<{ dir: string; warehouse: Warehouse }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'npcs-warehouse-'));
  dirs.push(dir);
  writeDatasetObjects(dir, datasetFiles({ releaseId, generatedAt: '2026-12-01T06:00:00.000Z', releases: [{ form, release }] }));
  return { dir, warehouse: await openWarehouse(dir) };
}

/** Rows grouped by `key`, counted, and summed by `sums`: the expected result of a GROUP BY, in a canonical order. */
function groupCount<T>(items: readonly T[], key: (t: T) => Row, count: string, sums: Record<string, (t: T) => number> = {}): string[] {
  const groups = new Map<string, Row>();
  for (const item of items) {
    const k = key(item);
    const id = JSON.stringify(k);
    const g = groups.get(id) ?? { ...k, [count]: 0, ...Object.fromEntries(Object.keys(sums).map((s) => [s, 0])) };
    g[count] = (g[count] as number) + 1;
    for (const [s, f] of Object.entries(sums)) g[s] = (g[s] as number) + f(item);
    groups.set(id, g);
  }
  return canonical([...groups.values()]);
}
const canonical = (rows: readonly Row[]) => rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
const yearOf = (date: unknown) => Number(String(date).slice(0, 4));

/**
 * Opportunities by cause and theme, straight from the reviews' answers (neither is a quasi-identifier); the state
 * of the i-th review from `stateOf` (COUNT(DISTINCT) skips a suppressed state).
 */
function opportunitiesFromRecords(list: readonly SyntheticReview[], stateOf: (i: number) => string | null = (i) => list[i]?.jurisdiction.state ?? null): string[] {
  const groups = new Map<string, { cause_category: string; io_theme: string; opportunities: number; reviews: Set<string>; states: Set<string> }>();
  for (const [i, r] of list.entries()) {
    for (const o of (r.answers.improvement_opportunities ?? []) as Record<string, unknown>[]) {
      const id = `${r.answers.cause_category}|${o.io_theme}`;
      const g = groups.get(id) ?? { cause_category: String(r.answers.cause_category), io_theme: String(o.io_theme), opportunities: 0, reviews: new Set(), states: new Set() };
      g.opportunities++;
      g.reviews.add(r.recordId);
      const state = stateOf(i);
      if (state !== null) g.states.add(state);
      groups.set(id, g);
    }
  }
  return canonical([...groups.values()].map((g) => ({ ...g, reviews: g.reviews.size, states: g.states.size })));
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the README queries through DuckDB', () => {
  describe('with k = 1 (nothing generalized): the counts of the records themselves', () => {
    let warehouse: Warehouse;
    beforeAll(async () => {
      const release = deidentifyRelease({ form, records: releaseRecords(reviews), settings: { k: 1 } });
      expect(release.report.generalized + release.report.suppressed).toBe(0);
      ({ warehouse } = await warehouseOf(release));
    });
    afterAll(() => warehouse.close());

    it('improvement opportunities by theme and cause across states', async () => {
      const { columns, rows } = await warehouse.query(EXAMPLE_QUERIES.opportunitiesByThemeAndCause);
      expect(columns).toEqual(['cause_category', 'io_theme', 'opportunities', 'reviews', 'states']);
      expect(rows.length).toBeGreaterThan(10);
      expect(canonical(rows)).toEqual(opportunitiesFromRecords(reviews));
      const counts = rows.map((r) => r.opportunities as number);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    });

    it('incidents by age band and year', async () => {
      const { rows } = await warehouse.query(EXAMPLE_QUERIES.incidentsByAgeBandAndYear);
      const expected = groupCount(reviews, (r) => ({ incident_year: yearOf(r.answers.incident_date), child_age_band: String(r.answers.child_age_band) }), 'incidents', {
        fatalities: (r) => (r.answers.incident_type === 'fatality' ? 1 : 0),
      });
      expect(canonical(rows)).toEqual(expected);
    });

    it('review timeliness by state', async () => {
      const { rows } = await warehouse.query(EXAMPLE_QUERIES.reviewTimelinessByState);
      const days = (r: SyntheticReview) => daysBetween(r.answers.notification_date, r.answers.review_date);
      const expected = groupCount(reviews, (r) => ({ state: r.jurisdiction.state }), 'reviews', {
        within_30_days: (r) => (days(r) !== undefined && days(r)! <= 30 ? 1 : 0),
        within_90_days: (r) => (days(r) !== undefined && days(r)! > 30 && days(r)! <= 90 ? 1 : 0),
        later: (r) => (days(r) !== undefined && days(r)! > 90 ? 1 : 0),
        dates_missing: (r) => (days(r) === undefined ? 1 : 0),
      });
      // The synthetic reviews have reviews within the standard and later ones.
      expect(rows.reduce((n, r) => n + (r.within_30_days as number), 0)).toBeGreaterThan(0);
      expect(rows.reduce((n, r) => n + (r.later as number) + (r.within_90_days as number), 0)).toBeGreaterThan(0);
      expect(canonical(rows)).toEqual(expected);
    });
  });

  describe('with the default k = 5: the counts of the de-identified rows, no record lost', () => {
    let warehouse: Warehouse;
    let dir: string;
    let release: Release;
    beforeAll(async () => {
      release = deidentifyRelease({ form, records: releaseRecords(reviews) });
      expect(release.report.generalized).toBeGreaterThan(0);
      ({ warehouse, dir } = await warehouseOf(release, '2026-12'));
    });
    afterAll(() => warehouse.close());
    const main = () => release.tables[0]?.rows ?? [];

    it('improvement opportunities by theme and cause are those of the records (neither is generalized), states less the suppressed', async () => {
      const { rows } = await warehouse.query(EXAMPLE_QUERIES.opportunitiesByThemeAndCause);
      // The main table keeps the records' order: its i-th row is the i-th review's.
      const shippedState = (i: number) => (main()[i]?.state ?? null) as string | null;
      expect(main().some((r) => r.state === null)).toBe(true);
      expect(canonical(rows)).toEqual(opportunitiesFromRecords(reviews, shippedState));
    });

    it('incidents by age band and year follow the generalized bands and withheld years', async () => {
      const { rows } = await warehouse.query(EXAMPLE_QUERIES.incidentsByAgeBandAndYear);
      const expected = groupCount(main(), (r) => ({ incident_year: r.incident_date ?? null, child_age_band: r.child_age_band ?? null }), 'incidents', {
        fatalities: (r) => (r.incident_type === 'fatality' ? 1 : 0),
      });
      expect(canonical(rows)).toEqual(expected);
      expect(rows.reduce((n, r) => n + (r.incidents as number), 0)).toBe(reviews.length);
      expect(rows.some((r) => r.child_age_band === 'under_6')).toBe(true);
    });

    it('review timeliness by state', async () => {
      const { rows } = await warehouse.query(EXAMPLE_QUERIES.reviewTimelinessByState);
      const band = (r: Row) => r.days_to_review ?? null;
      const expected = groupCount(main(), (r) => ({ state: r.state ?? null }), 'reviews', {
        within_30_days: (r) => (band(r) === '0-30' ? 1 : 0),
        within_90_days: (r) => (band(r) === '31-60' || band(r) === '61-90' ? 1 : 0),
        later: (r) => (band(r) === '91-180' || band(r) === '181-365' || band(r) === '366+' ? 1 : 0),
        dates_missing: (r) => (band(r) === null ? 1 : 0),
      });
      // The band is not a quasi-identifier: the k-anonymity check leaves it as the dates give it.
      const inBands = (list: readonly (string | null)[]) => list.filter((b) => b === '0-30').length;
      expect(inBands(main().map(band) as (string | null)[])).toBe(reviews.filter((r) => (daysBetween(r.answers.notification_date, r.answers.review_date) ?? 99) <= 30).length);
      expect(canonical(rows)).toEqual(expected);
      expect(rows.reduce((n, r) => n + (r.reviews as number), 0)).toBe(reviews.length);
    });

    it('finds every file the manifest lists, with its SHA-256 and row count', async () => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'warehouse', 'releases', '2026-12', 'manifest.json'), 'utf8')) as DatasetManifest;
      expect(manifest.files.length).toBeGreaterThan(2);
      for (const f of [...manifest.files, manifest.dictionary]) expect(sha256(readFileSync(path.join(dir, ...f.key.split('/'))))).toBe(f.sha256);
      for (const f of manifest.files) {
        const { rows } = await warehouse.query(`SELECT COUNT(*) AS n FROM read_parquet('${path.join(dir, ...f.key.split('/'))}')`);
        expect(rows[0]?.n).toBe(f.rows);
      }
    });

    it('views each table of the form version with the year partition, as the Glue catalog does', async () => {
      expect(warehouse.views.map((v) => [v.name, v.formId, v.version, v.releases])).toEqual([
        ['critical_incident_review_v1', form.formId, 1, ['2026-12']],
        ['improvement_opportunities_v1', form.formId, 1, ['2026-12']],
      ]);
      const { rows } = await warehouse.query('DESCRIBE critical_incident_review_v1');
      expect(rows.map((r) => r.column_name)).toEqual([...(release.tables[0]?.columns.map((c) => c.name) ?? []), 'year']);
      const { rows: years } = await warehouse.query('SELECT COUNT(*) AS n FROM critical_incident_review_v1 WHERE year IS NULL OR year <> incident_date');
      expect(years[0]?.n).toBe(main().filter((r) => r.incident_date === null).length);
    });
  });

  it('are the queries the README shows', () => {
    const readme = readFileSync(path.join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    for (const sql of Object.values(EXAMPLE_QUERIES)) expect(readme).toContain(sql);
  });

  it('notices files of two releases in one folder (each record would count twice)', async () => {
    const release = deidentifyRelease({ form, records: releaseRecords(reviews.slice(0, 20)), settings: { k: 1 } });
    const { dir, warehouse } = await warehouseOf(release, 'first');
    warehouse.close();
    writeDatasetObjects(dir, datasetFiles({ releaseId: 'second', generatedAt: '2026-12-02T06:00:00.000Z', releases: [{ form, release }] }));
    expect(findViews(dir).map((v) => v.releases.sort())).toEqual([['first', 'second'], ['first', 'second']]);
    expect(findViews(path.join(dir, 'nothing-here'))).toEqual([]);
  });

  it('prints a result as a text table', () => {
    expect(formatTable(['state', 'reviews'], [{ state: 'KY', reviews: 12 }, { state: null, reviews: 3 }])).toBe(
      ['state | reviews', '------+--------', 'KY    |      12', 'NULL  |       3', '(2 rows)'].join('\n'),
    );
  });
});
