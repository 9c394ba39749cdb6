/**
 * The store of review action ids (docs/review.md): issue, inspect, redeem, release. Items live under the
 * jurisdiction's `ACTIONS` partition, keyed by the SHA-256 of the id (shared/storage/keys.ts), reached through the
 * jurisdiction's scoped table; only `locateAction` reads outside one, through gsi1, to find which jurisdiction a
 * replied-to id belongs to.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { ConflictError } from '#shared/errors.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import { REVIEW_ACTION_KEPT_DAYS, REVIEW_ACTION_TTL_HOURS } from '#shared/policy.ts';
import { cancellationCodes } from '#shared/storage/cancellation.ts';
import { GSI1, keys, type JurisdictionId } from '#shared/storage/keys.ts';
import { linkJurisdiction } from '#shared/storage/index-query.ts';
import { type Item, type ScopedTable, type ScopedTransactItem } from '#shared/storage/scoped-table.ts';
import {
  actionIdDigest,
  addressDigest,
  isActionId,
  isBoundTo,
  isDecision,
  newActionId,
  normalizeAddress,
  REVIEW_ACTIONS,
  reviewerDigest,
  statusOf,
  type ActionGrant,
  type ActionStatus,
  type Claimant,
  type Decision,
  type ReviewAction,
} from './action-ids.ts';

/** The round the record now awaits a decision in, or undefined when it awaits none (decided, withdrawn). */
export type RoundLookup = (recordId: string) => Promise<number | undefined>;

export interface IssueInput {
  recordId: string;
  round: number;
  action: ReviewAction;
  reviewer: { subject: string; address: string };
}

export interface Issued {
  /** The plain id: returned once, for the email; never stored, never logged. */
  actionId: string;
  expiresAt: string;
}

/** What the confirmation page may show: the grant only to the person it was sent to. */
export type Inspection =
  | { status: 'valid' | 'used' | 'expired' | 'superseded'; grant: ActionGrant }
  | { status: 'foreign' | 'unknown' | 'malformed' };

export type Redemption =
  | { status: 'redeemed'; grant: ActionGrant; decision: Decision; usedAt: string }
  | { status: 'used' | 'expired' | 'superseded'; grant: ActionGrant }
  /** An Open link, or a reply to an id that is not the email's reply id: nothing to decide with it. */
  | { status: 'not_decision'; grant: ActionGrant }
  | { status: 'foreign' | 'unknown' | 'malformed' };

export type Refusal = Exclude<Redemption, { status: 'redeemed' }>;

const issueSchema = z.lazy(() => z.strictObject({
  recordId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'A record id is 1-64 letters, digits, _ or -')),
  round: z.number().check(z.int(), z.gte(0, 'A round is 0 or more'), z.lte(999_999, 'A round is at most 999999')),
  action: z.enum(REVIEW_ACTIONS),
  reviewer: z.strictObject({
    subject: z.string().check(z.minLength(1, 'The reviewer has no subject'), z.maxLength(255)),
    address: z.string().check(z.refine((a) => normalizeAddress(a) !== undefined, 'The reviewer address is not one email address')),
  }),
}));

const grantItemSchema = z.lazy(() => z.object({
  recordId: z.string(),
  round: z.number(),
  action: z.enum(REVIEW_ACTIONS),
  subject: z.string(),
  addressDigest: z.string(),
  createdAt: z.string(),
  expiresAtMs: z.number(),
  usedAt: z.optional(z.string()),
  supersededAt: z.optional(z.string()),
}));

function grantOf(item: Item | undefined): ActionGrant | undefined {
  if (!item) return undefined;
  const i = z.parse(grantItemSchema, item);
  return {
    recordId: i.recordId,
    round: i.round,
    action: i.action,
    subject: i.subject,
    addressDigest: i.addressDigest,
    createdAt: i.createdAt,
    expiresAt: new Date(i.expiresAtMs).toISOString(),
    ...(i.usedAt !== undefined ? { usedAt: i.usedAt } : {}),
    ...(i.supersededAt !== undefined ? { supersededAt: i.supersededAt } : {}),
  };
}

/** What a valid id lets its claimant decide: a link its own action; a reply (to the email's Open id) its command. */
export function decisionFor(grant: ActionGrant, claimant: Claimant, command: Decision | undefined): Decision | undefined {
  if (claimant.via === 'web') return isDecision(grant.action) ? grant.action : undefined;
  return grant.action === 'open' && isDecision(command) ? command : undefined;
}

const ISSUE_ATTEMPTS = 3;
const HOUR_MS = 3_600_000;
const isConditionFailure = (e: unknown): boolean => (e as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

export interface ActionIdsOptions {
  clock?: () => Date;
  /** @default REVIEW_ACTION_TTL_HOURS (shared/policy.ts) */
  ttlHours?: number;
}

/** The action ids of one jurisdiction (through its scoped table: nothing here reaches another's). */
export class ActionIds {
  private readonly clock: () => Date;
  private readonly ttlMs: number;

  constructor(
    private readonly table: ScopedTable,
    options: ActionIdsOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.ttlMs = (options.ttlHours ?? REVIEW_ACTION_TTL_HOURS) * HOUR_MS;
  }

  /**
   * A new id for one record, round, action and reviewer; the one issued before for the same four (a retried
   * email) is superseded in the same transaction, so at most one is live. Returns the plain id once.
   */
  async issue(input: IssueInput): Promise<Issued> {
    const i = parseOrThrow(issueSchema, input, 'action id');
    const address = normalizeAddress(i.reviewer.address)!;
    const slotKey = keys.reviewActionSlot(i.recordId, i.round, i.action, reviewerDigest(i.reviewer.subject));
    let previousGone = false;
    for (let attempt = 1; attempt <= ISSUE_ATTEMPTS; attempt++) {
      const now = this.clock();
      const actionId = newActionId();
      const digest = actionIdDigest(actionId);
      const expiresAtMs = now.getTime() + this.ttlMs;
      const previous = (await this.table.get(slotKey, { consistent: true }))?.idDigest as string | undefined;
      const items: ScopedTransactItem[] = [
        {
          put: {
            key: keys.reviewAction(digest),
            attributes: {
              recordId: i.recordId,
              round: i.round,
              action: i.action,
              subject: i.reviewer.subject,
              addressDigest: addressDigest(address),
              createdAt: now.toISOString(),
              expiresAtMs,
              // DynamoDB's TTL (seconds): kept a while after expiry, so its page can say "expired", not "unknown".
              expiresAt: Math.ceil((expiresAtMs + REVIEW_ACTION_KEPT_DAYS * 24 * HOUR_MS) / 1000),
              [GSI1.pk]: keys.reviewActionIndex(digest),
              [GSI1.sk]: keys.reviewActionIndexSort,
            },
            condition: { expression: 'attribute_not_exists(pk)' },
          },
        },
        {
          put: {
            key: slotKey,
            attributes: { idDigest: digest, expiresAt: Math.ceil((expiresAtMs + REVIEW_ACTION_KEPT_DAYS * 24 * HOUR_MS) / 1000) },
            condition: previous === undefined ? { expression: 'attribute_not_exists(pk)' } : { expression: '#d = :previous', names: { '#d': 'idDigest' }, values: { ':previous': previous } },
          },
        },
      ];
      if (previous !== undefined && !previousGone) {
        items.push({
          update: {
            key: keys.reviewAction(previous),
            update: { expression: 'SET #s = if_not_exists(#s, :now)', names: { '#s': 'supersededAt' }, values: { ':now': now.toISOString() } },
            condition: { expression: 'attribute_exists(pk)' },
          },
        });
      }
      try {
        await this.table.transactWrite(items);
        return { actionId, expiresAt: new Date(expiresAtMs).toISOString() };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // The previous id's item is gone (its TTL ran out before the slot's): nothing left to supersede.
        if (codes[2] === 'ConditionalCheckFailed' && codes[1] !== 'ConditionalCheckFailed') previousGone = true;
      }
    }
    throw new ConflictError('Another link for this review was being issued at the same time. Try again.');
  }

  /** What an id is for this claimant, now. Changes nothing (the GET confirmation page). */
  async inspect(actionId: string, claimant: Claimant, roundOf: RoundLookup): Promise<Inspection> {
    if (!isActionId(actionId)) return { status: 'malformed' };
    const grant = grantOf(await this.table.get(keys.reviewAction(actionIdDigest(actionId)), { consistent: true }));
    const status = await this.statusFor(grant, claimant, roundOf);
    if (status === 'foreign' || status === 'unknown') return { status };
    return { status, grant: grant! };
  }

  /** Whether a reply's From is the address the id was sent to (undefined: no such id here). Changes nothing. */
  async isBound(actionId: string, normalizedFrom: string): Promise<boolean | undefined> {
    if (!isActionId(actionId)) return undefined;
    const grant = grantOf(await this.table.get(keys.reviewAction(actionIdDigest(actionId)), { consistent: true }));
    // Stryker disable next-line StringLiteral: any `via` but 'web' compares the address; the literal is for the reader
    return grant === undefined ? undefined : isBoundTo(grant, { via: 'reply', address: normalizedFrom });
  }

  /**
   * Burns the id with one conditional write, before any decision is handed on: of two concurrent redeems exactly
   * one wins. The write re-checks everything the read saw (not used, not superseded, not expired, same round, same
   * person), so nothing that changed between the read and the write slips through. `command` is a reply's
   * approve/return (links decide their own action).
   */
  async redeem(actionId: string, claimant: Claimant, roundOf: RoundLookup, command?: Decision): Promise<Redemption> {
    if (!isActionId(actionId)) return { status: 'malformed' };
    const key = keys.reviewAction(actionIdDigest(actionId));
    const grant = grantOf(await this.table.get(key, { consistent: true }));
    const round = grant ? await roundOf(grant.recordId) : undefined;
    const status = statusOf(grant, claimant, this.clock().getTime(), round);
    if (status === 'foreign' || status === 'unknown') return { status };
    if (status !== 'valid') return { status, grant: grant! };
    const decision = decisionFor(grant!, claimant, command);
    if (decision === undefined) return { status: 'not_decision', grant: grant! };
    const now = this.clock();
    const bound = claimant.via === 'web' ? { '#b': 'subject', ':b': claimant.subject } : { '#b': 'addressDigest', ':b': addressDigest(claimant.address) };
    try {
      await this.table.update({
        key,
        update: { expression: 'SET #u = :at, #v = :via, #d = :decision', names: { '#u': 'usedAt', '#v': 'usedVia', '#d': 'decision' }, values: { ':at': now.toISOString(), ':via': claimant.via, ':decision': decision } },
        condition: {
          expression: 'attribute_exists(pk) AND attribute_not_exists(#u) AND attribute_not_exists(#s) AND #e > :nowMs AND #r = :round AND #b = :b',
          names: { '#u': 'usedAt', '#s': 'supersededAt', '#e': 'expiresAtMs', '#r': 'round', '#b': bound['#b'] },
          values: { ':nowMs': now.getTime(), ':round': round, ':b': bound[':b'] },
        },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Something changed since the read (most often: the other of two clicks won). Say what it is now.
      const after = grantOf(await this.table.get(key, { consistent: true }));
      const now2 = await this.statusFor(after, claimant, roundOf);
      if (now2 === 'foreign' || now2 === 'unknown') return { status: now2 };
      return { status: now2 === 'valid' ? 'used' : now2, grant: after! };
    }
    return { status: 'redeemed', grant: { ...grant!, usedAt: now.toISOString() }, decision, usedAt: now.toISOString() };
  }

  /**
   * Undoes a redeem whose decision could not be handed on (the workflow was unreachable), so the reviewer can try
   * again; only the redeem that burned the id can release it. A decision that was refused (already decided) keeps
   * the id burned.
   */
  async release(actionId: string, redeemed: { usedAt: string }): Promise<void> {
    if (!isActionId(actionId)) return;
    try {
      await this.table.update({
        key: keys.reviewAction(actionIdDigest(actionId)),
        update: { expression: 'REMOVE #u, #v, #d', names: { '#u': 'usedAt', '#v': 'usedVia', '#d': 'decision' } },
        condition: { expression: 'attribute_exists(pk) AND #u = :at', values: { ':at': redeemed.usedAt } },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async statusFor(grant: ActionGrant | undefined, claimant: Claimant, roundOf: RoundLookup): Promise<Exclude<ActionStatus, 'malformed'>> {
    const round = grant ? await roundOf(grant.recordId) : undefined;
    return statusOf(grant, claimant, this.clock().getTime(), round);
  }
}

/**
 * The jurisdiction an action id belongs to, through gsi1 (a reply names the id, not the jurisdiction), or undefined.
 * Reads the index partition of that one digest and nothing else; the caller then works through that
 * jurisdiction's scoped table, where every check is made again on the item itself.
 */
export async function locateAction(client: DynamoDBDocumentClient, tableName: string, actionId: string): Promise<JurisdictionId | undefined> {
  if (!isActionId(actionId)) return undefined;
  return linkJurisdiction(client, tableName, keys.reviewActionIndex(actionIdDigest(actionId)), keys.reviewActionIndexSort);
}
