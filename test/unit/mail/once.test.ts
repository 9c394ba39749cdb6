import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { MAIL_LEASE_SECONDS, mailEventKey, recipientDigest } from '#shared/mail/once.ts';
import { SES_TIMEOUTS_MS, SMTP_TIMEOUTS_MS } from '#shared/mail/send.ts';
import { keys } from '#shared/storage/keys.ts';

// send.ts checks its configuration when loaded (imports are hoisted above this file's statements).
vi.hoisted(() => {
  process.env.MAIL_FROM ??= 'no-reply@safety.example.org';
});

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError');
};

describe('the event key of an email (the exactly-once marker of shared/mail/once.ts)', () => {
  const digest = recipientDigest('review-lead@ky-dcbs.example.org');

  it('names the record, submission, kind (and round) and a digest of the recipient, never the address', () => {
    expect(mailEventKey('review_request', { recordId: 'R1', submissionId: 'S-0001' }, 'review-lead@ky-dcbs.example.org')).toBe(`R1#S-0001#review_request#${digest}`);
    expect(mailEventKey('escalation', { recordId: 'R1', submissionId: 'S-0001', round: 2 }, 'review-lead@ky-dcbs.example.org')).toBe(`R1#S-0001#escalation-2#${digest}`);
    expect(mailEventKey('reminder', { day: '2026-03-04' }, 'review-lead@ky-dcbs.example.org')).toBe(`DIGEST#2026-03-04#reminder#${digest}`);
    expect(keys.mailMarker('x')).toEqual({ partition: 'MAIL', sk: 'SENT#x' });
    expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('one person is one digest whatever the letter case or surrounding spaces; two people are two', () => {
    expect(recipientDigest(' Review-Lead@KY-DCBS.example.org ')).toBe(digest);
    expect(recipientDigest('admin@ky-dcbs.example.org')).not.toBe(digest);
  });

  it('a reminder belongs to a day, the other kinds to a record and submission: anything else is a 422', () => {
    expect(failure(() => mailEventKey('reminder', { recordId: 'R1', submissionId: 'S-0001' }, 'a@b.org')).fieldErrors).toEqual([{ field: 'occasion', message: 'A reminder digest belongs to a day (YYYY-MM-DD), not a record' }]);
    expect(failure(() => mailEventKey('approved', { day: '2026-03-04' }, 'a@b.org')).fieldErrors).toEqual([
      { field: 'occasion', message: "The approved message belongs to a record's submission (recordId, submissionId), not a day" },
    ]);
    // A `#` would let one event's key run into another's.
    expect(failure(() => mailEventKey('approved', { recordId: 'R1#S-0001', submissionId: 'approved' }, 'a@b.org')).status).toBe(422);
    expect(failure(() => mailEventKey('reminder', { day: '2026-02-30' }, 'a@b.org')).status).toBe(422);
    expect(failure(() => mailEventKey('escalation', { recordId: 'R1', submissionId: 'S-0001', round: 0 }, 'a@b.org')).status).toBe(422);
  });

  it('a send always ends (succeeds or fails) well inside the lease, so a live run never loses its claim', () => {
    const smtpWorst = SMTP_TIMEOUTS_MS.connectionTimeout + SMTP_TIMEOUTS_MS.greetingTimeout + SMTP_TIMEOUTS_MS.socketTimeout;
    // The SDK tries a request 3 times by default.
    const sesWorst = 3 * (SES_TIMEOUTS_MS.connectionTimeout + SES_TIMEOUTS_MS.requestTimeout);
    expect(Math.max(smtpWorst, sesWorst)).toBeLessThan((MAIL_LEASE_SECONDS * 1000) / 2);
  });
});
