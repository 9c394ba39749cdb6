import { describe, expect, it } from 'vitest';
import {
  ORIGIN_CLOCK_SKEW_SECONDS,
  ORIGIN_PROOF_MAX_AGE_SECONDS,
  ORIGIN_ROTATION_GRACE_SECONDS,
  originProof,
  originVerified,
  parseOriginKeys,
  signingKey,
} from '#shared/http/origin.ts';

const OLD = 'old-key-old-key-old-key-old-key-old-key-old-key!';
const NEW = 'new-key-new-key-new-key-new-key-new-key-new-key!';
const OTHER = 'another-key-another-key-another-key-another-key';
const at = (iso: string) => new Date(iso);
const T = at('2026-12-04T19:00:00Z');
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

describe('origin proof (shared/http/origin.ts)', () => {
  it('accepts a fresh proof made with the current key', () => {
    expect(originVerified(originProof(NEW, T), { current: NEW }, T)).toBe(true);
    expect(originVerified(originProof(NEW, T), { current: NEW }, plus(T, ORIGIN_PROOF_MAX_AGE_SECONDS))).toBe(true);
  });

  it('refuses a missing or malformed header', () => {
    for (const sent of [undefined, '', 'v1', NEW, `v2.${Math.floor(T.getTime() / 1000)}.${'A'.repeat(43)}`, `${originProof(NEW, T)}x`, ` ${originProof(NEW, T)}`]) {
      expect(originVerified(sent, { current: NEW }, T), String(sent)).toBe(false);
    }
  });

  it('refuses an expired proof (older than its lifetime)', () => {
    expect(originVerified(originProof(NEW, T), { current: NEW }, plus(T, ORIGIN_PROOF_MAX_AGE_SECONDS + 1))).toBe(false);
    expect(originVerified(originProof(NEW, T), { current: NEW }, plus(T, 86_400))).toBe(false);
  });

  it('tolerates a signer clock a little ahead, and refuses a proof from further in the future', () => {
    expect(originVerified(originProof(NEW, plus(T, ORIGIN_CLOCK_SKEW_SECONDS)), { current: NEW }, T)).toBe(true);
    expect(originVerified(originProof(NEW, plus(T, ORIGIN_CLOCK_SKEW_SECONDS + 1)), { current: NEW }, T)).toBe(false);
    expect(originVerified(originProof(NEW, plus(T, 3600)), { current: NEW }, T)).toBe(false);
  });

  it('refuses a proof made with a key it does not hold', () => {
    expect(originVerified(originProof(OTHER, T), { current: NEW, previous: OLD }, T)).toBe(false);
  });

  it('refuses a proof whose time was changed after signing', () => {
    const [version, seconds, mac] = originProof(NEW, T).split('.');
    const forged = [version, String(Number(seconds) + 1), mac].join('.');
    expect(originVerified(forged, { current: NEW }, T)).toBe(false);
  });

  it('during a rotation accepts the previous key as well as the current one, and after the next one refuses it', () => {
    const rotated = { current: NEW, previous: OLD };
    expect(originVerified(originProof(OLD, T), rotated, T)).toBe(true);
    expect(originVerified(originProof(NEW, T), rotated, T)).toBe(true);
    expect(originVerified(originProof(OLD, T), { current: OTHER, previous: NEW }, T)).toBe(false);
  });

  it('the signer keeps the previous key for the grace period after a rotation, then uses the current one', () => {
    const rotated = { current: NEW, previous: OLD };
    expect(signingKey(rotated, T, plus(T, 1))).toBe(OLD);
    expect(signingKey(rotated, T, plus(T, ORIGIN_ROTATION_GRACE_SECONDS - 1))).toBe(OLD);
    expect(signingKey(rotated, T, plus(T, ORIGIN_ROTATION_GRACE_SECONDS))).toBe(NEW);
    // The first key (no previous one) and an unknown creation time: the current key.
    expect(signingKey({ current: NEW }, T, plus(T, 1))).toBe(NEW);
    expect(signingKey(rotated, undefined, T)).toBe(NEW);
  });

  it('a verifier that still holds the value before a rotation accepts what the signer sends during the grace period', () => {
    const beforeRotation = { current: OLD };
    const afterRotation = { current: NEW, previous: OLD };
    const now = plus(T, 30);
    expect(originVerified(originProof(signingKey(afterRotation, T, now), now), beforeRotation, now)).toBe(true);
  });

  it('reads the key secret as JSON, and refuses a value that is not one (without echoing it)', () => {
    expect(parseOriginKeys(JSON.stringify({ current: NEW }))).toEqual({ current: NEW });
    expect(parseOriginKeys(JSON.stringify({ current: NEW, previous: OLD }))).toEqual({ current: NEW, previous: OLD });
    for (const bad of [NEW, '{}', JSON.stringify({ current: 'short' }), JSON.stringify({ current: NEW, previous: 7 }), 'null']) {
      let message = '';
      try {
        parseOriginKeys(bad);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, bad).toMatch(/origin key secret/);
      expect(message).not.toContain(NEW);
    }
  });
});
