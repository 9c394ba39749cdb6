import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#shared/logger.ts';
import { ValidationError } from '#shared/errors.ts';
import { MailTransportError, type SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { MAIL_LEASE_SECONDS, MailInFlightError, mailEventKey, mailSent, recipientDigest, sendOnce, SETTLE_ATTEMPTS } from '#shared/mail/once.ts';
import { SES_TIMEOUTS_MS, SMTP_TIMEOUTS_MS } from '#shared/mail/send.ts';
import { keys } from '#shared/storage/keys.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';

// send.ts checks its configuration when loaded (imports are hoisted above this file's statements).
vi.hoisted(() => {
  process.env.MAIL_CONFIGURATION_SET ??= 'platform-sending';
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

  it('a notice email belongs to one notice version (issuer, record, version), the notice kinds to nothing else', () => {
    const occasion = { notice: { issuerId: 'ky-dcbs', recordId: '01JABCDEFGHJKMNPQRSTVWXYZ0', version: 2 } };
    expect(mailEventKey('notice_updated', occasion, 'review-lead@ky-dcbs.example.org')).toBe(`NOTICE#ky-dcbs#01JABCDEFGHJKMNPQRSTVWXYZ0#V2#notice_updated#${digest}`);
    expect(mailEventKey('notice_published', { notice: { ...occasion.notice, version: 1 } }, 'a@b.org')).not.toBe(mailEventKey('notice_published', { notice: { ...occasion.notice, version: 2 } }, 'a@b.org'));
    expect(failure(() => mailEventKey('approved', occasion, 'a@b.org')).fieldErrors).toEqual([{ field: 'occasion', message: 'The approved message does not belong to a safety notice' }]);
    expect(failure(() => mailEventKey('notice_published', { recordId: 'R1', submissionId: 'S-0001' }, 'a@b.org')).fieldErrors).toEqual([
      { field: 'occasion', message: 'A notice email belongs to a notice version (notice: { issuerId, recordId, version })' },
    ]);
    expect(failure(() => mailEventKey('notice_published', { notice: { ...occasion.notice, issuerId: 'KY#X' } }, 'a@b.org')).status).toBe(422);
    expect(failure(() => mailEventKey('notice_published', { notice: { ...occasion.notice, version: 0 } }, 'a@b.org')).status).toBe(422);
  });

  it("a notice escalation belongs to one deadline of one notice (its kind and day), and nothing else takes that occasion", () => {
    const occasion = { noticeDeadline: { issuerId: 'ky-dcbs', recordId: '01JABCDEFGHJKMNPQRSTVWXYZ0', deadline: 'acknowledgement' as const, due: '2026-03-20' } };
    expect(mailEventKey('notice_escalation', occasion, 'Admin@OH.example.gov ')).toBe(`NOTICE#ky-dcbs#01JABCDEFGHJKMNPQRSTVWXYZ0#DEADLINE#acknowledgement#2026-03-20#notice_escalation#${recipientDigest('admin@oh.example.gov')}`);
    // The action deadline, or a deadline an update moved, is another escalation.
    expect(mailEventKey('notice_escalation', { noticeDeadline: { ...occasion.noticeDeadline, deadline: 'action' } }, 'a@b.org')).not.toBe(mailEventKey('notice_escalation', occasion, 'a@b.org'));
    expect(mailEventKey('notice_escalation', { noticeDeadline: { ...occasion.noticeDeadline, due: '2026-03-27' } }, 'a@b.org')).not.toBe(mailEventKey('notice_escalation', occasion, 'a@b.org'));
    expect(failure(() => mailEventKey('reminder', occasion, 'a@b.org')).fieldErrors).toEqual([{ field: 'occasion', message: 'The reminder message does not belong to a notice deadline' }]);
    expect(failure(() => mailEventKey('notice_escalation', { day: '2026-03-21' }, 'a@b.org')).fieldErrors).toEqual([
      { field: 'occasion', message: 'A notice escalation belongs to a notice deadline (noticeDeadline: { issuerId, recordId, deadline, due })' },
    ]);
    expect(failure(() => mailEventKey('notice_escalation', { notice: { issuerId: 'ky-dcbs', recordId: 'R1', version: 1 } }, 'a@b.org')).status).toBe(422);
    expect(failure(() => mailEventKey('notice_escalation', { noticeDeadline: { ...occasion.noticeDeadline, due: '2026-02-30' } }, 'a@b.org')).status).toBe(422);
    expect(failure(() => mailEventKey('notice_escalation', { noticeDeadline: { ...occasion.noticeDeadline, deadline: 'review' as 'action' } }, 'a@b.org')).status).toBe(422);
  });

  it('a send always ends (succeeds or fails) well inside the lease, so a live run never loses its claim', () => {
    const smtpWorst = SMTP_TIMEOUTS_MS.connectionTimeout + SMTP_TIMEOUTS_MS.greetingTimeout + SMTP_TIMEOUTS_MS.socketTimeout;
    // The SDK tries a request 3 times by default.
    const sesWorst = 3 * (SES_TIMEOUTS_MS.connectionTimeout + SES_TIMEOUTS_MS.requestTimeout);
    expect(Math.max(smtpWorst, sesWorst)).toBeLessThan((MAIL_LEASE_SECONDS * 1000) / 2);
  });
});

describe('sendOnce: each branch, on a scripted table (the conditions themselves run on DynamoDB Local: test/integration/mail.test.ts)', () => {
  const message: MailMessage = { kind: 'approved', to: 'submitter@ky-dcbs.example.org', subject: 'Approved: CIR-1', html: '<p>x</p>', text: 'x' };
  const occasion = { recordId: 'R1', submissionId: 'S-0001' };
  beforeEach(() => void vi.spyOn(logger, 'warn').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());
  const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

  /** A table whose update() answers from a script, one entry per call; get() returns `marker`. */
  function scripted(updates: (() => unknown)[], marker?: Record<string, unknown>) {
    const calls: { update: string; condition?: string }[] = [];
    const table = {
      jurisdictionId: 'ky-dcbs',
      update: async (u: { update: { expression: string }; condition?: { expression: string } }) => {
        calls.push({ update: u.update.expression, condition: u.condition?.expression });
        const next = updates.shift();
        if (!next) throw new Error('unexpected update');
        return next();
      },
      get: async () => marker,
    } as unknown as ScopedTable;
    return { table, calls };
  }
  const sender = () => {
    const sent: MailMessage[] = [];
    return { sent, send: async (m: MailMessage): Promise<SentMail> => (sent.push(m), { kind: m.kind, messageId: '<id@x>' }) };
  };

  it('claims, sends, marks sent', async () => {
    const { table, calls } = scripted([() => ({}), () => ({})]);
    const s = sender();
    expect(await sendOnce({ table, occasion, message, send: s.send })).toEqual({ status: 'sent', messageId: '<id@x>' });
    expect(s.sent).toHaveLength(1);
    expect(calls.map((c) => c.update.split(' ').slice(0, 4).join(' '))).toEqual(['SET #kind = :kind,', 'SET #state = :sent,']);
    expect(calls[0]!.condition).toBe('attribute_not_exists(pk) OR #state = :failed OR (#state = :sending AND (#leaseUntil < :now OR #leaseId = :lease))');
    expect(calls[1]!.condition).toBe('#state = :sending AND #leaseId = :lease');
  });

  it('a marker already sent: nothing is sent, the earlier message id is returned', async () => {
    const { table } = scripted([() => Promise.reject(conditionFailed())], { state: 'sent', messageId: '<earlier@x>' });
    const s = sender();
    expect(await sendOnce({ table, occasion, message, send: s.send })).toEqual({ status: 'already_sent', messageId: '<earlier@x>' });
    expect(s.sent).toEqual([]);
  });

  it('a live claim of another run: MailInFlightError, nothing sent', async () => {
    const { table } = scripted([() => Promise.reject(conditionFailed())], { state: 'sending', leaseUntil: Date.now() + 60_000 });
    const s = sender();
    const error = await sendOnce({ table, occasion, message, send: s.send }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailInFlightError);
    expect((error as MailInFlightError).name).toBe('MailInFlightError');
    expect(s.sent).toEqual([]);
  });

  it('DynamoDB failing at the claim: its error, nothing sent', async () => {
    const { table } = scripted([() => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }))]);
    const s = sender();
    await expect(sendOnce({ table, occasion, message, send: s.send })).rejects.toThrow('throttled');
    expect(s.sent).toEqual([]);
  });

  it('the transport failing: the claim is released as failed and the transport error is thrown, even if the release fails', async () => {
    const failing = async (): Promise<SentMail> => {
      throw new MailTransportError('approved', 'ECONNECTION', undefined);
    };
    const released = scripted([() => ({}), () => ({})]);
    await expect(sendOnce({ table: released.table, occasion, message, send: failing })).rejects.toBeInstanceOf(MailTransportError);
    expect(released.calls[1]!.update).toBe('SET #state = :failed, failedCode = :code REMOVE #leaseUntil');
    const down = () => Promise.reject(new Error('table down'));
    const notReleased = scripted([() => ({}), ...Array.from({ length: SETTLE_ATTEMPTS }, () => down)]);
    await expect(sendOnce({ table: notReleased.table, occasion, message, send: failing })).rejects.toBeInstanceOf(MailTransportError);
    expect(notReleased.calls).toHaveLength(1 + SETTLE_ATTEMPTS);
  });

  it('the email went out but "sent" could not be written after every try: success (a retry would send it again)', async () => {
    const { table, calls } = scripted([() => ({}), ...Array.from({ length: SETTLE_ATTEMPTS }, () => () => Promise.reject(new Error('table down')))]);
    const s = sender();
    expect(await sendOnce({ table, occasion, message, send: s.send })).toEqual({ status: 'sent', messageId: '<id@x>' });
    expect(s.sent).toHaveLength(1);
    expect(calls).toHaveLength(1 + SETTLE_ATTEMPTS);
    expect(logger.warn).toHaveBeenCalledWith('mail sent but its marker was not updated', { mailKind: 'approved', error: 'Error' });
  });

  it('"sent" is written again after a transient failure, so no claim is left holding the email for its lease', async () => {
    const throttled = () => Promise.reject(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    const { table, calls } = scripted([() => ({}), throttled, throttled, () => ({})]);
    const s = sender();
    expect(await sendOnce({ table, occasion, message, send: s.send })).toEqual({ status: 'sent', messageId: '<id@x>' });
    expect(calls.map((c) => c.update.split(' ').slice(0, 4).join(' '))).toEqual(['SET #kind = :kind,', 'SET #state = :sent,', 'SET #state = :sent,', 'SET #state = :sent,']);
    expect(logger.warn).not.toHaveBeenCalled();
    // A condition failure ends it at once: the write was carried out before (a lost answer) or the lease was lost.
    const settled = scripted([() => ({}), () => Promise.reject(conditionFailed())]);
    expect(await sendOnce({ table: settled.table, occasion, message, send: s.send })).toEqual({ status: 'sent', messageId: '<id@x>' });
    expect(settled.calls).toHaveLength(2);
  });
});

describe("mailSent: whether an event's email went out already (read only)", () => {
  const occasion = { recordId: 'R1', submissionId: 'S-0001', round: 2 };
  const tableWith = (marker: Record<string, unknown> | undefined, reads: unknown[]) =>
    ({ get: async (key: unknown, opts: unknown) => (reads.push({ key, opts }), marker) }) as unknown as ScopedTable;

  it.each([
    ['sent', { state: 'sent' }, true],
    ['still being sent', { state: 'sending' }, false],
    ['failed (a retry sends it)', { state: 'failed' }, false],
    ['never claimed', undefined, false],
  ])('a marker %s answers %s, read consistently from the marker of that event and recipient', async (_name, marker, expected) => {
    const reads: unknown[] = [];
    expect(await mailSent(tableWith(marker, reads), 'review_request', occasion, 'lead@x.org')).toBe(expected);
    expect(reads).toEqual([{ key: keys.mailMarker(mailEventKey('review_request', occasion, 'lead@x.org')), opts: { consistent: true } }]);
  });
});
