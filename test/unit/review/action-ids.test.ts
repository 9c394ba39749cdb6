import { describe, expect, it } from 'vitest';
import {
  ACTION_ID_PATTERN,
  ACTION_STATUSES,
  actionIdDigest,
  addressDigest,
  isActionId,
  isBoundTo,
  isDecision,
  isReviewAction,
  newActionId,
  normalizeAddress,
  reviewerDigest,
  STATUS_CODES,
  statusOf,
  type ActionGrant,
} from '#shared/review/action-ids.ts';

const NOW = Date.parse('2026-12-03T12:00:00.000Z');
const grant = (over: Partial<ActionGrant> = {}): ActionGrant => ({
  recordId: 'rec-1',
  round: 2,
  action: 'approve',
  subject: 'sub-reviewer',
  addressDigest: addressDigest('review-lead@ky-dcbs.example.org'),
  createdAt: new Date(NOW - 3_600_000).toISOString(),
  expiresAt: new Date(NOW + 3_600_000).toISOString(),
  ...over,
});
const me = { via: 'web', subject: 'sub-reviewer' } as const;

describe('action ids: what one looks like', () => {
  it('is 256 random bits as 43 base64url characters, different every time', () => {
    const ids = Array.from({ length: 200 }, newActionId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(32);
      expect(isActionId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(200);
  });

  it('refuses anything else before any read: wrong length, padding, other alphabets, non-strings', () => {
    const id = newActionId();
    expect(isActionId(id.slice(1))).toBe(false);
    expect(isActionId(`${id}A`)).toBe(false);
    expect(isActionId(`${id.slice(1)}=`)).toBe(false);
    expect(isActionId(`${id.slice(1)}+`)).toBe(false);
    expect(isActionId(`${id.slice(1)}/`)).toBe(false);
    expect(isActionId(` ${id.slice(1)}`)).toBe(false);
    expect(isActionId(`${id}\n`)).toBe(false);
    expect(isActionId(`x${id}`)).toBe(false);
    expect(isActionId('')).toBe(false);
    expect(isActionId(undefined)).toBe(false);
    expect(isActionId(42)).toBe(false);
    // Only strings: an array whose text would match is not an id.
    expect(isActionId(['A'.repeat(43)])).toBe(false);
    expect(ACTION_ID_PATTERN.test('_'.repeat(43))).toBe(true);
    expect(ACTION_ID_PATTERN.test('-'.repeat(43))).toBe(true);
  });

  it('is stored as its SHA-256 only (hex), which says nothing of the id', () => {
    expect(actionIdDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const id = newActionId();
    expect(actionIdDigest(id)).toMatch(/^[0-9a-f]{64}$/);
    expect(actionIdDigest(id)).not.toContain(id);
  });

  it('keys a reviewer by a digest of the subject, and an address by a digest of its normalized form', () => {
    expect(reviewerDigest('sub-1')).toMatch(/^[0-9a-f]{32}$/);
    expect(reviewerDigest('sub-1')).not.toBe(reviewerDigest('sub-2'));
    expect(reviewerDigest('sub-1')).toBe(reviewerDigest('sub-1'));
    // Domain-separated from the address digest and from a bare SHA-256 of the value.
    expect(reviewerDigest('a@b.org')).not.toBe(addressDigest('a@b.org').slice(0, 32));
    expect(addressDigest('a@b.org')).toMatch(/^[0-9a-f]{64}$/);
    expect(addressDigest('a@b.org')).not.toBe(actionIdDigest('a@b.org'));
    // Pinned: a stored key must not change meaning between releases.
    expect(reviewerDigest('x')).toBe('0b8b62645e362c052e8c07008a78c996');
    expect(addressDigest('a@b.org')).toBe('15626d54335159afbf041237a8ed7a6e2d8fded35cb56b79f599eab3b5215ad4');
  });

  it('knows the actions and which of them decide', () => {
    expect(['approve', 'return', 'open'].every(isReviewAction)).toBe(true);
    expect(isReviewAction('reject')).toBe(false);
    expect(isDecision('approve')).toBe(true);
    expect(isDecision('return')).toBe(true);
    expect(isDecision('open')).toBe(false);
    expect(isDecision(undefined)).toBe(false);
  });
});

describe('normalizeAddress', () => {
  it('trims, lower-cases and NFC-normalizes one plain address', () => {
    expect(normalizeAddress('  Review-Lead@KY-DCBS.Example.ORG ')).toBe('review-lead@ky-dcbs.example.org');
    expect(normalizeAddress('jose\u0301@agency.example.org')).toBe('jos\u00e9@agency.example.org');
    expect(normalizeAddress('a@b.co')).toBe('a@b.co');
  });

  it('refuses what is not exactly one address', () => {
    for (const bad of ['', 'a', 'a@', '@b.org', 'a@b', 'a@@b.org', 'a@b@c.org', 'a b@c.org', 'A <a@b.org>', '<a@b.org>', 'a@b.org.', 'a@b .org', `${'x'.repeat(65)}@b.org`, `a@${'d'.repeat(250)}.org`]) {
      expect(normalizeAddress(bad), bad).toBeUndefined();
    }
    expect(normalizeAddress(`${'x'.repeat(64)}@b.org`)).toBe(`${'x'.repeat(64)}@b.org`);
    expect(normalizeAddress(`a@${'d'.repeat(248)}.org`)).toBe(`a@${'d'.repeat(248)}.org`);
    expect(normalizeAddress(`a@${'d'.repeat(249)}.org`)).toBeUndefined();
  });
});

describe('isBoundTo', () => {
  it('binds a session by subject and a reply by the normalized address, nothing else', () => {
    const g = grant();
    expect(isBoundTo(g, { via: 'web', subject: 'sub-reviewer' })).toBe(true);
    expect(isBoundTo(g, { via: 'web', subject: 'sub-other' })).toBe(false);
    expect(isBoundTo(g, { via: 'reply', address: 'review-lead@ky-dcbs.example.org' })).toBe(true);
    expect(isBoundTo(g, { via: 'reply', address: 'someone@ky-dcbs.example.org' })).toBe(false);
    // A reply is never matched on the subject, nor a session on the address.
    expect(isBoundTo(g, { via: 'reply', address: 'sub-reviewer' })).toBe(false);
  });
});

describe('statusOf', () => {
  it('valid: bound, unused, not replaced, in the current round, before expiry', () => {
    expect(statusOf(grant(), me, NOW, 2)).toBe('valid');
    expect(statusOf(grant({ expiresAt: new Date(NOW + 1).toISOString() }), me, NOW, 2)).toBe('valid');
  });

  it('unknown without a grant; foreign for anyone else, whatever else is true', () => {
    expect(statusOf(undefined, me, NOW, 2)).toBe('unknown');
    const other = { via: 'web', subject: 'sub-other' } as const;
    expect(statusOf(grant(), other, NOW, 2)).toBe('foreign');
    expect(statusOf(grant({ usedAt: 'x', supersededAt: 'y', expiresAt: new Date(NOW - 1).toISOString() }), other, NOW, 9)).toBe('foreign');
  });

  it('used before superseded before expired', () => {
    const past = new Date(NOW - 1).toISOString();
    expect(statusOf(grant({ usedAt: 'x', supersededAt: 'y', expiresAt: past }), me, NOW, 3)).toBe('used');
    expect(statusOf(grant({ supersededAt: 'y', expiresAt: past }), me, NOW, 2)).toBe('superseded');
    expect(statusOf(grant({ expiresAt: past }), me, NOW, 3)).toBe('superseded');
    expect(statusOf(grant({ expiresAt: past }), me, NOW, 2)).toBe('expired');
  });

  it('superseded when the record awaits another round, or none', () => {
    expect(statusOf(grant(), me, NOW, 3)).toBe('superseded');
    expect(statusOf(grant(), me, NOW, 1)).toBe('superseded');
    expect(statusOf(grant(), me, NOW, undefined)).toBe('superseded');
    expect(statusOf(grant({ round: 0 }), me, NOW, 0)).toBe('valid');
  });

  it('expired at the expiry instant exactly', () => {
    expect(statusOf(grant({ expiresAt: new Date(NOW).toISOString() }), me, NOW, 2)).toBe('expired');
  });
});

describe('STATUS_CODES', () => {
  it('answers every refusal with its 4xx', () => {
    expect(STATUS_CODES).toEqual({ valid: 200, used: 409, superseded: 409, expired: 410, foreign: 403, unknown: 404, malformed: 404 });
    expect(Object.keys(STATUS_CODES).sort()).toEqual([...ACTION_STATUSES].sort());
  });
});
