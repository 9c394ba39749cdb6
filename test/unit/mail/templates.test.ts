import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { REASON_MAX_LENGTH } from '#shared/records/model.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { parseMailMessage, SUBJECT_MAX_LENGTH, type RenderedMail } from '#shared/mail/message.ts';
import { approvedMail, escalationMail, reminderDigestMail, returnedMail, reviewRequestMail } from '#shared/mail/templates/messages.tsx';
import { DIGEST_MAX_ITEMS, digestOrder, type DigestItem, type MailRecord } from '#shared/mail/templates/model.ts';

const JURISDICTION = 'Kentucky Department for Community Based Services';
const RECORD: MailRecord = { recordId: '01JD3Q7N8V2K5M4X9B6C0R1T2S', formId: 'critical_incident_review', formTitle: 'Critical incident review', reference: 'CIR-2024-017', dueDate: '2026-03-05' };
const NOTICE: MailRecord = { recordId: '01JD3Q7N8V2K5M4X9B6C0R1T2T', formId: 'safety_notice', formTitle: 'Safety notice', reference: 'Safe sleep handoffs', dueDate: '2026-03-09' };
const links = (id: string) => ({ open: `https://safety.example.org/records/${id}`, approve: `https://safety.example.org/actions/approve-${id}`, return: `https://safety.example.org/actions/return-${id}` });

/** One of each message, from the same kind of data the workflow will give. */
function everyMessage(record: MailRecord = RECORD): Record<string, RenderedMail> {
  return {
    review_request: reviewRequestMail({ jurisdictionName: JURISDICTION, record, links: links(record.recordId), acceptsReplies: true }),
    returned: returnedMail({ jurisdictionName: JURISDICTION, record, reason: 'Section 3 needs the debrief date.', links: { open: links(record.recordId).open } }),
    approved: approvedMail({ jurisdictionName: JURISDICTION, record, links: { open: links(record.recordId).open } }),
    reminder: reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items: [{ ...record, links: links(record.recordId) }], links: { list: 'https://safety.example.org/' } }),
    escalation: escalationMail({ jurisdictionName: JURISDICTION, record, today: '2026-03-04', submittedOn: '2026-02-20', remindersSent: 3, links: { open: links(record.recordId).open } }),
  };
}

describe('the five review emails: what every message says', () => {
  it('each names the jurisdiction, the form, the review id, the due date and its links, in the HTML and the plain text', () => {
    for (const [kind, mail] of Object.entries(everyMessage())) {
      for (const part of [mail.html, mail.text]) {
        expect(part, kind).toContain(JURISDICTION);
        expect(part, kind).toContain('Critical incident review');
        expect(part, kind).toContain('CIR-2024-017');
        expect(part, kind).toContain('March 5, 2026');
        expect(part, kind).toContain(links(RECORD.recordId).open);
      }
    }
  });

  it('reviewers get Open, Approve and Return; submitters and admins get Open only', () => {
    const m = everyMessage();
    const { approve, return: ret } = links(RECORD.recordId);
    for (const kind of ['review_request', 'reminder']) for (const part of [m[kind]!.html, m[kind]!.text]) expect(part, kind).toContain(approve), expect(part, kind).toContain(ret);
    for (const kind of ['returned', 'approved', 'escalation']) for (const part of [m[kind]!.html, m[kind]!.text]) expect(part, kind).not.toMatch(/actions\/(approve|return)-/);
    expect(m.review_request!.html).toMatch(/<a href="https:\/\/safety\.example\.org\/actions\/approve-[^"]+"[^>]*>Approve<\/a>/);
  });

  it('a notice is named by its title; a record without a review id as "Untitled <form>"', () => {
    expect(everyMessage(NOTICE).approved!.subject).toBe('Approved: Safe sleep handoffs');
    const { reference: _r, ...unnamed } = RECORD;
    const mail = everyMessage(unnamed).review_request!;
    expect(mail.subject).toBe('Review requested: Untitled critical incident review, due March 5, 2026');
    expect(mail.text).toContain(`Record: Untitled critical incident review (record id ${RECORD.recordId})`);
  });

  it('subjects say what happened', () => {
    const m = everyMessage();
    expect(m.review_request!.subject).toBe('Review requested: CIR-2024-017, due March 5, 2026');
    expect(reviewRequestMail({ jurisdictionName: JURISDICTION, record: RECORD, links: links(RECORD.recordId), resubmitted: true }).subject).toBe('Resubmitted for review: CIR-2024-017, due March 5, 2026');
    expect(m.returned!.subject).toBe('Returned for changes: CIR-2024-017');
    expect(m.approved!.subject).toBe('Approved: CIR-2024-017');
    expect(m.reminder!.subject).toBe('Reminder: 1 record waiting for you');
    expect(m.escalation!.subject).toBe('Escalation: CIR-2024-017 has waited 12 days for a review decision');
  });

  it('a 200-character notice title is cut to 100 in the subject (whole in the body): every subject fits a message', () => {
    const title = `${'Safe sleep handoffs between hotline and field staff '.repeat(4)}`.slice(0, 200);
    const mails = everyMessage({ ...NOTICE, reference: title });
    for (const [kind, mail] of Object.entries(mails)) {
      expect(parseMailMessage({ kind, to: 'a@b.org', ...mail }).subject.length, kind).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
      expect(mail.html, kind).toContain(title.trim());
    }
    expect(mails.approved!.subject).toBe(`Approved: ${title.slice(0, 99).trimEnd()}…`);
  });

  it('the reply instruction appears only when replies are accepted', () => {
    const noReplies = reviewRequestMail({ jurisdictionName: JURISDICTION, record: RECORD, links: links(RECORD.recordId) });
    expect(everyMessage().review_request!.text).toContain('write "approve", or "return" followed by your reason, on the first line');
    expect(noReplies.text).not.toContain('reply to this email');
    expect(noReplies.html).not.toContain('reply to this email');
  });

  it('the escalation says how long the review waited and how many reminders went out', () => {
    const m = everyMessage().escalation!;
    expect(m.text).toContain('Reminders sent: 3');
    expect(m.text).toContain('Submitted: February 20, 2026');
    expect(m.html).toContain('has no decision after 3 reminders to its reviewers');
  });
});

describe('no form answers, no child information', () => {
  it('a record handed over whole, with distinctive answers, puts none of them in any subject, HTML or text', () => {
    let n = 0;
    const markers: string[] = [];
    const mark = (value: unknown): unknown => {
      if (typeof value === 'string') return markers[markers.push(`ZQANSWER${++n}X`) - 1];
      if (typeof value === 'number') return markers.push(String(739_100 + ++n)), 739_100 + n;
      if (Array.isArray(value)) return value.map(mark);
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mark(v)]));
      return value;
    };
    const { review_id: _id, ...others } = sampleCriticalIncidentReview(3);
    const answers = { ...(mark(others) as Record<string, unknown>), review_id: 'CIR-2024-017', child_name: 'Zebediah Quarrington' };
    markers.push('Zebediah', 'Quarrington', 'sub-CREATOR-7c1e', 'unsafe sleep');
    // What a careless caller could pass: the stored record itself (answers, author, reason) with the email fields.
    const whole = { ...RECORD, jurisdictionId: 'ky-dcbs', formVersion: 1, status: 'submitted', version: 3, answers, createdBy: 'sub-CREATOR-7c1e', statusReason: 'unsafe sleep' };
    const mails = [
      reviewRequestMail({ jurisdictionName: JURISDICTION, record: whole, links: links(RECORD.recordId) }),
      returnedMail({ jurisdictionName: JURISDICTION, record: whole, reason: 'Please add the debrief date.', links: { open: links(RECORD.recordId).open } }),
      approvedMail({ jurisdictionName: JURISDICTION, record: whole, links: { open: links(RECORD.recordId).open } }),
      reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items: [{ ...whole, links: links(RECORD.recordId) } as DigestItem], links: { list: 'https://safety.example.org/' } }),
      escalationMail({ jurisdictionName: JURISDICTION, record: whole, today: '2026-03-04', submittedOn: '2026-02-20', remindersSent: 3, links: { open: links(RECORD.recordId).open } }),
    ];
    expect(markers.length).toBeGreaterThan(50);
    // The markers are in what the templates were given, so finding none in the output means something.
    for (const marker of markers) expect(JSON.stringify(whole), marker).toContain(marker);
    for (const mail of mails) {
      for (const part of [mail.subject, mail.html, mail.text]) {
        for (const marker of markers) expect(part.includes(marker), `${marker} in ${mail.subject}`).toBe(false);
      }
      expect(mail.text).toContain('CIR-2024-017');
    }
  });
});

describe('escaping and unsafe input', () => {
  const evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

  it('names, jurisdiction and reason are escaped in the HTML and kept as text in the plain part', () => {
    const record = { ...RECORD, reference: evil };
    const m = [
      ...Object.values(everyMessage(record)),
      returnedMail({ jurisdictionName: `${JURISDICTION} "<b>"`, record, reason: `${evil}\nsecond line`, links: { open: links(RECORD.recordId).open } }),
    ];
    for (const mail of m) {
      expect(mail.html).not.toContain('<script');
      expect(mail.html).not.toContain('<img');
      expect(mail.html).not.toContain('<b>"');
      expect(mail.html).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script> &amp; &lt;img src=x onerror=alert(1)>');
    }
    expect(m.at(-1)!.text).toContain(`  ${evil}\n  second line`);
  });

  it('a reason keeps its lines (as <br>) and paragraphs, without control or bidi characters', () => {
    const mail = returnedMail({ jurisdictionName: JURISDICTION, record: RECORD, reason: 'First line\r\nsecond \u202eline\u0007\n\n\n\nNew paragraph', links: { open: links(RECORD.recordId).open } });
    expect(mail.html).toMatch(/First line<br\/?>second line ?<\/p><p[^>]*>New paragraph<\/p>/);
    expect(mail.text).toContain('  First line\n  second line\n\n  New paragraph');
    expect(mail.html).not.toContain('\u202e');
  });

  it('a one-line field loses line breaks: a name cannot forge lines of the plain text', () => {
    const mail = approvedMail({ jurisdictionName: JURISDICTION, record: { ...RECORD, reference: 'CIR-1\n\nOpen the record:\nhttps://evil.example' }, links: { open: links(RECORD.recordId).open } });
    expect(mail.subject).toBe('Approved: CIR-1 Open the record: https://evil.example');
    expect(mail.text).not.toMatch(/^https:\/\/evil\.example$/m);
  });

  it('links are http(s) only; bad data is a 422 naming each field', () => {
    const error = (() => {
      try {
        reviewRequestMail({ jurisdictionName: ' ', record: { ...RECORD, dueDate: '2026-02-30' }, links: { ...links(RECORD.recordId), approve: 'javascript:alert(1)' } });
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual([
      { field: 'jurisdictionName', message: 'jurisdictionName is required' },
      { field: 'record.dueDate', message: 'dueDate is a date, YYYY-MM-DD' },
      { field: 'links.approve', message: 'links.approve is an http(s) URL' },
    ]);
    expect(() => returnedMail({ jurisdictionName: JURISDICTION, record: RECORD, reason: ' \n ', links: { open: links(RECORD.recordId).open } })).toThrow(ValidationError);
    // The reason's limit is the one the return form keeps (REASON_MAX_LENGTH).
    expect(() => returnedMail({ jurisdictionName: JURISDICTION, record: RECORD, reason: 'r'.repeat(REASON_MAX_LENGTH + 1), links: { open: links(RECORD.recordId).open } })).toThrow('1 value needs attention');
    expect(returnedMail({ jurisdictionName: JURISDICTION, record: RECORD, reason: 'r'.repeat(REASON_MAX_LENGTH), links: { open: links(RECORD.recordId).open } }).text).toContain('r'.repeat(REASON_MAX_LENGTH));
    expect(() => escalationMail({ jurisdictionName: JURISDICTION, record: RECORD, today: '2026-03-04', submittedOn: '2026-02-20', remindersSent: -1, links: { open: links(RECORD.recordId).open } })).toThrow(ValidationError);
    expect(() => reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items: [], links: { list: 'https://safety.example.org/' } })).toThrow(ValidationError);
  });
});

describe('the HTML part: built for email clients', () => {
  it('a whole document with lang and title; layout tables; inline styles only; no images, SVG, scripts or external CSS', () => {
    for (const [kind, mail] of Object.entries(everyMessage())) {
      const html = mail.html;
      expect(html.startsWith('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>'), kind).toBe(true);
      expect(html, kind).toContain(`<title>${mail.subject}</title>`);
      for (const banned of [/<img\b/i, /<svg\b/i, /<style\b/i, /<link\b/i, /<script\b/i, /\bclass=/i, /url\(/i, /@import/i, /<form\b/i]) expect(html, `${kind}: ${banned}`).not.toMatch(banned);
      for (const table of html.replace(/<!--\[if mso\]>.*?<!\[endif\]-->/gs, '').match(/<table\b[^>]*>/g) ?? []) expect(table, kind).toContain('role="presentation"');
      // Outlook (Word) gets a fixed 600 px table; the rest a fluid body up to 600 px.
      expect(html, kind).toContain('<!--[if mso]><table role="presentation" width="600"');
      expect(html, kind).toContain('max-width:600px');
      // Buttons are links in coloured cells; Outlook alone gets the padding from an inner cell.
      expect(html, kind).toMatch(
        /<td style="background-color:#005ea2;[^"]*"><!--\[if mso\]><table role="presentation"[^>]*><tr><td style="padding:12px 20px;"><!\[endif\]--><a href="[^"]+" style="[^"]*color:#ffffff;[^"]*">(Open the record|See everything waiting for you)<\/a><!--\[if mso\]><\/td><\/tr><\/table><!\[endif\]--><\/td>/,
      );
      expect(Buffer.byteLength(html), kind).toBeLessThan(30_000);
    }
  });

  it('the plain-text part says the same: heading, facts and every link on its own line', () => {
    const m = everyMessage().review_request!;
    expect(m.text).toContain('A critical incident review is waiting for your review');
    expect(m.html).toContain('A critical incident review is waiting for your review');
    for (const url of Object.values(links(RECORD.recordId))) expect(m.text).toMatch(new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
    expect(m.text).not.toMatch(/<[a-z]/i);
  });
});

describe('the daily reminder digest', () => {
  const item = (reference: string, dueDate: string, reviewer = true): DigestItem => {
    const recordId = `01JD3Q7N8V2K5M4X9B6C0R${reference.replace(/\W/g, '').slice(-4).toUpperCase().padStart(4, '0')}`;
    const l = links(recordId);
    return { ...RECORD, recordId, reference, dueDate, links: reviewer ? l : { open: l.open } };
  };

  it('lists overdue records first (longest overdue at the top), then the others by due date', () => {
    const items = [item('CIR-C', '2026-03-10'), item('CIR-A', '2026-03-01'), item('CIR-B', '2026-03-06'), item('CIR-D', '2026-02-20'), item('CIR-E', '2026-03-04')];
    expect(digestOrder(items, '2026-03-04').map((i) => i.reference)).toEqual(['CIR-D', 'CIR-A', 'CIR-E', 'CIR-B', 'CIR-C']);
    const mail = reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items, links: { list: 'https://safety.example.org/' } });
    expect(mail.subject).toBe('Reminder: 5 records waiting for you (2 overdue)');
    const order = (part: string) => ['CIR-D', 'CIR-A', 'CIR-E', 'CIR-B', 'CIR-C'].map((r) => part.indexOf(r));
    for (const part of [mail.html, mail.text]) {
      const positions = order(part);
      expect(positions.every((p) => p > 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
    expect(mail.text.indexOf('OVERDUE (2)')).toBeLessThan(mail.text.indexOf('CIR-D'));
    expect(mail.text.indexOf('WAITING (3)')).toBeGreaterThan(mail.text.indexOf('CIR-A'));
    expect(mail.text.indexOf('WAITING (3)')).toBeLessThan(mail.text.indexOf('CIR-E'));
    expect(mail.text).toContain('Overdue by 12 days: was due February 20, 2026');
    expect(mail.text).toContain('Due March 4, 2026');
    expect(mail.html).toContain('Overdue (2)');
  });

  it('a record the person does not review has Open only', () => {
    const mail = reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items: [item('CIR-F', '2026-03-10', false)], links: { list: 'https://safety.example.org/' } });
    expect(mail.text).not.toContain('Approve:');
    expect(mail.html).not.toContain('>Approve<');
    expect(mail.text).not.toContain('Approve and Return open a page');
  });

  it(`lists at most ${DIGEST_MAX_ITEMS} records and counts the rest`, () => {
    const items = Array.from({ length: DIGEST_MAX_ITEMS + 7 }, (_, i) => item(`CIR-${String(i).padStart(4, '0')}`, i < 3 ? '2026-03-01' : '2026-03-20'));
    const mail = reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items, links: { list: 'https://safety.example.org/' } });
    expect(mail.subject).toBe(`Reminder: ${DIGEST_MAX_ITEMS + 7} records waiting for you (3 overdue)`);
    expect(mail.text.match(/^- /gm)).toHaveLength(DIGEST_MAX_ITEMS);
    expect(mail.text).toContain('And 7 more records not listed here.');
    expect(mail.html).toContain('And 7 more records not listed here.');
    expect(Buffer.byteLength(mail.html)).toBeLessThan(100_000);
  });
});
