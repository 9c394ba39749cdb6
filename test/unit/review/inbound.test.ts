import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { parseMailMessage } from '#shared/mail/message.ts';
import { replyAnswerMail } from '#shared/mail/templates/reply-answer.tsx';
import { receiptsOf } from '#shared/review/inbound.ts';
import { REFUSAL_MESSAGES } from '#shared/review/replies.ts';
import { ruleTakes, verdictsOf } from '#local/standins/inbound-mail.ts';

/** An SES Lambda-action event as AWS documents it (fields the platform reads, and some it ignores). */
const sesEvent = (over: Record<string, unknown> = {}) => ({
  Records: [
    {
      eventSource: 'aws:ses',
      eventVersion: '1.0',
      ses: {
        mail: { timestamp: '2026-12-03T08:00:00.000Z', source: 'review-lead@ky-dcbs.example.org', messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', destination: ['reply+x@replies.example.org'], ...over },
        receipt: {
          recipients: ['reply+x@replies.example.org'],
          spfVerdict: { status: 'PASS' },
          dkimVerdict: { status: 'GRAY' },
          dmarcVerdict: { status: 'PASS' },
          spamVerdict: { status: 'PASS' },
          virusVerdict: { status: 'PASS' },
          action: { type: 'Lambda', invocationType: 'Event', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f' },
        },
      },
    },
  ],
});

describe('receiptsOf (the SES Lambda action event)', () => {
  it('takes the message id, the envelope sender and recipients, and the three verdicts', () => {
    expect(receiptsOf(sesEvent())).toEqual([
      { messageId: 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', envelopeFrom: 'review-lead@ky-dcbs.example.org', recipients: ['reply+x@replies.example.org'], verdicts: { spf: 'PASS', dkim: 'GRAY', dmarc: 'PASS' } },
    ]);
  });

  it('refuses another event, and a message id that cannot be an object key', () => {
    expect(() => receiptsOf({ Records: [{ eventSource: 'aws:s3' }] })).toThrow();
    expect(() => receiptsOf(sesEvent({ messageId: '../other/key' }))).toThrow();
    expect(() => receiptsOf({})).toThrow();
  });
});

describe('the answer to a reply (reply_answer)', () => {
  it('recorded or not, with what to do and the link; a valid message of its own kind', () => {
    const done = replyAnswerMail({ recorded: true, message: 'Your approval was recorded.', link: 'https://safety.example.org/records/R1', jurisdictionName: 'Kentucky DCBS' });
    expect(done.subject).toBe('Your reply was recorded');
    expect(done.text).toContain('Open the record:\nhttps://safety.example.org/records/R1');
    expect(done.html).toContain('Kentucky DCBS');
    const refused = replyAnswerMail({ recorded: false, message: REFUSAL_MESSAGES.no_command, link: 'https://safety.example.org/' });
    expect(refused.subject).toBe('Your reply was not recorded: nothing was changed');
    expect(refused.text).toContain('Open the platform:');
    expect(refused.text).toContain('on the first line of your reply');
    expect(refused.html).toContain('NPCS safety platform');
    expect(parseMailMessage({ kind: 'reply_answer', to: 'a@b.org', ...refused }).kind).toBe('reply_answer');
  });

  it('links are http(s) only', () => {
    expect(() => replyAnswerMail({ recorded: false, message: 'x', link: 'javascript:alert(1)' })).toThrow(ValidationError);
  });
});

describe('the local SES receiving stand-in', () => {
  it('matches recipients as SES does: an address, a domain, or `.domain` for subdomains', () => {
    expect(ruleTakes('replies.example.org', 'reply+a@Replies.Example.org')).toBe(true);
    expect(ruleTakes('replies.example.org', 'reply+a@sub.replies.example.org')).toBe(false);
    expect(ruleTakes('.example.org', 'reply+a@replies.example.org')).toBe(true);
    expect(ruleTakes('.example.org', 'reply+a@example.org')).toBe(false);
    expect(ruleTakes('one@example.org', 'ONE@example.org')).toBe(true);
    expect(ruleTakes('one@example.org', 'two@example.org')).toBe(false);
  });

  it('verdicts are PASS unless the stand-in header (in the header block only) says otherwise', () => {
    expect(verdictsOf(Buffer.from('From: a@b.org\r\nSubject: x\r\n\r\nbody'))).toEqual({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(verdictsOf(Buffer.from('From: a@b.org\r\nX-Local-Receipt-Verdicts: spf=fail; dmarc=FAIL\r\n\r\nbody'))).toEqual({ spf: 'FAIL', dkim: 'PASS', dmarc: 'FAIL' });
    expect(verdictsOf(Buffer.from('From: a@b.org\r\n\r\nX-Local-Receipt-Verdicts: dmarc=FAIL'))).toEqual({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(verdictsOf(Buffer.from('X-Local-Receipt-Verdicts: dmarc=MAYBE, dkim=GRAY\r\n\r\n'))).toEqual({ spf: 'PASS', dkim: 'GRAY', dmarc: 'PASS' });
  });
});
