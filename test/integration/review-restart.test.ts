import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { readWait } from '#shared/review/handoff.ts';
import type { ReviewWait } from '#shared/review/model.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { resumedExecutionName } from '#local/review-resume.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { signIn, type Browser } from './helpers.ts';

/**
 * Reviews survive a local restart (local/review-resume.ts): a local cloud with a data directory reviews two records
 * (one waits for a decision, one returned and waiting for its resubmission), stops, and starts again on the same
 * data. The local Step Functions kept their executions in memory, so each review gets a new execution at its wait,
 * with a new token in the wait item and no email sent again; then a decision and a resubmission go through.
 */
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const REVIEWER_ADDRESS = 'review-lead@ky-dcbs.example.org';

let dataDir: string;
let test: TestCloud | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'npcs-review-restart-'));
});
afterAll(async () => {
  await test?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const waitOf = (cloud: TestCloud['cloud'], recordId: string) => readWait(scopedTable(cloud.storage, cloud.tableName, 'ky-dcbs'), recordId);
const waitingFor = (cloud: TestCloud['cloud'], recordId: string, kind: ReviewWait['kind'], version: number) =>
  until(`a ${kind} wait on version ${version}`, async () => {
    const wait = await waitOf(cloud, recordId);
    return wait?.kind === kind && wait.version === version ? wait : undefined;
  });
const subjects = async (cloud: TestCloud['cloud'], to: string) =>
  ((await (await fetch(`${cloud.endpoints.mailInbox}/api/email`)).json()) as { subject: string; to: { address: string }[] }[]).filter((m) => m.to.some((t) => t.address === to)).map((m) => m.subject);

async function submitted(submitter: Browser, url: string, reviewId: string) {
  const api = `${url}/api/jurisdictions/ky-dcbs/records`;
  const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: { ...sampleCriticalIncidentReview(2), review_id: reviewId } }));
  expect(made.status).toBe(201);
  const { recordId } = (await made.json()) as { recordId: string };
  expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: 1, submissionId: randomUUID() }))).status).toBe(200);
  return { api, recordId };
}

describe('reviews across a local restart', () => {
  it('a review waiting for a decision and one waiting for a resubmission go on after the cloud restarts on the same data', { timeout: 240_000 }, async () => {
    test = await startTestCloud({ dataDir });
    let { cloud } = test;
    const submitter = await signIn('demo-ky-dcbs-submitter', cloud.url);
    await signIn('demo-ky-dcbs-reviewer', cloud.url);
    const waiting = await submitted(submitter, cloud.url, 'RESTART-1');
    const returned = await submitted(submitter, cloud.url, 'RESTART-2');
    const before = await waitingFor(cloud, waiting.recordId, 'decision', 2);
    await waitingFor(cloud, returned.recordId, 'decision', 2);
    const reviewer = await signIn('demo-ky-dcbs-reviewer', cloud.url);
    const back = await reviewer.go(`${returned.api}/${returned.recordId}/transitions`, json('POST', { to: 'returned', expectedVersion: 2, reason: 'Add the debriefing date.' }));
    expect(back.status).toBe(200);
    const returnedBefore = await waitingFor(cloud, returned.recordId, 'resubmission', 3);
    const requestsBefore = await subjects(cloud, REVIEWER_ADDRESS);
    expect(requestsBefore.filter((s) => s.includes('RESTART-1'))).toHaveLength(1);

    await test.close();
    test = await startTestCloud({ dataDir });
    cloud = test.cloud;

    // Each review has a new execution at its wait: a new token, the name with its restart counter.
    const resumed = await until('the resumed decision wait', async () => {
      const wait = await waitOf(cloud, waiting.recordId);
      return wait && wait.token !== before.token ? wait : undefined;
    });
    expect(resumed).toMatchObject({ kind: 'decision', version: 2, executionName: resumedExecutionName(before.executionName) });
    expect(resumed.executionName).toBe(`${before.executionName}-r1`);
    const resumedReturn = await until('the resumed resubmission wait', async () => {
      const wait = await waitOf(cloud, returned.recordId);
      return wait && wait.token !== returnedBefore.token ? wait : undefined;
    });
    expect(resumedReturn).toMatchObject({ kind: 'resubmission', version: 3, executionName: `${returnedBefore.executionName}-r1` });
    const execution = cloud.stepFunctions.describeExecution(`${cloud.stepFunctions.byWorkflowId('review').arn.replace(':stateMachine:', ':execution:')}:${resumed.executionName}`);
    expect(execution.status).toBe('RUNNING');

    // The reviewer decides the waiting review: the resumed execution applies it and ends.
    const api = `${cloud.url}/api/jurisdictions/ky-dcbs/records`;
    const reviewerAgain = await signIn('demo-ky-dcbs-reviewer', cloud.url);
    const approved = await reviewerAgain.go(`${api}/${waiting.recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 2 }));
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'approved', version: 3 });
    await until('the resumed execution to end', () => (execution.status === 'RUNNING' ? undefined : execution.status));
    expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');

    // The returned record's author resubmits: the resumed execution takes it and asks the reviewers again.
    const submitterAgain = await signIn('demo-ky-dcbs-submitter', cloud.url);
    expect((await submitterAgain.go(`${api}/${returned.recordId}/submit`, json('POST', { expectedVersion: 3, submissionId: randomUUID() }))).status).toBe(200);
    await waitingFor(cloud, returned.recordId, 'decision', 4);
    expect((await waitOf(cloud, returned.recordId))!.executionName).toBe(`${returnedBefore.executionName}-r1`);
    const approvedToo = await reviewerAgain.go(`${api}/${returned.recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 4 }));
    expect(await approvedToo.json()).toMatchObject({ status: 'approved', version: 5 });

    // No email was sent twice: one review request per record, then the resubmission's.
    await until('the resubmission email', async () => ((await subjects(cloud, REVIEWER_ADDRESS)).some((s) => s.startsWith('Resubmitted for review: RESTART-2')) ? true : undefined));
    const requestsAfter = await subjects(cloud, REVIEWER_ADDRESS);
    expect(requestsAfter.filter((s) => s.includes('RESTART-1'))).toEqual(requestsBefore.filter((s) => s.includes('RESTART-1')));
    expect(requestsAfter.filter((s) => s.startsWith('Review requested: RESTART-2'))).toHaveLength(1);
  });
});
