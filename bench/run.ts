// `npm run bench`: bundle sizes, module init time against a reference bundle, local cloud start-up and restart,
// Lighthouse's mobile figures of the main pages, the forms engine's figures (bench/forms.ts), the survey results engine's (bench/survey.ts), the records store's (bench/records.ts), the review workflow's (bench/review.ts), the reports' small-cell protection (bench/report-protection.ts), the warehouse feed's (bench/warehouse.ts) and a load test of the local platform (bench/load.ts). Speed is judged as ratios within one run (the machine is a shared,
// noisy 2-core box); absolute timings are printed for information only. Writes bench-results.json at the root.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assetFiles, bundleLikeAFunction } from './bundle.ts';
import { isStopping, makeTempDir, removeTempDir } from './cleanup.ts';
import { measureInit, median, type InitSample, type InitTarget } from './init-time.ts';
import { benchForms } from './forms.ts';
import { benchLighthouse } from './lighthouse.ts';
import { benchLoad, LOAD } from './load.ts';
import { benchPages } from './pages.ts';
import { benchRecords } from './records.ts';
import { benchReportAggregation } from './report-aggregation.ts';
import { benchReportProtection } from './report-protection.ts';
import { benchReview } from './review.ts';
import { benchStartup } from './startup.ts';
import { benchSurvey } from './survey.ts';
import { benchSurveyInvitations } from './survey-invitations.ts';
import { benchWarehouse, WAREHOUSE_SIZE } from './warehouse.ts';
import { benchNotices } from './notices.ts';
import { benchCredentials } from './credentials.ts';
import { synthesize, type SynthesizedFunction } from './synth.ts';
import type { BenchRow } from './types.ts';
import { buildZip } from './zip.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');
const KB = 1024;
const ZIP_TARGET_KB = 150;
/**
 * Functions off the request path, exempt from the budget: report-tasks draws the reports' charts with Vega when a
 * release is built (docs/reports.md says its size); notice-tasks runs the notices' pre-publication check (compromise
 * and chrono-node, 414 KB minified: docs/notices.md) from the table's stream. Their cold starts are steps of a
 * workflow or a stream, never a person waiting.
 */
const BUDGET_EXEMPT = new Set(['report-tasks', 'notice-tasks']);
const INIT_RATIO_TARGET = 1.3;
const INIT_ROUNDS = Number(process.env.BENCH_INIT_ROUNDS ?? 30);

const rows: BenchRow[] = [];
const crashes: string[] = [];

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `BENCH_ONLY=startup,lighthouse` runs only those parts (keys: bundle, init, startup, forms, survey, records, report-aggregation, report-protection, review, survey-invitations, warehouse, notices, credentials, pages, lighthouse, load). */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((k) => k.trim())) : undefined;

async function section(key: string, title: string, body: () => Promise<void>): Promise<void> {
  if (isStopping() || (ONLY && !ONLY.has(key))) return;
  console.log(`\n== ${title}`);
  const started = performance.now();
  try {
    await body();
  } catch (error) {
    if (isStopping()) return;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`  ${title} crashed: ${message}`);
    crashes.push(title);
    const firstLine = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 100);
    rows.push({ group: 'crash', name: `${title}: ${firstLine}`, value: Number.NaN, unit: '', target: 'no crash', pass: false });
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function bundleRows(fn: SynthesizedFunction): BenchRow[] {
  // The function's code is index.mjs plus its chunks (code splitting); the maps ship beside them.
  const files = assetFiles(fn.assetDir);
  const code = files.filter((f) => f.name.endsWith('.mjs'));
  const raw = code.reduce((sum, f) => sum + f.data.length, 0);
  const entry = code.find((f) => f.name === 'index.mjs')?.data.length ?? 0;
  const zipped = buildZip(code);
  const deployed = buildZip(files);
  return [
    { group: 'bundle', name: `${fn.id} code raw (${code.length} file${code.length === 1 ? '' : 's'})`, value: round(raw / KB, 1), unit: 'KB' },
    { group: 'bundle', name: `${fn.id} index.mjs raw (entry)`, value: round(entry / KB, 1), unit: 'KB' },
    BUDGET_EXEMPT.has(fn.id)
      ? { group: 'bundle', name: `${fn.id} code zipped (off the request path: no budget)`, value: round(zipped.length / KB, 1), unit: 'KB' }
      : {
          group: 'bundle',
          name: `${fn.id} code zipped`,
          value: round(zipped.length / KB, 1),
          unit: 'KB',
          target: `<= ${ZIP_TARGET_KB} KB`,
          pass: zipped.length <= ZIP_TARGET_KB * KB,
        },
    { group: 'bundle', name: `${fn.id} asset zip incl. source maps`, value: round(deployed.length / KB, 1), unit: 'KB' },
  ];
}

function formatValue(row: BenchRow): string {
  if (!Number.isFinite(row.value)) return 'n/a';
  return row.unit === 'x ref' ? row.value.toFixed(2) : String(row.value);
}

function printTable(all: readonly BenchRow[]): void {
  const header = ['group', 'name', 'value', 'unit', 'target', 'result'];
  const body = all.map((r) => [r.group, r.name, formatValue(r), r.unit, r.target ?? '', r.pass === undefined ? (r.target && !Number.isFinite(r.value) ? 'NOT MEASURED' : '') : r.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const cells of body) console.log(line(cells));
}

async function main(): Promise<void> {
  console.log(`bench: node ${process.version}, project ${PROJECT_ROOT}`);
  const work = makeTempDir('work');
  let functions: SynthesizedFunction[] = [];

  await section('bundle', 'synth + bundle sizes', async () => {
    functions = await synthesize(PROJECT_ROOT, join(work, 'cdk.out'));
    console.log(`  functions: ${functions.map((f) => f.id).join(', ')}`);
    for (const fn of functions) rows.push(...bundleRows(fn));
  });

  await section('init', `module init vs reference (${INIT_ROUNDS} interleaved rounds)`, async () => {
    if (functions.length === 0) throw new Error('no synthesized functions to measure (synth failed or BENCH_ONLY left it out)');
    // Built under the synth outdir so that its externals resolve through the same node_modules link.
    const refBundle = await bundleLikeAFunction(join(PROJECT_ROOT, 'bench', 'reference-handler.ts'), join(work, 'cdk.out', 'bench-reference'));
    const refSize = readFileSync(refBundle).length;
    console.log(`  reference bundle: ${(refSize / KB).toFixed(1)} KB`);
    const reference: InitTarget = {
      name: 'reference',
      bundlePath: refBundle,
      environment: { POWERTOOLS_SERVICE_NAME: 'reference', POWERTOOLS_LOG_LEVEL: 'INFO', TABLE_NAME: 'bench-reference' },
    };
    const targets: InitTarget[] = functions.map((f) => ({ name: f.id, bundlePath: f.bundlePath, environment: f.environment }));
    const { reference: refSamples, results } = await measureInit(reference, targets, INIT_ROUNDS);
    const wall = (samples: readonly InitSample[]) => median(samples.map((x) => x.wall));
    const cpu = (samples: readonly InitSample[]) => median(samples.map((x) => x.cpu));
    for (const result of results) {
      // The target: wall-clock median of the function over the median of the reference imports paired with it.
      const ratio = wall(result.samples) / wall(result.referenceSamples);
      // Cross-check: the same ratio in CPU time, which load from other processes on this box inflates far less.
      const cpuRatio = cpu(result.samples) / cpu(result.referenceSamples);
      console.log(
        `  ${result.name}: median ${wall(result.samples).toFixed(1)} ms vs reference ${wall(result.referenceSamples).toFixed(1)} ms → ${ratio.toFixed(2)}x` +
          ` (CPU ${cpu(result.samples).toFixed(1)} vs ${cpu(result.referenceSamples).toFixed(1)} ms → ${cpuRatio.toFixed(2)}x)`,
      );
      rows.push({ group: 'init', name: `${result.name} init / reference`, value: round(ratio, 2), unit: 'x ref', target: `<= ${INIT_RATIO_TARGET}`, pass: round(ratio, 2) <= INIT_RATIO_TARGET });
      rows.push({ group: 'init', name: `${result.name} init / reference, CPU time (info)`, value: round(cpuRatio, 2), unit: 'x ref' });
      rows.push({ group: 'init', name: `${result.name} init median (info)`, value: round(wall(result.samples), 1), unit: 'ms' });
    }
    rows.push({ group: 'init', name: 'reference (DynamoDBClient + PutItem) init median (info)', value: round(wall(refSamples), 1), unit: 'ms' });
  });
  removeTempDir(work);

  await section('startup', 'local cloud start-up', async () => {
    rows.push(...(await benchStartup(PROJECT_ROOT)));
  });

  await section('forms', 'forms', async () => {
    rows.push(...(await benchForms()));
  });

  await section('survey', 'survey results engine', async () => {
    rows.push(...(await benchSurvey()));
  });

  await section('records', 'records', async () => {
    rows.push(...(await benchRecords()));
  });

  await section('report-aggregation', 'report aggregation (100,000 approved reviews in DynamoDB Local: rate against a raw Query, peak memory)', async () => {
    rows.push(...(await benchReportAggregation()));
  });

  await section('review', 'review workflow (transitions per review, submit to email)', async () => {
    rows.push(...(await benchReview()));
  });

  await section('survey-invitations', 'survey invitations (20,000-row upload, 5,000 emails, interrupted and resumed)', async () => {
    rows.push(...(await benchSurveyInvitations()));
  });

  await section('report-protection', 'report protection (a Q3 release of 32 jurisdictions, 12 datasets, Q1 and Q2 in the ledger)', async () => {
    rows.push(...(await benchReportProtection()));
  });

  await section('warehouse', `warehouse feed (${WAREHOUSE_SIZE.toLocaleString('en-US')} reviews de-identified, Parquet files, DuckDB example queries)`, async () => {
    rows.push(...(await benchWarehouse()));
  });

  await section('credentials', 'per-jurisdiction credentials (a read with the own role, a cached and a new credential)', async () => {
    rows.push(...(await benchCredentials()));
  });

  await section('notices', 'safety notices (approval that publishes, 100 partners answer, library of 1,000 notices)', async () => {
    rows.push(...(await benchNotices()));
  });

  await section('pages', 'pages', async () => {
    rows.push(...(await benchPages()));
  });

  await section('lighthouse', 'Lighthouse, mobile (pages of a local cloud)', async () => {
    rows.push(...(await benchLighthouse()));
  });

  await section('load', `load: ${LOAD.users} signed-in users and ${LOAD.respondents} survey respondents for ${LOAD.seconds} s (local cloud)`, async () => {
    rows.push(...(await benchLoad()));
  });

  if (isStopping()) return; // interrupted: the signal handler exits once the children are gone
  printTable(rows);
  const failed = rows.filter((r) => r.pass === false).length;
  const resultsFile = join(PROJECT_ROOT, 'bench-results.json');
  writeFileSync(resultsFile, `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.version, rows }, null, 2)}\n`);
  console.log(`\n${rows.filter((r) => r.pass === true).length} targets met, ${failed} missed; results in ${resultsFile}`);
  if (crashes.length) {
    console.error(`bench: crashed in ${crashes.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
