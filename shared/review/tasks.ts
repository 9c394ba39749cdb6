/**
 * The review workflow's tasks (infra/constructs/workflows/review.ts runs them through functions/review-tasks): what
 * each step reads and writes. Each is safe to retry: a task that ran before leaves the table as a second run finds it.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import type { RecordService } from '#shared/records/service.ts';
import { keys } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import { readDecision, readWait } from './handoff.ts';
import { OpenReviews } from './open-reviews.ts';
import { reviewSettings, type ReviewMove, type ReviewState, type ReviewWait } from './model.ts';

const stateSchema = z.lazy(() =>
  z.object({
    jurisdictionId: z.string(),
    recordId: z.string(),
    submissionId: z.string(),
    settings: z.object({ reminderSeconds: z.number(), escalateAfterReminders: z.number(), resubmissionReminderSeconds: z.number() }),
    reminders: z.number(),
    openedAt: z.string(),
  }),
);
export const parseState = (value: unknown): ReviewState => stateSchema.parse(value) as ReviewState;

/** What a review started again at its wait adds to its input (local/review-resume.ts). */
export interface ResumeInput {
  resumeAt?: 'decision' | 'resubmission';
  reminders?: number;
}

/** Thrown by `wait` (its name is the error the state machine catches). */
export class AlreadyHappened extends Error {
  override name = 'Review.AlreadyHappened';
  constructor() {
    super('What this wait is for has happened already');
  }
}

export interface ReviewTaskDeps {
  records: RecordService;
  registry: JurisdictionStore;
  table: (jurisdictionId: string) => ScopedTable;
  now?: () => Date;
}

export class ReviewTasks {
  constructor(private readonly deps: ReviewTaskDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * The execution's first state: the jurisdiction's reminder settings, no reminders yet. A resumed review (ResumeInput)
   * keeps where it was: the wait to go back to and the reminders sent so far.
   */
  async begin(input: { jurisdictionId: string; recordId: string; submissionId: string } & ResumeInput): Promise<ReviewState & ResumeInput> {
    const profile = await this.deps.registry.get(input.jurisdictionId);
    const { jurisdictionId, recordId, submissionId } = input;
    return {
      jurisdictionId,
      recordId,
      submissionId,
      settings: reviewSettings(profile),
      reminders: input.reminders ?? 0,
      openedAt: this.now().toISOString(),
      ...(input.resumeAt ? { resumeAt: input.resumeAt } : {}),
    };
  }

  /**
   * A callback task's first step: stores the token as what the record waits for (a decision on its current version,
   * or a resubmission after a return). If what it waits for happened already (a decision claimed while the previous
   * wait was timing out into a reminder; a resubmission committed before this wait was stored), it fails with
   * `Review.AlreadyHappened`, which the state machine catches to go straight on: the function needs no right to
   * resume executions, so the workflow and its task function do not depend on each other.
   */
  async wait(input: { token: string; kind: 'decision' | 'resubmission'; executionName: string; state: ReviewState & ResumeInput }): Promise<void> {
    const { state } = input;
    const table = this.deps.table(state.jurisdictionId);
    const record = await this.deps.records.current(table, systemActor(state.jurisdictionId), state.recordId);
    const now = this.now();
    const wait: ReviewWait = { kind: input.kind, token: input.token, version: record.version, executionName: input.executionName, since: now.toISOString(), reminders: state.reminders };
    await table.put({ key: keys.reviewWait(state.recordId), attributes: { ...wait } as Item });
    await this.listOpen(table, state, input.kind, record, now);
    const happened = input.kind === 'decision' ? Boolean(await readDecision(table, state.recordId, record.version)) : record.status === 'submitted' && record.submissionId !== state.submissionId;
    if (happened) {
      logger.info('Wait ends at once: what it waits for has happened', { jurisdictionId: state.jurisdictionId, recordId: state.recordId, kind: input.kind });
      throw new AlreadyHappened();
    }
  }

  /**
   * The record's entry in the jurisdiction's open reviews: a wait after a reminder keeps its due date (the first
   * interval of the wait), so a reviewer's list and digest show how long it has been overdue.
   */
  private async listOpen(table: ScopedTable, state: ReviewState & ResumeInput, waitingFor: 'decision' | 'resubmission', record: { formId: string; createdBy: string }, now: Date): Promise<void> {
    const open = new OpenReviews(table);
    // The same wait again: after a reminder, or resumed after a local restart (local/review-resume.ts).
    const previous = await open.get(state.recordId);
    const interval = waitingFor === 'decision' ? state.settings.reminderSeconds : state.settings.resubmissionReminderSeconds;
    const sameWait = previous?.waitingFor === waitingFor && (state.reminders > 0 || state.resumeAt === waitingFor);
    await open.put({
      recordId: state.recordId,
      formId: record.formId,
      waitingFor,
      author: record.createdBy,
      // A review keeps the time it opened through its rounds and resumes (its entry is closed only when it ends).
      openedAt: previous?.openedAt ?? state.openedAt,
      since: sameWait ? previous.since : now.toISOString(),
      due: sameWait ? previous.due : new Date(now.getTime() + interval * 1000).toISOString(),
      reminders: state.reminders,
      escalated: waitingFor === 'decision' && state.reminders >= state.settings.escalateAfterReminders,
    });
  }

  /** After a wait timed out: one more reminder; escalation once the jurisdiction's limit is reached. */
  async remind(state: ReviewState): Promise<ReviewState & { escalate: boolean }> {
    const reminders = state.reminders + 1;
    return { ...state, reminders, escalate: reminders >= state.settings.escalateAfterReminders };
  }

  /**
   * Applies the decision claimed for the version the wait was for, with the decider as the actor of its audit event.
   * A retry after the move was applied finds the record past that version and answers the same move.
   */
  async applyDecision(state: ReviewState): Promise<{ state: ReviewState; to: ReviewMove }> {
    const table = this.deps.table(state.jurisdictionId);
    const wait = await readWait(table, state.recordId);
    if (!wait || wait.kind !== 'decision') throw new Error('No decision wait to apply');
    const decision = await readDecision(table, state.recordId, wait.version);
    if (!decision) throw new Error('Resumed without a claimed decision');
    const current = await this.deps.records.current(table, decision.actor, state.recordId);
    if (current.version === decision.version) {
      await this.deps.records.transition(table, decision.actor, state.recordId, { to: decision.to, expectedVersion: decision.version, ...(decision.reason ? { reason: decision.reason } : {}) });
    }
    // A new round of reminders for the next wait.
    return { state: { ...state, reminders: 0 }, to: decision.to };
  }

  /** The review is over (approved): what the record waits for is nothing, so its next submission starts a new review. */
  async end(state: ReviewState, executionName: string): Promise<void> {
    const table = this.deps.table(state.jurisdictionId);
    const record = await this.deps.records.current(table, systemActor(state.jurisdictionId), state.recordId);
    const ended: ReviewWait = { kind: 'ended', token: '', version: record.version, executionName, since: this.now().toISOString(), reminders: 0 };
    await table.put({ key: keys.reviewWait(state.recordId), attributes: { ...ended } as Item });
    await new OpenReviews(table).close(state.recordId, this.now());
  }

  /** After a resubmission: the submission that resumed this execution becomes the one under review. */
  async resubmitted(state: ReviewState): Promise<ReviewState> {
    const table = this.deps.table(state.jurisdictionId);
    const record = await this.deps.records.current(table, systemActor(state.jurisdictionId), state.recordId);
    return { ...state, submissionId: record.submissionId ?? state.submissionId, reminders: 0 };
  }
}

/** The workflow reads records as itself: an actor of the record's jurisdiction that no person is. */
export function systemActor(jurisdictionId: string) {
  return { subject: 'review-workflow', role: 'system', jurisdictionId, requestId: 'review-workflow' };
}
