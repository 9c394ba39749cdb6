/**
 * Review action ids: the opaque ids that the "Approve", "Return" and "Open" links of a review email (and its
 * Reply-To address) carry. What an id is and how it is checked: docs/review.md. The id is 256 random bits; only its
 * SHA-256 is stored (shared/review/action-store.ts), so neither a table read nor a backup yields a usable link.
 * Pure: what an id looks like, and what a stored grant means for a given person at a given time.
 */
import { createHash, randomBytes } from 'node:crypto';

export const REVIEW_ACTIONS = ['approve', 'return', 'open'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
/** The actions that decide (an Open link only leads to the record). */
export const DECISIONS = ['approve', 'return'] as const;
export type Decision = (typeof DECISIONS)[number];

export const isReviewAction = (value: unknown): value is ReviewAction => (REVIEW_ACTIONS as readonly unknown[]).includes(value);
export const isDecision = (value: unknown): value is Decision => (DECISIONS as readonly unknown[]).includes(value);

/** 32 random bytes: 256 bits, twice the 128 the threat model asks for, as base64url (43 characters, no padding). */
export const ACTION_ID_BYTES = 32;
/** Exactly what newActionId makes. Anything else is refused before any read. */
export const ACTION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newActionId = (): string => randomBytes(ACTION_ID_BYTES).toString('base64url');

export const isActionId = (value: unknown): value is string => typeof value === 'string' && ACTION_ID_PATTERN.test(value);

/** What is stored and looked up: the SHA-256 of the id, hex. */
export const actionIdDigest = (id: string): string => createHash('sha256').update(id).digest('hex');

/** A reviewer's subject as it appears in a key (a digest: subjects are the identity provider's, of any shape). */
export const reviewerDigest = (subject: string): string => createHash('sha256').update(`npcs-reviewer\n${subject}`).digest('hex').slice(0, 32);

/**
 * An email address in the one form two spellings of it are compared in: trimmed, NFC, lower case (domains are
 * case-insensitive, and every mail system the agencies use treats local parts so too). Undefined for anything that
 * is not one plain `local@domain` address (no display name, no spaces, no second `@`).
 */
export function normalizeAddress(value: string): string | undefined {
  const address = value.trim().normalize('NFC').toLowerCase();
  // One @, a non-empty local part and a dotted domain, no whitespace or angle brackets anywhere.
  if (!/^[^\s@<>]{1,64}@[^\s@<>]+\.[^\s@<>.]+$/.test(address) || address.length > 254) return undefined;
  return address;
}

/** The stored form of the reviewer's address: a digest of its normalized form, never the address itself. */
export const addressDigest = (normalizedAddress: string): string => createHash('sha256').update(`npcs-reviewer-address\n${normalizedAddress}`).digest('hex');

/** What an id grants, as stored under its digest. */
export interface ActionGrant {
  recordId: string;
  /** The workflow round it was issued for: a later round supersedes it. */
  round: number;
  action: ReviewAction;
  /** The reviewer it was sent to (the identity provider's subject). */
  subject: string;
  /** Digest of the reviewer's normalized address (addressDigest): what a reply's From is compared with. */
  addressDigest: string;
  createdAt: string;
  expiresAt: string;
  /** Set once, by the redeem that burned it. */
  usedAt?: string | undefined;
  /** Set when a newer id replaced it for the same record, round, action and reviewer. */
  supersededAt?: string | undefined;
}

/** Who presents an id: a signed-in session (the subject) or a reply (its From address, normalized). */
export type Claimant = { via: 'web'; subject: string } | { via: 'reply'; address: string };

export const ACTION_STATUSES = ['valid', 'used', 'expired', 'superseded', 'foreign', 'unknown', 'malformed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Whether the claimant is the person the id was sent to. */
export function isBoundTo(grant: Pick<ActionGrant, 'subject' | 'addressDigest'>, claimant: Claimant): boolean {
  return claimant.via === 'web' ? grant.subject === claimant.subject : grant.addressDigest === addressDigest(claimant.address);
}

/**
 * The status of a stored grant for a claimant at `nowMs`, with the round the record now awaits a decision in
 * (undefined: none). The order matters: a person the id was not sent to learns nothing more than "not yours";
 * the bound reviewer learns the most useful reason first (used, then replaced, then expired).
 */
export function statusOf(grant: ActionGrant | undefined, claimant: Claimant, nowMs: number, currentRound: number | undefined): Exclude<ActionStatus, 'malformed'> {
  if (!grant) return 'unknown';
  if (!isBoundTo(grant, claimant)) return 'foreign';
  if (grant.usedAt !== undefined) return 'used';
  if (grant.supersededAt !== undefined || currentRound !== grant.round) return 'superseded';
  if (Date.parse(grant.expiresAt) <= nowMs) return 'expired';
  return 'valid';
}

/** The HTTP status each refusal answers with; `valid` is 200. */
export const STATUS_CODES: Readonly<Record<ActionStatus, number>> = {
  valid: 200,
  used: 409,
  superseded: 409,
  expired: 410,
  foreign: 403,
  unknown: 404,
  malformed: 404,
};
