import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { reviewExecutionName } from '#shared/review/model.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { signIn, type Browser } from './helpers.ts';

/**
 * The review workflow end to end on a local cloud of its own, the synthesized state machine run by the local Step
 * Functions with its callback tasks, and time scaled (a 72-hour reminder interval takes 1.5 s): a submission starts
 * one execution (from the table's stream); reminders come while nobody decides; a return waits for the resubmission
 * in the same execution; two decisions at once: exactly one wins; approval ends the execution.
 */
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const REMINDER_SECONDS_SCALED = 1.5;

let test: TestCloud;
let url: string;

beforeAll(async () => {
  test = await startTestCloud({ timeScale: { review: (72 * 3600) / REMINDER_SECONDS_SCALED }});
  url = test.cloud.url;
}, 300_000);
afterAll(async () => test?.close());

const reviewMachine = () => test.cloud.stepFunctions.byWorkflowId('review');
const executionOf = (recordId: string, submissionId: string) => test.cloud.stepFunctions.describeExecution(`${reviewMachine().arn.replace(':stateMachine:', ':execution:')}:${reviewExecutionName('ky-dcbs', recordId, submissionId)}`);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface InboxEmail {
  subject: string;
  to: { address: string }[];
  html: string;
  text: string;
}
/** The messages MailDev holds for an address, once there are at least `count`. */
const inboxOf = (address: string, count: number) =>
  until(`${count} email(s) to ${address}`, async () => {
    const all = (await (await fetch(`${test.cloud.endpoints.mailInbox}/api/email`)).json()) as InboxEmail[];
    const mine = all.filter((e) => e.to.some((t) => t.address === address));
    return mine.length >= count ? mine : undefined;
  });
const REVIEWER_ADDRESS = 'review-lead@ky-dcbs.example.org';
const AUTHOR_ADDRESS = 'submitter@ky-dcbs.example.org';
const ADMIN_ADDRESS = 'admin@ky-dcbs.example.org';

async function submitted(submitter: Browser): Promise<{ api: string; recordId: string; submissionId: string }> {
  const api = `${url}/api/jurisdictions/ky-dcbs/records`;
  const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(3) }));
  expect(made.status).toBe(201);
  const { recordId } = (await made.json()) as { recordId: string };
  const submissionId = randomUUID();
  expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: 1, submissionId }))).status).toBe(200);
  return { api, recordId, submissionId };
}

describe('the review workflow (synthesized state machine, local Step Functions with task tokens)', () => {
  it('reminds while nobody decides, waits for the resubmission after a return in the same execution, and ends on approval', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    const reviewer = await signIn('demo-ky-dcbs-reviewer', url);
    await signIn('demo-ky-dcbs-admin', url); // in the people directory: escalations go to the jurisdiction's admins
    const { api, recordId, submissionId } = await submitted(submitter);
    const execution = await until('the execution the submission started', () => executionOf(recordId, submissionId));
    expect(test.cloud.stepFunctions.listExecutions(reviewMachine().arn).filter((e) => e.executionArn === execution.executionArn)).toHaveLength(1);

    // Nobody decides for two intervals: two reminders, and the wait goes on.
    // Begin, Resume (a new review: no), the email, then wait, remind, wait, remind, wait: eight states entered, and it still waits.
    await until('two reminders', () => execution.transitions >= 8, 15_000);
    expect(execution.status).toBe('RUNNING');

    // The reviewer (in the people directory since signing in) got the review request, with links and no answers.
    const [request] = await inboxOf(REVIEWER_ADDRESS, 1);
    expect(request!.subject).toMatch(/^Review requested: /);
    expect(request!.html).toContain(`${url}/actions/`);
    expect(request!.text).not.toContain('unsafe sleep');
    // Two reminders, one digest (at most one a day) listing the record; at the limit (2), the admin is told.
    // (Time is scaled for the workflow only: by the calendar the record is due today, so it is listed as waiting.)
    const reminders = (await inboxOf(REVIEWER_ADDRESS, 2)).filter((m) => m.subject.startsWith('Reminder: '));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.subject).toBe('Reminder: 1 record waiting for you');
    expect(reminders[0]!.text).toContain(recordId);
    const [escalation] = await inboxOf(ADMIN_ADDRESS, 1);
    expect(escalation!.subject).toMatch(/^Escalation: /);
    expect(escalation!.text).toContain('Reminders sent: 2');
    expect(escalation!.text).not.toContain('unsafe sleep');

    const returned = await reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'returned', expectedVersion: 2, reason: 'Add the debriefing date.' }));
    expect(returned.status).toBe(200);
    expect(await returned.json()).toMatchObject({ status: 'returned', version: 3, statusReason: 'Add the debriefing date.' });

    // The author resubmits: the same execution takes it (no second one starts).
    const resubmissionId = randomUUID();
    expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: 3, submissionId: resubmissionId }))).status).toBe(200);
    const approved = await reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 4 }));
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'approved', version: 5 });
    await until('the execution to end', () => execution.status !== 'RUNNING');
    expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
    // The author heard of the return (with the reason) and of the approval; the reviewer of the resubmission.
    const authorMail = await inboxOf(AUTHOR_ADDRESS, 2);
    expect(authorMail.map((m) => m.subject.split(':')[0]).sort()).toEqual(['Approved', 'Returned for changes']);
    expect(authorMail.find((m) => m.subject.startsWith('Returned'))!.text).toContain('Add the debriefing date.');
    expect((await inboxOf(REVIEWER_ADDRESS, 3)).some((m) => m.subject.startsWith('Resubmitted for review'))).toBe(true);
    expect((await inboxOf(REVIEWER_ADDRESS, 3)).filter((m) => m.subject.startsWith('Reminder: '))).toHaveLength(1);
    expect(() => executionOf(recordId, resubmissionId)).toThrow();

    // Who decided is in the audit trail, named as the person.
    const history = await (await reviewer.go(`${url}/records/${recordId}/history`)).text();
    expect(history).toContain('Riley Haddad');

    // An amendment of the approved record goes through review again: its next submission starts a new execution.
    const amended = await reviewer.go(`${api}/${recordId}/amendments`, json('POST', { reason: 'The incident date was wrong.', expectedVersion: 5 }));
    expect(amended.status).toBe(201);
    const { version: amendedVersion } = (await amended.json()) as { version: number };
    const amendmentId = randomUUID();
    expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: amendedVersion, submissionId: amendmentId }))).status).toBe(200);
    const second = await until('the amendment review', () => executionOf(recordId, amendmentId));
    expect(second.executionArn).not.toBe(execution.executionArn);
    const reapproved = await reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: amendedVersion + 1 }));
    expect(reapproved.status).toBe(200);
    await until('the amendment review to end', () => second.status !== 'RUNNING');
    expect(second.status, `${second.error}: ${second.cause}`).toBe('SUCCEEDED');
  });

  it('two different decisions on the same version at once (two tabs): exactly one wins, the other is told', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    const reviewer = await signIn('demo-ky-dcbs-reviewer', url);
    const otherTab = await signIn('demo-ky-dcbs-reviewer', url);
    const { api, recordId } = await submitted(submitter);
    const [a, b] = await Promise.all([
      reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 2 })),
      otherTab.go(`${api}/${recordId}/transitions`, json('POST', { to: 'returned', expectedVersion: 2, reason: 'Not yet' })),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(((await loser.json()) as { error: { message: string } }).error.message).toMatch(/someone else|not waiting|acted/i);
    const record = (await (await reviewer.go(`${api}/${recordId}`)).json()) as { version: number; status: string };
    expect(record.version).toBe(3);
    expect(['approved', 'returned']).toContain(record.status);
  });

  it('a decision on a record that awaits none is refused with 409, and nothing changes', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    const reviewer = await signIn('demo-ky-dcbs-reviewer', url);
    const api = `${url}/api/jurisdictions/ky-dcbs/records`;
    const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(4) }));
    const { recordId } = (await made.json()) as { recordId: string };
    const refused = await reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 1 }));
    expect(refused.status).toBe(409);
    expect(((await (await reviewer.go(`${api}/${recordId}`)).json()) as { status: string }).status).toBe('draft');
  });

  it("the review email's Approve link: a scanner that follows it (GET, no session) changes nothing; the signed-in reviewer confirms with a POST and the workflow applies it", async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter', url);
    const before = (await inboxOf(REVIEWER_ADDRESS, 1)).length;
    const { api, recordId } = await submitted(submitter);
    const email = (await inboxOf(REVIEWER_ADDRESS, before + 1)).find((m) => m.text.includes(recordId))!;
    const actionId = /Approve:\s*\S*\/actions\/([A-Za-z0-9_-]{43})/.exec(email.text)![1]!;

    const scanner = await fetch(`${url}/actions/${actionId}`, { redirect: 'manual' });
    expect(scanner.status).toBe(303);
    expect(scanner.headers.get('location')).toContain('/auth/sign-in');
    const reviewer = await signIn('demo-ky-dcbs-reviewer', url);
    const page = await reviewer.go(`${url}/actions/${actionId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(((await (await reviewer.go(`${api}/${recordId}`)).json()) as { status: string }).status).toBe('submitted');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const decided = await reviewer.go(`${url}/actions/${actionId}`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(decided.url).toContain(`/records/${recordId}?moved=approved`);
    expect(((await (await reviewer.go(`${api}/${recordId}`)).json()) as { status: string }).status).toBe('approved');
    // Used once: the same link again says so, and changes nothing.
    const again = await reviewer.go(`${url}/actions/${actionId}`);
    expect(again.status).toBe(409);
  });
});
