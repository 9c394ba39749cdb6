/**
 * The flow behind GET and POST /actions/{actionId} (docs/review.md). GET shows what a link would do and changes
 * nothing; POST, from a signed-in session of the reviewer the link was sent to (the HTTP stack has checked the CSRF
 * token and the origin), burns the id first and then hands the decision to the workflow (`decide`, injected).
 */
import type { Actor } from '#shared/audit/model.ts';
import { authorize, isAllowed } from '#shared/auth/policy.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { ConflictError } from '#shared/errors.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { logger } from '#shared/logger.ts';
import { REASON_MAX_LENGTH } from '#shared/records/model.ts';
import { recordPath } from '#shared/records/paths.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { isActionId, isDecision, type Decision } from '../action-ids.ts';
import { ActionIds, type RoundLookup } from '../action-store.ts';
import type { DecisionHandOff } from '../decision.ts';
import { actionPath, confirmPage, refusedPage, type NamedRecord } from './action-pages.tsx';

export type { DecisionHandOff, DecisionInput } from '../decision.ts';

export interface ActionFlowDeps {
  /** The scoped table of the principal's jurisdiction and the acting principal as an audit actor. */
  scope: (input: PageInput) => { table: ScopedTable; actor: Actor };
  /** The round each record of this jurisdiction awaits a decision in. */
  roundOf: (table: ScopedTable) => RoundLookup;
  /** The record's name for the page (its agency review id), or undefined when it is gone. */
  recordOf: (table: ScopedTable, actor: Actor, recordId: string) => Promise<NamedRecord | undefined>;
  decide: DecisionHandOff;
  clock?: () => Date;
}

const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });

/** Where sign-in starts for a link, coming back to the same link. */
export const signInPath = (actionId: string) => `/auth/sign-in?returnTo=${encodeURIComponent(actionPath(actionId))}`;

const MOVED: Record<Decision, string> = { approve: 'approved', return: 'returned' };

/**
 * GET /actions/{actionId}: signed out, to sign-in and back; a live Open link to its record; a live decision link to
 * its confirmation page; anything else to a page that says why it cannot be used. Never writes.
 */
export async function showAction(input: PageInput<Principal | undefined>, actionId: string, deps: ActionFlowDeps): Promise<HttpResult> {
  const { principal, csrf } = input;
  if (!isActionId(actionId)) return refusedPage({ principal, csrf, status: 'malformed' });
  if (!principal) return redirect(signInPath(actionId));
  // Only reviewers are sent links; anyone else (a forwarded email opened by a submitter) is told it is not theirs.
  if (!principal.jurisdictionId || !isAllowed(principal, 'review:decide')) return refusedPage({ principal, csrf, status: 'foreign' });
  const { table, actor } = deps.scope(input as PageInput);
  const found = await new ActionIds(table, { clock: deps.clock }).inspect(actionId, { via: 'web', subject: principal.subject }, deps.roundOf(table));
  if (!('grant' in found)) return refusedPage({ principal, csrf, status: found.status });
  const record = await deps.recordOf(table, actor, found.grant.recordId);
  if (found.status !== 'valid') return refusedPage({ principal, csrf, status: found.status, record });
  if (!record) return refusedPage({ principal, csrf, status: 'superseded' });
  if (!isDecision(found.grant.action)) return redirect(recordPath(found.grant.recordId));
  return confirmPage({ principal, csrf, actionId, decision: found.grant.action, record, expiresAt: found.grant.expiresAt });
}

/**
 * POST /actions/{actionId}: the reason is checked first (a return without one burns nothing), then the id is burned
 * with its conditional write, then the decision is handed on. Of two posts (a double click, two tabs) one decides,
 * the other gets the "already used" page.
 */
export async function decideAction(input: PageInput, actionId: string, body: { reason?: string | undefined }, deps: ActionFlowDeps): Promise<HttpResult> {
  const { principal, csrf } = input;
  if (!isActionId(actionId)) return refusedPage({ principal, csrf, status: 'malformed' });
  authorize(principal, 'review:decide');
  const { table, actor } = deps.scope(input);
  const actions = new ActionIds(table, { clock: deps.clock });
  const roundOf = deps.roundOf(table);
  const claimant = { via: 'web', subject: principal.subject } as const;

  const found = await actions.inspect(actionId, claimant, roundOf);
  if (!('grant' in found)) return refusedPage({ principal, csrf, status: found.status });
  const record = await deps.recordOf(table, actor, found.grant.recordId);
  if (found.status !== 'valid') return refusedPage({ principal, csrf, status: found.status, record });
  if (!record) return refusedPage({ principal, csrf, status: 'superseded' });
  if (!isDecision(found.grant.action)) return refusedPage({ principal, csrf, status: 'not_decision', record });

  const reason = body.reason?.replace(/\r\n?/g, '\n').trim() || undefined;
  if (found.grant.action === 'return') {
    const problem = !reason ? 'Say what the submitter must change' : reason.length > REASON_MAX_LENGTH ? `Keep the reason under ${REASON_MAX_LENGTH.toLocaleString('en-US')} characters` : undefined;
    if (problem) return confirmPage({ principal, csrf, actionId, decision: 'return', record, expiresAt: found.grant.expiresAt, reason: body.reason, reasonError: problem }, 422);
  }

  const redeemed = await actions.redeem(actionId, claimant, roundOf);
  if (redeemed.status !== 'redeemed') {
    return refusedPage({ principal, csrf, status: redeemed.status, record: 'grant' in redeemed ? record : undefined });
  }
  try {
    await deps.decide(table, {
      recordId: redeemed.grant.recordId,
      action: redeemed.decision,
      ...(redeemed.decision === 'return' ? { reason } : {}),
      actor,
      round: redeemed.grant.round,
    });
  } catch (error) {
    if (error instanceof ConflictError) return refusedPage({ principal, csrf, status: 'decided_elsewhere', record });
    // Not handed on: free the id so the reviewer can try again, then answer as the stack answers any error.
    const released = await actions.release(actionId, redeemed).then(
      () => true,
      (e: unknown) => (logger.error('A link whose decision was not handed on could not be released', { error: (e as Error).name }), false),
    );
    logger.warn('A decision by link was not handed on', { error: (error as Error).name, released });
    throw error;
  }
  return redirect(`${recordPath(redeemed.grant.recordId)}?moved=${MOVED[redeemed.decision]}`);
}
