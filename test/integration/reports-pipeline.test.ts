import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PeopleDirectory } from '#shared/auth/people.ts';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import type { ReleaseDocument, ReleaseTable } from '#shared/reports/model.ts';
import type { Manifest } from '#shared/reports/outputs.ts';
import { ReportReleases } from '#shared/reports/store.ts';
import { keys } from '#shared/storage/keys.ts';
import { writeSyntheticReviews } from '#local/synthetic-reviews.ts';
import { client, tableName, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';
import { until } from '../support/until.ts';

/**
 * The reports workflow end to end on the local cloud, for periods of 2019 that no other test writes records in:
 * a quarterly release over every active jurisdiction, its files (checksums, Parquet read back), a jurisdiction's own
 * unsuppressed report, the safety notices beside their themes, the digests (once per recipient and period, reruns included), and a run that fails in one
 * jurisdiction publishing nothing.
 */
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const sfn = () => new SFNClient({ endpoint: inject('endpoints').stepFunctions, region: 'us-east-1', credentials });
const s3 = () => new S3Client({ endpoint: inject('endpoints').s3, region: 'us-east-1', credentials, forcePathStyle: true });
const bucket = () => inject('buckets').find((b) => b.logicalId.startsWith('BucketsExports'))!.name;
const releases = () => new ReportReleases(client, tableName(), bucket());
const reportsArn = () => inject('stateMachineArns').reports!;

interface InboxEmail {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
  attachments?: unknown[];
}
const inbox = async () => (await (await fetch(`${inject('endpoints').mailInbox}/api/email`)).json()) as InboxEmail[];
const mailTo = async (address: string) => (await inbox()).filter((m) => m.to.some((t) => t.address.toLowerCase() === address));

async function run(input: Record<string, string>): Promise<{ status: string; error?: string; cause?: string }> {
  const name = `it-reports-${randomBytes(6).toString('hex')}`;
  const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn: reportsArn(), name, input: JSON.stringify(input) }));
  return until(
    'the reports execution to end',
    async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : { status: d.status!, ...(d.error ? { error: d.error } : {}), ...(d.cause ? { cause: d.cause } : {}) };
    },
    240_000,
    250,
  );
}

async function object(key: string): Promise<Uint8Array> {
  return (await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }))).Body!.transformToByteArray();
}

async function addJurisdiction(prefix: string): Promise<string> {
  const id = uniqueJurisdiction(prefix);
  await new JurisdictionStore(tableName(), client).create({ id, name: `Reports test ${id}`, type: 'state', state: 'KY', units: [], contacts: [], active: true, joinedYear: 2018 });
  return id;
}

const rowOf = (table: ReleaseTable, key: string) => table.rows.find((r) => r.key === key)!;
const tableOf = (doc: ReleaseDocument, id: string) => doc.tables.find((t) => t.id === id)!;

// The store (shared/reports/store.ts) reads the bucket through the SDK's environment, as in a function.
beforeAll(() => {
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: inject('endpoints').s3, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
});

describe('reports workflow', () => {
  it('publishes a protected quarterly release with every file, each jurisdiction its own, and one digest per recipient', { timeout: 600_000 }, async () => {
    const big = await addJurisdiction('rpa');
    const small = await addJurisdiction('rpb');
    const from = new Date('2019-04-01T00:00:00Z');
    const to = new Date('2019-06-30T12:00:00Z');
    await writeSyntheticReviews(client, tableName(), { jurisdictionId: big, count: 60, from, to, seed: `it-${big}` });
    await writeSyntheticReviews(client, tableName(), { jurisdictionId: small, count: 3, from, to, seed: `it-${small}` });
    // Safety notices published by approval through the records service: one in the period, one the moment it ends.
    const notices = jurisdictionWorld(small);
    const noticeAnswers = (title: string) => ({ ...(sampleSafetyNotice(small) as Answers), theme: 'safe_sleep', title, notice_date: '2019-05-10', acknowledge_by: '2019-05-31', act_by: '2019-08-31', review_by_date: '2020-05-01' }) as Answers;
    const inPeriod = await notices.record('safety_notice', noticeAnswers(`Check sleep arrangements ${small}`), '2019-05-13T10:00:00Z', '2019-05-14T10:00:00Z');
    const afterPeriod = await notices.record('safety_notice', noticeAnswers(`Published as the quarter ends ${small}`), '2019-06-30T10:00:00Z', '2019-07-01T00:00:00Z');
    const lead = `lead-${randomBytes(4).toString('hex')}@partnership.example.org`;
    const admin = `admin-${randomBytes(4).toString('hex')}@${big}.example.org`;
    const people = new PeopleDirectory(client, tableName());
    await people.signedIn({ subject: `it-lead-${lead}`, role: 'partnership_lead', displayName: 'Report Lead' }, lead, new Date());
    await people.signedIn({ subject: `it-admin-${admin}`, role: 'jurisdiction_admin', jurisdictionId: big, displayName: 'Report Admin' }, admin, new Date());

    const first = await run({ cadence: 'quarterly', periodId: '2019-Q2' });
    expect(first).toMatchObject({ status: 'SUCCEEDED' });
    const release = (await releases().get('quarterly', '2019-Q2'))!;
    expect(release.revision).toBeGreaterThanOrEqual(1);
    expect(release.jurisdictions).toEqual(expect.arrayContaining([big, small]));

    // Every file the manifest lists is there with its checksum; the Parquet reads back as the JSON rows.
    const manifest = JSON.parse(Buffer.from(await object(`${release.prefix}partnership/manifest.json`)).toString()) as Manifest;
    expect(manifest.files.length).toBeGreaterThan(10);
    for (const f of manifest.files.filter((x) => x.name.includes('reviews_by_incident_type'))) {
      const body = await object(`${release.prefix}partnership/${f.name}`);
      expect(createHash('sha256').update(body).digest('hex')).toBe(f.sha256);
    }
    const json = JSON.parse(Buffer.from(await object(`${release.prefix}partnership/tables/reviews_by_incident_type.period.json`)).toString()) as { rows: Record<string, unknown>[] };
    const parquet = await parquetReadObjects({ file: (await object(`${release.prefix}partnership/tables/reviews_by_incident_type.period.parquet`)).buffer as ArrayBuffer });
    expect(parquet.map((r) => ({ ...r }))).toEqual(json.rows);
    const csv = Buffer.from(await object(`${release.prefix}partnership/tables/reviews_by_incident_type.period.csv`)).toString();
    expect(csv.split('\n')[0]).toBe('period_id,span,jurisdiction_id,jurisdiction,category,category_label,count,suppressed');

    // The big jurisdiction's own report counts all 60, unsuppressed; the partnership's agrees wherever it shows a count
    // (with only two jurisdictions holding records, protecting the small one may hide some of the big one's too).
    const own = (await releases().document(release, { jurisdictionId: big }))!;
    expect(rowOf(tableOf(own, 'reviews_by_incident_type.period'), big).total).toEqual({ shown: true, value: 60 });
    const shared = (await releases().document(release, 'partnership'))!;
    for (const table of shared.tables) {
      const mine = rowOf(tableOf(own, table.id), big);
      const theirs = rowOf(table, big);
      [...theirs.cells, theirs.total].forEach((cell, i) => {
        if (cell.shown) expect(cell).toEqual([...mine.cells, mine.total][i]);
      });
    }
    // The small one's three reviews: no cell of its row shows a count from 1 to 10.
    for (const table of shared.tables) {
      for (const cell of [...rowOf(table, small).cells, rowOf(table, small).total]) {
        if (cell.shown) expect(cell.value === 0 || cell.value > table.threshold).toBe(true);
      }
    }

    // The notices of a theme beside its improvement opportunities: the same in both documents, and on the page.
    const safeSleep = shared.themeNotices.find((t) => t.theme === 'safe_sleep')!;
    expect(safeSleep.label).toBe('Safe sleep and infant safety');
    const path = `/notices/${small}/${inPeriod.recordId}`;
    expect(safeSleep.notices).toContainEqual({ title: `Check sleep arrangements ${small}`, issuerId: small, issuerName: `Reports test ${small}`, firstPublishedAt: '2019-05-14T10:00:00.000Z', status: 'active', path });
    expect(JSON.stringify(shared.themeNotices)).not.toContain(afterPeriod.recordId);
    expect(own.themeNotices).toEqual(shared.themeNotices);
    const html = (await releases().reportHtml(release, 'partnership'))!;
    expect(html).toContain(`<a class="usa-link" href="${path}">Check sleep arrangements ${small}</a>`);

    // One digest each: the lead's links the partnership's report, the admin's their own; no attachment.
    const [leadMail] = await until('the lead digest', async () => ((await mailTo(lead)).length ? mailTo(lead) : undefined), 60_000, 200);
    expect(decodeURIComponent(leadMail!.text)).toContain('/reports/quarterly/2019-Q2');
    expect(leadMail!.attachments ?? []).toHaveLength(0);
    const [adminMail] = await until('the admin digest', async () => ((await mailTo(admin)).length ? mailTo(admin) : undefined), 60_000, 200);
    expect(decodeURIComponent(adminMail!.text)).toContain(`/reports/quarterly/2019-Q2/jurisdictions/${big}`);

    // A rerun (a schedule firing twice) replaces the release and sends no second digest.
    expect(await run({ cadence: 'quarterly', periodId: '2019-Q2' })).toMatchObject({ status: 'SUCCEEDED' });
    const again = (await releases().get('quarterly', '2019-Q2'))!;
    expect(again.revision).toBe(release.revision + 1);
    expect(again.runId).not.toBe(release.runId);
    // A retried publish of the run already published (its digests failed, say) changes nothing.
    const { revision: _revision, ...sameRun } = again;
    expect((await releases().switchTo(sameRun, new Date().toISOString()))?.revision).toBe(again.revision);
    expect((await releases().get('quarterly', '2019-Q2'))?.revision).toBe(again.revision);
    // Same data, same ledger: the same cells shown and suppressed. The registry is shared with the other test files,
    // which may add an active jurisdiction between two runs (a new row changes the tables); then compare the next two
    // runs that cover the same jurisdictions.
    let before = { release, tables: shared.tables };
    let after = again;
    const sameJurisdictions = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((j) => b.includes(j));
    for (let attempt = 0; attempt < 3 && !sameJurisdictions(before.release.jurisdictions, after.jurisdictions); attempt++) {
      before = { release: after, tables: (await releases().document(after, 'partnership'))!.tables };
      expect(await run({ cadence: 'quarterly', periodId: '2019-Q2' })).toMatchObject({ status: 'SUCCEEDED' });
      after = (await releases().get('quarterly', '2019-Q2'))!;
    }
    expect(after.jurisdictions.toSorted()).toEqual(before.release.jurisdictions.toSorted());
    expect((await releases().document(after, 'partnership'))!.tables).toEqual(before.tables);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailTo(lead)).toHaveLength(1);
    expect(await mailTo(admin)).toHaveLength(1);
  });

  it('fails loudly and publishes nothing when a jurisdiction cannot be aggregated after its retries', { timeout: 600_000 }, async () => {
    const broken = await addJurisdiction('rpc');
    const key = { pk: keys.owned(broken, keys.record('01HZZZZZZZZZZZZZZZZZZZZZZZ').partition), sk: keys.record('01HZZZZZZZZZZZZZZZZZZZZZZZ').sk };
    // An approved review whose answers are not a map: a corrupt item the aggregation must not skip silently.
    await client.send(new PutCommand({ TableName: tableName(), Item: { ...key, kind: 'record', formId: 'critical_incident_review', formVersion: 1, status: 'approved', approvedAt: '2019-08-15T00:00:00.000Z', answers: 'corrupt' } }));
    const failed = await run({ cadence: 'quarterly', periodId: '2019-Q3' });
    expect(failed.status).toBe('FAILED');
    // Failed where it should: the corrupt record, not anything else.
    expect(failed.cause).toContain('has no answers');
    expect(await releases().get('quarterly', '2019-Q3')).toBeUndefined();
    await client.send(new DeleteCommand({ TableName: tableName(), Key: key }));
    expect(await run({ cadence: 'quarterly', periodId: '2019-Q3' })).toMatchObject({ status: 'SUCCEEDED' });
    expect((await releases().get('quarterly', '2019-Q3'))?.revision).toBe(1);
  });

  it('refuses a period that has not ended', { timeout: 120_000 }, async () => {
    const next = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1));
    const failed = await run({ cadence: 'monthly', periodId: `${next.getUTCFullYear()}-01` });
    expect(failed.status).toBe('FAILED');
    expect(failed.cause).toContain('has not ended yet');
  });
});
