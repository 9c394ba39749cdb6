import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { reviewExecutionName } from '#shared/review/model.ts';
import type { Execution } from '#local/stepfunctions/service.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { signIn, type Browser } from './helpers.ts';

/**
 * "SES or SMTP failing: the workflow retries and alerts; no decision is lost; no email is sent twice." The local
 * mail server is taken down while a submission's review request is being sent (connections refused, as when the
 * transport is out), on a local cloud whose retry intervals are shortened to 300 ms (the synthesized definition is
 * unchanged: 10 attempts). Down briefly: the task is retried, the email arrives once, the decision is applied.
 * Down for good: the retries run out and the failure path publishes its alert to the alarm topic.
 */
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const REVIEWER_ADDRESS = 'review-lead@ky-dcbs.example.org';

let test: TestCloud;
let url: string;

beforeAll(async () => {
  test = await startTestCloud({ retryIntervalMs: 300 });
  url = test.cloud.url;
}, 300_000);
afterAll(async () => test?.close());

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve().then(probe).catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const machineArn = () => test.cloud.stepFunctions.byWorkflowId('review').arn;
const executionOf = (recordId: string, submissionId: string): Execution =>
  test.cloud.stepFunctions.describeExecution(`${machineArn().replace(':stateMachine:', ':execution:')}:${reviewExecutionName('ky-dcbs', recordId, submissionId)}`);
const alertsOf = (execution: Execution) => test.cloud.stepFunctions.published.filter((m) => m.executionArn === execution.executionArn);
const requestsFor = async (recordId: string) =>
  ((await (await fetch(`${test.cloud.endpoints.mailInbox}/api/email`)).json()) as { to: { address: string }[]; subject: string; text: string }[]).filter(
    (m) => m.to.some((t) => t.address === REVIEWER_ADDRESS) && m.subject.startsWith('Review requested') && m.text.includes(recordId),
  );

async function submitted(submitter: Browser): Promise<{ api: string; recordId: string; submissionId: string }> {
  const api = `${url}/api/jurisdictions/ky-dcbs/records`;
  const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(2) }));
  expect(made.status).toBe(201);
  const { recordId } = (await made.json()) as { recordId: string };
  const submissionId = randomUUID();
  expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: 1, submissionId }))).status).toBe(200);
  return { api, recordId, submissionId };
}

describe('the mail transport fails while the review request is sent', () => {
  it('down briefly: the task is retried, the reviewer gets the email once, no alert, and the decision is applied', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    const reviewer = await signIn('demo-ky-dcbs-reviewer', url);
    await test.cloud.mail.pause();
    let execution: Execution;
    try {
      const { recordId, submissionId, api } = await submitted(submitter);
      execution = await until('the execution', () => executionOf(recordId, submissionId));
      // Begin, NotifyReviewers, then at least one retry of it (retries count as transitions).
      await until('a retry of the review request', () => execution.transitions >= 3);
      expect(execution.status).toBe('RUNNING');
      await test.cloud.mail.resume();

      await until('the review request', async () => (await requestsFor(recordId)).length > 0);
      // Waiting for the decision (Begin, NotifyReviewers and its retries, AwaitDecision), with one email sent.
      await until('the wait for a decision', async () => (await reviewer.go(`${api}/${recordId}`)).ok && execution.status === 'RUNNING' && execution.transitions >= 4);
      expect(await requestsFor(recordId)).toHaveLength(1);
      expect(alertsOf(execution)).toEqual([]);

      const approved = await until('the approval', async () => {
        const res = await reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 2 }));
        return res.status === 200 ? res : undefined;
      });
      expect(await approved.json()).toMatchObject({ status: 'approved' });
      await until('the execution to end', () => execution.status !== 'RUNNING');
      expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
      expect(await requestsFor(recordId)).toHaveLength(1);
      expect(alertsOf(execution)).toEqual([]);
    } finally {
      await test.cloud.mail.resume();
    }
  });

  it('down for good: the retries run out, the alarm topic is told which execution failed where (ids only), and the execution fails with MailTransportError', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    await signIn('demo-ky-dcbs-reviewer', url);
    await test.cloud.mail.pause();
    try {
      const { recordId, submissionId } = await submitted(submitter);
      const execution = await until('the execution', () => executionOf(recordId, submissionId));
      await until('the execution to fail', () => execution.status !== 'RUNNING', 60_000);
      expect(execution.status).toBe('FAILED');
      expect(execution.error, JSON.stringify({ e: execution.error, c: execution.cause, p: alertsOf(execution) })).toBe('MailTransportError');
      const alerts = alertsOf(execution);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.message).toBe(
        `Workflow review: execution ${execution.name} failed in state NotifyReviewers with MailTransportError after its retries. Its history is in the Step Functions console.`,
      );
      expect(alerts[0]!.message).not.toContain(recordId);
    } finally {
      await test.cloud.mail.resume();
    }
  });
});
