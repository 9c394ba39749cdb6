import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { parseMailMessage, SUBJECT_MAX_LENGTH } from '#shared/mail/message.ts';
import { noticeMail, noticeMailKind, type NoticeMailData } from '#shared/mail/templates/notice.tsx';
import type { PublishedNotice } from '#shared/notices/model.ts';
import { publishedNotice } from '../../support/notice-fixtures.ts';

const ORIGIN = 'https://safety.example.org';
const ACK = `${ORIGIN}/notice-links/${'a'.repeat(43)}`;
const OPEN = `${ORIGIN}/notice-links/${'b'.repeat(43)}`;

/** The shared fixture, with the markers and texts these tests look for in the email. */
const notice = (over: Partial<PublishedNotice> = {}): PublishedNotice =>
  publishedNotice({
    level: 'alert',
    title: 'Safe sleep checks at every home visit',
    systemicIssue: 'Home visits did not ask where the infant sleeps.\n\nSupervisors did not review it.',
    evidence: 'EVIDENCE-MARKER: three reviews in 2025',
    actions: ['Ask about the sleep place at each visit', 'Add it to the supervision checklist'],
    acknowledgeBy: '2026-03-15',
    audience: ['caseworkers'],
    contactRole: 'CONTACT-ROLE-MARKER',
    contactMailbox: 'mailbox-marker@ky.example.gov',
    ...over,
  });
const data = (over: Partial<PublishedNotice> = {}, rest: Partial<NoticeMailData> = {}): NoticeMailData => ({
  notice: notice(over),
  issuerName: 'Kentucky DCBS',
  recipientName: 'Franklin County Children Services',
  links: { acknowledge: ACK, open: OPEN },
  ...rest,
});

describe('the safety notice email (shared/mail/templates/notice.tsx)', () => {
  it('a new notice: the level in the subject, every part of the notice in both parts, both buttons and the note that a link changes nothing', () => {
    const mail = noticeMail(data());
    expect(mail.kind).toBe('notice_published');
    expect(mail.subject).toBe('[Alert] Safety notice from Kentucky DCBS: Safe sleep checks at every home visit');
    for (const part of [mail.html, mail.text]) {
      for (const text of ['New safety notice', 'Kentucky DCBS', 'Alert: act now', 'Safe sleep checks at every home visit', 'Home visits did not ask where the infant sleeps.', 'Ask about the sleep place at each visit', 'Add it to the supervision checklist', 'March 15, 2026', 'June 30, 2026', 'nothing is recorded until you press the button there']) {
        expect(part, text).toContain(text);
      }
      expect(part).toContain(ACK);
      expect(part).toContain(OPEN);
    }
    expect(mail.html).toMatch(new RegExp(`<a href="${ACK}"[^>]*>Acknowledge for Franklin County Children Services</a>`));
    expect(mail.html).toMatch(new RegExp(`<a href="${OPEN}"[^>]*>Open the notice</a>`));
    expect(mail.text).toContain(`Acknowledge for Franklin County Children Services:\n${ACK}\n`);
    expect(mail.text).toContain(`Open the notice:\n${OPEN}\n`);
    expect(mail.text).toContain('1. Ask about the sleep place at each visit\n2. Add it to the supervision checklist');
    const { kind, ...content } = mail;
    expect(parseMailMessage({ kind, to: 'lead@franklin.example.gov', ...content }).subject).toBe(mail.subject);
  });

  it('carries nothing of the notice the email does not need: no evidence, audience, contact role or mailbox', () => {
    const mail = noticeMail(data());
    for (const part of [mail.subject, mail.html, mail.text]) {
      expect(part).not.toContain('EVIDENCE-MARKER');
      expect(part).not.toContain('CONTACT-ROLE-MARKER');
      expect(part).not.toContain('mailbox-marker@');
    }
  });

  it('an update names the version and says what changed; a withdrawal gives its reason and has no acknowledge button even when handed one', () => {
    const updated = noticeMail(data({ version: 2, changeReason: 'The checklist item was reworded.' }));
    expect(updated.kind).toBe('notice_updated');
    expect(updated.subject).toBe('[Alert] Updated safety notice from Kentucky DCBS: Safe sleep checks at every home visit');
    for (const part of [updated.html, updated.text]) {
      expect(part).toContain('What changed');
      expect(part).toContain('The checklist item was reworded.');
      expect(part).toContain('version 2');
    }
    const withdrawn = noticeMail(data({ version: 3, status: 'withdrawn', changeReason: 'Published in error.' }));
    expect(withdrawn.kind).toBe('notice_withdrawn');
    expect(withdrawn.subject).toBe('[Alert] Safety notice withdrawn by Kentucky DCBS: Safe sleep checks at every home visit');
    for (const part of [withdrawn.html, withdrawn.text]) {
      expect(part).toContain('Why it was withdrawn');
      expect(part).toContain('Published in error.');
      expect(part).not.toContain(ACK);
      expect(part).not.toContain('Acknowledge for');
      expect(part).toContain(OPEN);
    }
    expect(noticeMailKind({ version: 1, status: 'withdrawn' })).toBe('notice_withdrawn');
    expect(noticeMailKind({ version: 4, status: 'active' })).toBe('notice_updated');
  });

  it('escapes the agency free text in the HTML part and keeps it as typed in the text part', () => {
    const script = '<script>alert("x")</script> & <b>bold</b>';
    const mail = noticeMail(data({ title: `Title ${script}`, systemicIssue: `Issue ${script}`, actions: [`Action ${script}`], version: 2, changeReason: `Reason ${script}` }));
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>bold</b>');
    expect(mail.html).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script> &amp; &lt;b>bold&lt;/b>');
    for (const label of ['Title', 'Issue', 'Action', 'Reason']) expect(mail.text).toContain(`${label} ${script}`);
  });

  it('keeps the subject one line within the limit, cutting a long title with an ellipsis', () => {
    const long = noticeMail(data({ title: `Line one\r\nBcc: x@evil.example ${'word '.repeat(80)}` }));
    expect(long.subject.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
    expect(long.subject).toMatch(/^\[Alert\] Safety notice from Kentucky DCBS: Line one Bcc: x@evil\.example word/);
    expect(long.subject.endsWith('\u2026')).toBe(true);
    expect(long.subject).not.toMatch(/[\r\n]/);
    expect(noticeMail(data({ level: 'lesson_learned' })).subject.startsWith('[Lesson learned] ')).toBe(true);
    expect(noticeMail(data({ level: 'advisory' })).subject.startsWith('[Advisory] ')).toBe(true);
  });

  it('refuses links that are not http(s)', () => {
    expect(() => noticeMail(data({}, { links: { acknowledge: 'javascript:alert(1)', open: OPEN } }))).toThrow(ValidationError);
    expect(() => noticeMail(data({}, { links: { open: 'data:text/html,x' } }))).toThrow(ValidationError);
  });
});
