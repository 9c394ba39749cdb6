/**
 * Cost of a submit of a ~3 KB critical incident review against DynamoDB Local (started here, stopped at the end):
 * DynamoDB round trips and write units of one submit, and its latency against a bare PutItem of the same item,
 * interleaved so both see the same machine noise. Write units are what DynamoDB reports with
 * ReturnConsumedCapacity TOTAL (transactional writes cost 2 units per KB, GSI writes included).
 * The latency target holds the p50 ratio; the p99 ratio is shown for information, since on this shared machine
 * it mostly measures whatever else runs at the same time. A submit is a GetItem and a TransactWriteItems, which
 * DynamoDB Local runs at ~1.7x a PutItem; the service's own CPU time is ~0.15 ms.
 */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalTable } from '#local/assembly.ts';
import { ensureTables, startDynamoDb } from '#local/standins/dynamodb.ts';
import { freePort } from '#local/standins/ports.ts';
import type { Actor } from '#shared/audit/model.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { toItem } from '#shared/records/model.ts';
import { RecordService } from '#shared/records/service.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import type { BenchRow } from './types.ts';

export const BENCH_TABLE: LocalTable = {
  logicalId: 'BenchRecords',
  name: 'BenchRecords',
  keySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  attributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
  globalSecondaryIndexes: [
    {
      IndexName: 'gsi1',
      KeySchema: [
        { AttributeName: 'gsi1pk', KeyType: 'HASH' },
        { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  ttlAttribute: 'expiresAt',
};
const JURISDICTION = 'bench-records';
const TARGET_ITEM_BYTES = 3000;
const WARM_UP = 20;
const ROUNDS = Number(process.env.BENCH_RECORDS_ROUNDS ?? 200);
const TARGETS = { roundTrips: 3, writeUnits: 12, latencyRatio: 4 };

/** DynamoDB's item size rules: names plus values; numbers ~1 byte per 2 digits; 3 bytes per list or map plus 1 per element. */
function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + itemBytes(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value as object).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k) + itemBytes(v), 0);
  return 0;
}
const topLevelBytes = (item: Record<string, unknown>) => Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + itemBytes(v), 0);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export async function benchRecords(): Promise<BenchRow[]> {
  const dynamo = await startDynamoDb(await freePort());
  try {
    await ensureTables(dynamo.client, [BENCH_TABLE]);
    const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
    let roundTrips = 0;
    const send = client.send.bind(client);
    client.send = ((...args: Parameters<typeof send>) => {
      roundTrips++;
      return send(...args);
    }) as typeof client.send;

    const units = { write: 0, read: 0 };
    const table = scopedTable(client, BENCH_TABLE.name, JURISDICTION, {
      onConsumedCapacity: (operation, capacity) => {
        const total = capacity.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
        if (operation === 'GetItem' || operation === 'Query') units.read += total;
        else units.write += total;
      },
    });
    const records = new RecordService({ cursorSecret: 'bench-cursor-secret-0123456789abcdefgh' });
    const actor: Actor = { subject: 'bench-subject-0001', role: 'submitter', jurisdictionId: JURISDICTION, requestId: 'bench-request' };

    // The sample with one improvement opportunity, its free-text rationales trimmed until the stored record is ~3 KB.
    const base = sampleCriticalIncidentReview(1) as Answers;
    const probe = (await records.createDraft(table, actor, { formId: 'critical_incident_review', answers: base })).record;
    const sizeWith = (answers: Answers) => topLevelBytes({ pk: table.pk('RECORDS'), sk: `REC#${probe.recordId}`, ...toItem({ ...probe, answers, status: 'submitted', version: 2, submittedAt: probe.createdAt, submissionId: crypto.randomUUID() }) });
    const trimmed = (n: number): Answers =>
      Object.fromEntries(Object.entries(base).map(([k, v]) => [k, k.endsWith('_rationale') && typeof v === 'string' ? v.slice(0, n) : v])) as Answers;
    let keep = 80;
    while (keep > 1 && sizeWith(trimmed(keep)) > TARGET_ITEM_BYTES) keep--;
    const answers = trimmed(keep);
    const itemSize = sizeWith(answers);

    const draft = async () => (await records.createDraft(table, actor, { formId: 'critical_incident_review', answers })).record;
    const submit = (recordId: string) => records.submit(table, actor, recordId, { expectedVersion: 1, submissionId: crypto.randomUUID() });

    // One submit, counted.
    const measured = await draft();
    roundTrips = 0;
    units.write = 0;
    units.read = 0;
    const { record } = await submit(measured.recordId);
    const submitTrips = roundTrips;
    const submitUnits = { ...units };

    // The bare comparison: one PutItem of the same stored item, no condition, no transaction.
    const bareItem = { pk: table.pk('BARE'), sk: '', ...toItem(record) };
    const barePut = (i: number) => client.send(new PutCommand({ TableName: BENCH_TABLE.name, Item: { ...bareItem, sk: `PUT#${i}` } }));

    const submitMs: number[] = [];
    const putMs: number[] = [];
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const { recordId } = await draft();
      const order = i % 2 === 0 ? (['submit', 'put'] as const) : (['put', 'submit'] as const);
      for (const what of order) {
        const started = performance.now();
        if (what === 'submit') await submit(recordId);
        else await barePut(i);
        const elapsed = performance.now() - started;
        if (i >= WARM_UP) (what === 'submit' ? submitMs : putMs).push(elapsed);
      }
    }
    submitMs.sort((a, b) => a - b);
    putMs.sort((a, b) => a - b);
    const p = (list: number[], q: number) => round(percentile(list, q));
    const ratio50 = round(percentile(submitMs, 50) / percentile(putMs, 50));
    const ratio99 = round(percentile(submitMs, 99) / percentile(putMs, 99));
    const row = (name: string, value: number, unit: string, target?: number): BenchRow =>
      target === undefined ? { group: 'records', name, value, unit } : { group: 'records', name, value, unit, target: `<= ${target}`, pass: value <= target };
    return [
      row(`critical incident review record item, estimated (1 improvement opportunity, rationales cut to ${keep} characters)`, itemSize, 'bytes'),
      row('submit: DynamoDB round trips', submitTrips, 'calls', TARGETS.roundTrips),
      row('submit: write units consumed', submitUnits.write, 'WCU', TARGETS.writeUnits),
      row('submit: read units consumed', submitUnits.read, 'RCU'),
      row('submit latency p50', p(submitMs, 50), 'ms'),
      row('submit latency p99', p(submitMs, 99), 'ms'),
      row('bare PutItem latency p50', p(putMs, 50), 'ms'),
      row('bare PutItem latency p99', p(putMs, 99), 'ms'),
      row('submit / PutItem latency ratio p50', ratio50, 'x', TARGETS.latencyRatio),
      row('submit / PutItem latency ratio p99', ratio99, 'x'),
    ];
  } finally {
    await dynamo.stop();
  }
}
