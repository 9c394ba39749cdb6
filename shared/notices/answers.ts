/**
 * Each jurisdiction's answer to a partner's published notice (docs/notices.md, "Answers"), as the NHS's National
 * Patient Safety Alerts and FDA recall status reports ask of every recipient: acknowledged, then action in progress,
 * completed, or not applicable (with a reason). One item per notice in the answering jurisdiction's own partition
 * (`<jid>#NOTICE_ANSWERS / NOTICE#<issuer>#<recordId>`), every step kept with who and when, and an audit event; indexed
 * on gsi1 under the notice, so the issuer's status table reads every answer with one query.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { auditPut, newAuditEvent } from '#shared/audit/store.ts';
import type { Actor } from '#shared/audit/model.ts';
import { ConflictError, ForbiddenError } from '#shared/errors.ts';
import { validationFailed } from '#shared/http/validation.ts';
import { indexPartition } from '#shared/storage/index-query.ts';
import { GSI1, keys } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import type { PublishedNotice } from './model.ts';

export const ANSWER_STATUSES = ['acknowledged', 'in_progress', 'completed', 'not_applicable'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];
export const ANSWER_LABELS: Record<AnswerStatus, string> = {
  acknowledged: 'Acknowledged',
  in_progress: 'Action in progress',
  completed: 'Actions completed',
  not_applicable: 'Not applicable',
};
/** Where an answer may go next: forward only; completed and not applicable are final. */
export const NEXT_STATUSES: Record<AnswerStatus | 'none', readonly AnswerStatus[]> = {
  none: ['acknowledged', 'not_applicable'],
  acknowledged: ['in_progress', 'completed', 'not_applicable'],
  in_progress: ['completed', 'not_applicable'],
  completed: [],
  not_applicable: [],
};
export const ANSWER_REASON_MAX = 2000;

export interface AnswerStep {
  status: AnswerStatus;
  at: string;
  /** The person who answered (the identity provider's subject) and their name as they signed in. */
  by: string;
  byName?: string;
  reason?: string;
}

export interface NoticeAnswer {
  jurisdictionId: string;
  issuerId: string;
  recordId: string;
  status: AnswerStatus;
  /** When the jurisdiction first answered (acknowledged, or said not applicable). */
  acknowledgedAt: string;
  updatedAt: string;
  steps: AnswerStep[];
}

export interface AnswerInput {
  status: string;
  reason?: string | undefined;
}

export async function currentAnswer(table: ScopedTable, issuerId: string, recordId: string): Promise<NoticeAnswer | undefined> {
  const item = await table.get(keys.noticeAnswer(issuerId, recordId), { consistent: true });
  return item ? (item.answer as NoticeAnswer) : undefined;
}

/**
 * Records the jurisdiction's next answer to a notice. Refuses (4xx, nothing written): the issuer answering its own
 * notice, a withdrawn notice, a step that is not next (acknowledging twice: 409 saying when and by whom), a not
 * applicable without a reason. Two answers at the same moment: one wins, the other is a 409.
 */
export async function answerNotice(table: ScopedTable, actor: Actor, notice: PublishedNotice, input: AnswerInput, now: Date = new Date()): Promise<NoticeAnswer> {
  if (actor.jurisdictionId !== table.jurisdictionId) throw new ForbiddenError('You can answer only for your own jurisdiction.');
  if (notice.issuerId === table.jurisdictionId) throw new ForbiddenError('The issuing jurisdiction does not answer its own notice.');
  if (notice.status === 'withdrawn') throw new ConflictError('This notice was withdrawn by its issuer: no answer is needed.');
  const status = input.status as AnswerStatus;
  if (!(ANSWER_STATUSES as readonly string[]).includes(status)) throw validationFailed([{ field: 'status', message: 'Choose acknowledged, action in progress, actions completed or not applicable' }]);
  const reason = input.reason?.trim() || undefined;
  if (status === 'not_applicable' && !reason) throw validationFailed([{ field: 'reason', message: 'Say why the notice does not apply to your jurisdiction' }]);
  if (reason && reason.length > ANSWER_REASON_MAX) throw validationFailed([{ field: 'reason', message: `Keep the reason to ${ANSWER_REASON_MAX.toLocaleString('en-US')} characters` }]);

  const previous = await currentAnswer(table, notice.issuerId, notice.recordId);
  if (!NEXT_STATUSES[previous?.status ?? 'none'].includes(status)) {
    const last = previous?.steps.at(-1);
    throw new ConflictError(
      previous && last
        ? `Your jurisdiction answered "${ANSWER_LABELS[previous.status]}" on ${last.at.slice(0, 10)}${last.byName ? ` (${last.byName})` : ''}; ${NEXT_STATUSES[previous.status].length ? `it can now say ${NEXT_STATUSES[previous.status].map((s) => `"${ANSWER_LABELS[s]}"`).join(' or ')}` : 'that answer is final'}.`
        : 'Acknowledge the notice first.',
    );
  }
  const at = now.toISOString();
  const step: AnswerStep = { status, at, by: actor.subject, ...(actor.displayName ? { byName: actor.displayName } : {}), ...(reason ? { reason } : {}) };
  const answer: NoticeAnswer = {
    jurisdictionId: table.jurisdictionId,
    issuerId: notice.issuerId,
    recordId: notice.recordId,
    status,
    acknowledgedAt: previous?.acknowledgedAt ?? at,
    updatedAt: at,
    steps: [...(previous?.steps ?? []), step],
  };
  const item: Item = { kind: 'notice_answer', answerStatus: status, answer, [GSI1.pk]: keys.noticeAnswersIndex(notice.issuerId, notice.recordId), [GSI1.sk]: table.jurisdictionId };
  const condition = previous ? { expression: 'answerStatus = :s', values: { ':s': previous.status } } : { expression: 'attribute_not_exists(pk)' };
  try {
    await table.transactWrite([
      { put: { key: keys.noticeAnswer(notice.issuerId, notice.recordId), attributes: item, condition } },
      auditPut(table, newAuditEvent(actor, { action: 'notice.answered', recordId: notice.recordId }, now)),
    ]);
  } catch (e) {
    if ((e as { name?: string }).name === 'TransactionCanceledException') throw new ConflictError('Someone in your jurisdiction answered at the same moment; reload the notice to see their answer.');
    throw e;
  }
  return answer;
}

/** Every jurisdiction's answer to one notice (the status table): a read of answer items only, through gsi1. */
export async function answersTo(client: DynamoDBDocumentClient, tableName: string, issuerId: string, recordId: string): Promise<NoticeAnswer[]> {
  const items = await indexPartition(client, tableName, keys.noticeAnswersIndex(issuerId, recordId));
  return items.filter((i) => i.kind === 'notice_answer').map((i) => i.answer as NoticeAnswer);
}
