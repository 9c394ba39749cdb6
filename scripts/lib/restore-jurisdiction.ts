/**
 * Restores ONE jurisdiction's items in the live table to what a restored copy of the table holds (docs/operations.md,
 * "Backups and restore"). The copy is a table restored to a point in time (PITR or a backup); this module compares the
 * jurisdiction's items in both and makes the live table match the copy, except the audit trail, which only grows:
 *
 * - an item of the jurisdiction in the copy and not in the live table is put back; one that differs is replaced by
 *   the copy's version; one in the live table and not in the copy (written after the point in time) is deleted;
 * - audit events (`<id>#AUDIT`) are never replaced nor deleted: events written after the point in time stay, an event
 *   missing from the live table is put back with a condition that it is still missing, and one that differs is
 *   reported and left as it is (the audit verifier's business, not a restore's);
 * - "the jurisdiction's items" are those whose pk is `<id>` or begins with `<id>#` (shared/storage/keys.ts), so
 *   `ky` never touches `ky-dcbs`; every write is checked against that rule before it is sent;
 * - the restore writes one audit event (`jurisdiction.restored`: who, to when, how much) before it changes anything.
 *
 * Idempotent and resumable: each run computes what differs now, so a second run finds nothing to change (and writes
 * no event), and a run stopped half-way is finished by running it again.
 *
 * Items are compared and written as raw attribute values (the low-level client), so a restored item is the copy's
 * item byte for byte: no marshalling round trip can change a number's form or a set into a list.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newAuditEvent, writeAuditEvent } from '#shared/audit/store.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { jurisdictionIdSchema, keys, partitions, RECORD_SK_PREFIX, WAVE_SK_PREFIX } from '#shared/storage/keys.ts';
import { pkBelongsTo, scopedTable } from '#shared/storage/scoped-table.ts';

type RawItem = Record<string, AttributeValue>;

/** A jurisdiction's partition kind: `profile` (pk = the bare id) or a key of `partitions` in shared/storage/keys.ts. */
export type PartitionKind = 'profile' | keyof typeof partitions;

const PARAMETER = '\u0000';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each kind of partition as a pattern of its suffix, built from the key registry's own builders (no second copy). */
const KIND_PATTERNS = Object.entries(partitions).map(([kind, build]) => {
  const sample = typeof build === 'string' ? build : build(PARAMETER);
  return { kind: kind as keyof typeof partitions, parameterized: typeof build !== 'string', pattern: new RegExp(`^${escapeRegExp(sample).replace(PARAMETER, '([^#]+)')}$`) };
});

/**
 * Where the live table lists the partitions of each parameterized kind: a record's partition (`REC#<rid>`) by the
 * record items of `RECORDS`, a wave's responses and staff list by the wave items of `SURVEY`. The live table is never
 * scanned, so a partition the copy lacks (created after the point in time) is found through these listings; a new
 * parameterized kind without a listing here stops this module at load, before it could leave such partitions behind.
 */
const PARTITION_LISTINGS: Partial<Record<keyof typeof partitions, { partition: string; skPrefix: string; suffix: (parameter: string) => string }>> = {
  record: { partition: partitions.records, skPrefix: RECORD_SK_PREFIX, suffix: partitions.record },
  surveyResponses: { partition: partitions.survey, skPrefix: WAVE_SK_PREFIX, suffix: partitions.surveyResponses },
  surveyStaff: { partition: partitions.survey, skPrefix: WAVE_SK_PREFIX, suffix: partitions.surveyStaff },
};
const unlisted = KIND_PATTERNS.filter((k) => k.parameterized && !PARTITION_LISTINGS[k.kind]).map((k) => k.kind);
if (unlisted.length) throw new Error(`restore-jurisdiction: no listing finds the partitions of ${unlisted.join(', ')} (PARTITION_LISTINGS)`);

/** The kind of one of the jurisdiction's partitions; `other` for a pk no builder of the registry makes. */
export function kindOfPartition(jurisdictionId: string, pk: string): PartitionKind | 'other' {
  if (!pkBelongsTo(jurisdictionId, pk)) throw new Error(`${pk} is not a partition of ${jurisdictionId}`);
  if (pk === jurisdictionId) return 'profile';
  const suffix = pk.slice(jurisdictionId.length + 1);
  return KIND_PATTERNS.find((k) => k.pattern.test(suffix))?.kind ?? 'other';
}

/** What one run does (or, in a dry run, would do) to the items of each kind. */
export interface KindCounts {
  /** In the copy, missing from the live table: put back. */
  copied: number;
  /** Different in the live table: replaced by the copy's version. */
  replaced: number;
  /** In the live table only (written after the point in time): deleted. */
  deleted: number;
  unchanged: number;
  /** Audit events written after the point in time: kept. */
  auditKept: number;
  /** Audit events of the copy missing from the live table: put back (conditionally). */
  auditRestored: number;
  /** Audit events that differ between the copy and the live table: left as they are, and reported. */
  auditDiffering: number;
}

export interface RestoreReport {
  jurisdictionId: string;
  pointInTime: string;
  dryRun: boolean;
  byKind: Partial<Record<PartitionKind | 'other', KindCounts>>;
  totals: KindCounts;
  /** Items written or deleted by this run (0 in a dry run, and in a run with nothing to change). */
  writes: number;
  /** The restore's own audit event, when this run changed something. */
  auditEventId?: string;
  /**
   * Changes a comparison made after the writes still finds (a run that wrote something checks its work): 0 unless
   * someone wrote to the jurisdiction while the restore ran.
   */
  remaining?: number;
}

export interface Operator {
  /** Who is running the restore, as the caller's identity says (the CLI: STS GetCallerIdentity). */
  subject: string;
  /** The operator's name, as the audit log shows it. */
  displayName: string;
}

export interface RestoreOptions {
  client: DynamoDBClient;
  /** The table restored to the point in time (read with a Scan: it is a one-off copy, not the live table). */
  sourceTable: string;
  /** The live table. */
  targetTable: string;
  jurisdictionId: string;
  pointInTime: Date;
  operator: Operator;
  dryRun?: boolean;
  /** Progress lines for a person watching (never item contents). */
  log?: (line: string) => void;
  now?: () => Date;
}

const BATCH_SIZE = 25; // BatchWriteItem's limit
const MAX_BATCH_ATTEMPTS = 8;

const emptyCounts = (): KindCounts => ({ copied: 0, replaced: 0, deleted: 0, unchanged: 0, auditKept: 0, auditRestored: 0, auditDiffering: 0 });

/** A canonical text of an item: attribute names sorted, set members sorted (sets have no order). */
export function canonicalItem(item: RawItem): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('base64') };
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) {
        const value = o[k];
        if ((k === 'SS' || k === 'NS') && Array.isArray(value)) out[k] = [...(value as string[])].sort();
        else if (k === 'BS' && Array.isArray(value)) out[k] = (value as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')).sort();
        else out[k] = canon(value);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(canon(item));
}

const keyOf = (item: RawItem) => `${item.pk?.S}\u0000${item.sk?.S}`;

/**
 * The point in time a restored table holds: DynamoDB records it on a restored table (RestoreSummary.RestoreDateTime,
 * the point in time or the backup's time). A given time must agree with it; without a summary (a copy made another
 * way, or DynamoDB Local) the time must be given.
 */
export async function pointInTimeOf(client: DynamoDBClient, sourceTable: string, given?: Date): Promise<Date> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: sourceTable }));
  const summary = Table?.RestoreSummary;
  if (summary?.RestoreInProgress) throw new Error(`${sourceTable} is still being restored; wait until its status is ACTIVE`);
  const recorded = summary?.RestoreDateTime;
  if (recorded && given && recorded.getTime() !== given.getTime()) {
    throw new Error(`${sourceTable} was restored to ${recorded.toISOString()}, not ${given.toISOString()}`);
  }
  const at = recorded ?? given;
  if (!at) throw new Error(`${sourceTable} carries no restore summary: give the point in time it holds (--point-in-time)`);
  return at;
}

async function scanJurisdiction(client: DynamoDBClient, table: string, jurisdictionId: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: RawItem | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'pk = :id OR begins_with(pk, :owned)',
        ExpressionAttributeValues: { ':id': { S: jurisdictionId }, ':owned': { S: `${jurisdictionId}#` } },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      // The filter already says so; checked again because everything below trusts it.
      if (!pkBelongsTo(jurisdictionId, item.pk?.S ?? '')) throw new Error('the restored copy returned an item of another jurisdiction');
      items.push(item);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function queryPartition(client: DynamoDBClient, table: string, pk: string, skPrefix?: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: RawItem | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk }, ...(skPrefix ? { ':prefix': { S: skPrefix } } : {}) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every partition of the jurisdiction the live table may hold, found without a Scan (see PARTITION_LISTINGS). */
async function livePartitions(client: DynamoDBClient, table: string, jurisdictionId: string, fromCopy: Iterable<string>): Promise<Set<string>> {
  const pks = new Set<string>(fromCopy);
  pks.add(keys.jurisdictionProfile(jurisdictionId).pk);
  for (const { kind, parameterized } of KIND_PATTERNS) {
    if (!parameterized) pks.add(keys.owned(jurisdictionId, partitions[kind] as string));
  }
  for (const listing of Object.values(PARTITION_LISTINGS)) {
    const listed = await queryPartition(client, table, keys.owned(jurisdictionId, listing.partition), listing.skPrefix);
    for (const item of listed) pks.add(keys.owned(jurisdictionId, listing.suffix(String(item.sk?.S).slice(listing.skPrefix.length))));
  }
  return pks;
}

interface Plan {
  puts: RawItem[];
  deletes: RawItem[];
  auditPuts: RawItem[];
  byKind: Partial<Record<PartitionKind | 'other', KindCounts>>;
}

async function plan(options: RestoreOptions): Promise<Plan> {
  const { client, sourceTable, targetTable, jurisdictionId } = options;
  const auditPk = keys.owned(jurisdictionId, partitions.audit);
  const copy = await scanJurisdiction(client, sourceTable, jurisdictionId);
  const copyByKey = new Map(copy.map((item) => [keyOf(item), item]));
  const pks = await livePartitions(client, targetTable, jurisdictionId, copy.map((item) => item.pk!.S!));
  const live = new Map<string, RawItem>();
  for (const pk of pks) for (const item of await queryPartition(client, targetTable, pk)) live.set(keyOf(item), item);

  const result: Plan = { puts: [], deletes: [], auditPuts: [], byKind: {} };
  const count = (pk: string, field: keyof KindCounts) => {
    const kind = kindOfPartition(jurisdictionId, pk);
    (result.byKind[kind] ??= emptyCounts())[field] += 1;
  };
  for (const [key, item] of copyByKey) {
    const pk = item.pk!.S!;
    const current = live.get(key);
    const audit = pk === auditPk;
    if (!current) {
      count(pk, audit ? 'auditRestored' : 'copied');
      (audit ? result.auditPuts : result.puts).push(item);
    } else if (canonicalItem(current) === canonicalItem(item)) {
      count(pk, 'unchanged');
    } else if (audit) {
      count(pk, 'auditDiffering');
    } else {
      count(pk, 'replaced');
      result.puts.push(item);
    }
  }
  for (const [key, item] of live) {
    if (copyByKey.has(key)) continue;
    const pk = item.pk!.S!;
    if (pk === auditPk) {
      count(pk, 'auditKept');
    } else {
      count(pk, 'deleted');
      result.deletes.push({ pk: item.pk!, sk: item.sk! });
    }
  }
  return result;
}

function assertOwned(jurisdictionId: string, item: RawItem): void {
  const pk = item.pk?.S;
  if (pk === undefined || !pkBelongsTo(jurisdictionId, pk)) throw new Error(`refusing to write an item outside ${jurisdictionId}`);
}

/** Batches of puts and deletes; unprocessed items are sent again with backoff (a rerun resumes past the last resort). */
async function writeBatches(client: DynamoDBClient, table: string, requests: WriteRequest[], log: (line: string) => void): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_SIZE) {
    let pending = requests.slice(i, i + BATCH_SIZE);
    for (let attempt = 1; pending.length; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`${pending.length} writes still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts; run the restore again to resume`);
      if (attempt > 1) await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)));
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] ?? [];
    }
    log(`  ${Math.min(i + BATCH_SIZE, requests.length)} of ${requests.length} items written`);
  }
}

export async function restoreJurisdiction(options: RestoreOptions): Promise<RestoreReport> {
  const jurisdictionId = jurisdictionIdSchema.parse(options.jurisdictionId);
  const { client, sourceTable, targetTable, pointInTime } = options;
  const log = options.log ?? (() => {});
  if (sourceTable === targetTable) throw new Error('the restored copy and the live table must be different tables');
  if (Number.isNaN(pointInTime.getTime())) throw new Error('the point in time is not a date');

  log(`comparing ${jurisdictionId}'s items in ${sourceTable} (as of ${pointInTime.toISOString()}) with ${targetTable}`);
  const planned = await plan(options);
  const totals = emptyCounts();
  for (const counts of Object.values(planned.byKind)) for (const field of Object.keys(totals) as (keyof KindCounts)[]) totals[field] += counts[field];
  const report: RestoreReport = { jurisdictionId, pointInTime: pointInTime.toISOString(), dryRun: Boolean(options.dryRun), byKind: planned.byKind, totals, writes: 0 };
  const changes = planned.puts.length + planned.deletes.length + planned.auditPuts.length;
  if (options.dryRun || changes === 0) return report;

  // The event comes first, so every change is covered by one even if the run stops half-way (its rerun adds another).
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
  const table = scopedTable(documents, targetTable, jurisdictionId);
  const event = newAuditEvent(
    { subject: options.operator.subject, displayName: options.operator.displayName, role: 'platform_operator', jurisdictionId, requestId: `restore-${randomUUID()}` },
    {
      action: 'jurisdiction.restored',
      restoredTo: pointInTime.toISOString(),
      restoreCounts: { copied: totals.copied + totals.auditRestored, replaced: totals.replaced, deleted: totals.deleted },
    },
    (options.now ?? (() => new Date()))(),
  );
  await writeAuditEvent(table, event);
  report.auditEventId = event.eventId;
  log(`audit event ${event.eventId} written; applying ${changes} changes`);

  for (const item of [...planned.puts, ...planned.deletes, ...planned.auditPuts]) assertOwned(jurisdictionId, item);
  // The items that list other partitions (a record, a wave) are deleted last, in a step of their own: a run stopped
  // before then still finds, on its rerun, every partition it has yet to empty.
  const lists = (item: RawItem) =>
    Object.values(PARTITION_LISTINGS).some((l) => item.pk?.S === keys.owned(jurisdictionId, l.partition) && item.sk?.S?.startsWith(l.skPrefix));
  const deleteOf = (Key: RawItem): WriteRequest => ({ DeleteRequest: { Key } });
  await writeBatches(client, targetTable, [...planned.puts.map((Item): WriteRequest => ({ PutRequest: { Item } })), ...planned.deletes.filter((d) => !lists(d)).map(deleteOf)], log);
  await writeBatches(client, targetTable, planned.deletes.filter(lists).map(deleteOf), log);
  for (const item of planned.auditPuts) {
    try {
      await client.send(new PutItemCommand({ TableName: targetTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (e) {
      // Written meanwhile (by a concurrent run): an audit event is never overwritten, so it stays as it is.
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }
  report.writes = changes;
  const after = await plan(options);
  report.remaining = after.puts.length + after.deletes.length + after.auditPuts.length;
  log(report.remaining === 0 ? 'checked: the live table now matches the copy' : `checked: ${report.remaining} items changed while the restore ran`);
  return report;
}
