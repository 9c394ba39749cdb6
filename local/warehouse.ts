/**
 * The local stand-in for Athena (docs/warehouse.md, "Querying locally"): DuckDB over the warehouse's dataset files
 * in a folder laid out as the exports bucket (`warehouse/datasets/form=<f>/version=<n>/<table>/year=<y>/<table>-<release>.parquet`).
 * Each table of each form version is a view named `<table>_v<n>` with the `year` partition column, as in the Glue
 * catalog. DuckDB is a devDependency: this never goes into a Lambda bundle.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { DATASETS_PREFIX, type DatasetObject, PARTITION_COLUMN, RELEASES_PREFIX } from '#shared/warehouse/dataset.ts';

/** The default folder: s3rver keeps objects under its own suffixed names, so DuckDB cannot read the emulator's folder. */
export const DEFAULT_WAREHOUSE_DIR = path.resolve(import.meta.dirname, '..', '.local', 'warehouse');

/**
 * The README's example queries, in the SQL that DuckDB and Athena (Trino) both accept: no DuckDB-only syntax
 * (GROUP BY ALL, SELECT * EXCLUDE), CASE for conditional sums, explicit ORDER BY.
 */
export const EXAMPLE_QUERIES = {
  opportunitiesByThemeAndCause: `SELECT r.cause_category, o.io_theme, COUNT(*) AS opportunities, COUNT(DISTINCT r.record_key) AS reviews, COUNT(DISTINCT r.state) AS states
FROM improvement_opportunities_v1 o
JOIN critical_incident_review_v1 r ON r.record_key = o.record_key
GROUP BY r.cause_category, o.io_theme
ORDER BY opportunities DESC, r.cause_category, o.io_theme`,
  incidentsByAgeBandAndYear: `SELECT incident_date AS incident_year, child_age_band, COUNT(*) AS incidents, SUM(CASE WHEN incident_type = 'fatality' THEN 1 ELSE 0 END) AS fatalities
FROM critical_incident_review_v1
GROUP BY incident_date, child_age_band
ORDER BY incident_year, child_age_band`,
  reviewTimelinessByState: `SELECT state, COUNT(*) AS reviews, SUM(CASE WHEN days_to_review = '0-30' THEN 1 ELSE 0 END) AS within_30_days, SUM(CASE WHEN days_to_review IN ('31-60', '61-90') THEN 1 ELSE 0 END) AS within_90_days, SUM(CASE WHEN days_to_review IN ('91-180', '181-365', '366+') THEN 1 ELSE 0 END) AS later, SUM(CASE WHEN days_to_review IS NULL THEN 1 ELSE 0 END) AS dates_missing
FROM critical_incident_review_v1
GROUP BY state
ORDER BY state`,
} as const;

export type Row = Record<string, string | number | boolean | null>;

export interface WarehouseView {
  name: string;
  formId: string;
  version: number;
  table: string;
  files: number;
  /** Release ids found in the file names: more than one means rows are counted once per release. */
  releases: string[];
}

export interface Warehouse {
  views: WarehouseView[];
  query(sql: string): Promise<{ columns: string[]; rows: Row[] }>;
  close(): void;
}

const FILE = /^([a-z0-9_]+)-([A-Za-z0-9_-]+)\.parquet$/;
const dirs = (folder: string, key: string) =>
  readdirSync(folder, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith(`${key}=`))
    .map((d) => ({ path: path.join(folder, d.name), value: d.name.slice(key.length + 1) }));

/** The views the folder's files make: one per form version and table that has at least one file. */
export function findViews(dir: string): WarehouseView[] {
  const root = path.join(dir, DATASETS_PREFIX);
  const views = new Map<string, WarehouseView>();
  let forms: { path: string; value: string }[] = [];
  try {
    forms = dirs(root, 'form');
  } catch {
    return [];
  }
  for (const form of forms) {
    for (const version of dirs(form.path, 'version')) {
      const tableDirs = readdirSync(version.path, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.includes('='));
      for (const year of tableDirs.flatMap((d) => dirs(path.join(version.path, d.name), PARTITION_COLUMN))) {
        for (const file of readdirSync(year.path)) {
          const m = FILE.exec(file);
          if (!m) continue;
          const [, table, release] = m as unknown as [string, string, string];
          const name = `${table}_v${version.value}`;
          const view = views.get(name) ?? { name, formId: form.value, version: Number(version.value), table, files: 0, releases: [] };
          if (view.formId !== form.value) throw new Error(`Table ${table} v${version.value} is in two forms (${view.formId}, ${form.value}): its view name would be ambiguous.`);
          view.files++;
          if (!view.releases.includes(release)) view.releases.push(release);
          views.set(name, view);
        }
      }
    }
  }
  return [...views.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Opens DuckDB in memory with a view per form version and table over `dir`'s dataset files. */
export async function openWarehouse(dir: string): Promise<Warehouse> {
  const views = findViews(dir);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const v of views) {
      const glob = path.join(dir, DATASETS_PREFIX, `form=${v.formId}`, `version=${v.version}`, v.table, '*', `${v.table}-*.parquet`);
      // The form and version folders would be columns too; the Glue table has only the year partition.
      await connection.run(
        `CREATE VIEW "${v.name}" AS SELECT * EXCLUDE (form, version) FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, hive_types = {'${PARTITION_COLUMN}': INTEGER})`,
      );
    }
  } catch (e) {
    connection.closeSync();
    instance.closeSync();
    throw e;
  }
  return {
    views,
    async query(sql) {
      const reader = await connection.runAndReadAll(sql);
      const rows = reader.getRowObjectsJS().map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as Row[string]) : String(v)]),
        ),
      );
      return { columns: reader.columnNames(), rows };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Writes a release's objects under `dir` with their keys as paths (the exports bucket's layout). */
export function writeDatasetObjects(dir: string, objects: readonly DatasetObject[]): void {
  for (const o of objects) {
    const file = path.join(dir, ...o.key.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, o.body);
  }
}

/**
 * Copies the warehouse files of the running local platform's exports bucket (the S3 emulator at `endpoint`) into
 * `dir`, replacing what was there: the current release's datasets and every release's manifest and dictionary. The
 * emulator stores objects under names of its own, which DuckDB cannot read in place (docs/warehouse.md).
 */
export async function pullLocalRelease(dir: string, endpoint: string): Promise<{ bucket: string; files: number }> {
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const bucket = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name ?? '').find((name) => name.includes('bucketsexports'));
  if (!bucket) throw new Error(`No exports bucket at ${endpoint}: is the platform running (npm start)?`);
  const keys: string[] = [];
  for (const prefix of [DATASETS_PREFIX, RELEASES_PREFIX]) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).flatMap((c) => (c.Key ? [c.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  rmSync(path.join(dir, 'warehouse'), { recursive: true, force: true });
  const objects: DatasetObject[] = [];
  for (const key of keys) {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    objects.push({ key, body: await out.Body!.transformToByteArray(), contentType: out.ContentType ?? 'application/octet-stream' });
  }
  writeDatasetObjects(dir, objects);
  s3.destroy();
  return { bucket, files: objects.length };
}

/** A result as a text table: numbers right-aligned, null shown as NULL. */
export function formatTable(columns: readonly string[], rows: readonly Row[]): string {
  const cell = (v: Row[string] | undefined) => (v === null || v === undefined ? 'NULL' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[], numeric: boolean[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(' | ');
  const numeric = columns.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || r[c] === null));
  return [
    line([...columns], numeric),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])), numeric)),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}
