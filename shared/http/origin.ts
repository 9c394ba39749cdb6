import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Proof that a request passed CloudFront. API Gateway's own execute-api address stays reachable on the internet;
 * a request there lacks a valid proof, so it never reaches a handler without passing CloudFront's WAF and geo
 * restriction.
 *
 * The proof is a short-lived HMAC of the time, `v1.<unix seconds>.<base64url HMAC-SHA256>`, added as ORIGIN_HEADER
 * by an origin-request Lambda@Edge function (functions/origin-signer) with a key it reads from Secrets Manager.
 * The distribution's configuration therefore holds no secret and no reference to one; a captured header is good
 * for ORIGIN_PROOF_MAX_AGE_SECONDS only. Locally the gateway (local/http/gateway.ts) signs with this same code.
 *
 * The key secret is JSON `{"current": "...", "previous": "..."}` (previous optional). Verifiers accept either key,
 * so a rotation (previous := current, current := new) never refuses a request signed just before or after it.
 */
export const ORIGIN_HEADER = 'x-npcs-origin-verify';

/** How long a proof holds after the time it names: CloudFront forwards at once, so minutes are plenty. */
export const ORIGIN_PROOF_MAX_AGE_SECONDS = 300;
/** How far ahead of the verifier's clock a proof may be (the edge's and the function's clocks differ a little). */
export const ORIGIN_CLOCK_SKEW_SECONDS = 60;
/**
 * How long verifiers keep the key secret before reading it again, and so how long after a rotation some may not
 * know the new key yet. The signer keeps signing with the previous key for ORIGIN_ROTATION_GRACE_SECONDS.
 */
export const ORIGIN_KEYS_MAX_AGE_SECONDS = 300;
export const ORIGIN_ROTATION_GRACE_SECONDS = 2 * ORIGIN_KEYS_MAX_AGE_SECONDS;

const VERSION = 'v1';
const PROOF = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
/** HMAC-SHA256 keys shorter than this are refused: the secret is generated with 48 characters. */
const MIN_KEY_LENGTH = 32;

export interface OriginKeys {
  readonly current: string;
  readonly previous?: string;
}

/** The key secret's value; throws (without echoing it) when it is not the expected JSON. */
export function parseOriginKeys(secretString: string): OriginKeys {
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new Error('The origin key secret is not JSON ({"current": "...", "previous": "..."})');
  }
  const { current, previous } = (value ?? {}) as Record<string, unknown>;
  if (typeof current !== 'string' || current.length < MIN_KEY_LENGTH) {
    throw new Error(`The origin key secret needs "current", a key of at least ${MIN_KEY_LENGTH} characters`);
  }
  if (previous !== undefined && (typeof previous !== 'string' || previous.length < MIN_KEY_LENGTH)) {
    throw new Error(`The origin key secret's "previous" must be a key of at least ${MIN_KEY_LENGTH} characters`);
  }
  return previous === undefined ? { current } : { current, previous };
}

/** The header value that proves a request passed CloudFront at `now`. */
export function originProof(key: string, now: Date): string {
  const seconds = Math.floor(now.getTime() / 1000);
  return `${VERSION}.${seconds}.${mac(key, seconds)}`;
}

/**
 * The key the signer uses: the current one, except for ORIGIN_ROTATION_GRACE_SECONDS after the secret's version
 * was created (a rotation), while verifiers may still hold the value before it, which knows only the previous key.
 */
export function signingKey(keys: OriginKeys, versionCreatedAt: Date | undefined, now: Date): string {
  const rotatedRecently = versionCreatedAt !== undefined && now.getTime() - versionCreatedAt.getTime() < ORIGIN_ROTATION_GRACE_SECONDS * 1000;
  return rotatedRecently && keys.previous ? keys.previous : keys.current;
}

/** Whether `sent` is a proof made with one of `keys` within its lifetime at `now`. */
export function originVerified(sent: string | undefined, keys: OriginKeys, now: Date): boolean {
  const match = sent ? PROOF.exec(sent) : null;
  if (!match) return false;
  const seconds = Number(match[1]);
  const age = Math.floor(now.getTime() / 1000) - seconds;
  if (age > ORIGIN_PROOF_MAX_AGE_SECONDS || age < -ORIGIN_CLOCK_SKEW_SECONDS) return false;
  const given = Buffer.from(match[2]!);
  let valid = false;
  // Both keys are always tried, so the time taken does not tell which one matched.
  for (const key of [keys.current, keys.previous ?? keys.current]) {
    const expected = Buffer.from(mac(key, seconds));
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid;
}

function mac(key: string, seconds: number): string {
  return createHmac('sha256', key).update(`${VERSION}.${seconds}`).digest('base64url');
}
