// The review workflow's figures (issue 11), on a local cloud of its own: the state transitions (and so the Step
// Functions cost) of one review that goes submit, one reminder, return, resubmit, approve, counted by the local Step
// Functions as AWS bills them; and the time from a submit to the reviewer's email in the local inbox (MailDev).
import { randomUUID } from 'node:crypto';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { reviewExecutionName } from '#shared/review/model.ts';
import { signIn, type Browser } from '../test/integration/helpers.ts';
import { startTestCloud } from '../test/support/local-cloud.ts';
import type { BenchRow } from './types.ts';
import { until } from '../test/support/until.ts';

const TRANSITIONS_TARGET = 25;
/** Step Functions Standard: $0.025 per 1,000 state transitions (beyond the 4,000 free each month). */
const USD_PER_TRANSITION = 0.025 / 1000;
const COST_TARGET_USD = 0.001;
const EMAIL_P50_TARGET_S = 3;
const EMAIL_ROUNDS = Number(process.env.BENCH_REVIEW_EMAILS ?? 20);
/** The demo jurisdiction's reminder interval (72 h) runs in this many seconds: one reminder comes quickly. */
const REMINDER_SECONDS_SCALED = 4;
const JURISDICTION = 'ky-dcbs';
const REVIEWER_ADDRESS = 'review-lead@ky-dcbs.example.org';

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });


const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

export async function benchReview(): Promise<BenchRow[]> {
  const { cloud, close } = await startTestCloud({ timeScale: { review: (72 * 3600) / REMINDER_SECONDS_SCALED } });
  try {
    const url = cloud.url;
    const api = `${url}/api/jurisdictions/${JURISDICTION}/records`;
    const submitter = await signIn(`demo-${JURISDICTION}-submitter`, url);
    // Signing in puts the reviewer in the jurisdiction's people directory: the review emails go to them.
    const reviewer = await signIn(`demo-${JURISDICTION}-reviewer`, url);
    const machineArn = cloud.stepFunctions.byWorkflowId('review').arn;
    const executionOf = (recordId: string, submissionId: string) =>
      cloud.stepFunctions.describeExecution(`${machineArn.replace(':stateMachine:', ':execution:')}:${reviewExecutionName(JURISDICTION, recordId, submissionId)}`);
    const draft = async () => {
      const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(3) }));
      if (made.status !== 201) throw new Error(`creating a record answered ${made.status}`);
      return ((await made.json()) as { recordId: string }).recordId;
    };
    const submit = async (recordId: string, expectedVersion: number) => {
      const submissionId = randomUUID();
      const res = await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion, submissionId }));
      if (res.status !== 200) throw new Error(`submit answered ${res.status}`);
      return submissionId;
    };
    const decide = async (who: Browser, recordId: string, body: Record<string, unknown>) => {
      const res = await who.go(`${api}/${recordId}/transitions`, json('POST', body));
      if (res.status !== 200) throw new Error(`decision ${JSON.stringify(body.to)} answered ${res.status}: ${await res.text()}`);
    };

    // (a) One review: submit, one reminder, a return, the resubmission, approval.
    const recordId = await draft();
    const submissionId = await submit(recordId, 1);
    const execution = await until('the execution', () => {
      try {
        return executionOf(recordId, submissionId);
      } catch {
        return undefined;
      }
    });
    // Begin, NotifyReviewers, AwaitDecision, RemindReviewers, AwaitDecision: one reminder, waiting again.
    await until('one reminder', () => execution.transitions >= 5, 3 * REMINDER_SECONDS_SCALED * 1000, 20);
    const atReminder = execution.transitions;
    await decide(reviewer, recordId, { to: 'returned', expectedVersion: 2, reason: 'Add the debriefing date.' });
    await submit(recordId, 3);
    await decide(reviewer, recordId, { to: 'approved', expectedVersion: 4 });
    await until('the execution to end', () => execution.status !== 'RUNNING');
    if (execution.status !== 'SUCCEEDED') throw new Error(`the review ended ${execution.status}: ${execution.error}`);
    if (atReminder !== 5) throw new Error(`expected one reminder before the return, the execution had made ${atReminder} transitions`);
    const transitions = execution.transitions;
    const cost = transitions * USD_PER_TRANSITION;
    console.log(`  one review: ${transitions} transitions, $${cost.toFixed(6)} in Step Functions`);

    // (b) Submit to the reviewer's email in MailDev, over EMAIL_ROUNDS submissions one after another; each is then
    // approved, so that no review's reminders run beside the next measurement.
    const inbox = cloud.endpoints.mailInbox;
    const seconds: number[] = [];
    for (let i = 0; i < EMAIL_ROUNDS; i++) {
      await fetch(`${inbox}/api/email/all`, { method: 'DELETE' });
      const id = await draft();
      const started = performance.now();
      await submit(id, 1);
      await until(
        'the review request email',
        async () => {
          const all = (await (await fetch(`${inbox}/api/email`)).json()) as { to: { address: string }[]; text?: string }[];
          return all.some((m) => m.to.some((t) => t.address === REVIEWER_ADDRESS) && m.text?.includes(id));
        },
        30_000,
        10,
      );
      seconds.push((performance.now() - started) / 1000);
      await decide(reviewer, id, { to: 'approved', expectedVersion: 2 });
    }
    seconds.sort((a, b) => a - b);
    const p50 = quantile(seconds, 0.5);
    const p95 = quantile(seconds, 0.95);
    console.log(`  submit to email: p50 ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s, max ${seconds.at(-1)!.toFixed(2)} s over ${seconds.length}`);
    const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
    return [
      { group: 'review', name: 'state transitions of one review (submit, 1 reminder, return, resubmit, approve)', value: transitions, unit: 'transitions', target: `<= ${TRANSITIONS_TARGET}`, pass: transitions <= TRANSITIONS_TARGET },
      { group: 'review', name: 'Step Functions cost of that review ($0.025 per 1,000 transitions)', value: r(cost, 6), unit: 'USD', target: `< ${COST_TARGET_USD}`, pass: cost < COST_TARGET_USD },
      { group: 'review', name: `submit to the reviewer's email in MailDev, p50 (${seconds.length} submissions)`, value: r(p50, 2), unit: 's', target: `<= ${EMAIL_P50_TARGET_S} s`, pass: p50 <= EMAIL_P50_TARGET_S },
      { group: 'review', name: "submit to the reviewer's email in MailDev, p95 (info)", value: r(p95, 2), unit: 's' },
    ];
  } finally {
    await close();
  }
}
