import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { signInAsDemo, type RealBrowser } from '../../support/chromium.ts';
import { SHOTS, WIDTHS, axeViolations, checkA11y, expectValidHtml, useWebHarness, type WebHarness } from '../../support/web-harness.ts';
import { errorPage } from '#shared/web/components/page.tsx';

/**
 * The web pages in real Chromium against a local cloud: axe-core (WCAG 2.1 A/AA) finds nothing at 375 and 1280 px,
 * every /assets/ URL a page references answers 200, sign-in lands on the home page, and the skip link works by
 * keyboard. Screenshots go to test-results/web/ (git-ignored).
 */

let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

async function context(browser: Browser, width: number): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
}

const signInAs = (page: Page, userId: string) => signInAsDemo(page, cloud.url, userId);

const PAGES = [
  { name: 'home-signed-out', path: '/' },
  { name: 'sign-in-help', path: '/sign-in-help' },
  { name: 'dictionary', path: '/dictionary' },
  { name: 'not-found', path: '/no/such/page', status: 404 },
];

describe('web pages in Chromium', () => {
  for (const width of WIDTHS) {
    it(`have no WCAG 2.1 AA violations at ${width} px (signed out), and their assets load`, async () => {
      const ctx = await context(chromium.browser, width);
      const page = await ctx.newPage();
      const failedAssets: string[] = [];
      page.on('response', (r) => {
        if (new URL(r.url()).pathname.startsWith('/assets/') && r.status() !== 200) failedAssets.push(`${r.status()} ${r.url()}`);
      });
      for (const p of PAGES) {
        const res = await page.goto(`${cloud.url}${p.path}`);
        expect(res?.status(), p.path).toBe(p.status ?? 200);
        expect(await axeViolations(page), p.path).toEqual([]);
        await page.screenshot({ path: path.join(SHOTS, `${p.name}-${width}.png`), fullPage: true });
      }
      expect(failedAssets).toEqual([]);
      await ctx.close();
    });

    it(`signs a demo submitter in and shows the home page with the start form at ${width} px`, async () => {
      const ctx = await context(chromium.browser, width);
      const page = await ctx.newPage();
      await signInAs(page, 'demo-ky-dcbs-submitter');
      await page.goto(`${cloud.url}/`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('Kentucky Department for Community Based Services');
      expect(await page.getByRole('button', { name: 'Start a critical incident review' }).count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `home-signed-in-${width}.png`), fullPage: true });

      // The form posts with its CSRF token and lands on the draft's first section with a confirmation.
      await page.getByRole('button', { name: 'Start a critical incident review' }).click();
      await page.waitForLoadState();
      expect(page.url(), (await page.locator('main').textContent()) ?? '').toContain('/sections/incident?notice=started');
      expect(await page.locator('.usa-alert--success').textContent()).toContain('Started critical incident review');
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForLoadState();
      await page.goto(`${cloud.url}/`);
      expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBeGreaterThan(0);
      await ctx.close();
    });
  }

  for (const width of WIDTHS) {
    it(`shows a jurisdiction admin the audit log, and a platform admin the registry, without violations at ${width} px`, async () => {
      const ctx = await context(chromium.browser, width);
      const page = await ctx.newPage();
      await signInAs(page, 'demo-ky-dcbs-admin');
      const res = await page.goto(`${cloud.url}/audit`);
      expect(res?.status()).toBe(200);
      expect(await page.locator('caption').textContent()).toContain('ky-dcbs');
      expect(await page.getByRole('link', { name: 'Audit log' }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByRole('link', { name: 'Registry' }).count()).toBe(0);
      // The session-timeout warning is there, hidden until two minutes before idle expiry.
      expect(await page.locator('#session-timeout').count()).toBe(1);
      expect(await page.locator('#session-timeout').isHidden()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `audit-${width}.png`), fullPage: true });
      await ctx.close();

      const adminCtx = await context(chromium.browser, width);
      const adminPage = await adminCtx.newPage();
      await signInAs(adminPage, 'demo-platform-admin');
      expect((await adminPage.goto(`${cloud.url}/registry`))?.status()).toBe(200);
      expect(await adminPage.locator('tbody tr').count()).toBeGreaterThan(0);
      expect(await axeViolations(adminPage)).toEqual([]);
      await adminPage.screenshot({ path: path.join(SHOTS, `registry-${width}.png`), fullPage: true });
      expect((await adminPage.goto(`${cloud.url}/audit`))?.status()).toBe(200);
      expect(await axeViolations(adminPage)).toEqual([]);
      await adminCtx.close();
    });
  }

  it("shows the warehouse releases to a platform admin, who starts one with a reason (and is told when it has none)", async () => {
    const ctx = await context(chromium.browser, 1280);
    const page = await ctx.newPage();
    await signInAs(page, 'demo-platform-admin');
    expect((await page.goto(`${cloud.url}/warehouse`))?.status()).toBe(200);
    expect(await page.getByRole('link', { name: 'Data warehouse' }).getAttribute('aria-current')).toBe('page');
    await checkA11y(page, 'warehouse');

    // No reason (blanks get past the browser's required check): the page again, with the error summary pointing at the field.
    await page.getByLabel('Why a release is needed now').fill('   ');
    await page.getByRole('button', { name: 'Start a release now' }).click();
    await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
    expect(await page.locator('#error-summary').textContent()).toContain('Say why a release is needed now');
    await checkA11y(page, 'warehouse-no-reason');

    await page.getByLabel('Why a release is needed now').fill('A jurisdiction withdrew its consent (e2e)');
    await page.getByRole('button', { name: 'Start a release now' }).click();
    await page.waitForURL(/\/warehouse\?started=1$/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('The release has started');
    // The release is listed with its reason once it has finished, and is the current one.
    await expect
      .poll(async () => (await page.reload(), await page.locator('main').textContent()) ?? '', { timeout: 60_000, interval: 1000 })
      .toMatch(/\(current\)\s*.*Started by a platform admin: A jurisdiction withdrew its consent \(e2e\)/s);
    expect(await page.locator('#current-heading').count()).toBe(1);
    await checkA11y(page, 'warehouse-released');
    // The report run form says the same after its redirect.
    await page.goto(`${cloud.url}/reports/runs?started=2026-Q1`);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('The run for 2026-Q1 has started');
    await ctx.close();
  });

  it('starts a safety notice from home; its section, review and error pages, and the 413 and 500 pages, have no violations', async () => {
    const ctx = await context(chromium.browser, 1280);
    const page = await ctx.newPage();
    await signInAs(page, 'demo-ky-dcbs-submitter');
    await page.goto(`${cloud.url}/`);
    await page.getByRole('button', { name: 'Start a safety notice' }).click();
    await page.waitForURL(/\/sections\/notice\?notice=started/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Started safety notice');
    await checkA11y(page, 'notice-section');
    const recordPath = new URL(page.url()).pathname.replace(/\/sections\/.*$/, '');
    await page.goto(`${cloud.url}${recordPath}/review`);
    await checkA11y(page, 'notice-review');
    // Submitting the empty notice: the review page again, with the error summary of what it needs.
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await expect.poll(() => page.locator('#error-summary').count()).toBe(1);
    await checkA11y(page, 'notice-review-errors');

    // A 5 MB paste gets the "too large" page.
    const section = await page.goto(`${cloud.url}${recordPath}/sections/notice`);
    expect(section?.status()).toBe(200);
    // Past the field's maxlength, as a paste through a tampered page or a script would be.
    await page.locator('#f-title').evaluate((t) => {
      const input = t as HTMLInputElement;
      input.removeAttribute('maxlength');
      input.value = 'x'.repeat(5 * 1024 * 1024);
    });
    await page.getByRole('button', { name: 'Save and continue' }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('What you sent is too large');
    await checkA11y(page, 'error-413');

    // The 500 page cannot be provoked on purpose: its markup (the same template) under the served page's head.
    const served = await (await fetch(`${cloud.url}/no/such/page`, { headers: { accept: 'text/html' } })).text();
    const head = /<head>[\s\S]*<\/head>/.exec(served)![0];
    const body = /<body[\s\S]*<\/body>/.exec(String(errorPage(500, 'req-e2e').body))![0];
    await page.goto(`${cloud.url}/no/such/page`);
    const html500 = `<!DOCTYPE html><html lang="en">${head}${body}</html>`;
    harness.visited.add('the 500 error page', html500);
    await page.setContent(html500, { waitUntil: 'load' });
    expect(await page.locator('h1').textContent()).toBe('Something went wrong');
    await checkA11y(page, 'error-500');
    await ctx.close();
  });

  it('refuses the audit log and the registry to a submitter with the 403 page', async () => {
    const ctx = await context(chromium.browser, 1280);
    const page = await ctx.newPage();
    await signInAs(page, 'demo-ky-dcbs-submitter');
    for (const p of ['/audit', '/registry']) {
      const res = await page.goto(`${cloud.url}${p}`);
      expect(res?.status(), p).toBe(403);
      expect(await page.locator('h1').textContent()).toBe('You cannot do that here');
    }
    expect(await axeViolations(page)).toEqual([]);
    await ctx.close();
  });

  it('shows the session-timeout warning as an accessible alert dialog with a focused "Stay signed in" button', async () => {
    const ctx = await context(chromium.browser, 375);
    const page = await ctx.newPage();
    await signInAs(page, 'demo-ky-dcbs-reviewer');
    // The session's real idle time is 30 minutes: answer the page's status read with 90 seconds left instead.
    await page.route('**/api/session', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ principal: { role: 'reviewer' }, session: { secondsLeft: 90, idleTimeoutSeconds: 1800 } }) }),
    );
    await page.goto(`${cloud.url}/`);
    const dialog = page.getByRole('alertdialog', { name: 'Your session is about to end' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('signed out in about 2 minutes');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Stay signed in');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `session-timeout-375.png`), fullPage: false });
    // Stay signed in: the real keep-alive answers with a fresh idle time, and the warning goes away.
    await page.getByRole('button', { name: 'Stay signed in' }).click();
    await expect.poll(() => page.locator('#session-timeout').isHidden()).toBe(true);
    await ctx.close();
  });

  it('says the session has ended and links to sign in again at expiry', async () => {
    const ctx = await context(chromium.browser, 1280);
    const page = await ctx.newPage();
    await signInAs(page, 'demo-ky-dcbs-reviewer');
    await page.route('**/api/session', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ principal: { role: 'reviewer' }, session: { secondsLeft: 1, idleTimeoutSeconds: 1800 } }) }),
    );
    await page.goto(`${cloud.url}/sign-in-help`);
    await page.getByRole('alertdialog', { name: 'You have been signed out' }).waitFor();
    const link = page.getByRole('link', { name: 'Sign in again' });
    expect(await link.getAttribute('href')).toBe('/auth/sign-in?returnTo=%2Fsign-in-help');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Sign in again');
    expect(await axeViolations(page)).toEqual([]);
    await ctx.close();
  });

  it('reaches the main content by keyboard through the skip link', async () => {
    const ctx = await context(chromium.browser, 1280);
    const page = await ctx.newPage();
    await page.goto(`${cloud.url}/`);
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), visible: document.activeElement?.getBoundingClientRect().height }));
    expect(focused.text).toBe('Skip to main content');
    expect(focused.visible).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main-content');
    await ctx.close();
  });
});

describe('security of the pages', () => {
  it('sends a strict CSP, nosniff and frame-ancestors none, and refuses a cross-site form post with a friendly 403', async () => {
    const res = await fetch(`${cloud.url}/`, { headers: { accept: 'text/html' } });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);

    const forged = await fetch(`${cloud.url}/auth/sign-out`, {
      method: 'POST',
      headers: { accept: 'text/html', origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: '_csrf=x',
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('You cannot do that here');
    const noToken = await fetch(`${cloud.url}/records`, { method: 'POST', headers: { accept: 'application/json' }, redirect: 'manual' });
    expect([401, 403]).toContain(noToken.status);
  });

  it('answers every /assets/ URL the pages reference with 200 and a year-long cache for hashed names', async () => {
    const html = await (await fetch(`${cloud.url}/`)).text();
    const urls = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const u of urls) {
      const res = await fetch(`${cloud.url}${u}`);
      expect(res.status, u).toBe(200);
      expect(res.headers.get('cache-control'), u).toContain('max-age=31536000');
      // The stylesheet's fonts and icons are there too.
      if (u.endsWith('.css')) {
        const css = await res.text();
        for (const ref of [...css.matchAll(/url\((\.\.\/[^)]+)\)/g)].map((m) => new URL(m[1]!, `${cloud.url}${u}`).pathname).slice(0, 200)) {
          expect((await fetch(`${cloud.url}${ref}`, { method: 'HEAD' })).status, ref).toBe(200);
        }
      }
    }
    expect((await fetch(`${cloud.url}/assets/../package.json`)).status).not.toBe(200);
  });
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
