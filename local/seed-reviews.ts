/**
 * `npm start`'s demo reviews: records of the demo jurisdiction in each state of the review, made through the real
 * workflow (the table's stream starts each review, the hand-off hands each decision to its execution, the workflow's
 * task applies it) and so with its real emails in the local inbox (MailDev). First the demo users are put in the people
 * directory as their sign-in would put them, since the workflow emails only people in it.
 *
 * Idempotent: a demo record whose reference exists already is not made again, nor a person who is in the directory
 * (a real sign-in keeps it current), so a restart with existing data seeds nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '#shared/audit/model.ts';
import { PeopleDirectory } from '#shared/auth/people.ts';
import { isJurisdictionRole } from '#shared/auth/policy.ts';
import { sampleCriticalIncidentReview, sampleSafetyNotice } from '#shared/forms/samples.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { formContextFrom } from '#shared/records/http.ts';
import type { RecordView } from '#shared/records/model.ts';
import { RecordService } from '#shared/records/service.ts';
import { readWait, ReviewHandoff, type ResumeTask } from '#shared/review/handoff.ts';
import { reviewExecutionName, type ReviewWait } from '#shared/review/model.ts';
import { scopedTable, type ScopedTable } from '#shared/storage/scoped-table.ts';
import type { DemoUser } from './oidc/users.ts';
import type { LocalStepFunctions } from './stepfunctions/service.ts';

/** The jurisdiction whose demo reviews `npm start` seeds. */
export const DEMO_REVIEW_JURISDICTION = 'ky-dcbs';

export type DemoReviewState = 'awaiting_decision' | 'in_review' | 'returned' | 'resubmitted' | 'approved';

export interface DemoReview {
  /** The record's name (its review id or notice title): how a restart finds it made already. */
  reference: string;
  formId: 'critical_incident_review' | 'safety_notice';
  state: DemoReviewState;
}

const RETURN_REASON = 'Add the date of the debriefing and who attended it (section 3).';

/** What is seeded, in this order (README "Demo data" lists the same). */
export const DEMO_REVIEWS: readonly DemoReview[] = [
  { reference: 'DEMO-CIR-001', formId: 'critical_incident_review', state: 'awaiting_decision' },
  { reference: 'DEMO-CIR-002', formId: 'critical_incident_review', state: 'in_review' },
  { reference: 'DEMO-CIR-003', formId: 'critical_incident_review', state: 'returned' },
  { reference: 'DEMO-CIR-004', formId: 'critical_incident_review', state: 'resubmitted' },
  { reference: 'DEMO-CIR-005', formId: 'critical_incident_review', state: 'approved' },
  { reference: 'Demo notice: ask about sleep arrangements at every home visit with an infant', formId: 'safety_notice', state: 'approved' },
];

export interface SeedReviewsDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  stepFunctions: Pick<LocalStepFunctions, 'sendTaskSuccess' | 'byWorkflowId' | 'describeExecution'>;
  demoUsers: readonly DemoUser[];
  log: (line: string) => void;
  /** How long one step may take the workflow (a cold start of its functions included). @default 60 s */
  stepWithinMs?: number;
}

export interface SeedReviewsResult {
  people: { added: number; existing: number };
  reviews: { added: DemoReview[]; existing: number };
}

/** Resumes a waiting task on the local Step Functions: false for a token that is no longer waiting, as the SDK's. */
export function localResume(stepFunctions: Pick<LocalStepFunctions, 'sendTaskSuccess'>): ResumeTask {
  return async (token, output) => {
    try {
      stepFunctions.sendTaskSuccess(token, JSON.stringify(output));
      return true;
    } catch (e) {
      if (['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'].includes((e as { type?: string }).type ?? '')) return false;
      throw e;
    }
  };
}

/**
 * The demo users of jurisdiction roles, and the partnership leads (the reports' digests go to them), as their sign-in
 * would write them (shared/auth/people.ts), unless there already.
 */
export async function seedDemoPeople(directory: PeopleDirectory, users: readonly DemoUser[], now = new Date()): Promise<{ added: number; existing: number }> {
  let added = 0;
  let existing = 0;
  const leads = new Set((await directory.partnershipLeads()).map((p) => p.subject));
  for (const user of users) {
    if (user.role === 'partnership_lead') {
      if (leads.has(user.sub)) existing++;
      else {
        await directory.signedIn({ subject: user.sub, role: user.role, displayName: user.name }, user.email, now);
        added++;
      }
      continue;
    }
    if (!isJurisdictionRole(user.role) || !user.jurisdictionId) continue;
    if (await directory.person(user.jurisdictionId, user.sub)) {
      existing++;
      continue;
    }
    await directory.signedIn({ subject: user.sub, role: user.role, jurisdictionId: user.jurisdictionId, displayName: user.name }, user.email, now);
    added++;
  }
  return { added, existing };
}

export async function seedDemoReviews(deps: SeedReviewsDeps): Promise<SeedReviewsResult> {
  const people = await seedDemoPeople(new PeopleDirectory(deps.client, deps.tableName), deps.demoUsers);
  const registry = new JurisdictionStore(deps.tableName, deps.client);
  const records = new RecordService({ cursorSecret: randomBytes(48).toString('base64url'), formContext: formContextFrom(registry) });
  const table = scopedTable(deps.client, deps.tableName, DEMO_REVIEW_JURISDICTION);
  const actorOf = (role: 'submitter' | 'reviewer'): Actor => {
    const user = deps.demoUsers.find((u) => u.jurisdictionId === DEMO_REVIEW_JURISDICTION && u.role === role);
    if (!user) throw new Error(`seed/users.json has no demo ${role} of ${DEMO_REVIEW_JURISDICTION}`);
    return { subject: user.sub, role, jurisdictionId: DEMO_REVIEW_JURISDICTION, requestId: 'local-seed', displayName: user.name };
  };
  const seeder = new DemoReviewSeeder(records, new ReviewHandoff(records, localResume(deps.stepFunctions)), table, actorOf('submitter'), actorOf('reviewer'), deps);

  const missing: DemoReview[] = [];
  for (const review of DEMO_REVIEWS) {
    const found = await records.list(table, actorOf('submitter'), { formId: review.formId, search: review.reference, limit: 1 });
    if (!found.items.length) missing.push(review);
  }
  // One after another: each review's functions are warm for the next, and the inbox shows them in order.
  for (const review of missing) await seeder.seed(review);
  return { people, reviews: { added: missing, existing: DEMO_REVIEWS.length - missing.length } };
}

class DemoReviewSeeder {
  private readonly stepWithinMs: number;

  constructor(
    private readonly records: RecordService,
    private readonly handoff: ReviewHandoff,
    private readonly table: ScopedTable,
    private readonly submitter: Actor,
    private readonly reviewer: Actor,
    private readonly deps: SeedReviewsDeps,
  ) {
    this.stepWithinMs = deps.stepWithinMs ?? 60_000;
  }

  async seed(review: DemoReview): Promise<void> {
    const answers =
      review.formId === 'critical_incident_review' ? { ...sampleCriticalIncidentReview(3), review_id: review.reference } : { ...sampleSafetyNotice(DEMO_REVIEW_JURISDICTION), ...demoNoticeDates(new Date()), title: review.reference };
    const { record: draft } = await this.records.createDraft(this.table, this.submitter, { formId: review.formId, answers, clientRequestId: randomUUID() });
    let record = await this.submit(draft);
    if (review.state === 'awaiting_decision') return;
    if (review.state === 'in_review') {
      await this.decide(record, { to: 'in_review' });
      return;
    }
    if (review.state === 'approved') {
      const decided = await this.decide(record, { to: 'approved' });
      // The approval email is the execution's last step.
      const machine = this.deps.stepFunctions.byWorkflowId('review');
      const arn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${reviewExecutionName(DEMO_REVIEW_JURISDICTION, decided.recordId, record.submissionId!)}`;
      await this.within('the approved review to end', async () => (this.deps.stepFunctions.describeExecution(arn).status !== 'RUNNING' ? true : undefined));
      return;
    }
    record = await this.decide(record, { to: 'returned', reason: RETURN_REASON });
    await this.waitFor(record, 'resubmission');
    if (review.state === 'resubmitted') await this.submit(record);
  }

  /** Submits, then waits until its review waits for a decision (the review request email is sent by then). */
  private async submit(record: RecordView): Promise<RecordView> {
    const { record: submitted } = await this.records.submit(this.table, this.submitter, record.recordId, { expectedVersion: record.version, submissionId: randomUUID() });
    await this.waitFor(submitted, 'decision');
    return submitted;
  }

  private async decide(record: RecordView, move: { to: 'in_review' | 'returned' | 'approved'; reason?: string }): Promise<RecordView> {
    const decided = await this.handoff.decide(this.table, this.reviewer, record.recordId, { ...move, expectedVersion: record.version }, 'api');
    if (decided.version === record.version) {
      return this.within('the workflow to apply a decision', async () => {
        const current = await this.records.current(this.table, this.reviewer, record.recordId);
        return current.version > record.version ? current : undefined;
      });
    }
    return decided;
  }

  private waitFor(record: RecordView, kind: ReviewWait['kind']): Promise<ReviewWait> {
    return this.within(`the review to wait for a ${kind}`, async () => {
      const wait = await readWait(this.table, record.recordId);
      return wait?.kind === kind && wait.version === record.version ? wait : undefined;
    });
  }

  private async within<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + this.stepWithinMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Demo reviews: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * The demo notice's dates around the day `npm start` runs, so that it is current (not past its review date) and its
 * acknowledgement deadline has just passed: partners who have not answered show as overdue.
 */
export function demoNoticeDates(today: Date): Record<'notice_date' | 'acknowledge_by' | 'act_by' | 'review_by_date', string> {
  const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  return { notice_date: day(-14), acknowledge_by: day(-3), act_by: day(45), review_by_date: day(365) };
}

