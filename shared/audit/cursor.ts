/**
 * Opaque page cursors for every list of the jurisdiction's data (records, audit) and the platform-wide audit.
 * A cursor is base64url(version | iv | tag | AES-256-GCM(JSON of the LastEvaluatedKey)), with the list's scope
 * (e.g. `records:ky-dcbs:<filter hash>`) as additional authenticated data: a cursor that was altered, minted
 * without the secret, or taken from another jurisdiction or another list fails authentication and is refused
 * with a 400. Encrypted rather than only signed so clients cannot read or depend on the key layout.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { BadRequestError } from '#shared/errors.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const MAX_CURSOR_CHARS = 4096;
const MIN_SECRET_BYTES = 32;

export const INVALID_CURSOR_MESSAGE = 'The cursor (this page link) is not valid here. Start again from the first page.';

const keys = new Map<string, Buffer>();

/** One AES key per secret, derived with HKDF so the raw secret is never used directly as a cipher key. */
function keyOf(secret: string): Buffer {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) throw new Error(`The cursor secret must be at least ${MIN_SECRET_BYTES} bytes`);
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'npcs', 'page cursor v1', 32));
    keys.set(secret, key);
  }
  return key;
}

/** A short stable digest of list filters, so a cursor only continues the list it came from. */
export function scopeDigest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}

export function sealCursor(secret: string, scope: string, lastKey: Record<string, unknown>): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv);
  cipher.setAAD(Buffer.from(scope, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(lastKey), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The key sealed in `cursor` for exactly this `scope`; BadRequestError otherwise. */
export function openCursor(secret: string, scope: string, cursor: string): Record<string, string | number> {
  const key = keyOf(secret);
  const invalid = () => new BadRequestError(INVALID_CURSOR_MESSAGE);
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) throw invalid();
  let parsed: unknown;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(scope, 'utf8'));
    decipher.setAuthTag(raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    parsed = JSON.parse(plain.toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  for (const v of Object.values(parsed)) if (typeof v !== 'string' && typeof v !== 'number') throw invalid();
  return parsed as Record<string, string | number>;
}
