import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import type { RealBrowser } from '../../support/chromium.ts';
import { SHOTS, WIDTHS, axeViolations, expectValidHtml, useWebHarness, type WebHarness } from '../../support/web-harness.ts';

/**
 * The anonymous survey and the survey wave page in real Chromium (CSP bypassed so axe can be injected): a respondent answers the seeded
 * demo wave without signing in (error summary first, then thanks); a jurisdiction admin opens and closes a wave.
 * axe-core (WCAG 2.1 A/AA) finds nothing on any of these pages at 375 and 1280 px.
 */
let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

async function scan(page: Page, name: string, width: number) {
  expect(await axeViolations(page), name).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
}

describe('anonymous survey in Chromium', () => {
  for (const width of WIDTHS) {
    it(`is answered without signing in, with the error summary first, at ${width} px`, async () => {
      const ctx = await chromium.browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await ctx.newPage();
      const errors: string[] = [];
      // Script errors and assets that fail (the 422 of the error state is the page's own status, not a failure).
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => {
        if (new URL(r.url()).pathname.startsWith('/assets/') && r.status() !== 200) errors.push(`${r.status()} ${r.url()}`);
      });
      expect(cloud.demoSurveyPath).toMatch(/^\/survey\/ky-dcbs\/[A-Za-z0-9_-]{22}$/);
      const res = await page.goto(`${cloud.url}${cloud.demoSurveyPath}`);
      expect(res?.status()).toBe(200);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Safety culture survey');
      expect(await page.locator('a[href^="/auth/sign-in"]').count()).toBe(0);
      await scan(page, 'survey', width);

      // Sent with no unit: the error summary links to the unit question.
      await page.getByRole('button', { name: 'Send my answers' }).click();
      await page.waitForLoadState('load');
      await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
      await scan(page, 'survey-error', width);
      await page.locator('#error-summary a[href="#f-unit"]').click();
      expect(await page.evaluate(() => location.hash)).toBe('#f-unit');

      await page.selectOption('#f-unit', { index: 1 });
      // USWDS radios are styled labels over visually hidden inputs: people click the label.
      await page.locator('label[for="f-sc_report_concern--4"]').click();
      await page.locator('label[for="f-ps_try_new--5"]').click();
      expect(await page.locator('#f-sc_report_concern--4').isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Send my answers' }).click();
      await page.waitForURL('**/thanks');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Thank you');
      await scan(page, 'survey-thanks', width);
      expect(errors).toEqual([]);
      await ctx.close();
    });

    it(`lets a jurisdiction admin open and close a wave; a closed link says so, at ${width} px`, async () => {
      const ctx = await chromium.browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await ctx.newPage();
      await page.goto(`${cloud.url}/auth/sign-in?returnTo=/survey-waves`);
      await page.locator('[name="user"][value="demo-ky-dcbs-admin"], button[value="demo-ky-dcbs-admin"]').first().click();
      await page.waitForURL(`${cloud.url}/survey-waves`);
      await scan(page, 'survey-waves', width);

      await page.fill('#wave-title', '');
      await page.getByRole('button', { name: 'Open the wave' }).click();
      await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
      await scan(page, 'survey-waves-error', width);

      const title = `Browser wave ${width}`;
      await page.fill('#wave-title', title);
      await page.getByRole('button', { name: 'Open the wave' }).click();
      await page.waitForURL('**/survey-waves?opened=*');
      const row = page.locator('tr', { hasText: title });
      const link = await row.locator('.npcs-survey-link a').getAttribute('href');
      expect(link).toMatch(/\/survey\/ky-dcbs\/[A-Za-z0-9_-]{22}$/);
      await row.getByRole('button', { name: `Close ${title} now` }).click();
      await page.waitForURL('**/survey-waves?closed=*');

      const closed = await page.goto(link!);
      expect(closed?.status()).toBe(410);
      await expect.poll(() => page.locator('h1').textContent()).toBe('This survey is closed');
      await scan(page, 'survey-closed', width);
      await ctx.close();
    });
  }
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
