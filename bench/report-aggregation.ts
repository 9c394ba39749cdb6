/**
 * The reports' per-jurisdiction aggregation (shared/reports/aggregate.ts) over synthetic approved reviews in DynamoDB
 * Local (started here, stopped at the end):
 * - rate: items aggregated per second against a raw paged Query of the same items with the same query (projection
 *   and filter) that does nothing with them, interleaved in the same run, so the ratio is what counting costs;
 * - memory: peak heap used, sampled every few milliseconds while one jurisdiction of 10,000 and one of 100,000 are
 *   aggregated (after a full collection): flat means the records are streamed, never gathered.
 * `BENCH_REPORT_SIZES=10000,100000,1000000` measures other sizes (the last one against the first: the ratio).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalTable } from '#local/assembly.ts';
import { ensureTables, startDynamoDb } from '#local/standins/dynamodb.ts';
import { freePort } from '#local/standins/ports.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { toItem, type RecordView } from '#shared/records/model.ts';
import { aggregateJurisdiction, recordsQuery } from '#shared/reports/aggregate.ts';
import { parsePeriod } from '#shared/reports/periods.ts';
import { keys } from '#shared/storage/keys.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable, type Item, type ScopedTable } from '#shared/storage/scoped-table.ts';
import type { BenchRow } from './types.ts';

const TABLE: LocalTable = {
  logicalId: 'BenchReports',
  name: 'BenchReports',
  keySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  attributeDefinitions: ['pk', 'sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
  globalSecondaryIndexes: [],
};
const SIZES = (process.env.BENCH_REPORT_SIZES ?? '10000,100000').split(',').map((s) => Number(s.trim()));
/** Interleaved rounds of raw Query and aggregation per size (each reads every item: ~3 minutes per 100,000 here). */
const ROUNDS = Number(process.env.BENCH_REPORT_ROUNDS ?? 1);
const TARGETS = { rateRatio: 0.8, memoryRatio: 1.2 };
const PERIOD = parsePeriod('quarterly', '2026-Q2');
const BATCH = 25;
const IN_FLIGHT = 8;
const MB = 1024 * 1024;

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Answers that vary the way real reviews do (types, causes, ages, races, 0-6 opportunities, dates). */
function variants(): Answers[] {
  const causes = ['sudden_unexpected_infant_death', 'abusive_head_trauma', 'neglect', 'drowning', 'firearm', 'medical', 'other'];
  const ages = ['under_1', '1_to_2', '3_to_5', '6_to_11', '12_to_17'];
  const races = [['white'], ['black_african_american'], ['black_african_american', 'white'], ['unknown'], ['american_indian_alaska_native']];
  return Array.from({ length: 35 }, (_, i) => ({
    ...(sampleCriticalIncidentReview(i % 7) as Answers),
    incident_type: i % 3 === 0 ? 'fatality' : 'near_fatality',
    cause_category: causes[i % causes.length]!,
    ...(causes[i % causes.length] === 'other' ? { cause_other: 'Other cause' } : {}),
    child_age_band: ages[i % ages.length]!,
    child_race: races[i % races.length]!,
    child_ethnicity: i % 4 === 0 ? 'hispanic_latino' : 'not_hispanic_latino',
    review_date: i % 5 === 0 ? '2024-05-01' : '2024-03-20',
  }));
}

/** N approved reviews of one jurisdiction, approved across January to June 2026, written 25 at a time, 8 batches in flight. */
async function seed(client: DynamoDBDocumentClient, jurisdictionId: string, n: number): Promise<void> {
  const answers = variants();
  const pk = keys.owned(jurisdictionId, keys.record('x').partition);
  const itemOf = (i: number): Item => {
    const recordId = `01JBENCH${String(i).padStart(18, '0')}`;
    const approvedAt = new Date(Date.UTC(2026, i % 6, 1 + (i % 28), 12)).toISOString();
    const record: RecordView = {
      jurisdictionId,
      recordId,
      formId: 'critical_incident_review',
      formVersion: 1,
      status: 'approved',
      version: 3,
      answers: answers[i % answers.length]!,
      createdBy: 'bench-subject',
      createdAt: approvedAt,
      updatedBy: 'bench-subject',
      updatedAt: approvedAt,
      submittedAt: approvedAt,
      approvedAt,
    };
    return { ...toItem(record), pk, sk: keys.record(recordId).sk };
  };
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const start = next;
      next = Math.min(n, next + BATCH);
      let requests = Array.from({ length: next - start }, (_, k) => ({ PutRequest: { Item: itemOf(start + k) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 20) throw new Error('BatchWrite kept leaving items unprocessed');
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [TABLE.name]: requests } }));
        requests = (out.UnprocessedItems?.[TABLE.name] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** The same Query as the aggregation's, every page, nothing done with the items. */
async function rawQuery(table: ScopedTable): Promise<number> {
  const query = recordsQuery(PERIOD);
  let items = 0;
  let startKey: Item | undefined;
  do {
    const page = await table.query({ ...query, ...(startKey ? { startKey } : {}) });
    items += page.items.length;
    startKey = page.lastKey;
  } while (startKey);
  return items;
}

/** Peak heap used while `run` runs, sampled every 2 ms, after a full collection; and the heap used before it. */
async function peakHeap<T>(run: () => Promise<T>): Promise<{ result: T; peak: number; before: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peak, before };
  } finally {
    clearInterval(timer);
  }
}

export async function benchReportAggregation(): Promise<BenchRow[]> {
  const dynamo = await startDynamoDb(await freePort());
  try {
    await ensureTables(dynamo.client, [TABLE]);
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
    const rows: BenchRow[] = [];
    const row = (name: string, value: number, unit: string, target?: { op: '>=' | '<='; value: number }): BenchRow =>
      target === undefined
        ? { group: 'report-aggregation', name, value, unit }
        : { group: 'report-aggregation', name, value, unit, target: `${target.op} ${target.value}`, pass: target.op === '>=' ? value >= target.value : value <= target.value };

    const peaks: { n: number; peak: number; growth: number }[] = [];
    for (const n of SIZES) {
      const jid = `bench-reports-${n}`;
      const seeded = performance.now();
      await seed(client, jid, n);
      const seedSeconds = (performance.now() - seeded) / 1000;
      console.log(`  ${n.toLocaleString('en-US')} reviews written in ${seedSeconds.toFixed(1)} s (${Math.round(n / seedSeconds)} items/s)`);
      const table = scopedTable(client, TABLE.name, jid);
      const ref = { id: jid, name: 'Bench agency', state: 'KY', joinedYear: 2024 };

      // Memory first, on a quiet heap: one aggregation, sampled.
      const { result: partial, peak, before } = await peakHeap(() => aggregateJurisdiction(table, ref, PERIOD));
      if (partial.recordsCounted !== n) throw new Error(`aggregated ${partial.recordsCounted} of ${n} reviews`);
      peaks.push({ n, peak, growth: peak - before });
      console.log(`  ${n}: peak heap used ${(peak / MB).toFixed(1)} MB (${((peak - before) / MB).toFixed(1)} MB above the heap before)`);

      // Rate: raw Query and aggregation interleaved, the order alternating, medians of the rounds.
      const raw: number[] = [];
      const aggregated: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        for (const what of r % 2 === 0 ? (['raw', 'aggregate'] as const) : (['aggregate', 'raw'] as const)) {
          const started = performance.now();
          const items = what === 'raw' ? await rawQuery(table) : (await aggregateJurisdiction(table, ref, PERIOD)).itemsRead;
          const rate = items / ((performance.now() - started) / 1000);
          if (items !== n) throw new Error(`${what} read ${items} of ${n} items`);
          (what === 'raw' ? raw : aggregated).push(rate);
        }
      }
      const ratio = round(median(aggregated) / median(raw));
      console.log(`  ${n}: aggregation ${Math.round(median(aggregated))} items/s, raw Query ${Math.round(median(raw))} items/s -> ${ratio}`);
      rows.push(
        row(`${n.toLocaleString('en-US')} reviews: write rate, BatchWriteItem x${IN_FLIGHT} in flight`, Math.round(n / seedSeconds), 'items/s'),
        row(`${n.toLocaleString('en-US')} reviews: raw paged Query rate (same projection and filter)`, Math.round(median(raw)), 'items/s'),
        row(`${n.toLocaleString('en-US')} reviews: aggregation rate`, Math.round(median(aggregated)), 'items/s'),
        row(`${n.toLocaleString('en-US')} reviews: aggregation / raw Query rate`, ratio, 'x', { op: '>=', value: TARGETS.rateRatio }),
        row(`${n.toLocaleString('en-US')} reviews: peak heap used while aggregating`, round(peak / MB, 1), 'MB'),
        row(`${n.toLocaleString('en-US')} reviews: peak heap above the heap before`, round((peak - before) / MB, 1), 'MB'),
      );
    }
    const [first, ...rest] = peaks;
    for (const p of rest) {
      rows.push(
        row(`peak heap used, ${p.n.toLocaleString('en-US')} / ${first!.n.toLocaleString('en-US')} reviews`, round(p.peak / first!.peak), 'x', { op: '<=', value: TARGETS.memoryRatio }),
        row(`peak heap growth, ${p.n.toLocaleString('en-US')} / ${first!.n.toLocaleString('en-US')} reviews (info)`, round(p.growth / first!.growth), 'x'),
      );
    }
    return rows;
  } finally {
    await dynamo.stop();
  }
}
