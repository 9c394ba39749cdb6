/**
 * How a person's decision reaches the review workflow (docs/review.md): the same checks as the records service, then
 * the decision is claimed for the record's version with a conditional put (of two at once, exactly one wins: a
 * double click, two reviewers, a web click racing an email reply), then the waiting execution is resumed with the
 * token the workflow stored. The workflow's task applies it (RecordService.transition) with its audit event. If the
 * resume fails because the wait just timed out into a reminder, the next wait finds the claim and resumes itself:
 * a claimed decision is never lost.
 */
import type { Actor } from '#shared/audit/model.ts';
import { logger } from '#shared/logger.ts';
import { illegalTransition, RecordConflictError } from '#shared/records/errors.ts';
import { parseInput, transitionInputSchema, type RecordStatus, type RecordView } from '#shared/records/model.ts';
import { checkMove, type RecordService } from '#shared/records/service.ts';
import { keys } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import { REVIEW_MOVES, reviewWaitSchema, type ClaimedDecision, type ReviewMove, type ReviewWait } from './model.ts';

const isReviewMove = (to: RecordStatus): to is ReviewMove => (REVIEW_MOVES as readonly string[]).includes(to);

/** Resumes a waiting task: SendTaskSuccess. A token that is no longer waiting answers false (AWS: TaskDoesNotExist, TaskTimedOut, InvalidToken). */
export type ResumeTask = (token: string, output: Record<string, unknown>) => Promise<boolean>;

export interface HandoffOptions {
  /** How long `decide` waits for the workflow to apply the decision before it answers with the record as it is. */
  appliedWithinMs?: number;
  /** How long `decide` waits for a review that is just starting (a decision right after the submission). */
  readyWithinMs?: number;
  pollMs?: number;
  now?: () => Date;
}

export const notAwaitingDecision = () =>
  new RecordConflictError('This record is not waiting for a decision right now: it was just submitted or just decided. Reload it in a moment and try again.', 'not_awaiting_decision');
export const alreadyDecided = () => new RecordConflictError('Someone else made a decision on this version of the record first. Reload it to see what was decided.', 'already_decided');

export async function readWait(table: ScopedTable, recordId: string): Promise<ReviewWait | undefined> {
  const item = await table.get(keys.reviewWait(recordId), { consistent: true });
  return item ? (reviewWaitSchema.parse(item) as ReviewWait) : undefined;
}

export async function readDecision(table: ScopedTable, recordId: string, version: number): Promise<ClaimedDecision | undefined> {
  const item = await table.get(keys.reviewDecision(recordId, version), { consistent: true });
  return item ? (item.decision as ClaimedDecision) : undefined;
}

/**
 * How long `decide` waits for a starting review, then for the workflow to apply the move. Both, with the calls around
 * them, stay under the timeout of the functions that decide (records and web: 10 s, PlatformFunction's default):
 * a move applied late is answered as the record stands, never by the function being killed (a 5xx that the person
 * retries).
 */
export const DECISION_WAITS_MS = { ready: 3_000, applied: 4_000 } as const;

export class ReviewHandoff {
  private readonly appliedWithinMs: number;
  private readonly readyWithinMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly records: RecordService,
    private readonly resume: ResumeTask,
    options: HandoffOptions = {},
  ) {
    this.appliedWithinMs = options.appliedWithinMs ?? DECISION_WAITS_MS.applied;
    this.readyWithinMs = options.readyWithinMs ?? DECISION_WAITS_MS.ready;
    this.pollMs = options.pollMs ?? 100;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * A reviewer's move (in review, returned, approved) on the version they saw. Answers the record once the workflow
   * applied it (usually well under a second), or as it is when that takes longer: the decision stands either way.
   */
  async decide(table: ScopedTable, actor: Actor, recordId: string, move: { to: RecordStatus; expectedVersion: number; reason?: string | undefined }, via: ClaimedDecision['via']): Promise<RecordView> {
    move = parseInput(transitionInputSchema, move);
    const current = await this.records.current(table, actor, recordId);
    checkMove(current, move);
    // The review life cycle's moves only (a draft or submission is its author's, through the records service).
    if (!isReviewMove(move.to)) throw illegalTransition(current.status, move.to, REVIEW_MOVES);
    const wait = await this.waitFor(table, recordId, current.version);
    const decision: ClaimedDecision = { version: current.version, to: move.to as ReviewMove, ...(move.reason ? { reason: move.reason } : {}), actor, at: this.now().toISOString(), via };
    try {
      await table.put({ key: keys.reviewDecision(recordId, current.version), attributes: { kind: 'review-decision', recordId, decision } as Item, condition: { expression: 'attribute_not_exists(pk)' } });
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      // The same person's same decision again (a double click, a second tab) is that decision: answer it as done.
      const claimed = await readDecision(table, recordId, current.version);
      if (!claimed || claimed.actor.subject !== actor.subject || claimed.to !== decision.to || (claimed.reason ?? '') !== (decision.reason ?? '')) throw alreadyDecided();
      // Resumed again, not assumed resumed: this claim may be our own earlier attempt's whose answer was lost, or
      // whose resume failed (a 5xx the person retried), and then nobody has resumed the wait; the reminder's wait
      // would apply it, days later. A token takes one success: after a first resume this one answers false.
    }
    await this.resumeWait(table, wait, recordId, current.version);
    return this.applied(table, actor, recordId, current.version);
  }

  private async resumeWait(table: ScopedTable, wait: ReviewWait, recordId: string, version: number): Promise<void> {
    const resumed = await this.resume(wait.token, { version });
    if (!resumed) logger.info('Decision claimed while its wait ended, or resumed already; the next wait applies it', { jurisdictionId: table.jurisdictionId, recordId, version });
  }

  /** The wait for a decision on this version; a review that is starting (or just applied a move) gets a moment. */
  private async waitFor(table: ScopedTable, recordId: string, version: number): Promise<ReviewWait> {
    const deadline = Date.now() + this.readyWithinMs;
    for (;;) {
      const wait = await readWait(table, recordId);
      if (wait && wait.kind === 'decision' && wait.version === version) return wait;
      if (Date.now() >= deadline) throw notAwaitingDecision();
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  private async applied(table: ScopedTable, actor: Actor, recordId: string, version: number): Promise<RecordView> {
    const deadline = Date.now() + this.appliedWithinMs;
    for (;;) {
      const record = await this.records.current(table, actor, recordId);
      if (record.version > version || Date.now() >= deadline) return record;
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }
}

/** SendTaskSuccess through the SDK: false for a token that is no longer waiting. */
export async function sendTaskSuccess(token: string, output: Record<string, unknown>): Promise<boolean> {
  const { sfn } = await import('#shared/aws/sfn.ts');
  const { sdk, client } = await sfn();
  try {
    await client.send(new sdk.SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
    return true;
  } catch (e) {
    if (['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'].includes((e as Error).name)) return false;
    throw e;
  }
}
