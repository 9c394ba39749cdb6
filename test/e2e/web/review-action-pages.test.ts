import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildWebAssets, type AssetManifest } from '#infra/build-web-assets.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { confirmPage, refusedPage } from '#shared/review/web/action-pages.tsx';
import { PAGE_CSP } from '#shared/web/components/page.tsx';
import { launchChromium, type RealBrowser } from '../../support/chromium.ts';
import { nuCheck, type VisitedPage } from '../../support/nu-checker.ts';
import { checkA11y } from '../../support/web-harness.ts';

/**
 * The pages of an emailed review link in real Chromium, with the USWDS assets built as at synth and the pages' CSP:
 * axe-core (WCAG 2.1 A/AA) at 375 and 1280 px, screenshots (test-results/web/action-*), nothing that submits or
 * navigates by itself, and the W3C Nu HTML checker on every page. The pages are rendered by their own functions
 * (shared/review/web/action-pages.tsx); the routes that serve them are wired with the review workflow.
 */
vi.setConfig({ hookTimeout: 300_000, testTimeout: 120_000 });
const ORIGIN = 'http://app.localhost';
const reviewer: Principal = { subject: 'sub-reviewer', role: 'reviewer', jurisdictionId: 'ky-dcbs', displayName: 'Riley Haddad' };
const record = { formId: 'critical_incident_review', recordId: '01JD5X0R7Q8ZK2V3W4Y5A6B7C8', reference: 'CIR-2026-017' };
const actionId = 'Qm9vbGVhbkFjdGlvbklkRm9yVGVzdHMxMjM0NTY3ODk';
const expiresAt = '2026-12-06T12:00:00.000Z';
const csrf = 'csrf-token-1';

const PAGES: [string, () => { statusCode: number; body?: string | undefined }][] = [
  ['action-approve', () => confirmPage({ principal: reviewer, csrf, actionId, decision: 'approve', record, expiresAt })],
  ['action-return', () => confirmPage({ principal: reviewer, csrf, actionId, decision: 'return', record, expiresAt })],
  ['action-return-error', () => confirmPage({ principal: reviewer, csrf, actionId, decision: 'return', record, expiresAt, reason: '', reasonError: 'Say what the submitter must change' }, 422)],
  ['action-used', () => refusedPage({ principal: reviewer, csrf, status: 'used', record })],
  ['action-superseded', () => refusedPage({ principal: reviewer, csrf, status: 'superseded', record })],
  ['action-expired', () => refusedPage({ principal: reviewer, csrf, status: 'expired', record })],
  ['action-foreign', () => refusedPage({ principal: reviewer, csrf, status: 'foreign' })],
  ['action-unknown', () => refusedPage({ principal: reviewer, csrf, status: 'unknown' })],
  ['action-malformed', () => refusedPage({ principal: undefined, csrf: '', status: 'malformed' })],
  ['action-decided-elsewhere', () => refusedPage({ principal: reviewer, csrf, status: 'decided_elsewhere', record })],
];

let chromium: RealBrowser;
let assets: { dir: string; manifest: AssetManifest };
let assetsRoot: string;
const served: VisitedPage[] = [];
const csp = Object.entries(PAGE_CSP).map(([k, v]) => `${k} ${v}`).join('; ');

beforeAll(async () => {
  assetsRoot = mkdtempSync(path.join(tmpdir(), 'npcs-action-assets-'));
  assets = buildWebAssets(path.join(assetsRoot, 'web-assets'));
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  rmSync(assetsRoot, { recursive: true, force: true });
});

describe('review link pages in Chromium', () => {
  for (const [name, render] of PAGES) {
    it(`${name}: accessible at both widths, and nothing happens by itself`, async () => {
      const rendered = render();
      const html = String(rendered.body);
      served.push({ source: name, html });
      const serve = async (ctx: BrowserContext) => {
        await ctx.route(`${ORIGIN}/**`, async (route) => {
          const url = new URL(route.request().url());
          if (url.pathname.startsWith('/assets/')) {
            const logical = decodeURIComponent(url.pathname.slice('/assets/'.length));
            const file = path.join(assets.dir, assets.manifest[logical] ?? logical);
            const type = file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'text/javascript' : file.endsWith('.woff2') ? 'font/woff2' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
            return route.fulfill({ status: 200, body: readFileSync(file), headers: { 'content-type': type } });
          }
          return route.fulfill({ status: rendered.statusCode, body: html, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp } });
        });
        const page = await ctx.newPage();
        await page.goto(`${ORIGIN}/actions/${actionId}`);
        return page;
      };

      // As a scanner's headless browser sees it, with the page's CSP: nothing is sent, nothing navigates, no CSP error.
      const strict = await chromium.browser.newContext();
      const requests: string[] = [];
      const cspErrors: string[] = [];
      strict.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
      strict.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
      const page = await serve(strict);
      // The stylesheet is ours and applied (the page is styled as USWDS, so axe judges real colors).
      expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toMatch(/Source Sans|Public Sans/i);
      await page.waitForTimeout(1500);
      expect(page.url()).toBe(`${ORIGIN}/actions/${actionId}`);
      expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
      expect(cspErrors).toEqual([]);
      await strict.close();

      // axe is injected as a script, which the page's CSP forbids: its own context lets it in.
      const open = await chromium.browser.newContext({ bypassCSP: true });
      const checked = await serve(open);
      await checkA11y(checked, name);
      if (name.startsWith('action-return')) {
        expect(await checked.locator('textarea[name="reason"][required]').count()).toBe(1);
        expect(await checked.locator('label[for="action-reason"]').textContent()).toContain('What must the submitter change?');
      }
      await open.close();
    });
  }

  it('every page passes the W3C Nu HTML checker', async () => {
    expect(served.length).toBe(PAGES.length);
    const problems = await nuCheck(served);
    expect(problems.map((p) => `${p.source} line ${p.line}: ${p.message}`)).toEqual([]);
  });
});
