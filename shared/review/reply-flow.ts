/**
 * What the reply function does with one inbound reply (docs/review.md, "Replies"), in one place: read it
 * (replies.ts), find the jurisdiction of its action id (gsi1), check the From against the id, burn the id, hand the
 * decision on, and say what to answer. The function around it fetches the raw message, sends the answer and audits.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/errors.ts';
import { scopedTable, type ScopedTable } from '#shared/storage/scoped-table.ts';
import type { JurisdictionId } from '#shared/storage/keys.ts';
import type { Decision } from './action-ids.ts';
import { ActionIds, locateAction, type RoundLookup } from './action-store.ts';
import type { DecisionHandOff } from './decision.ts';
import { readReply, REDEMPTION_REPLY_MESSAGES, type InboundReply, type RefusalCode } from './replies.ts';

export interface ReplyFlowDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  inboundDomain: string;
  roundOf: (table: ScopedTable) => RoundLookup;
  decide: DecisionHandOff;
  /** Ties the decision to the inbound message in the audit trail (the SES message id). */
  requestId: string;
  maxBytes?: number | undefined;
  clock?: () => Date;
}

export type ReplyOutcome =
  /** `subject`: the bound reviewer's (the identity provider's id), who the decision is audited as. */
  | { kind: 'decided'; jurisdictionId: JurisdictionId; recordId: string; action: Decision; round: number; subject: string; answerTo: string; message: string }
  | {
      kind: 'refused';
      why: RefusalCode | keyof typeof REDEMPTION_REPLY_MESSAGES | 'decided_elsewhere';
      message: string;
      /** Unset when the sender is not authenticated: never answer a forged From. */
      answerTo?: string;
      jurisdictionId?: JurisdictionId;
      recordId?: string;
    }
  | { kind: 'ignored'; why: 'auto_reply' };

const DONE: Record<Decision, string> = {
  approve: 'Your approval was recorded: the record is approved and locked. Nothing else is needed from you.',
  return: 'Your return was recorded: the record went back to the submitter with your reason.',
};
const DECIDED_ELSEWHERE = 'Someone decided this review just before your reply, so your decision was not recorded. Open the record in the platform to see where it stands.';

/**
 * One reply, start to end. Throws only when the decision could not be handed on (the id is released first, so a
 * retry of the whole message can decide); every refusal is an outcome with the words to answer with.
 */
export async function handleReply(message: InboundReply, deps: ReplyFlowDeps): Promise<ReplyOutcome> {
  let jurisdictionId: JurisdictionId | undefined;
  const actionsIn = (jid: JurisdictionId) => new ActionIds(scopedTable(deps.client, deps.tableName, jid), { clock: deps.clock });
  const verdict = await readReply(message, {
    inboundDomain: deps.inboundDomain,
    maxBytes: deps.maxBytes,
    isBoundReviewer: async (actionId, from) => {
      jurisdictionId = await locateAction(deps.client, deps.tableName, actionId);
      return jurisdictionId === undefined ? undefined : actionsIn(jurisdictionId).isBound(actionId, from);
    },
  });
  if (verdict.kind === 'ignored') return verdict;
  if (verdict.kind === 'refused') return { ...verdict, ...(jurisdictionId ? { jurisdictionId } : {}) };

  const jid = jurisdictionId!;
  const table = scopedTable(deps.client, deps.tableName, jid);
  const actions = actionsIn(jid);
  // Stryker disable next-line StringLiteral: any `via` but 'web' is bound by address; the literal is for the reader
  const redeemed = await actions.redeem(verdict.actionId, { via: 'reply', address: verdict.from }, deps.roundOf(table), verdict.action);
  if (redeemed.status !== 'redeemed') {
    const why = redeemed.status;
    return { kind: 'refused', why, message: REDEMPTION_REPLY_MESSAGES[why], answerTo: verdict.from, jurisdictionId: jid, ...('grant' in redeemed ? { recordId: redeemed.grant.recordId } : {}) };
  }
  const { recordId, round, subject } = redeemed.grant;
  try {
    await deps.decide(table, {
      recordId,
      action: redeemed.decision,
      ...(redeemed.decision === 'return' ? { reason: verdict.reason } : {}),
      actor: { subject, role: 'reviewer', jurisdictionId: jid, requestId: deps.requestId },
      round,
    });
  } catch (error) {
    if (error instanceof ConflictError) return { kind: 'refused', why: 'decided_elsewhere', message: DECIDED_ELSEWHERE, answerTo: verdict.from, jurisdictionId: jid, recordId };
    await actions.release(verdict.actionId, redeemed);
    throw error;
  }
  return { kind: 'decided', jurisdictionId: jid, recordId, action: redeemed.decision, round, subject, answerTo: verdict.from, message: DONE[redeemed.decision] };
}
