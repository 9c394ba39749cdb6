import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { signedInContext, type RealBrowser } from '../../support/chromium.ts';
import { checkA11y, expectValidHtml, useWebHarness, type WebHarness } from '../../support/web-harness.ts';

/**
 * The record form (issue 5) in real Chromium against a local cloud: start a review, fill a section with branching,
 * add a repeating group entry, save and return later, review, submit, read; another jurisdiction gets 404; one
 * section by keyboard only; axe-core (WCAG 2.1 A/AA) on every state at 375 and 1280 px. Screenshots in test-results/web/.
 */
const HTML_LOOKING = '<b>bold</b> & <script>alert(1)</script>';

let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

/** A signed-in context; axe needs `bypassCSP` (it is injected inline), the keyboard test runs under the real CSP. */
const signedIn = (browser: Browser, userId: string, bypassCSP = true) => signedInContext(browser, cloud.url, userId, { bypassCSP });

/** USWDS radios and checkboxes are drawn by their labels (the input itself sits off screen): click the label. */
const choose = (scope: Page | ReturnType<Page['locator']>, label: string) =>
  scope.locator('label.usa-radio__label, label.usa-checkbox__label', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).click();

const recordIdOf = (url: string) => /\/records\/([^/?#]+)/.exec(url)![1]!;

describe('the record form in Chromium', () => {
  let recordId: string;

  it('starts a review, fills a section with branching, adds an improvement opportunity, saves and returns, reviews, submits and reads it', async () => {
    const { ctx, page } = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    await page.goto(`${cloud.url}/`);
    await page.getByRole('button', { name: 'Start a critical incident review' }).click();
    await page.waitForURL(/\/sections\/incident/);
    recordId = recordIdOf(page.url());
    expect(await page.locator('.usa-step-indicator').count()).toBe(1);
    await checkA11y(page, 'record-section');

    // Bad input first: the error summary links to the field, which carries its inline error.
    await page.getByLabel('Review ID').fill('not valid!');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForLoadState();
    const summary = page.locator('#error-summary');
    expect(await summary.textContent()).toContain('Review ID can only use letters, numbers and dashes');
    expect(await summary.locator('a').first().getAttribute('href')).toBe('#f-review_id');
    expect(await page.locator('#f-review_id').getAttribute('aria-describedby')).toContain('f-review_id-error');
    expect(await page.locator('.usa-form-group--error .usa-error-message').count()).toBeGreaterThan(0);
    await checkA11y(page, 'record-section-errors');

    // Branching: "Other cause" appears only once the cause is Other (live, with the script).
    await page.getByLabel('Review ID').fill('KY-2026-014');
    await choose(page, 'Fatality');
    await page.getByLabel('Incident date').fill('2026-01-10');
    await page.getByLabel('Notification date').fill('2026-01-11');
    await page.getByLabel('Review date').fill('2026-02-01');
    expect(await page.getByLabel('Other cause').isVisible()).toBe(false);
    await page.getByLabel('Cause of the fatality or near fatality').selectOption('other');
    await expect.poll(() => page.getByLabel('Other cause').isVisible()).toBe(true);
    await page.getByLabel('Other cause').fill(HTML_LOOKING);
    await expect.poll(() => page.locator('.npcs-save-status').textContent(), { timeout: 10_000 }).toContain('Saved');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL(/\/sections\/child/);

    // Straight to the improvement section through the step indicator; add one opportunity (a repeating group).
    await page.goto(`${cloud.url}/records/${recordId}/sections/improvement`);
    await page.getByRole('button', { name: /Add an improvement opportunity/ }).click();
    await page.waitForURL(/\/sections\/improvement/);
    const entry = page.locator('fieldset.npcs-entry').first();
    await entry.getByLabel('Theme').selectOption('supervision');
    await choose(entry, 'Inside the agency');
    await entry.getByLabel('What the review found').fill('Consultation was hard to reach after hours.');
    expect(await entry.locator('.usa-character-count__message').first().textContent()).toMatch(/characters left/);
    await entry.getByLabel('Recommendation').fill('An on-call supervisor rota.');
    await entry.getByLabel('Responsible team or role').fill('Regional office');
    await choose(entry, 'Planned');
    await page.getByRole('button', { name: 'Save and return later' }).click();
    await page.waitForURL((u) => u.pathname === '/' && u.search.includes('saved='));

    // Back from the home page: "Continue" reopens the first section that is not complete (incident is complete).
    await page.locator(`a[href="/records/${recordId}"]`).first().click();
    await page.waitForURL(/\/sections\/child/);
    const incidentStep = page.locator('.usa-step-indicator__segment', { hasText: 'Incident' }).first();
    expect(await incidentStep.getAttribute('class')).toContain('usa-step-indicator__segment--complete');
    expect(await incidentStep.textContent()).toContain('Complete');
    await page.goto(`${cloud.url}/records/${recordId}/sections/incident`);
    expect(await page.getByLabel('Other cause').inputValue()).toBe(HTML_LOOKING);
    await page.goto(`${cloud.url}/records/${recordId}/sections/improvement`);
    expect(await page.locator('fieldset.npcs-entry').count()).toBe(1);

    // Review: submission validation fails (most sections are empty) and lists what is missing.
    await page.goto(`${cloud.url}/records/${recordId}/review`);
    expect(await page.getByRole('link', { name: /Change/ }).count()).toBeGreaterThan(3);
    expect(await page.locator('main').textContent()).toContain(HTML_LOOKING);
    await checkA11y(page, 'record-review');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#error-summary').textContent()).toContain('is required');
    expect(await page.locator('#error-summary a').first().getAttribute('href')).toContain(`/records/${recordId}/sections/`);
    await ctx.close();
  });

  it('submits a complete draft once even when the button is pressed twice, and shows it read-only', async () => {
    const { ctx, page } = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    // Complete the draft through the JSON API with the sample answers (the form pages were tested above).
    const { sampleCriticalIncidentReview } = await import('#shared/forms/samples.ts');
    const current = await page.evaluate(async (id) => (await fetch(`/api/jurisdictions/ky-dcbs/records/${id}`)).json(), recordId);
    const answers = { ...sampleCriticalIncidentReview(7), cause_category: 'other', cause_other: HTML_LOOKING };
    const put = await page.evaluate(
      async ({ id, body }) => (await fetch(`/api/jurisdictions/ky-dcbs/records/${id}/answers`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status,
      { id: recordId, body: { answers, expectedVersion: current.version } },
    );
    expect(put).toBe(200);

    await page.goto(`${cloud.url}/records/${recordId}/review`);
    await Promise.all([page.waitForURL(/\?submitted=1/), page.getByRole('button', { name: 'Submit for review' }).dblclick()]);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Submitted');
    expect(await page.locator('.usa-tag').textContent()).toBe('Submitted');
    expect(await page.locator('main').textContent()).toContain(HTML_LOOKING);
    expect(await page.locator('main b').count()).toBe(0);
    await checkA11y(page, 'record-read-only');

    await page.goto(`${cloud.url}/`);
    const row = page.locator('tr', { has: page.locator(`a[href="/records/${recordId}"]`) });
    expect(await row.textContent()).toContain('Submitted');
    // A submitted record no longer opens as a form.
    await page.goto(`${cloud.url}/records/${recordId}/sections/incident`);
    expect(new URL(page.url()).pathname).toBe(`/records/${recordId}`);
    await ctx.close();
  });

  it('answers 404 to a user of another jurisdiction', async () => {
    const { ctx, page } = await signedIn(chromium.browser, 'demo-oh-franklin-fccs-submitter');
    for (const p of [`/records/${recordId}`, `/records/${recordId}/sections/incident`, `/records/${recordId}/review`]) {
      const res = await page.goto(`${cloud.url}${p}`);
      expect(res?.status(), p).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Page not found');
    }
    await ctx.close();
  });

  it('completes a section with the keyboard only', async () => {
    const { ctx, page } = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter', false);
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${cloud.url}/`);
    await page.getByRole('button', { name: 'Start a critical incident review' }).click();
    await page.waitForURL(/\/sections\/incident/);
    const id = recordIdOf(page.url());
    await page.goto(`${cloud.url}/records/${id}/sections/child`);
    // Tab to the first radio of the section, then answer every question with keys only.
    await page.locator('#main-content').focus();
    const focusName = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
    for (let i = 0; i < 60 && (await focusName()) !== 'child_age_band'; i++) await page.keyboard.press('Tab');
    expect(await focusName()).toBe('child_age_band');
    await page.keyboard.press('Space'); // the first age band
    await page.keyboard.press('Tab');
    expect(await focusName()).toBe('child_sex');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focusName()).toBe('child_race');
    await page.keyboard.press('Space'); // the first race
    while ((await focusName()) === 'child_race') await page.keyboard.press('Tab');
    expect(await focusName()).toBe('child_ethnicity');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Save and continue');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sections\/agency_involvement/);
    const saved = await page.evaluate(async (rid) => (await fetch(`/api/jurisdictions/ky-dcbs/records/${rid}`)).json(), id);
    expect(Object.keys(saved.answers).sort()).toEqual(['child_age_band', 'child_ethnicity', 'child_race', 'child_sex']);
    // Under the real CSP the pages' scripts load and run (the enhancement marks the document), and nothing is refused.
    expect(await page.evaluate(() => document.documentElement.classList.contains('js'))).toBe(true);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
