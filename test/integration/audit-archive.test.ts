import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { batchKey, PARTNERSHIP_CHAIN } from '#shared/audit/archive/chain.ts';
import { verifyArchive, type ArchiveSources } from '#shared/audit/archive/sources.ts';
import { newPartnershipAuditEvent, partnershipAuditPut } from '#shared/audit/partnership.ts';
import { auditPut, newAuditEvent, writeAuditEvent } from '#shared/audit/store.ts';
import { keys } from '#shared/storage/keys.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import type { ParkedStreamBatch } from '#local/streams.ts';
import { until } from '../support/until.ts';
import { baseUrl, signIn } from './helpers.ts';
import { newJurisdiction } from '../support/jurisdiction-fixtures.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const endpoints = inject('endpoints');
const table = inject('tableName');
const bucket = inject('buckets').find((b) => b.logicalId.startsWith('BucketsAuditArchive'))!.name;
const s3 = new S3Client({ endpoint: endpoints.s3, region: 'us-east-1', credentials, forcePathStyle: true });
const dynamodb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region: 'us-east-1', credentials });
const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
const sources: ArchiveSources = { s3, dynamodb, bucket, table };

/** The verifier's report of these chains once the archive has caught up with `events` events in all (the stream is asynchronous). */
const cleanChains = (chains: string[], events: number) =>
  until(`the archive to chain ${events} events of ${chains.join(', ')}`, async () => {
    const reports = await verifyArchive(sources, chains);
    return reports.every((r) => r.findings.length === 0) && reports.reduce((n, r) => n + r.events, 0) === events && reports;
  }, 30_000, 200);

/** `npm run audit:verify` against this test cloud: its exit code and output. */
async function runVerifier(...args: string[]): Promise<{ code: number; out: string }> {
  const env = { ...process.env, AWS_ENDPOINT_URL_S3: endpoints.s3, AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', ...args], { cwd: PROJECT_ROOT, env });
    return { code: 0, out: stdout };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}


describe('the audit archive (docs/audit.md), on the local cloud', () => {
  it('chains the events written through the routes; the verifier finds the chain clean, then names a tampered batch and event', async () => {
    const admin = await signIn('demo-platform-admin');
    const id = `it-arc-${Date.now().toString(36)}`;
    const send = (method: string, url: string, body: unknown) => admin.go(`${baseUrl()}${url}`, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await send('POST', '/api/jurisdictions', newJurisdiction(id, `Archive Test ${id}`))).status).toBe(201);
    for (const [version, name] of [[1, 'Renamed once'], [2, 'Renamed twice']] as const) {
      expect((await send('PUT', `/api/jurisdictions/${id}`, { jurisdiction: { ...newJurisdiction(id, `Archive Test ${id}`), name }, expectedVersion: version })).status).toBe(200);
    }

    const [report] = await cleanChains([id], 3);
    expect(report).toMatchObject({ chain: id, tableEvents: 3, events: 3 });
    const clean = await runVerifier('--chain', id);
    expect(clean.code, clean.out).toBe(0);
    expect(clean.out).toContain(`ok   ${id}:`);
    expect(clean.out).toMatch(/1 chains, \d+ batches, 3 chained events: clean/);

    // s3rver does not emulate Object Lock: an overwrite goes through here, where AWS would keep the locked version.
    const key = batchKey(id, 1);
    const original = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    const batch = JSON.parse(original) as { events: { item: Record<string, { S?: string }> }[] };
    const tamperedEvent = batch.events[0]!.item;
    tamperedEvent.action = { S: 'registry.updated' };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(batch) }));

    const [tampered] = await verifyArchive(sources, [id]);
    const event = `${tamperedEvent.pk!.S} ${tamperedEvent.sk!.S}`;
    expect(tampered!.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'tampered', chain: id, batch: key }),
        expect.objectContaining({ kind: 'altered', chain: id, batch: key, event }),
      ]),
    );
    const failed = await runVerifier('--chain', id);
    expect(failed.code, failed.out).toBe(1);
    expect(failed.out).toContain(`FAIL ${id}:`);
    expect(failed.out).toContain(`tampered: The content does not hash to the hash the batch carries [batch ${key}]`);
    expect(failed.out).toContain(`[event ${event}]`);
    // Put back, the chain is clean again.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }));
    expect((await verifyArchive(sources, [id]))[0]!.findings).toEqual([]);
  }, 90_000);

  it('no audit writer overwrites an event: each path is refused and the original stays, and the chain holds the original', async () => {
    const id = `it-aw-${Date.now().toString(36)}`;
    const scoped = scopedTable(documents, table, id);
    const actor = { subject: 'it-subject', role: 'jurisdiction_admin', jurisdictionId: id, requestId: 'it-request' };
    const first = newAuditEvent(actor, { action: 'record.read', recordId: 'r-1' }, new Date());
    const forged = { ...first, action: 'record.amended' as const, requestId: 'forged' };
    const stored = async () => (await documents.send(new GetCommand({ TableName: table, Key: { pk: scoped.pk('AUDIT'), sk: `${first.at}#${first.eventId}` }, ConsistentRead: true }))).Item;

    // A read's event, written on its own.
    await writeAuditEvent(scoped, first);
    const original = await stored();
    await expect(writeAuditEvent(scoped, forged)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    // A mutation's event, in its transaction.
    await expect(scoped.transactWrite([auditPut(scoped, forged)])).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(await stored()).toEqual(original);
    expect(original).toMatchObject({ action: 'record.read', requestId: 'it-request' });

    // The partnership's settings events.
    const partnershipActor = { subject: 'it-admin', role: 'platform_admin', requestId: 'it-request' };
    const setting = newPartnershipAuditEvent(partnershipActor, { action: 'survey.targets_set', before: null, after: { it: id } }, new Date());
    await documents.send(new TransactWriteCommand({ TransactItems: [partnershipAuditPut(table, setting)] }));
    const partnershipKey = keys.partnershipAuditEvent(setting.at, setting.eventId);
    const keptSetting = (await documents.send(new GetCommand({ TableName: table, Key: partnershipKey, ConsistentRead: true }))).Item;
    await expect(documents.send(new TransactWriteCommand({ TransactItems: [partnershipAuditPut(table, { ...setting, after: { forged: true } })] }))).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect((await documents.send(new GetCommand({ TableName: table, Key: partnershipKey, ConsistentRead: true }))).Item).toEqual(keptSetting);

    // One event each, chained as first written.
    const [report] = await cleanChains([id], 1);
    expect(report!.tableEvents).toBe(1);
    await until('the partnership event in its chain', async () => {
      const [partnership] = await verifyArchive(sources, [PARTNERSHIP_CHAIN]);
      const objects = await Promise.all(
        Array.from({ length: partnership!.batches }, (_, i) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: batchKey(PARTNERSHIP_CHAIN, i + 1) })).then((o) => o.Body!.transformToString())),
      );
      return objects.some((o) => o.includes(setting.eventId) && o.includes(`"it":{"S":"${id}"}`));
    }, 30_000, 200);
  }, 90_000);

  it('a stream record that cannot be archived is retried, then parked where a person can read it, never dropped', async () => {
    const id = `it-bad-${Date.now().toString(36)}`;
    // An item claiming to be an audit event outside any audit partition: the archive refuses to chain it.
    await documents.send(new PutCommand({ TableName: table, Item: { pk: `${id}#RECORDS`, sk: 'NOT-AN-EVENT', kind: 'audit' } }));
    const parked = await until('the record in the stream dead letters', () => {
      let lines: ParkedStreamBatch[];
      try {
        lines = readFileSync(inject('streamDeadLettersFile'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ParkedStreamBatch);
      } catch {
        return undefined;
      }
      return lines.find((b) => b.functionId === 'audit-archive' && b.records.some((r) => r.dynamodb?.NewImage?.pk?.S === `${id}#RECORDS`));
    }, 60_000, 500);
    expect(parked.attempts).toBe(11);
    expect(parked.reason).toBe("the function reported the batch's records as failed");
    expect(parked.records.find((r) => r.dynamodb?.NewImage?.pk?.S === `${id}#RECORDS`)?.dynamodb?.NewImage?.sk?.S).toBe('NOT-AN-EVENT');
  }, 90_000);
});
