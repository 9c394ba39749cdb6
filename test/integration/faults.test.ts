import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview, sampleSafetyNotice, sampleSurveyResponse } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { RecordService } from '#shared/records/service.ts';
import type { Manifest } from '#shared/reports/outputs.ts';
import { ReportReleases } from '#shared/reports/store.ts';
import { reviewExecutionName } from '#shared/review/model.ts';
import { scopedTable, type Item } from '#shared/storage/scoped-table.ts';
import { PeopleDirectory } from '#shared/auth/people.ts';
import { writeSyntheticReviews } from '#local/synthetic-reviews.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { until } from '../support/until.ts';
import { signIn, type Browser } from './helpers.ts';

/**
 * The platform's realistic flows with 20% of the functions' AWS calls and SMTP connections failing (local/faults/:
 * throttling, 5xx, timeouts, dropped connections, and writes carried out whose answer is lost), on a local cloud of
 * its own. The test acts as the retrying client a browser user is: a 5xx is sent again, with the same idempotency key
 * where the route has one. What must hold: no submission lost or duplicated, exactly one audit event per change, no
 * email sent twice, workflows resume and finish, the report run retries and publishes.
 */
const FAULTS = 'rate:0.2,seed:42';
const JURISDICTION = 'ky-dcbs';
const REVIEWER = 'review-lead@ky-dcbs.example.org';
const AUTHOR = 'submitter@ky-dcbs.example.org';
const RECORDS = 8;
const RESPONDENTS = 10;
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let test: TestCloud;
let url: string;

beforeAll(async () => {
  test = await startTestCloud({ faults: FAULTS, retryIntervalMs: 20, ...(process.env.FAULTS_LOG ? { logSink: createWriteStream(process.env.FAULTS_LOG) } : {}) });
  url = test.cloud.url;
}, 300_000);
afterAll(async () => test?.close());

/** What the client saw: requests sent, 5xx answers (and dropped connections) that a retry then got past. */
const client = { requests: 0, serverErrors: 0, recovered: 0 };

/** Sends until the answer is not a 5xx (a user pressing the button again), at most 10 times. */
async function retrying(send: () => Promise<Response>): Promise<Response> {
  let failed = 0;
  for (let attempt = 1; ; attempt++) {
    client.requests++;
    const res = await send().catch(() => undefined);
    if (res && res.status < 500) {
      if (failed) client.recovered++;
      return res;
    }
    client.serverErrors++;
    failed++;
    if (attempt >= 10) throw new Error(`Still failing after ${attempt} attempts: ${res?.status ?? 'no answer'}`);
    await sleep(20 * attempt);
  }
}

async function signedIn(userId: string): Promise<Browser> {
  for (let attempt = 1; ; attempt++) {
    client.requests++;
    try {
      return await signIn(userId, url);
    } catch (e) {
      client.serverErrors++;
      if (attempt >= 10) throw e;
    }
  }
}

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Every item of a partition, read beside the platform (no faults here). */
async function partition(pk: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await test.cloud.storage.send(new QueryCommand({ TableName: test.cloud.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

interface InboxEmail {
  subject: string;
  text: string;
  to: { address: string }[];
}
const inbox = async () => (await (await fetch(`${test.cloud.endpoints.mailInbox}/api/email`)).json()) as InboxEmail[];
const mailTo = (mails: InboxEmail[], address: string) => mails.filter((m) => m.to.some((t) => t.address.toLowerCase() === address));

/** One record through the API as its author does it: create, two saves, submit, each retried on a 5xx. */
async function authorRecord(author: Browser, n: number): Promise<{ recordId: string; version: number; answers: Answers; submissionId: string }> {
  const api = `${url}/api/jurisdictions/${JURISDICTION}/records`;
  const created = await retrying(() => author.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(2), clientRequestId: `faults-${n}-${randomUUID()}` })));
  expect(created.status).toBe(201);
  const { recordId, version: first } = (await created.json()) as { recordId: string; version: number };
  let version = first;
  let answers = sampleCriticalIncidentReview(2) as Answers;
  for (const people of [3, 4]) {
    const next = sampleCriticalIncidentReview(people) as Answers;
    const saved = await retrying(() => author.go(`${api}/${recordId}/answers`, json('PUT', { answers: next, expectedVersion: version })));
    if (saved.status === 409) {
      // A retry of a save whose first attempt was written: the record is at the next version with these answers.
      const now = (await (await retrying(() => author.go(`${api}/${recordId}`))).json()) as { version: number; answers: Answers };
      expect(now.version, 'a save answered 409 was written by its own first attempt').toBe(version + 1);
      version = now.version;
    } else {
      expect(saved.status, await saved.clone().text()).toBe(200);
      version = ((await saved.json()) as { version: number }).version;
    }
    answers = next;
  }
  const submissionId = randomUUID();
  const submitted = await retrying(() => author.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: version, submissionId })));
  expect(submitted.status, await submitted.clone().text()).toBe(200);
  return { recordId, version: version + 1, answers, submissionId };
}

/** The reviewer approves: a 409 while the review is still starting is tried again, as the page tells them to. */
async function approve(reviewer: Browser, recordId: string, version: number, execution: () => unknown): Promise<void> {
  const api = `${url}/api/jurisdictions/${JURISDICTION}/records/${recordId}`;
  for (let attempt = 1; ; attempt++) {
    const res = await retrying(() => reviewer.go(`${api}/transitions`, json('POST', { to: 'approved', expectedVersion: version }))).catch((e: Error) => {
      throw new Error(`approval of ${recordId}: ${e.message}; execution ${JSON.stringify(execution())}`);
    });
    if (res.status === 200) return;
    const refusal = await res.text();
    const record = (await (await retrying(() => reviewer.go(api))).json()) as { status: string };
    if (record.status === 'approved') return;
    expect(res.status, refusal).toBe(409);
    if (attempt >= 20) throw new Error(`approval of ${recordId} still refused: ${refusal}; record ${record.status}; execution ${JSON.stringify(execution())}`);
    await sleep(250);
  }
}

describe(`realistic flows with faults (${FAULTS})`, () => {
  it('records are created, saved, submitted and approved through their workflows: none lost or duplicated, one audit event per change, one email each', { timeout: 240_000 }, async () => {
    const author = await signedIn('demo-ky-dcbs-submitter');
    const reviewer = await signedIn('demo-ky-dcbs-reviewer');
    const records = await Promise.all(Array.from({ length: RECORDS }, (_, n) => authorRecord(author, n)));

    // Exactly the records made, each once (a retried create with its request id makes no second one).
    const stored = (await partition(`${JURISDICTION}#RECORDS`)).filter((i) => i.formId === 'critical_incident_review');
    expect(stored.map((r) => r.recordId).sort()).toEqual(records.map((r) => r.recordId).sort());
    for (const r of records) {
      const item = stored.find((s) => s.recordId === r.recordId)!;
      expect(item.status).toBe('submitted');
      expect(item.version).toBe(r.version);
      expect(item.submissionId).toBe(r.submissionId);
    }

    const machineArn = test.cloud.stepFunctions.byWorkflowId('review').arn.replace(':stateMachine:', ':execution:');
    const executionOf = (r: { recordId: string; submissionId: string }) => test.cloud.stepFunctions.describeExecution(`${machineArn}:${reviewExecutionName(JURISDICTION, r.recordId, r.submissionId)}`);
    for (const r of records) {
      await approve(reviewer, r.recordId, r.version, () => {
        try {
          const e = executionOf(r);
          return { status: e.status, transitions: e.transitions, error: e.error, cause: e.cause };
        } catch (e) {
          return (e as Error).message;
        }
      });
    }
    for (const r of records) {
      const execution = executionOf(r);
      await until(`the review of ${r.recordId} to end`, () => execution.status !== 'RUNNING', 60_000);
      expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
    }

    // One audit event per version: created (1), saved (each save), submitted, approved.
    const audit = (await partition(`${JURISDICTION}#AUDIT`)).filter((e) => records.some((r) => r.recordId === e.recordId) && e.action !== 'record.read');
    for (const r of records) {
      const events = audit.filter((e) => e.recordId === r.recordId);
      expect(events.map((e) => e.recordVersion).sort((a, b) => Number(a) - Number(b)), r.recordId).toEqual(Array.from({ length: r.version + 1 }, (_, i) => i + 1));
      expect(events.filter((e) => e.action === 'record.submitted')).toHaveLength(1);
    }

    // The reviewer was asked once per record, the author told once of each approval.
    const mails = await until('every email', async () => {
      const all = await inbox();
      const done = records.every((r) => mailTo(all, AUTHOR).some((m) => m.subject.startsWith('Approved') && m.text.includes(r.recordId)));
      return done ? all : undefined;
    }, 60_000, 200);
    for (const r of records) {
      expect(mailTo(mails, REVIEWER).filter((m) => m.subject.startsWith('Review requested') && m.text.includes(r.recordId)), r.recordId).toHaveLength(1);
      expect(mailTo(mails, AUTHOR).filter((m) => m.subject.startsWith('Approved') && m.text.includes(r.recordId)), r.recordId).toHaveLength(1);
    }
  });
});

afterAll(() => {
  const tally = test?.cloud.faults;
  if (!tally) return;
  console.log(
    `faults summary: ${tally.totalCalls()} calls, ${tally.totalFaults()} faults injected [${tally.summary()}]; ` +
      `client: ${client.requests} requests, ${client.serverErrors} 5xx or dropped, ${client.recovered} recovered by a retry`,
  );
});
