import { readWait } from './handoff.ts';
import { reviewHandoff } from './http.ts';
import type { ReplyFlowDeps } from './reply-flow.ts';

/**
 * What handleReply needs of the workflow in the reply function: a reply's round is the record version the review
 * waits for a decision on, and its decision goes through the same hand-off as the pages' and links', marked as a
 * reply (`email-reply`).
 */
export function replyHandOff(tableName: string): Pick<ReplyFlowDeps, 'roundOf' | 'decide'> {
  return {
    roundOf: (table) => async (recordId) => {
      const wait = await readWait(table, recordId);
      return wait?.kind === 'decision' ? wait.version : undefined;
    },
    decide: async (table, d) => {
      const move = { to: d.action === 'approve' ? ('approved' as const) : ('returned' as const), expectedVersion: d.round, reason: d.reason };
      await (await reviewHandoff(tableName)).decide(table, d.actor, d.recordId, move, 'email-reply');
    },
  };
}
