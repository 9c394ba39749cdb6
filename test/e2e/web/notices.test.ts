import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { RecordService } from '#shared/records/service.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { signedInContext, type RealBrowser } from '../../support/chromium.ts';
import { until } from '../../support/until.ts';
import { checkA11y, expectValidHtml, useWebHarness, WIDTHS, wordsBrokenAcrossLines, type WebHarness } from '../../support/web-harness.ts';

/**
 * Safety notices in real Chromium against a local cloud (docs/notices.md): a notice published by Kentucky is on a
 * partner's home page as waiting, the partner answers from the notice page (first without the reason "not
 * applicable" needs: the error state), Kentucky's reviewer finds it in the library and reads the status table,
 * and a partnership lead sees it among the overdue notices. By email: a partner's admin reads the distribution email
 * from the local cloud's inbox, acknowledges from its Acknowledge link (the confirm page, then the button), opens the
 * link again (already answered) and the Open link (the notice), and Kentucky's status table names them. axe-core
 * (WCAG 2.1 A/AA) at 375 and 1280 px on every page and on the email, the Nu checker on all of them. Screenshots in
 * test-results/web/notices-*.png and notice-link-*.png.
 */
let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

const signedIn = (browser: Browser, userId: string) => signedInContext(browser, cloud.url, userId);

/**
 * checkA11y, and what a person would find wrong in the screenshots: a word cut in two at either width (a table column
 * squeezed), and on a phone a stacked table whose cards are wider than the screen (their text cut off at the edge).
 */
async function checkPage(page: Page, name: string): Promise<void> {
  await checkA11y(page, name);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    expect(await wordsBrokenAcrossLines(page), `${name} at ${width}px`).toEqual([]);
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 900 });
  const sideways = await page.$$eval('.usa-table-container--scrollable', (regions) => regions.filter((r) => r.scrollWidth > r.clientWidth).map((r) => r.getAttribute('aria-labelledby')));
  expect(sideways, `${name} at ${WIDTHS[0]}px: tables scrolling sideways`).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Publishes a notice of ky-dcbs through the records service: created, submitted, approved. */
async function publish(title: string): Promise<string> {
  const records = new RecordService({ cursorSecret: 'e2e-notices-cursor-secret-0123456789' , formContext: () => ({ jurisdictions: [{ code: 'ky-dcbs', label: 'Kentucky' }] }) });
  const table = scopedTable(cloud.storage, cloud.tableName, 'ky-dcbs');
  const actor = (role: string) => ({ subject: `e2e-${role}`, role, jurisdictionId: 'ky-dcbs', requestId: randomUUID() });
  const answers = { ...(sampleSafetyNotice('ky-dcbs') as Answers), title, notice_date: '2026-10-01', acknowledge_by: '2026-10-15', act_by: '2026-11-15', review_by_date: '2027-10-01' } as Answers;
  const { record } = await records.createDraft(table, actor('submitter'), { formId: 'safety_notice', answers });
  const { record: submitted } = await records.submit(table, actor('submitter'), record.recordId, { expectedVersion: record.version, submissionId: randomUUID() });
  await records.transition(table, actor('reviewer'), record.recordId, { to: 'approved', expectedVersion: submitted.version });
  return record.recordId;
}

/** Franklin County (seed/jurisdictions.json): its admin is a registry contact and a demo user (seed/users.json). */
const FRANKLIN = { name: 'Franklin County Children Services', contact: 'admin@oh-franklin-fccs.example.org', admin: 'demo-oh-franklin-fccs-admin', person: 'Casey Delgado' };

interface InboxEmail {
  subject: string;
  to: { address: string }[];
  html: string;
  text: string;
}

/** The distribution email of the notice titled `title` to `address`, from the local cloud's MailDev (its REST API). */
const noticeEmail = (address: string, title: string) =>
  until(
    `the notice email to ${address}`,
    async () => {
      const all = (await (await fetch(`${cloud.endpoints.mailInbox}/api/email`)).json()) as InboxEmail[];
      return all.find((m) => m.subject.endsWith(title) && m.to.some((t) => t.address === address));
    },
    60_000,
    200,
  );

describe('safety notices in Chromium', () => {
  it('a partner answers a published notice; the issuer reads the library and the status table; a lead sees it overdue', async () => {
    const title = 'Ask about sleep arrangements at every home visit with an infant';
    const recordId = await publish(title);
    const noticeUrl = `${cloud.url}/notices/ky-dcbs/${recordId}`;

    const partner = await signedIn(chromium.browser, 'demo-oh-franklin-fccs-admin');
    await partner.page.goto(`${cloud.url}/`);
    const waiting = partner.page.locator('section', { has: partner.page.getByRole('heading', { name: "Partners' safety notices waiting for your answer" }) });
    expect(await waiting.getByRole('link', { name: title }).count()).toBe(1);
    expect(await waiting.locator('td[data-label="Overdue"]').first().textContent()).toMatch(/days \(not acknowledged\)/);
    await checkPage(partner.page, 'notices-home-partner');

    await partner.page.goto(noticeUrl);
    expect(await partner.page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    await checkPage(partner.page, 'notices-notice-partner');
    // "Not applicable" needs a reason: the page again with the error summary.
    await partner.page.locator('label[for="answer-not_applicable"]').click();
    await partner.page.getByRole('button', { name: 'Send your answer' }).click();
    await expect.poll(() => partner.page.locator('#error-summary').count()).toBe(1);
    expect(await partner.page.locator('#error-summary').textContent()).toContain('Say why the notice does not apply');
    await checkPage(partner.page, 'notices-answer-error');
    await partner.page.locator('label[for="answer-acknowledged"]').click();
    await partner.page.getByRole('button', { name: 'Send your answer' }).click();
    await partner.page.waitForURL(/\?answered=1$/);
    expect(await partner.page.locator('.usa-alert--success').textContent()).toContain("Your jurisdiction's answer is recorded");
    await checkPage(partner.page, 'notices-answered');
    await partner.ctx.close();

    const issuer = await signedIn(chromium.browser, 'demo-ky-dcbs-reviewer');
    await issuer.page.goto(`${cloud.url}/notices`);
    await issuer.page.getByLabel('Words').fill('sleep arrangements');
    await issuer.page.getByRole('button', { name: 'Search' }).click();
    await issuer.page.waitForURL(/\/notices\?/);
    expect(await issuer.page.getByRole('link', { name: title }).count()).toBe(1);
    await checkPage(issuer.page, 'notices-library');
    await issuer.page.getByRole('link', { name: title }).click();
    expect(await issuer.page.getByRole('heading', { name: 'Withdraw this notice' }).count()).toBe(1);
    await checkPage(issuer.page, 'notices-notice-issuer');
    await issuer.page.getByRole('link', { name: "Partners' answers: the status table" }).click();
    const franklin = issuer.page.locator('tr', { hasText: 'Franklin County Children Services' });
    expect(await franklin.locator('td[data-label="Answer"]').textContent()).toBe('Acknowledged');
    expect(await issuer.page.locator('td[data-label="Days overdue"]', { hasText: 'not acknowledged' }).count()).toBeGreaterThan(0);
    await checkPage(issuer.page, 'notices-status');
    await issuer.ctx.close();

    const lead = await signedIn(chromium.browser, 'demo-partnership-lead');
    await lead.page.goto(`${cloud.url}/`);
    expect(await lead.page.getByRole('heading', { name: 'Overdue safety notices' }).count()).toBe(1);
    expect(await lead.page.getByRole('link', { name: title }).count()).toBe(1);
    await checkPage(lead.page, 'notices-home-lead');
    await lead.ctx.close();
  });

  it("by email: a partner's admin acknowledges from the Acknowledge link; the issuer's status table shows who", async () => {
    const title = 'Check the car seat before every transport of an infant';
    const recordId = await publish(title);
    const noticeUrl = `${cloud.url}/notices/ky-dcbs/${recordId}`;
    // The distribution email to Franklin County's admin, a contact of the registry (docs/notices.md, "Distribution").
    const mail = await noticeEmail(FRANKLIN.contact, title);
    const ackLabel = `Acknowledge for ${FRANKLIN.name}`;
    const textLink = (label: string) => new RegExp(`^${label}:\\n(https?://\\S+/notice-links/[A-Za-z0-9_-]{43})$`, 'm').exec(mail.text)?.[1];

    // The person reads the email in Chromium, signed in, and follows its links as they appear in the HTML part.
    const partner = await signedIn(chromium.browser, FRANKLIN.admin);
    const showEmail = () => partner.page.setContent(mail.html, { waitUntil: 'load' });
    await showEmail();
    harness.visited.add(`email notice to ${FRANKLIN.contact}`, mail.html);
    await checkPage(partner.page, 'notice-link-email');
    const ack = await partner.page.getByRole('link', { name: ackLabel, exact: true }).getAttribute('href');
    const open = await partner.page.getByRole('link', { name: 'Open the notice', exact: true }).getAttribute('href');
    expect([ack, open]).toEqual([textLink(ackLabel), textLink('Open the notice')]);
    expect(ack).not.toBe(open);

    // Acknowledge: the GET shows the confirm page; the button acknowledges for Franklin County.
    await Promise.all([partner.page.waitForURL(ack!), partner.page.getByRole('link', { name: ackLabel, exact: true }).click()]);
    expect(await partner.page.getByRole('heading', { level: 1 }).textContent()).toBe('Acknowledge this safety notice?');
    await checkPage(partner.page, 'notice-link-confirm');
    await Promise.all([partner.page.waitForURL(`${noticeUrl}?answered=1`), partner.page.getByRole('button', { name: ackLabel, exact: true }).click()]);
    expect(await partner.page.locator('.usa-alert--success').textContent()).toContain("Your jurisdiction's answer is recorded");
    const answerSection = partner.page.locator('section', { has: partner.page.getByRole('heading', { name: "Your jurisdiction's answer" }) });
    expect(await answerSection.locator('li').allTextContents()).toEqual([expect.stringMatching(new RegExp(`^Acknowledged on .+ UTC by ${FRANKLIN.person}$`))]);
    await checkPage(partner.page, 'notice-link-acknowledged');

    // The same link again: the answer with when and by whom; nothing more to press.
    await partner.page.goto(ack!);
    expect(await partner.page.getByRole('heading', { level: 1 }).textContent()).toBe(`${FRANKLIN.name} has answered this notice`);
    expect(await partner.page.locator('main').textContent()).toMatch(new RegExp(`answered "Acknowledged" on \\d{4}-\\d{2}-\\d{2} by ${FRANKLIN.person}\\. Nothing more was recorded\\.`));
    expect(await partner.page.getByRole('button', { name: ackLabel }).count()).toBe(0);
    await checkPage(partner.page, 'notice-link-answered');

    // The email's Open link: to the notice page.
    await showEmail();
    await Promise.all([partner.page.waitForURL(noticeUrl), partner.page.getByRole('link', { name: 'Open the notice', exact: true }).click()]);
    expect(await partner.page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    await partner.ctx.close();

    // Kentucky's reviewer reads the status table: Franklin County acknowledged, by the person who pressed the button.
    const issuer = await signedIn(chromium.browser, 'demo-ky-dcbs-reviewer');
    await issuer.page.goto(`${noticeUrl}/status`);
    const franklin = issuer.page.locator('tr', { hasText: FRANKLIN.name });
    expect(await franklin.locator('td[data-label="Answer"]').textContent()).toBe('Acknowledged');
    expect(await franklin.locator('td[data-label="Last answered"]').textContent()).toMatch(new RegExp(`UTC, ${FRANKLIN.person}$`));
    await checkPage(issuer.page, 'notice-link-status');
    await issuer.ctx.close();
  });

  it('serves valid HTML on every page the browser visited (W3C Nu checker)', async () => {
    await expectValidHtml(harness);
  });
});
