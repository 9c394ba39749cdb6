import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { parseMailMessage, SUBJECT_MAX_LENGTH } from '#shared/mail/message.ts';
import { reminderDigestMail } from '#shared/mail/templates/messages.tsx';
import { DIGEST_MAX_ITEMS, type DigestItem, type DigestNotice } from '#shared/mail/templates/model.ts';
import { noticeEscalationMail, type NoticeEscalationData } from '#shared/mail/templates/notice-escalation.tsx';

const JURISDICTION = 'Franklin County Children Services';
const LIST = 'https://safety.example.org/#tasks';
const TODAY = '2026-03-22';
const noticeUrl = (n: number) => `https://safety.example.org/notices/ky-dcbs/01JABCDEFGHJKMNPQRSTVWXY${String(n).padStart(2, '0')}`;
const digestNotice = (n: number, over: Partial<DigestNotice> = {}): DigestNotice => ({
  issuerName: 'Kentucky DCBS',
  title: `Safe sleep notice ${n}`,
  deadline: 'acknowledgement',
  dueDate: '2026-03-24',
  links: { open: noticeUrl(n) },
  ...over,
});
const record: DigestItem = {
  recordId: '01JD3Q7N8V2K5M4X9B6C0R1T2S',
  formId: 'critical_incident_review',
  formTitle: 'Critical incident review',
  reference: 'CIR-2024-017',
  dueDate: '2026-03-20',
  links: { open: 'https://safety.example.org/records/01JD3Q7N8V2K5M4X9B6C0R1T2S' },
};
const digest = (items: DigestItem[], notices: DigestNotice[] | undefined) => reminderDigestMail({ jurisdictionName: JURISDICTION, today: TODAY, items, ...(notices ? { notices } : {}), links: { list: LIST } });

describe("the daily digest's safety notices (shared/mail/templates/messages.tsx)", () => {
  it('records and notices in one email: the records first, then the notices section, each with its deadline, days overdue and link, in both parts', () => {
    const overdue = digestNotice(1, { dueDate: '2026-03-20', title: 'Overdue notice' });
    const action = digestNotice(2, { deadline: 'action', dueDate: '2026-03-15', title: 'Actions late' });
    const soon = digestNotice(3, { title: 'Due soon' });
    const mail = digest([record], [soon, overdue, action]);
    expect(mail.subject).toBe('Reminder: 1 record and 3 safety notices waiting (3 overdue)');
    expect(mail.text).toContain('You have 1 record and 3 safety notices waiting');
    expect(mail.text).toContain("SAFETY NOTICES WAITING FOR YOUR JURISDICTION'S ANSWER (3)");
    expect(mail.html).toMatch(/Safety notices waiting for your jurisdiction(?:'|&#39;)s answer \(3\)/);
    // Most overdue first: the action deadline a week ago, the acknowledgement two days ago, then the one due.
    for (const part of [mail.text, mail.html]) {
      const at = ['CIR-2024-017', 'Actions late', 'Overdue notice', 'Due soon'].map((t) => part.indexOf(t));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
    expect(mail.text).toContain('- Actions late\n  Safety notice from Kentucky DCBS. Overdue by 7 days: actions were due March 15, 2026\n  Open the notice: ' + noticeUrl(2));
    expect(mail.text).toContain('Overdue by 2 days: acknowledgement was due March 20, 2026');
    expect(mail.text).toContain('Acknowledgement due March 24, 2026');
    expect(mail.html).toContain(`href="${noticeUrl(1)}"`);
    expect(mail.html).toContain('Overdue by 2 days: acknowledgement was due March 20, 2026');
    expect(mail.text).toContain('while records or safety notices wait for you in Franklin County Children Services');
    expect(() => parseMailMessage({ kind: 'reminder', to: 'a@b.org', ...mail })).not.toThrow();
  });

  it('notices only: a digest of its own, for the jurisdiction\u2019s answer; no records section', () => {
    const mail = digest([], [digestNotice(1)]);
    expect(mail.subject).toBe("Reminder: 1 safety notice waiting for your jurisdiction's answer");
    expect(mail.text).not.toContain('OVERDUE (');
    expect(mail.text).not.toContain('WAITING (');
    expect(mail.text).toContain('Acknowledgement due March 24, 2026');
    expect(digest([], [digestNotice(1, { dueDate: '2026-03-21' })]).subject).toBe("Reminder: 1 safety notice waiting for your jurisdiction's answer (1 overdue)");
  });

  it('records only: the digest as before, no notices section', () => {
    for (const mail of [digest([record], undefined), digest([record], [])]) {
      expect(mail.subject).toBe('Reminder: 1 record waiting for you (1 overdue)');
      expect(mail.text).not.toContain('SAFETY NOTICES');
      expect(mail.html).not.toContain('Safety notice');
    }
  });

  it("escapes the notice's title and issuer (agency free text) and keeps them on one line", () => {
    const mail = digest([], [digestNotice(1, { title: '<script>alert(1)</script> & <b>bold</b>\nSubject: forged', issuerName: 'Kentucky <img src=x onerror=alert(1)>' })]);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>bold');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script>alert(1)&lt;/script> &amp; &lt;b>bold&lt;/b> Subject: forged');
    expect(mail.text).toContain('- <script>alert(1)</script> & <b>bold</b> Subject: forged\n');
    expect(mail.text).not.toMatch(/^Subject: forged/m);
  });

  it('refuses an empty digest, a notice link that is not http(s), a bad deadline', () => {
    expect(() => digest([], [])).toThrow(ValidationError);
    expect(() => digest([], undefined)).toThrow(ValidationError);
    expect(() => digest([], [digestNotice(1, { links: { open: 'javascript:alert(1)' } })])).toThrow(ValidationError);
    expect(() => digest([], [digestNotice(1, { dueDate: '2026-02-30' })])).toThrow(ValidationError);
  });

  it(`lists at most ${DIGEST_MAX_ITEMS} notices and counts the rest`, () => {
    const many = Array.from({ length: DIGEST_MAX_ITEMS + 2 }, (_, i) => digestNotice(i));
    const mail = digest([], many);
    expect(mail.subject).toBe(`Reminder: ${DIGEST_MAX_ITEMS + 2} safety notices waiting for your jurisdiction's answer`);
    expect(mail.text.match(/^- Safe sleep notice/gm)).toHaveLength(DIGEST_MAX_ITEMS);
    expect(mail.text).toContain('And 2 more safety notices not listed here.');
  });
});

describe('the escalation of a notice deadline (shared/mail/templates/notice-escalation.tsx)', () => {
  const data = (over: Partial<NoticeEscalationData> = {}): NoticeEscalationData => ({
    jurisdictionName: JURISDICTION,
    issuerName: 'Kentucky DCBS',
    title: 'Safe sleep checks at every home visit',
    deadline: 'acknowledgement',
    dueDate: '2026-03-20',
    today: TODAY,
    links: { open: noticeUrl(1) },
    ...over,
  });

  it('names the notice, its issuer, the deadline and the days past, and links to the notice page, in both parts', () => {
    const mail = noticeEscalationMail(data());
    expect(mail.subject).toBe('Escalation: 2 days past the acknowledgement deadline of a safety notice: Safe sleep checks at every home visit');
    expect(mail.text).toContain('Kentucky DCBS asked every partner jurisdiction to acknowledge it by March 20, 2026. Franklin County Children Services has not yet: it is 2 days late.');
    expect(mail.text).toContain('Notice: Safe sleep checks at every home visit\nIssued by: Kentucky DCBS\nAcknowledgement deadline: March 20, 2026\nDays past: 2 days');
    expect(mail.text).toContain(`Open the notice:\n${noticeUrl(1)}\n`);
    expect(mail.html).toContain(`href="${noticeUrl(1)}"`);
    expect(mail.html).toContain('Acknowledgement deadline');
    expect(() => parseMailMessage({ kind: 'notice_escalation', to: 'admin@oh.example.gov', ...mail })).not.toThrow();

    const action = noticeEscalationMail(data({ deadline: 'action', dueDate: '2026-03-21' }));
    expect(action.subject).toMatch(/^Escalation: 1 day past the action deadline of a safety notice: /);
    expect(action.text).toContain('Action deadline: March 21, 2026');
    expect(action.text).toContain('report its actions completed');
  });

  it('escapes the title and issuer, and cuts a long title to fit the subject', () => {
    const mail = noticeEscalationMail(data({ title: `<script>x</script>${'long '.repeat(80)}`, issuerName: 'A & <b>B</b>' }));
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>B');
    expect(mail.html).toContain('A &amp; &lt;b>B&lt;/b>');
    expect(mail.subject.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
    expect(mail.subject.endsWith('\u2026')).toBe(true);
  });

  it('refuses a deadline that has not passed, and anything but an http(s) link', () => {
    expect(() => noticeEscalationMail(data({ dueDate: TODAY }))).toThrow(ValidationError);
    expect(() => noticeEscalationMail(data({ links: { open: 'data:text/html,x' } }))).toThrow(ValidationError);
  });
});
