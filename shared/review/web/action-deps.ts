import { NotFoundError } from '#shared/errors.ts';
import { recordService, requestScope } from '#shared/records/http.ts';
import { readWait } from '../handoff.ts';
import { reviewHandoff } from '../http.ts';
import type { ActionFlowDeps } from './action-flow.tsx';

/**
 * What the emailed links' pages need (shared/review/web/action-flow.tsx): a link's round is the record version the
 * review waits for a decision on, and its decision goes through the same hand-off as the record page's.
 */
export function reviewActionDeps(tableName: string): ActionFlowDeps {
  return {
    scope: (input) => requestScope(input.table, input.principal.jurisdictionId!, input.principal, input.event),
    roundOf: (table) => async (recordId) => {
      const wait = await readWait(table, recordId);
      return wait?.kind === 'decision' ? wait.version : undefined;
    },
    recordOf: async (table, actor, recordId) =>
      (await recordService(tableName)).current(table, actor, recordId).catch((e: unknown) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      }),
    decide: async (table, d) => {
      const move = { to: d.action === 'approve' ? ('approved' as const) : ('returned' as const), expectedVersion: d.round, reason: d.reason };
      await (await reviewHandoff(tableName)).decide(table, d.actor, d.recordId, move, 'email-link');
    },
  };
}
