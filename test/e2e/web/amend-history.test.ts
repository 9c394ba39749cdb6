import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { signedInContext, type RealBrowser } from '../../support/chromium.ts';
import { checkA11y, expectValidHtml, SHOTS, useWebHarness, WIDTHS, type WebHarness } from '../../support/web-harness.ts';

/**
 * Issue 10 in real Chromium: the step indicator of an 11-step form with each section's state (no horizontal overflow
 * at 375 and 1280 px); a reviewer amends an approved record (a blank reason first: the error state), the author
 * changes an answer and resubmits, and the reviewer sees what changed by label beside the reason, and the history.
 * axe-core (WCAG 2.1 A/AA) at both widths on each page; screenshots in test-results/web/steps-*, amend-*, history-*.
 */
let cloud: LocalCloud;
let chromium: RealBrowser;
// Synth and a local cloud of its own take minutes when the machine is shared by other test runs.
vi.setConfig({ hookTimeout: 600_000 });
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

const signedIn = (browser: Browser, userId: string) => signedInContext(browser, cloud.url, userId);

const api = (page: Page, method: string, url: string, body?: unknown) =>
  page.evaluate(
    async ({ method, url, body }) => {
      const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    { method, url, body },
  );

describe('section states, amendment and history in Chromium', () => {
  it('the step indicator of 11 steps shows each state in text and fits its column at 375 and 1280 px', async () => {
    const { ctx, page } = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    const { sampleCriticalIncidentReview } = await import('#shared/forms/samples.ts');
    const sample = sampleCriticalIncidentReview(1) as Record<string, unknown>;
    // A full systems analysis (10 sections + review); the child section left open, the narrative broken.
    const { child_sex: _sex, ...answers } = sample;
    const made = await api(page, 'POST', '/api/jurisdictions/ky-dcbs/records', { formId: 'critical_incident_review', answers: { ...answers, review_stage: 'full_systems_analysis' } });
    expect(made.status).toBe(201);
    const recordId: string = made.body.recordId;

    // Continue reopens the first section that is not complete.
    await page.goto(`${cloud.url}/records/${recordId}`);
    await page.waitForURL(/\/sections\/child$/);
    const steps = page.locator('nav[aria-label="Sections of the form"] .usa-step-indicator__segment');
    expect(await steps.count()).toBe(11);
    expect(await steps.nth(0).getAttribute('class')).toContain('usa-step-indicator__segment--complete');
    expect(await steps.nth(0).textContent()).toContain('Complete');
    expect(await steps.nth(1).getAttribute('aria-current')).toBe('step');
    expect(await steps.nth(1).textContent()).toContain('In progress');
    // Valid HTML by itself: the name is on the nav, no aria-label on a div without a role.
    expect(await page.locator('.usa-step-indicator[aria-label], .usa-step-indicator div[aria-label]').count()).toBe(0);
    await checkA11y(page, 'steps-child');
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.evaluate(() => {
        const indicator = document.querySelector('.usa-step-indicator')!;
        const column = indicator.parentElement!.getBoundingClientRect();
        // What is drawn: text for screen readers only (usa-sr-only, the clipped labels below tablet width) is not.
        const drawn = (e: Element) => {
          for (let a: Element | null = e; a && a !== indicator.parentElement; a = a.parentElement) {
            const css = getComputedStyle(a);
            if (a.classList.contains('usa-sr-only') || css.clipPath !== 'none' || css.display === 'none') return false;
          }
          return true;
        };
        const boxes = [indicator, ...indicator.querySelectorAll('*')].filter(drawn).map((e) => e.getBoundingClientRect()).filter((r) => r.width > 1 && r.height > 1);
        return {
          scroll: indicator.scrollWidth - indicator.clientWidth,
          outside: boxes.filter((r) => r.right > column.right + 1 || r.left < column.left - 2).length,
          drawn: boxes.length > 11,
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        };
      });
      expect(overflow, `at ${width}px`).toEqual({ scroll: 0, outside: 0, page: 0, drawn: true });
      await page.locator('.usa-step-indicator').screenshot({ path: path.join(SHOTS, `steps-indicator-${width}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await ctx.close();
  });

  it('a reviewer amends an approved record with a reason; the resubmission shows what changed by label; the history', async () => {
    const submitter = await signedIn(chromium.browser, 'demo-ky-dcbs-submitter');
    const { sampleCriticalIncidentReview } = await import('#shared/forms/samples.ts');
    const answers = sampleCriticalIncidentReview(1);
    const made = await api(submitter.page, 'POST', '/api/jurisdictions/ky-dcbs/records', { formId: 'critical_incident_review', answers });
    const recordId: string = made.body.recordId;
    const records = `/api/jurisdictions/ky-dcbs/records/${recordId}`;
    expect((await api(submitter.page, 'POST', `${records}/submit`, { expectedVersion: 1, submissionId: crypto.randomUUID() })).status).toBe(200);
    const reviewer = await signedIn(chromium.browser, 'demo-ky-dcbs-reviewer');
    const page = reviewer.page;
    expect((await api(page, 'POST', `${records}/transitions`, { to: 'approved', expectedVersion: 2 })).status).toBe(200);

    await page.goto(`${cloud.url}/records/${recordId}`);
    await page.getByRole('link', { name: 'Amend this record' }).click();
    await page.waitForURL(/\/amend$/);
    await checkA11y(page, 'amend');
    await page.getByRole('button', { name: 'Amend the record' }).click();
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('#error-summary a').getAttribute('href')).toBe('#amend-reason');
    expect(await page.locator('#amend-reason').getAttribute('aria-invalid')).toBe('true');
    await checkA11y(page, 'amend-error');
    await page.getByLabel(/Why must this record change/).fill('The review date was entered wrong.');
    await Promise.all([page.waitForURL(/\?amended=1$/), page.getByRole('button', { name: 'Amend the record' }).click()]);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Amended');
    expect(await page.locator('.usa-tag').textContent()).toBe('Returned for changes');

    // The author changes one answer (a choice shown by its label) and resubmits.
    const current = await api(submitter.page, 'GET', records);
    const changed = { ...answers, review_date: '2024-04-03', incident_type: 'fatality' };
    expect((await api(submitter.page, 'PUT', `${records}/answers`, { answers: changed, expectedVersion: current.body.version })).status).toBe(200);
    await submitter.page.goto(`${cloud.url}/records/${recordId}/review`);
    await Promise.all([submitter.page.waitForURL(/\?submitted=1/), submitter.page.getByRole('button', { name: 'Submit for review' }).click()]);

    await page.goto(`${cloud.url}/records/${recordId}`);
    const changes = page.locator('.npcs-changes');
    expect(await changes.getByRole('heading', { name: 'What changed since it was amended' }).count()).toBe(1);
    expect(await changes.textContent()).toContain('The review date was entered wrong.');
    const rows = changes.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const byLabel = Object.fromEntries(await rows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, [...tr.querySelectorAll('td')].map((td) => td.textContent)])));
    expect(byLabel['Review date']).toEqual(['The incident', '2024-04-01', '2024-04-03']);
    expect(byLabel['Incident type']).toEqual(['The incident', 'Near fatality', 'Fatality']);
    expect(JSON.stringify(byLabel)).not.toMatch(/near_fatality|review_date/);
    await checkA11y(page, 'review-changes');

    await page.getByRole('link', { name: 'Version history' }).click();
    await page.waitForURL(/\/history$/);
    const history = page.locator('table tbody tr');
    expect(await history.count()).toBe(6);
    expect(await history.nth(3).textContent()).toContain('Amended: back to its author');
    expect(await history.nth(3).textContent()).toContain('The review date was entered wrong.');
    expect(await history.nth(4).textContent()).toContain('Review date');
    await checkA11y(page, 'history');
    await submitter.ctx.close();
    await reviewer.ctx.close();
  });
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
