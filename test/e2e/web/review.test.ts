import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { signedInContext, type RealBrowser } from '../../support/chromium.ts';
import { axeViolations, checkA11y, expectValidHtml, useWebHarness, type WebHarness } from '../../support/web-harness.ts';

/**
 * The review life cycle in real Chromium against a local cloud: a submitter submits a record, the reviewer returns
 * it (first without a reason: the error state), the submitter sees the reason on the section page, resubmits, and the
 * reviewer approves with a double click. axe-core (WCAG 2.1 A/AA) at 375 and 1280 px on the reviewer's record page
 * with its decision forms, their error state, the returned record's section page and the reviewer's home page.
 * Screenshots in test-results/web/review-*.png.
 */
const REASON = 'Add the timeline of contacts.\n<b>Not bold</b> & <script>alert(1)</script>';

let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

const signedIn = (browser: Browser, userId: string) => signedInContext(browser, cloud.url, userId);

async function submitFromReviewPage(page: Page, recordId: string) {
  await page.goto(`${cloud.url}/records/${recordId}/review`);
  await Promise.all([page.waitForURL(/\?submitted=1/), page.getByRole('button', { name: 'Submit for review' }).click()]);
}

describe('reviewing a record in Chromium', () => {
  it('the reviewer returns a record with a reason, the submitter sees it and resubmits, the reviewer approves', async () => {
    const submitter = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    const { sampleCriticalIncidentReview } = await import('#shared/forms/samples.ts');
    const made = await submitter.page.evaluate(
      async (answers) =>
        (await fetch('/api/jurisdictions/ky-dcbs/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ formId: 'critical_incident_review', answers }) })).json(),
      sampleCriticalIncidentReview(2),
    );
    const recordId: string = made.recordId;
    await submitFromReviewPage(submitter.page, recordId);

    // The reviewer's home lists it under Your tasks; the record page offers the three decisions.
    const reviewer = await signedIn(chromium.browser, 'demo-ky-dcbs-reviewer');
    const page = reviewer.page;
    await page.goto(`${cloud.url}/`);
    const tasks = page.locator('#tasks');
    expect(await tasks.getByRole('heading', { name: 'Waiting for review' }).count()).toBe(1);
    expect(await tasks.locator(`a[href="/records/${recordId}"]`).count()).toBe(1);
    // Once the workflow waits for a decision, the task shows its due date (the jurisdiction's reminder interval).
    const item = tasks.locator('.usa-collection__item', { has: page.locator(`a[href="/records/${recordId}"]`) });
    await expect.poll(async () => (await page.reload(), await item.textContent()), { timeout: 15_000 }).toMatch(/Due \d{4}-\d{2}-\d{2}/);
    await checkA11y(page, 'review-home-reviewer');

    // The jurisdiction admin sees every open review with its age and due date.
    const admin = await signedIn(chromium.browser, 'demo-ky-dcbs-admin');
    await admin.page.goto(`${cloud.url}/`);
    const openRow = admin.page.locator('tr', { has: admin.page.locator(`a[href="/records/${recordId}"]`) });
    expect(await admin.page.getByRole('heading', { name: /^Open reviews of / }).count()).toBe(1);
    expect(await openRow.locator('td[data-label="Waiting for"]').textContent()).toBe('A reviewer’s decision');
    expect(await openRow.locator('td[data-label="Open for"]').textContent()).toBe('0 days');
    expect(await openRow.locator('td[data-label="Due"]').textContent()).toMatch(/^Due \d{4}-\d{2}-\d{2}$/);
    await checkA11y(admin.page, 'review-home-admin');
    await admin.ctx.close();

    await tasks.locator(`a[href="/records/${recordId}"]`).click();
    await page.waitForURL(`${cloud.url}/records/${recordId}`);
    const decision = page.locator('#review-actions');
    for (const name of ['Start review', 'Return for changes', 'Approve']) expect(await decision.getByRole('button', { name }).count(), name).toBe(1);
    await checkA11y(page, 'review-record');

    await decision.getByRole('button', { name: 'Start review' }).click();
    await page.waitForURL(/\?moved=in_review/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Review started');

    // Return without a reason: the error summary (focused) links to the reason box, which carries the inline error.
    await page.getByRole('button', { name: 'Return for changes' }).click();
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: /);
    const summary = page.locator('#error-summary');
    expect(await summary.textContent()).toContain('Say what needs to change');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await summary.locator('a').getAttribute('href')).toBe('#review-reason');
    expect(await page.getByLabel('What must the submitter change?').getAttribute('aria-describedby')).toContain('review-reason-error');
    await checkA11y(page, 'review-record-error');

    await summary.locator('a').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('review-reason');
    await page.getByLabel('What must the submitter change?').fill(REASON);
    await page.getByRole('button', { name: 'Return for changes' }).click();
    await page.waitForURL(/\?moved=returned/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Returned for changes');
    expect(await page.locator('.npcs-returned-reason').textContent()).toBe(REASON);

    // The submitter's record is complete, so "Continue" opens its review page, with the reason shown as text.
    await submitter.page.goto(`${cloud.url}/records/${recordId}`);
    await submitter.page.waitForURL(new RegExp(`/records/${recordId}/review$`));
    expect(await submitter.page.locator('.npcs-returned .npcs-returned-reason').textContent()).toBe(REASON);
    await submitter.page.goto(`${cloud.url}/records/${recordId}/sections/incident`);
    const alert = submitter.page.locator('.npcs-returned');
    expect(await alert.getByRole('heading', { name: 'Returned for changes' }).count()).toBe(1);
    expect(await alert.locator('.npcs-returned-reason').textContent()).toBe(REASON);
    expect(await alert.locator('b, script').count()).toBe(0);
    await checkA11y(submitter.page, 'review-returned-section');

    await submitter.page.getByLabel('Review ID').fill('KY-2026-RESUBMIT');
    await submitter.page.getByRole('button', { name: 'Save and continue' }).click();
    await submitter.page.waitForURL(/\/sections\/child/);
    await submitFromReviewPage(submitter.page, recordId);
    expect(await submitter.page.locator('.npcs-returned').count()).toBe(0);

    // Approve with a double click: the record moves once and the reviewer sees the confirmation, not an error.
    await page.goto(`${cloud.url}/records/${recordId}`);
    expect(await page.locator('.npcs-returned').count()).toBe(0);
    const version = Number(await page.locator('#review-actions input[name="expectedVersion"]').first().inputValue());
    await Promise.all([page.waitForURL(/\?moved=approved/), page.getByRole('button', { name: 'Approve' }).dblclick()]);
    await page.waitForLoadState();
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Approved');
    expect(await page.locator('.usa-tag').textContent()).toBe('Approved');
    const stored = await page.evaluate(async (id) => (await fetch(`/api/jurisdictions/ky-dcbs/records/${id}`)).json(), recordId);
    expect(stored).toMatchObject({ status: 'approved', version: version + 1, answers: { review_id: 'KY-2026-RESUBMIT' } });

    // The record page's review history: every step of the workflow and every decision, who and how, oldest first.
    const history = page.locator('.npcs-review-history tbody th');
    await expect
      .poll(async () => (await page.reload(), await history.allTextContents()), { timeout: 15_000 })
      .toEqual([
        expect.stringMatching(/^Review requested; /),
        'Taken into review on the record page',
        'Returned for changes on the record page',
        expect.stringMatching(/^Author told it was returned/),
        expect.stringMatching(/^Resubmitted: review requested again; /),
        'Approved on the record page',
        expect.stringMatching(/^Author told it was approved/),
      ]);
    expect(await page.locator('.npcs-review-history tbody td[data-label="Who"]').nth(1).textContent()).toBe('Riley Haddad (Reviewer (agency review lead))');
    await checkA11y(page, 'review-record-history');

    await submitter.ctx.close();
    await reviewer.ctx.close();
  });

  it("shows the reviewer a submitted safety notice's pre-publication check above the decision forms", async () => {
    const submitter = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    const { sampleSafetyNotice } = await import('#shared/forms/samples.ts');
    const answers = { ...sampleSafetyNotice('ky-dcbs'), evidence: 'Maria Lopez called the hotline at (502) 555-0123 twice before the review found the gap.' };
    const recordId: string = await submitter.page.evaluate(async (body) => {
      const api = '/api/jurisdictions/ky-dcbs/records';
      const json = (b: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
      const made = await (await fetch(api, json({ formId: 'safety_notice', answers: body }))).json();
      const submitted = await fetch(`${api}/${made.recordId}/submit`, json({ expectedVersion: made.version, submissionId: crypto.randomUUID() }));
      if (!submitted.ok) throw new Error(`submit: ${submitted.status}`);
      return made.recordId;
    }, answers);
    await submitter.ctx.close();

    const reviewer = await signedIn(chromium.browser, 'demo-ky-dcbs-reviewer');
    const page = reviewer.page;
    await page.goto(`${cloud.url}/records/${recordId}`);
    // The stream task may not have run yet: the page then says so (and still offers the decision); a reload shows it.
    const report = page.locator('#precheck .npcs-precheck-report');
    await expect.poll(async () => (await page.reload(), await report.count()), { timeout: 15_000 }).toBe(1);
    const summary = page.locator('#precheck .usa-alert--warning');
    expect(await summary.getByRole('heading').textContent()).toBe('Check 2 passages before you approve');
    expect((await summary.locator('li').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['Evidence: 1 possible name, 1 possible phone number']);
    expect(await summary.getByRole('link', { name: 'Evidence' }).getAttribute('href')).toBe('#precheck-evidence');
    const evidence = page.locator('#precheck-evidence');
    expect(await evidence.locator('mark.npcs-precheck').evaluateAll((marks) => marks.map((m) => [m.getAttribute('data-kind'), m.childNodes[1]?.textContent]))).toEqual([
      ['name', 'Maria Lopez'],
      ['phone', '(502) 555-0123'],
    ]);
    // Above the decision forms, which are all there: the check warns, it never blocks.
    expect(await page.evaluate(() => document.querySelector('#precheck')!.compareDocumentPosition(document.querySelector('#review-actions')!) & Node.DOCUMENT_POSITION_FOLLOWING)).toBeTruthy();
    for (const name of ['Start review', 'Return for changes', 'Approve']) expect(await page.locator('#review-actions').getByRole('button', { name }).count(), name).toBe(1);
    await checkA11y(page, 'review-notice-precheck');

    // The submitter (who cannot decide) sees no check on the same record.
    const again = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    await again.page.goto(`${cloud.url}/records/${recordId}`);
    expect(await again.page.locator('#precheck').count()).toBe(0);
    await again.ctx.close();
    await reviewer.ctx.close();
  });

  it('starts a safety notice from the home page', async () => {
    const { ctx, page } = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    await page.goto(`${cloud.url}/`);
    await page.getByRole('button', { name: 'Start a safety notice' }).click();
    await page.waitForURL(/\/sections\/notice\?notice=started/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Started safety notice');
    expect(await page.getByLabel('Title').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await ctx.close();
  });
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
