import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { signInAsDemo, type RealBrowser } from '../../support/chromium.ts';
import { SHOTS, WIDTHS, axeViolations, expectValidHtml, useWebHarness, type WebHarness } from '../../support/web-harness.ts';

/**
 * The records list in real Chromium: search and filters by keyboard and mouse, axe-core
 * clean at 375 and 1280 px with results, with no match and with a bad value. Screenshots in test-results/web/.
 */
let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));
const signInAs = (page: Parameters<typeof signInAsDemo>[0], userId: string) => signInAsDemo(page, cloud.url, userId);

describe('records list with search and filters in Chromium', () => {
  for (const width of WIDTHS) {
    it(`finds records by review id and filters them, without violations at ${width} px`, async () => {
      const ctx = await chromium.browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
      const page = await ctx.newPage();
      await signInAs(page, 'demo-ky-dcbs-submitter');
      const tag = `E2E-${width}-${Date.now().toString(36).toUpperCase()}`;
      for (const n of [1, 2]) {
        const res = await page.request.post(`${cloud.url}/api/jurisdictions/ky-dcbs/records`, {
          data: { formId: 'critical_incident_review', answers: { review_id: `${tag}-${n}` } },
          headers: { accept: 'application/json' },
        });
        expect(res.status()).toBe(201);
      }
      expect((await page.request.post(`${cloud.url}/api/jurisdictions/ky-dcbs/records`, { data: { formId: 'safety_notice' } })).status()).toBe(201);

      await page.goto(`${cloud.url}/`);
      await page.getByRole('link', { name: 'Records', exact: true }).click();
      await page.waitForURL(`${cloud.url}/records`);
      expect(await page.getByRole('link', { name: 'Records', exact: true }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByText('Untitled safety notice').count()).toBeGreaterThan(0);
      expect(await axeViolations(page)).toEqual([]);

      // Search by keyboard: type part of the review id in the search box, Enter submits the GET form.
      await page.getByLabel('Review id or title').fill(tag.toLowerCase().replace(/-/g, ' '));
      await page.getByLabel('Form', { exact: true }).selectOption('critical_incident_review');
      await page.getByLabel('Status', { exact: true }).selectOption('draft');
      await page.getByLabel('Review id or title').press('Enter');
      await page.waitForURL(/\/records\?search=/);
      const names = await page.locator('tbody th a').allTextContents();
      expect(names).toEqual([`${tag}-2`, `${tag}-1`]);
      expect(await page.getByRole('region', { name: 'Records that match the search, newest first' }).count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `records-search-${width}.png`), fullPage: true });

      // No match, then a bad date: the form again with an error summary naming the field.
      await page.getByLabel('Form', { exact: true }).selectOption('safety_notice');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/formId=safety_notice/);
      expect(await page.getByText('No records match this search.').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      const bad = await page.goto(`${cloud.url}/records?search=${tag}&from=2026-13-45`);
      expect(bad?.status()).toBe(400);
      expect(await page.locator('#error-summary').textContent()).toContain('Created from');
      expect(await page.locator('#from').getAttribute('aria-invalid')).toBe('true');
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `records-error-${width}.png`), fullPage: true });
      await ctx.close();
    });
  }
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
