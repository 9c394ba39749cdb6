import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID_CURSOR_MESSAGE, openCursor, scopeDigest, sealCursor } from '#shared/audit/cursor.ts';
import { boundMs, idBounds, timeOfId, timeSortableId, TIME_SORTABLE_ID } from '#shared/audit/ids.ts';
import { BadRequestError } from '#shared/errors.ts';

const SECRET = 'unit-test-cursor-secret-0123456789abcdef';
const KEY = { pk: 'ky#RECORDS', sk: 'REC#01HZZZZZZZZZZZZZZZZZZZZZ' };

const rejects = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    expect((e as Error).message).toBe(INVALID_CURSOR_MESSAGE);
    return;
  }
  throw new Error('cursor was accepted');
};

describe('page cursors', () => {
  it('round-trip the key and reveal nothing of it', () => {
    const cursor = sealCursor(SECRET, 'records:ky:x', KEY);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('RECORDS');
    expect(openCursor(SECRET, 'records:ky:x', cursor)).toEqual(KEY);
    // A fresh IV each time: the same key never gives the same cursor.
    expect(sealCursor(SECRET, 'records:ky:x', KEY)).not.toBe(cursor);
  });

  it('refuse a cursor of another jurisdiction, list or filter, or sealed with another secret', () => {
    const cursor = sealCursor(SECRET, 'records:ky:x', KEY);
    rejects(() => openCursor(SECRET, 'records:ky-dcbs:x', cursor));
    rejects(() => openCursor(SECRET, 'audit:ky:x', cursor));
    rejects(() => openCursor(SECRET, 'records:ky:y', cursor));
    rejects(() => openCursor(`${SECRET}!`, 'records:ky:x', cursor));
  });

  it('refuse every single-character change, truncation and garbage (property)', () => {
    const cursor = sealCursor(SECRET, 'records:ky:x', KEY);
    fc.assert(
      fc.property(fc.nat({ max: cursor.length - 1 }), fc.constantFrom(...'ABCabc019_-'), (at, ch) => {
        fc.pre(cursor[at] !== ch);
        const tampered = cursor.slice(0, at) + ch + cursor.slice(at + 1);
        // The last base64url character may carry unused bits; decoding to the same bytes is the same cursor.
        fc.pre(!Buffer.from(tampered, 'base64url').equals(Buffer.from(cursor, 'base64url')));
        rejects(() => openCursor(SECRET, 'records:ky:x', tampered));
      }),
    );
    for (const bad of ['', 'a', cursor.slice(0, -4), `${cursor}AA`, 'not a cursor!', '%7B%7D', 'x'.repeat(5000), Buffer.from(JSON.stringify(KEY)).toString('base64url')]) {
      rejects(() => openCursor(SECRET, 'records:ky:x', bad));
    }
  });

  it('need a secret of at least 32 bytes', () => {
    expect(() => sealCursor('short', 's', KEY)).toThrow(/32 bytes/);
  });

  it('digest filters stably', () => {
    expect(scopeDigest(['a', null])).toBe(scopeDigest(['a', null]));
    expect(scopeDigest(['a', null])).not.toBe(scopeDigest(['b', null]));
  });
});

describe('time-sortable ids', () => {
  it('sort by creation time and carry it', () => {
    fc.assert(
      // fc.integer is 32-bit: wider ranges come from maxSafeNat.
      fc.property(fc.maxSafeNat().map((n) => n % 2 ** 47), fc.maxSafeNat().map((n) => 1 + (n % 2 ** 40)), fc.uint8Array({ minLength: 10, maxLength: 10 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), (t, dt, r1, r2) => {
        const a = timeSortableId(new Date(t), r1);
        const b = timeSortableId(new Date(t + dt), r2);
        expect(a).toMatch(TIME_SORTABLE_ID);
        expect(a < b).toBe(true);
        expect(timeOfId(a).getTime()).toBe(t);
        const [low, high] = idBounds(t, t + dt);
        expect(low <= a && a <= high && low <= b && b <= high).toBe(true);
        if (t > 0) expect(a > idBounds(0, t - 1)[1]).toBe(true);
      }),
    );
    expect(timeSortableId()).not.toBe(timeSortableId());
  });

  it('read date bounds as whole UTC days or exact instants', () => {
    expect(new Date(boundMs('2024-05-01', 'from')).toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(new Date(boundMs('2024-05-01', 'to')).toISOString()).toBe('2024-05-01T23:59:59.999Z');
    expect(new Date(boundMs('2024-05-01T10:00:00+02:00', 'to')).toISOString()).toBe('2024-05-01T08:00:00.000Z');
  });
});

describe('id bounds outside what an id can encode', () => {
  it('clamp instead of throwing', () => {
    expect(() => idBounds(-10, -1)).not.toThrow();
    const [low, high] = idBounds(-10, -1);
    expect(low <= high).toBe(true);
  });
});
