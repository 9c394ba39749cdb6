import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import type { RealBrowser } from '../../support/chromium.ts';
import { SHOTS, WIDTHS, axeViolations, expectValidHtml, useWebHarness, type WebHarness } from '../../support/web-harness.ts';

/**
 * The anonymous survey and the survey wave page in real Chromium (CSP bypassed so axe can be injected): a respondent answers the seeded
 * demo wave without signing in (start page, error summary first, then thanks); a jurisdiction admin opens and closes a wave, and
 * uploads a staff list whose invitation email's link is answered once. axe-core (WCAG 2.1 A/AA) finds nothing on any of these pages
 * at 375 and 1280 px.
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
      expect(cloud.demoSurveyPath).toMatch(/^\/survey\/ky-dcbs#[A-Za-z0-9_-]{22}$/);
      // The start page: the script took the token from after "#" (never sent) into the form, and out of the address bar.
      const res = await page.goto(`${cloud.url}${cloud.demoSurveyPath}`);
      expect(res?.status()).toBe(200);
      await expect.poll(() => page.locator('.npcs-survey-ready').isVisible()).toBe(true);
      expect(await page.locator('#survey-token').isVisible()).toBe(false);
      expect(await page.evaluate(() => location.hash)).toBe('');
      await scan(page, 'survey-start', width);
      await page.getByRole('button', { name: 'Start the survey' }).click();
      await page.waitForURL('**/survey/ky-dcbs/start');
      await expect.poll(() => page.locator('h1').textContent()).toBe('Safety culture survey');
      expect(await page.locator('a[href^="/auth/sign-in"]').count()).toBe(0);
      // The progress list counts answers as they come.
      await expect.poll(() => page.locator('[data-progress-total]').textContent()).toBe('0');
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
      await expect.poll(() => page.locator('[data-progress-total]').textContent()).toBe('3');
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
      expect(link).toMatch(/\/survey\/ky-dcbs#[A-Za-z0-9_-]{22}$/);
      await row.getByRole('button', { name: `Close ${title} now` }).click();
      await page.waitForURL('**/survey-waves?closed=*');

      await page.goto(link!);
      await page.getByRole('button', { name: 'Start the survey' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe('This survey is closed');
      await scan(page, 'survey-closed', width);
      await ctx.close();
    });

    it(`invites a staff list: the email's personal link answers once, for the invitation's unit, at ${width} px`, async () => {
      const ctx = await chromium.browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${cloud.url}/auth/sign-in?returnTo=/survey-waves`);
      await page.locator('[name="user"][value="demo-ky-dcbs-admin"], button[value="demo-ky-dcbs-admin"]').first().click();
      await page.waitForURL(`${cloud.url}/survey-waves`);
      const title = `Invitation wave ${width}`;
      await page.fill('#wave-title', title);
      await page.locator('label[for="wave-mode-invitations"]').click();
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await page.fill('#wave-reminder-1', tomorrow);
      await page.getByRole('button', { name: 'Open the wave' }).click();
      await page.waitForURL('**/survey-waves?opened=*');
      await page.locator('tr', { hasText: title }).getByRole('link', { name: `Upload the staff list of ${title}` }).click();
      await page.waitForURL('**/staff');
      await scan(page, 'survey-staff-list', width);

      // A list with problems: each named by line, nothing imported.
      const units = (await (await fetch(`${cloud.url}/api/jurisdictions/ky-dcbs`)).json()).units as { code: string; label: string }[];
      await page.setInputFiles('#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,unit\nnot-an-email,${units[0]!.code}\nx@y.example.org,nowhere\n`) });
      await page.getByRole('button', { name: 'Import and send invitations' }).click();
      await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
      expect(await page.locator('#error-summary').textContent()).toContain('Line 2');
      await scan(page, 'survey-staff-list-error', width);

      const person = `e2e.${width}.${Date.now()}@agency.example.gov`;
      await page.setInputFiles('#staff-file', { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`email,unit\n${person},${units[1]!.label}\n`) });
      await page.getByRole('button', { name: 'Import and send invitations' }).click();
      await page.waitForURL('**/survey-waves?imported=*');
      await expect.poll(() => page.locator('.usa-alert--success').textContent()).toContain('1 person is being invited');

      // The invitation email arrives in the local inbox; its link opens the survey for the invitation's unit.
      let email: { text: string } | undefined;
      await expect
        .poll(async () => (email = ((await (await fetch(`${cloud.endpoints.mailInbox}/api/email`)).json()) as { to: { address: string }[]; text: string }[]).find((m) => m.to.some((t) => t.address === person))) !== undefined, { timeout: 60_000 })
        .toBe(true);
      const link = /(https?:\/\/\S+\/survey\/ky-dcbs#\S+)/.exec(email!.text)![1]!;
      await page.locator('tr', { hasText: title }).waitFor();
      const respondent = await ctx.browser()!.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const answer = await respondent.newPage();
      answer.on('pageerror', (e) => errors.push(e.message));
      await answer.goto(link);
      await expect.poll(() => answer.locator('.npcs-survey-ready').isVisible()).toBe(true);
      await answer.getByRole('button', { name: 'Start the survey' }).click();
      await expect.poll(() => answer.locator('h1').textContent()).toBe('Safety culture survey');
      expect(await answer.locator('#f-unit').count()).toBe(0);
      expect(await answer.locator('main').textContent()).toContain(`Your unit, as your invitation says: ${units[1]!.label}`);
      await answer.locator('label[for="f-sc_report_concern--4"]').click();
      await expect.poll(() => answer.locator('[data-progress-total]').textContent()).toBe('1');
      await answer.locator('[data-survey-progress]').screenshot({ path: path.join(SHOTS, `survey-progress-${width}.png`) });
      await scan(answer, 'survey-invited', width);
      await answer.getByRole('button', { name: 'Send my answers' }).click();
      await answer.waitForURL('**/thanks');
      await expect.poll(() => answer.locator('h1').textContent()).toBe('Thank you');

      // The same link again: already used.
      await answer.goto(link);
      await answer.getByRole('button', { name: 'Start the survey' }).click();
      await expect.poll(() => answer.locator('h1').textContent()).toBe('This link was already used');
      await scan(answer, 'survey-link-used', width);

      await page.goto(`${cloud.url}/survey-waves`);
      await expect.poll(async () => page.locator('tr', { hasText: title }).locator('.npcs-invitation-counts').textContent()).toContain('Answered: 1');
      await scan(page, 'survey-waves-invitations', width);
      expect(errors).toEqual([]);
      await respondent.close();
      await ctx.close();
    });
  }
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
