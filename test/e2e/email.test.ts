/**
 * Each email's HTML (the review emails, the reports', the survey's, the safety notices' and their follow-up) in real Chromium, as a phone (375 px) and a desktop client (1280 px) show
 * it: axe-core finds no WCAG 2.1 A/AA violation, a screenshot of each is kept (test-results/email/<kind>-<width>.png),
 * and the W3C Nu checker finds no error. The emails need no local cloud: their HTML is rendered here and put in the
 * page, and the file's last test gives every one of them to the Nu checker (as expectValidHtml does for pages).
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderedMail } from '#shared/mail/message.ts';
import { approvedMail, escalationMail, reminderDigestMail, returnedMail, reviewRequestMail } from '#shared/mail/templates/messages.tsx';
import type { DigestItem, DigestNotice, MailRecord } from '#shared/mail/templates/model.ts';
import { replyAnswerMail } from '#shared/mail/templates/reply-answer.tsx';
import { reportPublishedMail } from '#shared/mail/templates/report.tsx';
import { surveyInvitationMail } from '#shared/mail/templates/survey.tsx';
import { noticeMail, type NoticeMailData } from '#shared/mail/templates/notice.tsx';
import { noticeEscalationMail } from '#shared/mail/templates/notice-escalation.tsx';
import { REFUSAL_MESSAGES } from '#shared/review/replies.ts';
import { launchChromium, type RealBrowser } from '../support/chromium.ts';
import { ownDocument, partnershipDocument } from '../support/report-fixtures.ts';
import { nuCheck, type VisitedPage } from '../support/nu-checker.ts';
import { axeViolations, WIDTHS, wordsBrokenAcrossLines } from '../support/web-harness.ts';

const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'email');
const JURISDICTION = 'Kentucky Department for Community Based Services';
const BASE = 'https://safety.example.org';
const record = (n: number, reference: string, dueDate: string, formId = 'critical_incident_review'): MailRecord => ({
  recordId: `01JD3Q7N8V2K5M4X9B6C0R1T${String(n).padStart(2, '0')}`,
  formId,
  formTitle: formId === 'safety_notice' ? 'Safety notice' : 'Critical incident review',
  reference,
  dueDate,
});
const RECORD = record(1, 'CIR-2024-017', '2026-03-05');
const reviewerLinks = (r: MailRecord) => ({ open: `${BASE}/records/${r.recordId}`, approve: `${BASE}/actions/A${r.recordId}`, return: `${BASE}/actions/R${r.recordId}` });

const digestItems: DigestItem[] = [
  { ...record(2, 'CIR-2024-009', '2026-02-20'), links: reviewerLinks(record(2, '', '2026-02-20')) },
  { ...record(3, 'Safe sleep handoffs between hotline and field staff', '2026-03-10', 'safety_notice'), links: reviewerLinks(record(3, '', '2026-03-10')) },
  { ...RECORD, links: reviewerLinks(RECORD) },
  { ...record(4, 'CIR-2024-021', '2026-03-01'), links: { open: `${BASE}/records/${record(4, '', '').recordId}` } },
];

const NOTICE: NoticeMailData = {
  notice: {
    issuerId: 'ky-dcbs',
    recordId: '01JD3Q7N8V2K5M4X9B6C0R1T09',
    version: 1,
    status: 'active',
    level: 'alert',
    theme: 'safe_sleep',
    title: 'Ask about sleep arrangements at every home visit with an infant',
    systemicIssue: 'In three reviews the home visit notes did not say where the infant slept.\nSupervisors did not ask either.\n\nThe hotline <screening> guide & the field checklist disagree.',
    actions: ['Add the sleep place to the home visit checklist.', 'Review the checklist in supervision for every open case with an infant.'],
    acknowledgeBy: '2026-10-15',
    actBy: '2026-11-15',
  },
  issuerName: JURISDICTION,
  recipientName: 'Franklin County Children Services',
  links: { acknowledge: `${BASE}/notice-links/${'A'.repeat(43)}`, open: `${BASE}/notice-links/${'B'.repeat(43)}` },
};
const noticeEmail = (over: Partial<NoticeMailData['notice']>): RenderedMail => {
  const { kind: _kind, ...mail } = noticeMail({ ...NOTICE, notice: { ...NOTICE.notice, ...over } });
  return mail;
};

// Partners' notices in Kentucky's reminder digest (docs/notices.md, "Follow-up"): one due, one overdue with a long
// title holding markup characters.
const noticePage = (issuerId: string, n: number) => `${BASE}/notices/${issuerId}/01JD3Q7N8V2K5M4X9B6C0R1T${String(n).padStart(2, '0')}`;
const digestNotices: DigestNotice[] = [
  { issuerName: 'Demonstration Tribal Nation Child and Family Services (demo)', title: 'Check the car seat before every transport of an infant', deadline: 'acknowledgement', dueDate: '2026-03-05', links: { open: noticePage('demo-tribal-cfs', 10) } },
  {
    issuerName: 'Franklin County Children Services',
    title: "Hand off every infant case from the hotline to the field with the <safe sleep> screening answers & the caregiver's plan, in writing, before the first home visit",
    deadline: 'action',
    dueDate: '2026-02-26',
    links: { open: noticePage('oh-franklin-fccs', 11) },
  },
];

const EMAILS: Record<string, RenderedMail> = {
  review_request: reviewRequestMail({ jurisdictionName: JURISDICTION, record: RECORD, links: reviewerLinks(RECORD), acceptsReplies: true }),
  returned: returnedMail({
    jurisdictionName: JURISDICTION,
    record: RECORD,
    reason: 'Section 3 needs the debrief date and who attended.\nThe timeline in section 2 skips March 3.\n\nPlease also check the <systems> ratings & their rationales.',
    links: { open: reviewerLinks(RECORD).open },
  }),
  approved: approvedMail({ jurisdictionName: JURISDICTION, record: RECORD, links: { open: reviewerLinks(RECORD).open } }),
  reminder: reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items: digestItems, links: { list: `${BASE}/` } }),
  reply_answer_recorded: replyAnswerMail({ recorded: true, jurisdictionName: JURISDICTION, message: 'Your approval was recorded: the record is approved and locked. Nothing else is needed from you.', link: reviewerLinks(RECORD).open }),
  reply_answer_refused: replyAnswerMail({ recorded: false, jurisdictionName: JURISDICTION, message: REFUSAL_MESSAGES.no_command, link: reviewerLinks(RECORD).open }),
  survey_invitation: surveyInvitationMail({ jurisdictionName: JURISDICTION, waveTitle: 'Spring 2027', closesOn: '2027-04-30', link: `${BASE}/survey/ky-dcbs#01JABCDEFGHJKMNPQRSTVWXYZ0AbCdEfGhIjKlMnOpQrStUv`, code: '01JABCDEFGHJKMNPQRSTVWXYZ0AbCdEfGhIjKlMnOpQrStUv', round: 0 }),
  survey_reminder: surveyInvitationMail({ jurisdictionName: JURISDICTION, waveTitle: 'Spring 2027', closesOn: '2027-04-30', link: `${BASE}/survey/ky-dcbs#01JABCDEFGHJKMNPQRSTVWXYZ0AbCdEfGhIjKlMnOpQrStUv`, code: '01JABCDEFGHJKMNPQRSTVWXYZ0AbCdEfGhIjKlMnOpQrStUv', round: 1 }),
  escalation: escalationMail({ jurisdictionName: JURISDICTION, record: RECORD, today: '2026-03-09', submittedOn: '2026-02-20', remindersSent: 3, links: { open: reviewerLinks(RECORD).open } }),
  'report-partnership': reportPublishedMail({ document: partnershipDocument(), appOrigin: BASE }),
  'report-own': reportPublishedMail({ document: ownDocument(), appOrigin: BASE }),
  // Safety notices to partners' contacts (docs/notices.md, "Distribution"): screenshots notice-email-*.png.
  'notice-email-published': noticeEmail({}),
  'notice-email-updated': noticeEmail({ version: 2, changeReason: 'The checklist item now names the crib, bassinet or play yard.' }),
  'notice-email-withdrawn': noticeEmail({ version: 3, status: 'withdrawn', changeReason: 'Replaced by the state safe sleep policy of December.' }),
  // Their follow-up: the daily digest with its notices section (a reviewer's, with records; an admin's, notices only)
  // and the escalation to a late partner's admin.
  'reminder-with-notices': reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items: digestItems, notices: digestNotices, links: { list: `${BASE}/` } }),
  'reminder-notices-only': reminderDigestMail({ jurisdictionName: JURISDICTION, today: '2026-03-04', items: [], notices: digestNotices, links: { list: `${BASE}/` } }),
  'notice-escalation': noticeEscalationMail({
    jurisdictionName: 'Franklin County Children Services',
    issuerName: JURISDICTION,
    title: NOTICE.notice.title,
    deadline: 'acknowledgement',
    dueDate: '2026-10-15',
    today: '2026-10-19',
    links: { open: `${BASE}/notices/ky-dcbs/${NOTICE.notice.recordId}` },
  }),
};

let chromium: RealBrowser;
let browser: Browser;
const shown: VisitedPage[] = [];

beforeAll(async () => {
  chromium = await launchChromium();
  browser = chromium.browser;
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await chromium?.close();
});

describe('the review emails in real Chromium', () => {
  for (const [kind, mail] of Object.entries(EMAILS)) {
    it(`${kind}: axe-clean at ${WIDTHS.join(' and ')} px, nothing wider than the screen, no word cut, screenshots kept`, async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: true });
      try {
        const page = await ctx.newPage();
        // Nothing of an email may load from anywhere: no image, font or stylesheet request.
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await page.setContent(mail.html, { waitUntil: 'load' });
        shown.push({ source: `email ${kind}`, html: mail.html });
        expect(await page.title()).toBe(mail.subject);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 900 });
          expect(await axeViolations(page), `${kind} at ${width}px`).toEqual([]);
          await page.screenshot({ path: path.join(SHOTS, `${kind}-${width}.png`), fullPage: true });
          // A phone shows the whole message without sideways scrolling.
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${kind} at ${width}px`).toBeLessThanOrEqual(width);
          // ...and no word cut in two: only addresses and ids may wrap anywhere.
          expect(await wordsBrokenAcrossLines(page), `${kind} at ${width}px`).toEqual([]);
        }
        // axe's own script is added as a file, not fetched; the email itself asked for nothing.
        expect(requests.filter((u) => !u.startsWith('data:') && u !== 'about:blank')).toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  }

  it('the buttons are real links with their text, readable by name', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 900 } });
    try {
      const page = await ctx.newPage();
      await page.setContent(EMAILS.review_request!.html);
      for (const [name, href] of [
        ['Open the record', reviewerLinks(RECORD).open],
        ['Approve', reviewerLinks(RECORD).approve],
        ['Return', reviewerLinks(RECORD).return],
      ] as const) {
        await expect.poll(() => page.getByRole('link', { name, exact: true }).getAttribute('href')).toBe(href);
      }
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('A critical incident review is waiting for your review');
    } finally {
      await ctx.close();
    }
  });

  it('the W3C Nu checker finds no error in any email', async () => {
    expect(shown.map((s) => s.source)).toEqual(Object.keys(EMAILS).map((k) => `email ${k}`));
    const problems = await nuCheck(shown.splice(0));
    expect(problems.map((p) => `${p.source} line ${p.line}: ${p.message}${p.extract ? ` [${p.extract.trim()}]` : ''}`)).toEqual([]);
  });
});
