import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { LOCAL_REGION } from '#local/assembly.ts';
import type { InvokeResult } from '#local/lambda/runtime.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { signIn, type Browser } from './helpers.ts';

/**
 * Issue 11, item 1: a submission always gets exactly one review execution, even when the function that starts it
 * (review-start, on the table's stream) dies. The submit commits the submission receipt in its transaction; the
 * stream delivers it until review-start reports success; the execution's name comes from the submission. Here the
 * local Lambda runtime kills review-start's execution environment (LambdaRuntime.intercept): before it does anything,
 * and after StartExecution succeeded but before it returned. The executions are counted through the local Step
 * Functions API (ListExecutions, then each one's input), so a second execution under any name would be seen.
 */
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

let test: TestCloud;
let url: string;
let sfn: SFNClient;
const functionLogs: string[] = [];
let partialLine = '';

beforeAll(async () => {
  test = await startTestCloud({
    // The functions' log lines (chunks may end mid-line).
    logSink: new Writable({
      write: (chunk, _encoding, done) => {
        const lines = (partialLine + String(chunk)).split('\n');
        partialLine = lines.pop() ?? '';
        functionLogs.push(...lines.filter(Boolean));
        done();
      },
    }),
  });
  url = test.cloud.url;
  sfn = new SFNClient({ endpoint: test.cloud.endpoints.stepFunctions, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}, 300_000);
afterAll(async () => {
  sfn?.destroy();
  await test?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every execution of the review state machine whose input names this record, with its input (via the API). */
async function executionsOf(recordId: string): Promise<{ name: string; status: string; input: { recordId: string; submissionId: string } }[]> {
  const stateMachineArn = test.cloud.stepFunctions.byWorkflowId('review').arn;
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  const described = await Promise.all(executions.map((e) => sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))));
  return described
    .map((d) => ({ name: d.name!, status: d.status!, input: JSON.parse(d.input ?? '{}') as { recordId: string; submissionId: string } }))
    .filter((e) => e.input.recordId === recordId);
}

/** The stream records of review-start's event that announce this record's submission. */
const recordsFor = (event: unknown, recordId: string) =>
  ((event as { Records?: { dynamodb?: { NewImage?: { recordId?: { S?: string } } } }[] }).Records ?? []).filter((r) => r.dynamodb?.NewImage?.recordId?.S === recordId);

/** review-start's log lines about this record (its outcome messages). */
const startLogsOf = (recordId: string) =>
  functionLogs
    .map((line) => {
      try {
        return JSON.parse(line) as { message?: string; recordId?: string; service?: string };
      } catch {
        return undefined;
      }
    })
    .filter((l) => l?.service === 'review-start' && l.recordId === recordId)
    .map((l) => l!.message);

async function draft(submitter: Browser): Promise<{ api: string; recordId: string }> {
  const api = `${url}/api/jurisdictions/ky-dcbs/records`;
  const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(5) }));
  expect(made.status).toBe(201);
  return { api, recordId: ((await made.json()) as { recordId: string }).recordId };
}

async function submit(submitter: Browser, api: string, recordId: string, expectedVersion: number): Promise<string> {
  const submissionId = randomUUID();
  const res = await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion, submissionId }));
  expect(res.status).toBe(200);
  return submissionId;
}

describe('review-start killed: still exactly one execution per submission', () => {
  it('killed twice before it starts anything: the stream delivers the submission again, one execution starts; redelivered later, none more', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    const { api, recordId } = await draft(submitter);
    let crashes = 0;
    let delivered: unknown;
    test.cloud.lambdas.intercept('review-start', async (event, { run, crash }) => {
      if (recordsFor(event, recordId).length === 0) return run();
      delivered ??= event;
      if (crashes < 2) {
        crashes++;
        return crash();
      }
      return run();
    });
    try {
      const submissionId = await submit(submitter, api, recordId, 1);
      const [execution] = await until('the execution of the submission', async () => {
        const found = await executionsOf(recordId);
        return found.length > 0 && found;
      });
      expect(crashes).toBe(2);
      expect(execution!.input).toMatchObject({ recordId, submissionId });
      expect(execution!.status).toBe('RUNNING');
      // Its log line comes when StartExecution has answered, which may be just after the execution is listed.
      await until("review-start's log line", () => startLogsOf(recordId).length > 0);
      expect(startLogsOf(recordId)).toEqual(['Review started']);

      // The same stream record delivered again (a stream redelivers after a timeout or a lost answer).
      test.cloud.lambdas.intercept('review-start', undefined);
      const again = (await test.cloud.lambdas.invoke('review-start', delivered)) as Extract<InvokeResult, { ok: true }>;
      expect(again).toMatchObject({ ok: true, result: { batchItemFailures: [] } });
      expect(await executionsOf(recordId)).toHaveLength(1);
    } finally {
      test.cloud.lambdas.intercept('review-start', undefined);
    }
  });

  it('killed after StartExecution succeeded, before it returned: the stream retries, the start finds the execution (or its wait), still one; after approval a redelivery starts none', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    const { api, recordId } = await draft(submitter);
    let killedAfterStart = 0;
    let delivered: unknown;
    test.cloud.lambdas.intercept('review-start', async (event, { run, crash }) => {
      if (recordsFor(event, recordId).length === 0) return run();
      delivered ??= event;
      if (killedAfterStart === 0) {
        killedAfterStart++;
        const outcome = await run();
        if (!outcome.ok) return outcome;
        return crash();
      }
      return run();
    });
    try {
      const submissionId = await submit(submitter, api, recordId, 1);
      await until('the retried delivery to be handled', () => startLogsOf(recordId).length >= 2);
      const logs = startLogsOf(recordId);
      expect(logs[0]).toBe('Review started');
      // The retry came before the execution stored its wait (StartExecution: ExecutionAlreadyExists), or after it
      // (the submission joins the running review); either way it starts nothing.
      expect(['Review had started already', 'Submission joins its running review']).toContain(logs[1]);
      const executions = await executionsOf(recordId);
      expect(executions).toHaveLength(1);
      expect(executions[0]!.input).toMatchObject({ recordId, submissionId });
    } finally {
      test.cloud.lambdas.intercept('review-start', undefined);
    }

    // The reviewer approves; the execution ends (its wait is gone). The same stream record again: StartExecution
    // of the same name answers ExecutionAlreadyExists, nothing starts.
    const reviewer = await signIn('demo-ky-dcbs-reviewer', url);
    await until('the review to wait for a decision', async () => (await reviewer.go(`${api}/${recordId}`)).status === 200 && (await executionsOf(recordId))[0]?.status === 'RUNNING');
    const approved = await until('the approval to be taken', async () => {
      const res = await reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 2 }));
      return res.status === 200 ? res : undefined;
    });
    expect(approved.status).toBe(200);
    await until('the execution to end', async () => (await executionsOf(recordId))[0]?.status === 'SUCCEEDED');
    const again = await test.cloud.lambdas.invoke('review-start', delivered);
    expect(again).toMatchObject({ ok: true, result: { batchItemFailures: [] } });
    // The worker's log lines reach the test through a pipe: wait for the line rather than race it.
    expect(await until('the redelivery logged', () => startLogsOf(recordId).at(-1) === 'Review had started already')).toBe(true);
    const executions = await executionsOf(recordId);
    expect(executions).toHaveLength(1);
    expect(executions[0]!.status).toBe('SUCCEEDED');
  });
});
