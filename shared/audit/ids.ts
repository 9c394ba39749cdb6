/**
 * Time-sortable ids and date bounds. An id is 10 Crockford base32 characters of the creation time in
 * milliseconds followed by 16 of randomness (80 bits, like a ULID; the ulid package is not installed): ids sort
 * by creation time, so a range of creation dates is a range of ids, and a sort key made of them is a timeline.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const MAX_TIME = 2 ** 48 - 1;

export const TIME_SORTABLE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function encodeTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME) throw new RangeError('time out of range for an id');
  let out = '';
  for (let i = 0, rest = ms; i < TIME_CHARS; i++, rest = Math.floor(rest / 32)) out = ALPHABET[rest % 32] + out;
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** A new id for `now`. */
export function timeSortableId(now: Date = new Date(), random: Uint8Array = randomBytes(10)): string {
  if (random.length !== 10) throw new RangeError('an id takes 10 random bytes');
  return encodeTime(now.getTime()) + encodeRandom(random).slice(0, RANDOM_CHARS);
}

/** The creation time encoded in an id. */
export function timeOfId(id: string): Date {
  if (!TIME_SORTABLE_ID.test(id)) throw new RangeError('not a time-sortable id');
  let ms = 0;
  for (const ch of id.slice(0, TIME_CHARS)) ms = ms * 32 + ALPHABET.indexOf(ch);
  return new Date(ms);
}

/** The lowest and highest id that can be created within [fromMs, toMs]. */
export function idBounds(fromMs: number, toMs: number): readonly [string, string] {
  // Clamped to what an id can encode: a range before 1970 (or past year 10889) is simply empty, never an error.
  const clamp = (ms: number) => Math.max(0, Math.min(MAX_TIME, ms));
  return [encodeTime(clamp(fromMs)) + '0'.repeat(RANDOM_CHARS), encodeTime(clamp(toMs)) + 'Z'.repeat(RANDOM_CHARS)];
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (a whole day in UTC) or an ISO date-time with a zone. */
export const dateBoundSchema = z.lazy(() => z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'Use a date like 2024-05-01 or a date and time like 2024-05-01T13:00:00Z',
}));

/**
 * A list filter bound in milliseconds: a date-only `from` starts at 00:00 UTC, a date-only `to` ends at the
 * last millisecond of that day (both inclusive).
 */
export function boundMs(value: string, side: 'from' | 'to'): number {
  const ms = DATE_ONLY.test(value) ? Date.parse(`${value}T00:00:00.000Z`) + (side === 'to' ? DAY_MS - 1 : 0) : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError('not a date');
  return ms;
}
