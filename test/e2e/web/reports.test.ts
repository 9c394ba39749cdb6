/**
 * The report pages in real Chromium, served by their page functions (shared/reports/web/report-flow.tsx) over an
 * in-memory reader holding fragments rendered here by the report renderer, with the site's built assets and the
 * pages' real Content-Security-Policy: no CSP violation, axe-core (WCAG 2.1 A/AA) clean at 375 and 1280 px, the W3C
 * Nu checker clean, print media laid out whole, files downloaded as attachments. The reports store and the web
 * function's wiring are the lead's; what the browser sees of the pages is this. Screenshots (and a PDF of the printed
 * report) in test-results/reports/.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebAssets } from '#infra/build-web-assets.ts';
import type { Principal } from '#shared/auth/principal.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { renderReportHtml } from '#shared/reports/render/report.tsx';
import { ownReportFile, reportFile, showOwnReport, showReport, showReports, showRunForm } from '#shared/reports/web/report-flow.tsx';
import { PAGE_CSP } from '#shared/web/components/page.tsx';
import type { PageInput } from '#shared/web/page-input.ts';
import { launchChromium, type RealBrowser } from '../../support/chromium.ts';
import { nuCheck, type VisitedPage } from '../../support/nu-checker.ts';
import { ownDocument, partnershipDocument } from '../../support/report-fixtures.ts';
import { memoryReader, release } from '../../support/report-reader.ts';
import { axeViolations, WIDTHS } from '../../support/web-harness.ts';

const SHOTS = path.resolve(import.meta.dirname, '..', '..', '..', 'test-results', 'reports');
const ASSETS = path.join(tmpdir(), `npcs-report-assets-${process.pid}`);
const FILES = ['manifest.json', 'reviews_by_incident_type.period.csv', 'reviews_by_incident_type.period.json', 'reviews_by_incident_type.period.parquet'];
const PARQUET = new Uint8Array([0x50, 0x41, 0x52, 0x31, 0x15, 0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x00, 0x50, 0x41, 0x52, 0x31]);
const CSV = 'jurisdiction,Fatality,Near fatality\r\nKentucky DCBS,23,\r\n';
const CSP = Object.entries(PAGE_CSP)
  .map(([k, v]) => `${k} ${v}`)
  .join('; ');
const TYPES: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript', '.woff2': 'font/woff2', '.svg': 'image/svg+xml', '.png': 'image/png' };

const USERS: Record<string, Principal> = {
  lead: { subject: 'lead', role: 'partnership_lead', displayName: 'Pat Lead' },
  admin: { subject: 'admin', role: 'jurisdiction_admin', jurisdictionId: 'ky-dcbs', displayName: 'Kim Admin' },
  platform: { subject: 'platform', role: 'platform_admin', displayName: 'Ada Platform' },
};

let chromium: RealBrowser;
let browser: Browser;
let server: Server;
let base: string;
const served: VisitedPage[] = [];

/** The pages' routes over the reader; the principal is the `as` query parameter (this test's stand-in for a session). */
async function serve(url: URL, manifest: Record<string, string>, reader: ReturnType<typeof memoryReader>): Promise<HttpResult | { file: string }> {
  const p = url.pathname;
  if (p.startsWith('/assets/')) {
    const logical = p.slice('/assets/'.length);
    // Unbundled pages name assets by logical name: point them at the hashed file, whose relative URLs then resolve.
    if (manifest[logical]) return { statusCode: 302, headers: { location: `/assets/${manifest[logical]}` } };
    return { file: path.join(ASSETS, logical) };
  }
  const principal = USERS[url.searchParams.get('as') ?? 'lead']!;
  const i: PageInput = { table: 'unused', principal, event: { requestContext: { requestId: 'e2e' } } as unknown as APIGatewayProxyEventV2, csrf: 'e2e-csrf-token' };
  const s = p.split('/').filter(Boolean).map(decodeURIComponent);
  if (p === '/reports') return showReports(i, reader);
  if (p === '/reports/runs') return showRunForm(i, reader);
  if (s.length === 3) return showReport(i, reader, s[1]!, s[2]!);
  if (s.length === 5 && s[3] === 'files') return reportFile(i, reader, s[1]!, s[2]!, s[4]!);
  if (s.length === 5 && s[3] === 'jurisdictions') return showOwnReport(i, reader, s[1]!, s[2]!, s[4]!);
  if (s.length === 7) return ownReportFile(i, reader, s[1]!, s[2]!, s[4]!, s[6]!);
  return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'not a route of this test' };
}

beforeAll(async () => {
  const { manifest } = buildWebAssets(ASSETS);
  const reader = memoryReader([
    {
      release: release('monthly', '2026-03', FILES, partnershipDocument().headline),
      html: { partnership: await renderReportHtml(partnershipDocument()), 'jurisdiction:ky-dcbs': await renderReportHtml(ownDocument()) },
      files: {
        partnership: { 'manifest.json': new TextEncoder().encode('{"tables":[]}'), 'reviews_by_incident_type.period.csv': new TextEncoder().encode(CSV), 'reviews_by_incident_type.period.json': new TextEncoder().encode('[]'), 'reviews_by_incident_type.period.parquet': PARQUET },
        'jurisdiction:ky-dcbs': { 'reviews_by_incident_type.period.csv': new TextEncoder().encode(CSV) },
      },
    },
    { release: release('monthly', '2026-02'), html: { partnership: '<p>February</p>' }, files: {} },
    { release: release('quarterly', '2025-Q4'), html: { partnership: '<p>Q4</p>' }, files: {} },
  ]);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    serve(url, manifest, reader).then(
      (r) => {
        if ('file' in r) {
          try {
            res.writeHead(200, { 'content-type': TYPES[path.extname(r.file)] ?? 'application/octet-stream' }).end(readFileSync(r.file));
          } catch {
            res.writeHead(404).end();
          }
          return;
        }
        const body = r.isBase64Encoded ? Buffer.from(String(r.body), 'base64') : Buffer.from(String(r.body ?? ''));
        res.writeHead(r.statusCode, { ...(r.headers as Record<string, string>), 'content-security-policy': CSP }).end(body);
      },
      (e: unknown) => res.writeHead(500).end(String(e)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  chromium = await launchChromium();
  browser = chromium.browser;
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(ASSETS, { recursive: true, force: true });
});

/** Opens a page under the real CSP, and says what it blocked (console errors of the CSP, and violation events). */
async function openWithCsp(pathAndQuery: string, status = 200): Promise<{ page: Page; blocked: string[]; close: () => Promise<void> }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) blocked.push(m.text());
  });
  await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to load: CSP ${e.violatedDirective} ${e.blockedURI}`)));
  const response = await page.goto(`${base}${pathAndQuery}`, { waitUntil: 'load' });
  expect(response?.status(), pathAndQuery).toBe(status);
  served.push({ source: pathAndQuery, html: await response!.text() });
  await page.evaluate(() => document.fonts.ready);
  return { page, blocked, close: () => ctx.close() };
}

/** axe at both widths (it is injected inline, so this context bypasses the CSP), with a screenshot of each. */
async function checkA11y(pathAndQuery: string, name: string, status = 200): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await ctx.newPage();
  expect((await page.goto(`${base}${pathAndQuery}`, { waitUntil: 'load' }))?.status()).toBe(status);
  await page.evaluate(() => document.fonts.ready);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page), `${name} at ${width}px`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    // Nothing wider than the screen but the tables' own scrolling regions.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width}px`).toBeLessThanOrEqual(width);
  }
  return page;
}

const PAGES = [
  { name: 'reports-list-lead', path: '/reports?as=lead' },
  { name: 'reports-list-admin', path: '/reports?as=admin' },
  { name: 'report-partnership', path: '/reports/monthly/2026-03?as=lead' },
  { name: 'report-own', path: '/reports/monthly/2026-03/jurisdictions/ky-dcbs?as=admin' },
  { name: 'report-runs', path: '/reports/runs?as=platform' },
  { name: 'report-not-found', path: '/reports/monthly/2026-04?as=lead', status: 404 },
  { name: 'report-bad-address', path: '/reports/weekly/2026-03?as=lead', status: 404 },
];

describe('the report pages in Chromium', () => {
  for (const p of PAGES) {
    it(`${p.name}: nothing blocked by the CSP, axe-clean at ${WIDTHS.join(' and ')} px`, async () => {
      const { page, blocked, close } = await openWithCsp(p.path, p.status);
      try {
        // The stylesheets did load under the CSP (a blocked one would leave USWDS's classes unstyled).
        expect(await page.evaluate(() => getComputedStyle(document.querySelector('.usa-header')!).borderBottomStyle !== '' && document.styleSheets.length)).toBe(2);
        expect(blocked).toEqual([]);
      } finally {
        await close();
      }
      await (await checkA11y(p.path, p.name, p.status)).context().close();
    });
  }

  it('the partnership report: each chart an image named by its title, drawn, with its data table after it; no bar where a cell is suppressed', async () => {
    const { page, close } = await openWithCsp('/reports/monthly/2026-03?as=lead');
    try {
      const charts = page.getByRole('img');
      expect(await charts.count()).toBe(7);
      expect(await page.getByRole('img', { name: 'Approved reviews by incident type: all jurisdictions, March 2026' }).count()).toBe(1);
      // Drawn at a readable size, and within the column.
      const boxes = await page.locator('svg.npcs-report-chart').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [Math.round(r.width), Math.round(r.height)]));
      for (const [w, h] of boxes) expect(w! > 400 && w! <= 640 && h! > 80).toBe(true);
      // The table right after each chart.
      expect(await page.locator('.npcs-chart-pair > .npcs-report-figure + .usa-table-container--scrollable table').count()).toBe(7);
      const suppressedRow = page.getByRole('row', { name: /^All jurisdictions 54 44/ }).first();
      expect(await suppressedRow.textContent()).toContain('Suppressed (complementary)');
      // The "suppressed" label stands where a bar would: the bar layer has two bars for the two shown counts.
      expect(await page.locator('svg[aria-labelledby^="chart-reviews_by_incident_type-period-"] .layer_0_marks path').count()).toBe(2);
      expect(await page.locator('svg[aria-labelledby^="chart-reviews_by_incident_type-period-"] .layer_2_marks text').allTextContents()).toEqual(['suppressed', 'suppressed']);
    } finally {
      await close();
    }
  });

  it('prints the report: no navigation or header, whole tables, charts within the page; a PDF and a print-media screenshot kept', async () => {
    const ctx = await browser.newContext({ viewport: { width: 720, height: 1000 } });
    try {
      const page = await ctx.newPage();
      await page.goto(`${base}/reports/monthly/2026-03?as=lead`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      await page.emulateMedia({ media: 'print' });
      const layout = await page.evaluate(() => ({
        hidden: ['.usa-header', '.usa-identifier', 'nav[aria-labelledby="report-contents"]', '#files'].map((s) => getComputedStyle(document.querySelector(s)!).display),
        cut: [...document.querySelectorAll('.usa-table-container--scrollable')].filter((e) => e.scrollWidth > e.clientWidth + 1).length,
        wide: [...document.querySelectorAll('svg.npcs-report-chart')].filter((e) => e.getBoundingClientRect().width > document.querySelector('main')!.clientWidth).length,
      }));
      expect(layout).toEqual({ hidden: ['none', 'none', 'none', 'none'], cut: 0, wide: 0 });
      await page.screenshot({ path: path.join(SHOTS, 'report-partnership-print.png'), fullPage: true });
      await page.pdf({ path: path.join(SHOTS, 'report-partnership.pdf'), format: 'Letter', margin: { top: '0.5in', bottom: '0.5in', left: '0.5in', right: '0.5in' } });
    } finally {
      await ctx.close();
    }
  });

  it('downloads the files through the platform as attachments of their type, Parquet byte for byte', async () => {
    const ctx = await browser.newContext();
    try {
      const csv = await ctx.request.get(`${base}/reports/monthly/2026-03/files/reviews_by_incident_type.period.csv?as=lead`);
      expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers()['content-disposition']).toBe('attachment; filename="report-monthly-2026-03-partnership-reviews_by_incident_type.period.csv"');
      expect(await csv.text()).toBe(CSV);
      const parquet = await ctx.request.get(`${base}/reports/monthly/2026-03/files/reviews_by_incident_type.period.parquet?as=lead`);
      expect(parquet.headers()['content-type']).toBe('application/vnd.apache.parquet');
      expect(new Uint8Array(await parquet.body())).toEqual(PARQUET);
      // A click on the page's link downloads (an attachment), it does not navigate.
      const page = await ctx.newPage();
      await page.goto(`${base}/reports/monthly/2026-03/jurisdictions/ky-dcbs?as=admin`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV of Reviews by incident type, the period' }).click()]);
      expect(download.suggestedFilename()).toBe('report-monthly-2026-03-ky-dcbs-reviews_by_incident_type.period.csv');
    } finally {
      await ctx.close();
    }
  });

  it('the W3C Nu checker finds no error in any page served', async () => {
    expect(served.length).toBeGreaterThanOrEqual(PAGES.length);
    const problems = await nuCheck(served.splice(0));
    expect(problems.map((p) => `${p.source} line ${p.line}: ${p.message}${p.extract ? ` [${p.extract.trim()}]` : ''}`)).toEqual([]);
  });
});
