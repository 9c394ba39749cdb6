import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createHash, randomBytes } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { addJurisdiction, editJurisdiction } from '#shared/jurisdictions/admin.ts';
import type { DataSharing } from '#shared/jurisdictions/model.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { DATASETS_PREFIX, releaseIdOfKey, type DatasetManifest } from '#shared/warehouse/dataset.ts';
import { DEFAULT_RELEASE_SETTINGS } from '#shared/warehouse/deidentify.ts';
import { STAGING_PREFIX } from '#shared/warehouse/layout.ts';
import { WarehouseRun } from '#shared/warehouse/run.ts';
import { WarehouseReleases, type WarehouseRelease } from '#shared/warehouse/store.ts';
import { writeSyntheticReviews } from '#local/synthetic-reviews.ts';
import { client, tableName, uniqueJurisdiction } from './records/setup.ts';
import { until } from '../support/until.ts';

/**
 * The warehouse workflow end to end on the local cloud (shared/warehouse/run.ts): two jurisdictions that share and
 * one without an agreement, with reviews approved in 2018 (no other test writes records that old into a sharing
 * jurisdiction); the release's consent section, files and checksums, the switch, staging removed; then one
 * jurisdiction withdraws, and the next release leaves its rows out, says so, and removes the previous release's files.
 */
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const sfn = () => new SFNClient({ endpoint: inject('endpoints').stepFunctions, region: 'us-east-1', credentials });
const s3 = () => new S3Client({ endpoint: inject('endpoints').s3, region: 'us-east-1', credentials, forcePathStyle: true });
const bucket = () => inject('buckets').find((b) => b.logicalId.startsWith('BucketsExports'))!.name;
const releases = () => new WarehouseReleases(client, tableName());
const editor = { subject: 'it-warehouse', role: 'platform_admin', requestId: 'it-warehouse' };

async function run(): Promise<{ status: string; cause?: string }> {
  const name = `it-warehouse-${randomBytes(6).toString('hex')}`;
  const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn: inject('stateMachineArns').warehouse!, name, input: JSON.stringify({ trigger: 'on_demand', reason: 'Integration test of the warehouse workflow' }) }));
  return until(
    'the warehouse execution to end',
    async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : { status: d.status!, ...(d.cause ? { cause: d.cause } : {}) };
    },
    240_000,
    250,
  );
}

const object = async (key: string) => (await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }))).Body!.transformToByteArray();
async function keysUnder(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(new ListObjectsV2Command({ Bucket: bucket(), Prefix: prefix, ContinuationToken: token }));
    out.push(...(page.Contents ?? []).map((c) => c.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

async function jurisdiction(prefix: string, dataSharing?: DataSharing): Promise<string> {
  const id = uniqueJurisdiction(prefix);
  await addJurisdiction(client, tableName(), { id, name: `Warehouse test ${id}`, type: 'state', state: 'WY', units: [], contacts: [], active: true, joinedYear: 2018, ...(dataSharing ? { dataSharing } : {}) }, editor);
  return id;
}

const entryOf = (release: WarehouseRelease, id: string) => release.jurisdictions.find((j) => j.id === id);
const sharedRecords = (release: WarehouseRelease) => release.jurisdictions.reduce((n, j) => n + (j.shares ? j.records : 0), 0);

beforeAll(() => {
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: inject('endpoints').s3, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
});

describe('warehouse workflow', () => {
  it('publishes the consenting jurisdictions\' approved records, says who is in and out, and a withdrawal takes a jurisdiction\'s rows out of the next release', { timeout: 600_000 }, async () => {
    const agreement: DataSharing = { sharesWithWarehouse: true, since: '2015-01-01', lagMonths: 0 };
    const a = await jurisdiction('wpa', agreement);
    const b = await jurisdiction('wpb', agreement);
    const none = await jurisdiction('wpc');
    const from = new Date('2018-01-01T00:00:00Z');
    const to = new Date('2018-12-31T00:00:00Z');
    await writeSyntheticReviews(client, tableName(), { jurisdictionId: a, count: 30, from, to, seed: `it-${a}` });
    await writeSyntheticReviews(client, tableName(), { jurisdictionId: b, count: 12, from, to, seed: `it-${b}` });
    await writeSyntheticReviews(client, tableName(), { jurisdictionId: none, count: 5, from, to, seed: `it-${none}` });

    expect(await run()).toEqual({ status: 'SUCCEEDED' });
    const first = (await releases().current())!;
    expect(first).toMatchObject({ trigger: 'on_demand', reason: 'Integration test of the warehouse workflow' });
    expect(entryOf(first, a)).toMatchObject({ shares: true, from: '2015-01-01', until: first.releaseDate, records: 30 });
    expect(entryOf(first, b)).toMatchObject({ shares: true, records: 12 });
    expect(entryOf(first, none)).toEqual({ id: none, name: `Warehouse test ${none}`, state: 'WY', shares: false, reason: 'no agreement' });

    // The manifest: the same consent section; every file there with its checksum; its records are the sharing ones'.
    const manifest = JSON.parse(Buffer.from(await object(first.manifestKey)).toString()) as DatasetManifest;
    expect(manifest.consent?.jurisdictions).toEqual(first.jurisdictions);
    expect(manifest.forms.reduce((n, f) => n + f.records, 0)).toBe(sharedRecords(first));
    for (const f of manifest.files) {
      const body = await object(f.key);
      expect(createHash('sha256').update(body).digest('hex'), f.key).toBe(f.sha256);
    }
    const mainRows = manifest.files.filter((f) => f.table === 'critical_incident_review');
    const rows = (await Promise.all(mainRows.map(async (f) => parquetReadObjects({ file: (await object(f.key)).buffer as ArrayBuffer })))).flat();
    expect(rows).toHaveLength(manifest.forms.find((f) => f.formId === 'critical_incident_review')!.records);
    for (const row of rows) {
      expect(Object.keys(row)).not.toContain('record_id');
      expect(Object.values(row)).not.toContain(a);
    }
    // Only this release's files are under the datasets; nothing stays in staging.
    const datasetIds = new Set((await keysUnder(DATASETS_PREFIX)).map(releaseIdOfKey));
    expect([...datasetIds]).toEqual([first.releaseId]);
    expect(await keysUnder(`${STAGING_PREFIX}${first.runId}/`)).toEqual([]);

    // b withdraws: its agreement stays on record, saying it does not share.
    const store = new JurisdictionStore(tableName(), client);
    const current = (await store.getVersioned(b))!;
    await editJurisdiction(client, store, { ...current.jurisdiction, dataSharing: { ...agreement, sharesWithWarehouse: false } }, current.version, editor);

    expect(await run()).toEqual({ status: 'SUCCEEDED' });
    const second = (await releases().current())!;
    expect(second.releaseId > first.releaseId).toBe(true);
    expect(entryOf(second, a)).toMatchObject({ shares: true, records: 30 });
    expect(entryOf(second, b)).toMatchObject({ shares: false, reason: 'not sharing' });
    const secondManifest = JSON.parse(Buffer.from(await object(second.manifestKey)).toString()) as DatasetManifest;
    expect(secondManifest.forms.reduce((n, f) => n + f.records, 0)).toBe(sharedRecords(second));
    // The previous release's files are gone; its manifest stays (what was shared, and when, is on record).
    expect([...new Set((await keysUnder(DATASETS_PREFIX)).map(releaseIdOfKey))]).toEqual([second.releaseId]);
    expect((await keysUnder(first.manifestKey)).length).toBe(1);
    const listed = (await releases().list()).map((r) => r.releaseId);
    expect(listed.indexOf(second.releaseId)).toBeLessThan(listed.indexOf(first.releaseId));
  });

  it('of two runs at once, the one that started later is current and the other removes its own files; a retried publish changes nothing else', { timeout: 120_000 }, async () => {
    const runner = new WarehouseRun({ client, tableName: tableName(), bucket: bucket(), settings: DEFAULT_RELEASE_SETTINGS });
    const start = Date.now() + 60_000;
    const plan = (runId: string, at: number) => runner.plan({ input: { trigger: 'on_demand' }, requestedAt: new Date(at).toISOString(), runId });
    const early = await plan(`it-early-${randomBytes(3).toString('hex')}`, start);
    const late = await plan(`it-late-${randomBytes(3).toString('hex')}`, start + 1000);
    for (const p of [early, late]) for (const id of p.sharing) await runner.extract({ plan: p.run, jurisdictionId: id });

    expect(await runner.publish({ plan: late.run })).toMatchObject({ published: true, releaseId: late.run.releaseId });
    expect(await runner.publish({ plan: early.run })).toMatchObject({ published: false, releaseId: early.run.releaseId });
    expect((await releases().current())?.releaseId).toBe(late.run.releaseId);
    expect([...new Set((await keysUnder(DATASETS_PREFIX)).map(releaseIdOfKey))]).toEqual([late.run.releaseId]);

    // The same publish again (a retry after a timeout, say): still current, still one release's files.
    expect(await runner.publish({ plan: late.run })).toMatchObject({ published: true, releaseId: late.run.releaseId });
    expect((await releases().list()).filter((r) => r.releaseId === late.run.releaseId)).toHaveLength(1);
    expect([...new Set((await keysUnder(DATASETS_PREFIX)).map(releaseIdOfKey))]).toEqual([late.run.releaseId]);
    for (const p of [early, late]) expect(await keysUnder(`${STAGING_PREFIX}${p.run.runId}/`)).toEqual([]);
  });
});
