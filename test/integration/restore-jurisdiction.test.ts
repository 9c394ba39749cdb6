/**
 * The restore procedure of docs/operations.md ("Backups and restore") against DynamoDB Local: a live table and a
 * "restored" copy of it at a point in time, three jurisdictions of which two share a prefix (ky, ky-dcbs), then ky
 * restored to the copy. DynamoDB Local has no point-in-time restore, so the copy is made by copying every item at
 * that moment, which is what a restore to a new table yields.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Actor } from '#shared/audit/model.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { RecordService } from '#shared/records/service.ts';
import { GSI1, keys, partitions } from '#shared/storage/keys.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { canonicalItem, restoreJurisdiction, type RestoreReport } from '../../scripts/lib/restore-jurisdiction.ts';

type RawItem = Record<string, AttributeValue>;

const endpoint = inject('endpoints').dynamodb;
const newClient = () => new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const client = newClient();
const documents = DynamoDBDocumentClient.from(client, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });

const suffix = randomBytes(4).toString('hex');
const LIVE = `restore-live-${suffix}`;
const COPY = `restore-copy-${suffix}`;
const CIR = 'critical_incident_review';
const OPERATOR = { subject: 'arn:aws:sts::123456789012:assumed-role/Operators/jane.doe', displayName: 'Jane Doe' };

const records = new RecordService({ cursorSecret: 'integration-cursor-secret-0123456789abcdef' });
const actorIn = (jurisdictionId: string): Actor => ({ subject: `sub-${jurisdictionId}`, role: 'submitter', jurisdictionId, requestId: `req-${randomUUID()}` });
const live = (jurisdictionId: string) => scopedTable(documents, LIVE, jurisdictionId);

async function createTable(name: string) {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: ['pk', 'sk', GSI1.pk, GSI1.sk].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      GlobalSecondaryIndexes: [
        {
          IndexName: GSI1.name,
          KeySchema: [
            { AttributeName: GSI1.pk, KeyType: 'HASH' },
            { AttributeName: GSI1.sk, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

async function scanAll(table: string): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let start: RawItem | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const S = (value: string): AttributeValue => ({ S: value });
const put = (table: string, item: RawItem) => client.send(new PutItemCommand({ TableName: table, Item: item }));
const owned = (jurisdictionId: string, item: RawItem) => item.pk!.S === jurisdictionId || item.pk!.S!.startsWith(`${jurisdictionId}#`);
const isAudit = (jurisdictionId: string, item: RawItem) => item.pk!.S === keys.owned(jurisdictionId, partitions.audit);
/** Items as a sorted list of canonical texts: equal lists mean the same items, attribute for attribute. */
const canon = (items: RawItem[]) => items.map(canonicalItem).sort();
const itemsOf = async (table: string, jurisdictionId: string) => (await scanAll(table)).filter((i) => owned(jurisdictionId, i));

/** The items of jurisdictions other than ky, and of no jurisdiction (sessions, partnership items). */
const notKy = (items: RawItem[]) => items.filter((i) => !owned('ky', i));

const profile = (id: string, name: string): RawItem => ({
  pk: S(keys.jurisdictionProfile(id).pk),
  sk: S('PROFILE'),
  name: S(name),
  state: S('KY'),
  [GSI1.pk]: S(keys.registryPartition),
  [GSI1.sk]: S(keys.registrySort('KY', name)),
});

describe('restoring one jurisdiction to a point in time', () => {
  let pointInTime: Date;
  let liveBeforeRestore: RawItem[];
  let dryRun: RestoreReport;
  let firstRun: RestoreReport;
  let liveAfterDryRun: RawItem[];
  const recordIds: Record<string, string> = {};

  beforeAll(async () => {
    await Promise.all([createTable(LIVE), createTable(COPY)]);

    // Before the point in time: records (with their audit events and gsi1 entries) in all three jurisdictions,
    // profiles on the registry's gsi1 partition, a survey wave with a staff list, and items of no jurisdiction.
    for (const [id, name] of [['ky', 'Kentucky'], ['ky-dcbs', 'Kentucky DCBS'], ['tn', 'Tennessee']] as const) {
      await put(LIVE, profile(id, name));
      const me = actorIn(id);
      const { record } = await records.createDraft(live(id), me, { formId: CIR, answers: { review_id: `CIR-${id}-1` } });
      const saved = await records.saveDraft(live(id), me, record.recordId, { answers: sampleCriticalIncidentReview(2) as Answers, expectedVersion: 1 });
      recordIds[id] = record.recordId;
      const other = await records.createDraft(live(id), me, { formId: CIR, answers: { review_id: `CIR-${id}-2` } });
      recordIds[`${id}-2`] = other.record.recordId;
      expect(saved.version).toBe(2);
      await put(LIVE, { pk: S(keys.owned(id, partitions.survey)), sk: S(keys.surveyWave('w1').sk), status: S('open') });
      await put(LIVE, { pk: S(keys.owned(id, partitions.surveyStaff('w1'))), sk: S(keys.surveyMember('w1', 'a@example.org').sk), unit: S('Intake') });
      await put(LIVE, { pk: S(keys.owned(id, partitions.published)), sk: S(keys.publishedNotice('N1').sk), title: S('Safe sleep'), [GSI1.pk]: S(keys.publishedNoticesIndex), [GSI1.sk]: S(`2026-01-01#${id}#N1`) });
    }
    await put(LIVE, { pk: S(keys.partnershipAuditPartition), sk: S('2026-01-01T00:00:00.000Z#E1'), action: S('survey.targets_set') });
    await put(LIVE, { pk: S(keys.session('abc').pk), sk: S('SESSION'), expiresAt: { N: '4102444800' } });

    // The point in time: the copy holds exactly what the live table held then.
    for (const item of await scanAll(LIVE)) await put(COPY, item);
    pointInTime = new Date();

    // After it: ky changes in every way a restore must undo, and so do its neighbours (which must stay as they are).
    const ky = actorIn('ky');
    await records.saveDraft(live('ky'), ky, recordIds.ky!, { answers: { ...(sampleCriticalIncidentReview(3) as Answers), review_id: 'CIR-ky-1' }, expectedVersion: 2 });
    await records.submit(live('ky'), ky, recordIds.ky!, { expectedVersion: 3, submissionId: randomUUID() }); // a new REC#<id> partition item
    const late = await records.createDraft(live('ky'), ky, { formId: CIR, answers: { review_id: 'CIR-ky-late' } });
    await records.saveDraft(live('ky'), ky, late.record.recordId, { answers: sampleCriticalIncidentReview(4) as Answers, expectedVersion: 1 });
    await records.submit(live('ky'), ky, late.record.recordId, { expectedVersion: 2, submissionId: randomUUID() }); // a partition the copy lacks
    await put(LIVE, profile('ky', 'Kentucky (renamed)'));
    await client.send(new DeleteItemCommand({ TableName: LIVE, Key: { pk: S(keys.owned('ky', partitions.surveyStaff('w1'))), sk: S(keys.surveyMember('w1', 'a@example.org').sk) } }));
    await put(LIVE, { pk: S(keys.owned('ky', partitions.survey)), sk: S(keys.surveyWave('w2').sk), status: S('open') });
    for (let i = 0; i < 30; i++) {
      await put(LIVE, { pk: S(keys.owned('ky', partitions.surveyStaff('w2'))), sk: S(keys.surveyMember('w2', `p${i}@example.org`).sk), unit: S('Intake') });
    }
    // An audit event lost after the point in time (the append-only rule was broken), and one rewritten.
    const kyAudit = (await itemsOf(LIVE, 'ky')).filter((i) => isAudit('ky', i)).sort((a, b) => a.sk!.S!.localeCompare(b.sk!.S!));
    await client.send(new DeleteItemCommand({ TableName: LIVE, Key: { pk: kyAudit[0]!.pk!, sk: kyAudit[0]!.sk! } }));
    await put(LIVE, { ...kyAudit[1]!, action: S('record.read') });

    const dcbs = actorIn('ky-dcbs');
    await records.saveDraft(live('ky-dcbs'), dcbs, recordIds['ky-dcbs']!, { answers: { ...(sampleCriticalIncidentReview(5) as Answers), review_id: 'CIR-dcbs-1' }, expectedVersion: 2 });
    await put(LIVE, profile('ky-dcbs', 'Kentucky DCBS (renamed)'));
    await records.createDraft(live('tn'), actorIn('tn'), { formId: CIR, answers: { review_id: 'CIR-tn-late' } });

    liveBeforeRestore = await scanAll(LIVE);
    dryRun = await restoreJurisdiction({ client, sourceTable: COPY, targetTable: LIVE, jurisdictionId: 'ky', pointInTime, operator: OPERATOR, dryRun: true });
    liveAfterDryRun = await scanAll(LIVE);
    // The first run is interrupted on its second batch of writes; the second finishes it.
    const failing = newClient();
    let batches = 0;
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchWriteItemCommand' && ++batches === 2) throw new Error('injected: the network went away');
        return next(args);
      },
      { step: 'initialize' },
    );
    await expect(restoreJurisdiction({ client: failing, sourceTable: COPY, targetTable: LIVE, jurisdictionId: 'ky', pointInTime, operator: OPERATOR })).rejects.toThrow(/injected/);
    failing.destroy();
    firstRun = await restoreJurisdiction({ client, sourceTable: COPY, targetTable: LIVE, jurisdictionId: 'ky', pointInTime, operator: OPERATOR });
  }, 120_000);

  afterAll(async () => {
    for (const TableName of [LIVE, COPY]) await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
    client.destroy();
  });

  it('a dry run writes nothing and counts what would change, per kind', () => {
    expect(canon(liveAfterDryRun)).toEqual(canon(liveBeforeRestore));
    expect(dryRun.writes).toBe(0);
    expect(dryRun.auditEventId).toBeUndefined();
    // The renamed profile; the two records; the staff member deleted after the point in time.
    expect(dryRun.byKind.profile).toMatchObject({ replaced: 1 });
    expect(dryRun.byKind.records).toMatchObject({ replaced: 1, deleted: 1 });
    expect(dryRun.byKind.record).toMatchObject({ deleted: 2 });
    expect(dryRun.byKind.surveyStaff).toMatchObject({ copied: 1, deleted: 30 });
    expect(dryRun.byKind.survey).toMatchObject({ deleted: 1, unchanged: 1 });
    // Post-point audit events are kept; the lost one comes back; the rewritten one is reported, not touched.
    expect(dryRun.byKind.audit).toMatchObject({ auditRestored: 1, auditDiffering: 1, deleted: 0, replaced: 0 });
    // Saved and submitted A; created, saved and submitted the late record.
    expect(dryRun.byKind.audit!.auditKept).toBe(5);
    expect(dryRun.totals.deleted).toBe(34);
  });

  it("ky's items match the restored copy, apart from the audit trail, which only grew", async () => {
    const [now, then] = [await itemsOf(LIVE, 'ky'), await itemsOf(COPY, 'ky')];
    expect(canon(now.filter((i) => !isAudit('ky', i)))).toEqual(canon(then.filter((i) => !isAudit('ky', i))));
    const before = liveBeforeRestore.filter((i) => isAudit('ky', i));
    const after = now.filter((i) => isAudit('ky', i));
    // Every audit event the live table held is still there, unchanged (the rewritten one included: the verifier's).
    expect(canon(after)).toEqual(expect.arrayContaining(canon(before)));
    // Every event of the copy is there; the lost one was put back.
    const lost = then.filter((i) => isAudit('ky', i) && !before.some((b) => b.sk!.S === i.sk!.S));
    expect(lost).toHaveLength(1);
    expect(canon(after)).toEqual(expect.arrayContaining(canon(lost)));
  });

  it('the restore wrote its own audit events: who, to when, how much (one per run that changed something)', async () => {
    expect(firstRun.writes).toBeGreaterThan(0);
    expect(firstRun.remaining).toBe(0);
    const events = (await itemsOf(LIVE, 'ky')).filter((i) => isAudit('ky', i) && i.action?.S === 'jurisdiction.restored');
    // The interrupted run wrote one before its first change, the run that finished it another.
    expect(events).toHaveLength(2);
    const last = events.find((e) => e.eventId!.S === firstRun.auditEventId)!;
    expect(last.restoredTo!.S).toBe(pointInTime.toISOString());
    expect(last.actor!.M).toMatchObject({ subject: S(OPERATOR.subject), displayName: S('Jane Doe'), role: S('platform_operator') });
    expect(last[GSI1.pk]!.S).toBe(keys.auditIndexPartition);
    for (const e of events) expect(e.restoreCounts?.M).toBeDefined();
  });

  it('ky-dcbs, tn and the items of no jurisdiction are untouched, byte for byte', async () => {
    expect(canon(notKy(await scanAll(LIVE)))).toEqual(canon(notKy(liveBeforeRestore)));
    // And they do differ from the copy: the restore had something it must not touch.
    expect(canon(await itemsOf(LIVE, 'ky-dcbs'))).not.toEqual(canon(await itemsOf(COPY, 'ky-dcbs')));
  });

  it('a second run changes nothing and writes no audit event', async () => {
    const before = await scanAll(LIVE);
    const again = await restoreJurisdiction({ client, sourceTable: COPY, targetTable: LIVE, jurisdictionId: 'ky', pointInTime, operator: OPERATOR });
    expect(again.writes).toBe(0);
    expect(again.auditEventId).toBeUndefined();
    expect(again.totals).toMatchObject({ copied: 0, replaced: 0, deleted: 0, auditRestored: 0, auditDiffering: 1 });
    expect(canon(await scanAll(LIVE))).toEqual(canon(before));
  });

  it('the command line: a dry run prints the counts per kind; an email address as the operator is refused', async () => {
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/restore-jurisdiction.ts', ...args], {
        env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const common = ['--source', COPY, '--target', LIVE, '--jurisdiction', 'ky', '--point-in-time', pointInTime.toISOString(), '--subject', 'local-operator'];
    const before = await scanAll(LIVE);
    const dry = await run(...common, '--operator', 'Jane Doe', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`Dry run: ky as of ${pointInTime.toISOString()}; nothing was written.`);
    expect(dry.stdout).toMatch(/^total\s+0\s+0\s+0\s+\d+\s+\d+\s+0\s+1$/m);
    expect(dry.stdout).toContain('1 audit events differ from the copy');
    const email = await run(...common, '--operator', 'jane@agency.example');
    expect(email.code).toBe(2);
    expect(email.stderr).toContain('--operator is a name, not an email address');
    expect(canon(await scanAll(LIVE))).toEqual(canon(before));
  });

  it('a write made while the restore runs is reported as remaining, and the next run undoes it', async () => {
    const marker = (n: number): RawItem => ({ pk: S(keys.owned('ky', partitions.mail)), sk: S(keys.mailMarker(`late-${n}`).sk) });
    await put(LIVE, marker(1));
    const racing = newClient();
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'BatchWriteItemCommand') await put(LIVE, marker(2)); // someone still at work
        return out;
      },
      { step: 'initialize' },
    );
    const raced = await restoreJurisdiction({ client: racing, sourceTable: COPY, targetTable: LIVE, jurisdictionId: 'ky', pointInTime, operator: OPERATOR });
    racing.destroy();
    expect(raced.totals.deleted).toBe(1);
    expect(raced.remaining).toBe(1);
    const next = await restoreJurisdiction({ client, sourceTable: COPY, targetTable: LIVE, jurisdictionId: 'ky', pointInTime, operator: OPERATOR });
    expect(next).toMatchObject({ writes: 1, remaining: 0 });
    expect((await itemsOf(LIVE, 'ky')).filter((i) => i.pk!.S === keys.owned('ky', partitions.mail))).toEqual([]);
  });

  it('refuses the live table as its own source, and an id that is not a jurisdiction id', async () => {
    await expect(restoreJurisdiction({ client, sourceTable: LIVE, targetTable: LIVE, jurisdictionId: 'ky', pointInTime, operator: OPERATOR })).rejects.toThrow(/different tables/);
    await expect(restoreJurisdiction({ client, sourceTable: COPY, targetTable: LIVE, jurisdictionId: 'ky#', pointInTime, operator: OPERATOR })).rejects.toThrow();
  });
});
