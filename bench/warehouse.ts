/**
 * The warehouse feed at scale (docs/warehouse.md, docs/bench.md): BENCH_WAREHOUSE_SIZE (100,000) synthetic critical
 * incident reviews (the demo generator's answers, local/warehouse-demo.ts) are de-identified (deidentifyRelease) and
 * turned into the release's Parquet files (datasetFiles), each timed on its own; the Parquet bytes are compared with
 * the same shipped rows as JSON Lines; then the README's three example queries run in DuckDB over the files written
 * to a temp folder, through the CLI's code path (openWarehouse). No speed target: the issue asks for the figures.
 * The one target is a check that the queries read every record (a count, not a timing).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import { exportRecord } from '#shared/forms/export-columns.ts';
import { datasetFiles } from '#shared/warehouse/dataset.ts';
import { deidentifyRelease, type Release, type ReleaseRecord } from '#shared/warehouse/deidentify.ts';
import { EXAMPLE_QUERIES, openWarehouse, writeDatasetObjects } from '../local/warehouse.ts';
import { DEMO_JURISDICTIONS } from '../local/warehouse-demo.ts';
import { seededRandom } from '../local/survey-demo-answers.ts';
import { syntheticReviewAnswers } from '../local/synthetic-reviews.ts';
import { makeTempDir, removeTempDir } from './cleanup.ts';
import { median } from './init-time.ts';
import type { BenchRow } from './types.ts';

/** `BENCH_WAREHOUSE_SIZE`: reviews in the release (100,000; 5,000 for working on it). */
export const WAREHOUSE_SIZE = Number(process.env.BENCH_WAREHOUSE_SIZE ?? 100_000);
const SIZE = WAREHOUSE_SIZE;
const QUERY_RUNS = Number(process.env.BENCH_WAREHOUSE_QUERY_RUNS ?? 5);
/** Answers are built and exported a chunk at a time and dropped: only the exported rows of every record are kept. */
const CHUNK = 5_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const MB = 1024 * 1024;
const heapMb = () => round(process.memoryUsage().heapUsed / MB);

/**
 * The release's records, as local/warehouse-demo.ts `syntheticReviews` makes them (same seed, same stream of
 * random numbers: the same reviews), but exported chunk by chunk so 100,000 answer objects never live at once.
 */
function releaseRecords(count: number): ReleaseRecord[] {
  const random = seededRandom('warehouse');
  const records: ReleaseRecord[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const approvedAt = new Date(Date.UTC(2021 + (i % 4), Math.floor(random() * 12), 1 + Math.floor(random() * 27)));
      const recordId = `rec-${String(i).padStart(6, '0')}`;
      const jurisdiction = DEMO_JURISDICTIONS[Math.floor(random() * DEMO_JURISDICTIONS.length)]!;
      const answers = syntheticReviewAnswers(random, approvedAt, i);
      records.push({ recordId, jurisdiction, rows: exportRecord(criticalIncidentReviewV1, recordId, answers) });
    }
  }
  return records;
}

/** The shipped rows as JSON Lines (one object per row, the usual way to ship rows as JSON), raw and gzipped bytes. */
function jsonBytes(release: Release): { raw: number; gzipped: number } {
  let raw = 0;
  let gzipped = 0;
  for (const table of release.tables) {
    // Gzipped a slice at a time (one gzip stream per 10,000 rows), so the whole text is never one string.
    for (let start = 0; start < table.rows.length; start += 10_000) {
      const text = `${table.rows
        .slice(start, start + 10_000)
        .map((row) => JSON.stringify(row))
        .join('\n')}\n`;
      const bytes = Buffer.from(text);
      raw += bytes.byteLength;
      gzipped += gzipSync(bytes).byteLength;
    }
  }
  return { raw, gzipped };
}

export async function benchWarehouse(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const n = SIZE.toLocaleString('en-US');
  const row = (name: string, value: number, unit: string, extra: Partial<BenchRow> = {}) => rows.push({ group: 'warehouse', name, value, unit, ...extra });

  gc();
  const heapBefore = heapMb();
  let started = performance.now();
  const records = releaseRecords(SIZE);
  const buildMs = performance.now() - started;
  gc();
  const heapRecords = heapMb();
  console.log(`  built ${n} reviews' exported rows in ${(buildMs / 1000).toFixed(1)} s (heap ${heapBefore} -> ${heapRecords} MB)`);

  started = performance.now();
  const release = deidentifyRelease({ form: criticalIncidentReviewV1, records });
  const deidMs = performance.now() - started;
  records.length = 0; // the records' answers are not needed past de-identification
  const [main, ...repeating] = release.tables;
  if (!main || main.rows.length !== SIZE) throw new Error(`the release has ${main?.rows.length ?? 0} main rows, not ${SIZE}`);
  const shippedRows = release.tables.reduce((sum, t) => sum + t.rows.length, 0);
  console.log(`  de-identified in ${(deidMs / 1000).toFixed(2)} s: ${release.tables.map((t) => `${t.name} ${t.rows.length} rows`).join(', ')}`);

  started = performance.now();
  const objects = datasetFiles({ releaseId: 'bench', generatedAt: new Date().toISOString(), releases: [{ form: criticalIncidentReviewV1, release }] });
  const filesMs = performance.now() - started;
  const parquet = objects.filter((o) => o.key.endsWith('.parquet'));
  const parquetBytes = parquet.reduce((sum, o) => sum + o.body.byteLength, 0);
  const json = jsonBytes(release);
  gc();
  const heapRelease = heapMb();
  console.log(`  datasetFiles in ${(filesMs / 1000).toFixed(2)} s: ${parquet.length} Parquet files, ${round(parquetBytes / MB, 2)} MB; JSON Lines ${round(json.raw / MB, 2)} MB (gzipped ${round(json.gzipped / MB, 2)} MB)`);

  row(`de-identification, ${n} reviews (deidentifyRelease)`, Math.round(SIZE / (deidMs / 1000)), 'rows/s');
  row(`Parquet files, ${n} reviews (datasetFiles: walker, Parquet, manifest)`, Math.round(SIZE / (filesMs / 1000)), 'rows/s');
  row(`  the same, all shipped rows (${shippedRows.toLocaleString('en-US')}: reviews + ${repeating.map((t) => t.name).join(', ')})`, Math.round(shippedRows / (filesMs / 1000)), 'rows/s');
  row(`synthetic reviews built and exported (not de-identification: info)`, Math.round(SIZE / (buildMs / 1000)), 'rows/s');
  row(`Parquet bytes (${parquet.length} files)`, round(parquetBytes / MB, 2), 'MB');
  row('Parquet bytes / the same rows as JSON Lines', round(parquetBytes / json.raw, 3), 'ratio');
  row('Parquet bytes / the same rows as gzipped JSON Lines (info)', round(parquetBytes / json.gzipped, 3), 'ratio');
  row('heap held by every record exported, before de-identification (info)', round(heapRecords - heapBefore), 'MB');
  row('heap held by the release and its files, records dropped (info)', round(heapRelease - heapBefore), 'MB');

  const k = release.report.kAnonymity;
  console.log(`  k-anonymity: k ${k.k} over ${k.quasiIdentifiers.join(', ')}; steps: ${k.steps.map((s) => `${s.step} ${s.rows}`).join(', ') || 'none'}`);
  row(`k-anonymity (k = ${k.k}): classes`, k.classes, 'classes');
  row(`k-anonymity: smallest class with a quasi-identifier left`, k.smallestClass ?? Number.NaN, 'rows', { target: `>= ${k.k}`, pass: k.smallestClass === null || k.smallestClass >= k.k });
  row('k-anonymity: rows generalized', release.report.generalized, 'rows');
  row('k-anonymity: rows suppressed', release.report.suppressed, 'rows');
  for (const step of k.steps) row(`  generalization step: ${step.step}`, step.rows, 'rows');

  const dir = makeTempDir('warehouse');
  try {
    started = performance.now();
    writeDatasetObjects(dir, objects);
    row('files written to disk (info)', Math.round(performance.now() - started), 'ms');
    objects.length = 0;
    const warehouse = await openWarehouse(dir);
    try {
      for (const [name, sql] of Object.entries(EXAMPLE_QUERIES)) {
        started = performance.now();
        const first = await warehouse.query(sql);
        const firstMs = performance.now() - started;
        const times: number[] = [];
        for (let i = 0; i < QUERY_RUNS; i++) {
          started = performance.now();
          await warehouse.query(sql);
          times.push(performance.now() - started);
        }
        console.log(`  ${name}: ${first.rows.length} result rows, first ${firstMs.toFixed(1)} ms, median of ${QUERY_RUNS} ${median(times).toFixed(1)} ms`);
        row(`DuckDB ${name}, median of ${QUERY_RUNS}`, round(median(times)), 'ms');
        row(`DuckDB ${name}, first run (info)`, round(firstMs), 'ms');
      }
      // The queries must read every file: the incidents by age band and year add up to the reviews.
      const counted = await warehouse.query(EXAMPLE_QUERIES.incidentsByAgeBandAndYear);
      const incidents = counted.rows.reduce((sum, r) => sum + Number(r.incidents), 0);
      row('DuckDB: incidents counted by the age band query', incidents, 'reviews', { target: `= ${SIZE}`, pass: incidents === SIZE });
    } finally {
      warehouse.close();
    }
  } finally {
    removeTempDir(dir);
  }
  return rows;
}
