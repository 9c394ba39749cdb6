/**
 * Item 9's review by email, in real Chromium on a local cloud: a submitter signs in (local OpenID provider) and submits
 * a critical incident review; the reviewer's review request arrives in MailDev; a scanner first follows EVERY link of
 * that email as mail security gateways do (Outlook Safe Links: plain GETs without cookies, then a fresh browser that
 * runs scripts; every form found on the pages reached is submitted, and those of the pages it leads to), and nothing
 * changes: the record's status and version, its wait and its action ids are as before. Then the reviewer opens the
 * Approve link, signs in from it (to sign-in and back), presses the button (a POST with the CSRF token) and the record
 * is approved; the submitter gets the approval email.
 *
 * The plain client also POSTs each link without a session, as a gateway replaying a form would: refused.
 *
 * Screenshots (test-results/review-by-email/): every email as Chromium renders it (email-*.png, 375 and 1280 px), the
 * pages of the submitter and the reviewer (page-*.png) and what the scanner's browser saw (scanner-*.png); the
 * scanner's requests and their answers are listed in scanner.json. axe-core (WCAG 2.1 A/AA) on every email and app
 * page a person sees, and the W3C Nu checker on all the app's HTML the browsers were served and on the emails.
 *
 * Scanners submit forms as `form.submit()` does: with the fields the page filled in, and no button's name. The local
 * OpenID provider stands in for Cognito's managed login without passwords (its page has one button per demo user);
 * a scanner cannot pass Cognito's password step, and it cannot pass this page without choosing a user either.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActionIds } from '#shared/review/action-store.ts';
import { readDecision, readWait } from '#shared/review/handoff.ts';
import { RecordService } from '#shared/records/service.ts';
import { systemActor } from '#shared/review/tasks.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { launchChromium, signedInContext, signInAsDemo, type RealBrowser } from '../support/chromium.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { nuCheck, VisitedPages } from '../support/nu-checker.ts';
import { axeViolations, WIDTHS } from '../support/web-harness.ts';

vi.setConfig({ hookTimeout: 300_000, testTimeout: 300_000 });

const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'review-by-email');
const REVIEW_ID = 'KY-EMAIL-2026-001';
const REVIEWER = { id: 'demo-ky-dcbs-reviewer', address: 'review-lead@ky-dcbs.example.org' };
const SUBMITTER = { id: 'demo-ky-dcbs-submitter', address: 'submitter@ky-dcbs.example.org' };
/** How many form submissions deep the scanner goes from a link's page (a form's page, then the forms on that). */
const FORM_DEPTH = 2;

interface InboxEmail {
  id: string;
  subject: string;
  to: { address: string }[];
  html: string;
  text: string;
}

let test: TestCloud;
let chromium: RealBrowser;
let visited: VisitedPages;
let url: string;

beforeAll(async () => {
  test = await startTestCloud();
  url = test.cloud.url;
  chromium = await launchChromium();
  visited = new VisitedPages(chromium.browser, new URL(url).origin);
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await chromium?.close();
  await test?.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** An email in MailDev (its REST API) to `address` whose subject starts with `subject`. */
const email = (address: string, subject: string) =>
  until(`the email "${subject}" to ${address}`, async () => {
    const all = (await (await fetch(`${test.cloud.endpoints.mailInbox}/api/email`)).json()) as InboxEmail[];
    return all.find((m) => m.to.some((t) => t.address === address) && m.subject.startsWith(subject));
  });

/** The email as Chromium renders its HTML part: axe-clean at both widths, a screenshot of each, and the Nu checker later. */
async function showEmail(name: string, mail: InboxEmail): Promise<Page> {
  const ctx = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.setContent(mail.html, { waitUntil: 'load' });
  visited.add(`email ${name}`, mail.html);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page), `email ${name} at ${width}px`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `email-${name}-${width}.png`), fullPage: true });
  }
  return page;
}

/** An app page a person sees: axe-clean at both widths, with a screenshot of each. */
async function showPage(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page), `${name} at ${width}px`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `page-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** What must not change while the scanner works: the record, what its review waits for, the decision slot, the ids. */
async function reviewState(recordId: string, actionIds: string[]) {
  const table = scopedTable(test.cloud.storage, test.cloud.tableName, 'ky-dcbs');
  const records = new RecordService({ cursorSecret: 'x'.repeat(48) });
  const record = await records.current(table, systemActor('ky-dcbs'), recordId);
  const wait = await readWait(table, recordId);
  const roundOf = async () => (wait?.kind === 'decision' ? wait.version : undefined);
  const ids = new ActionIds(table);
  return {
    status: record.status,
    version: record.version,
    wait: wait && { kind: wait.kind, version: wait.version, token: wait.token, executionName: wait.executionName },
    decision: await readDecision(table, recordId, record.version),
    actions: await Promise.all(actionIds.map(async (id) => (await ids.inspect(id, { via: 'web', subject: REVIEWER.id }, roundOf)).status)),
  };
}

interface Hop {
  scanner: 'http' | 'browser';
  method: string;
  /** The path only: the action ids stay out of the report (they are bearer links). */
  path: string;
  status: number;
}
const hops: Hop[] = [];
const redact = (u: string) => {
  const { origin, pathname } = new URL(u);
  return `${origin === new URL(url).origin ? '' : origin}${pathname.replace(/\/actions\/[A-Za-z0-9_-]{43}/, '/actions/<id>').replace(/\/interaction\/[^/]+/, '/interaction/<uid>')}`;
};

// The scanner's plain HTTP client: no cookies, redirects followed by hand (each hop recorded), forms read by Chromium.
const parser = () => chromium.browser.newContext({ javaScriptEnabled: false });
let parsing: BrowserContext | undefined;

interface FoundForm {
  method: string;
  action: string;
  fields: [string, string][];
}
async function formsOf(html: string, base: string): Promise<FoundForm[]> {
  parsing ??= await parser();
  const page = await parsing.newPage();
  try {
    await page.setContent(html);
    const forms = await page.evaluate(() =>
      Array.from(document.forms).map((f) => ({
        method: (f.getAttribute('method') ?? 'get').toUpperCase(),
        action: f.getAttribute('action') ?? '',
        // As form.submit() sends it: the filled-in fields, no submit button.
        fields: Array.from(new FormData(f).entries()).map(([k, v]) => [k, typeof v === 'string' ? v : ''] as [string, string]),
      })),
    );
    return forms.map((f) => ({ ...f, action: new URL(f.action || base, base).href }));
  } finally {
    await page.close();
  }
}

async function fetchNoCookies(method: string, target: string, body?: URLSearchParams): Promise<{ url: string; status: number; html: string }> {
  let current = target;
  let init: RequestInit = { method, redirect: 'manual', ...(body ? { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}) };
  for (let hop = 0; hop < 15; hop++) {
    const res = await fetch(current, init);
    hops.push({ scanner: 'http', method: init.method ?? 'GET', path: redact(current), status: res.status });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      current = new URL(location, current).href;
      if (res.status !== 307 && res.status !== 308) init = { method: 'GET', redirect: 'manual' };
      continue;
    }
    return { url: current, status: res.status, html: (res.headers.get('content-type') ?? '').includes('html') ? await res.text() : '' };
  }
  throw new Error('Too many redirects');
}

async function httpScan(link: string): Promise<void> {
  const visit = async (reached: { url: string; html: string }, depth: number): Promise<void> => {
    if (depth >= FORM_DEPTH || !reached.html) return;
    for (const form of await formsOf(reached.html, reached.url)) {
      const params = new URLSearchParams(form.fields);
      const next =
        form.method === 'POST'
          ? await fetchNoCookies('POST', form.action, params)
          : await fetchNoCookies('GET', `${form.action.split('?')[0]}?${params}`);
      await visit(next, depth + 1);
    }
  };
  await visit(await fetchNoCookies('GET', link), 0);
  // A gateway that replays a form it saw elsewhere: the link POSTed without a session or token.
  await fetchNoCookies('POST', link, new URLSearchParams());
}

/** The scanner's browser: a fresh context that runs scripts; each form is submitted on a fresh visit of the link. */
async function browserScan(link: string, name: string): Promise<void> {
  const ctx = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
  ctx.on('response', (r) => {
    if (r.request().isNavigationRequest() || r.request().method() !== 'GET') hops.push({ scanner: 'browser', method: r.request().method(), path: redact(r.url()), status: r.status() });
  });
  const replay = async (formPath: number[]): Promise<Page> => {
    const page = await ctx.newPage();
    await page.goto(link);
    for (const k of formPath) {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.evaluate((i) => document.forms[i]!.submit(), k)]);
    }
    // Scripts run: give them a moment to do anything they would.
    await page.waitForTimeout(300);
    return page;
  };
  const visit = async (formPath: number[]): Promise<void> => {
    const page = await replay(formPath);
    await page.screenshot({ path: path.join(SHOTS, `scanner-${name}${formPath.map((k) => `-form${k}`).join('')}.png`), fullPage: true });
    const forms = await page.locator('form').count();
    await page.close();
    if (formPath.length < FORM_DEPTH) for (let k = 0; k < forms; k++) await visit([...formPath, k]);
  };
  try {
    await visit([]);
  } finally {
    await ctx.close();
  }
}

describe('a review decided from the email, after a scanner followed every link in it', () => {
  it('the scanner changes nothing; the reviewer signs in from the Approve link, confirms, and the submitter hears of the approval', async () => {
    // The reviewer has signed in before, so the people directory knows where to email them.
    const once = await signedInContext(chromium.browser, url, REVIEWER.id);
    await once.ctx.close();

    // The submitter signs in and submits a critical incident review from its review page.
    const submitter = await signedInContext(chromium.browser, url, SUBMITTER.id);
    const made = await submitter.page.evaluate(
      async (answers) =>
        (await fetch('/api/jurisdictions/ky-dcbs/records', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ formId: 'critical_incident_review', answers }) })).json(),
      { ...sampleCriticalIncidentReview(2), review_id: REVIEW_ID },
    );
    const recordId: string = made.recordId;
    await submitter.page.goto(`${url}/records/${recordId}/review`);
    await showPage(submitter.page, 'submitter-review');
    await Promise.all([submitter.page.waitForURL(/\?submitted=1/), submitter.page.getByRole('button', { name: 'Submit for review' }).click()]);
    await showPage(submitter.page, 'submitter-submitted');

    // The review request in MailDev, as Chromium shows it; every link in it (HTML and text parts).
    const request = await email(REVIEWER.address, `Review requested: ${REVIEW_ID}`);
    const shown = await showEmail('review-request', request);
    const hrefs = await shown.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    await shown.context().close();
    const links = [...new Set([...hrefs, ...(request.text.match(/https?:\/\/[^\s<>")]+/g) ?? [])])].filter((l) => /^https?:/.test(l));
    const actionIds = [...new Set(links.map((l) => /\/actions\/([A-Za-z0-9_-]{43})$/.exec(l)?.[1]).filter((id): id is string => id !== undefined))];
    expect(actionIds).toHaveLength(3);
    const approveLink = /Approve:\s*(\S+\/actions\/[A-Za-z0-9_-]{43})/.exec(request.text)![1]!;
    expect(links).toContain(approveLink);

    const before = await reviewState(recordId, actionIds);
    expect(before).toMatchObject({ status: 'submitted', version: 2, wait: { kind: 'decision', version: 2 }, decision: undefined, actions: ['valid', 'valid', 'valid'] });

    // The scanner: every link, first as plain GETs without cookies, then in a browser that runs scripts; every form.
    for (const link of links) await httpScan(link);
    for (const [i, link] of links.entries()) await browserScan(link, `link${i + 1}`);
    writeFileSync(path.join(SHOTS, 'scanner.json'), `${JSON.stringify({ links: links.map(redact), hops }, null, 2)}\n`);
    expect(hops.filter((h) => h.scanner === 'browser' && h.method === 'POST').length, 'forms the scanner submitted').toBeGreaterThan(0);
    // The blind POSTs were refused (no session, no CSRF token): never a success or a way on to the record.
    const blind = hops.filter((h) => h.method === 'POST' && h.path === '/actions/<id>');
    expect(blind.map((h) => h.status >= 400)).toEqual(links.map(() => true));
    expect(await reviewState(recordId, actionIds)).toEqual(before);

    // The reviewer opens the Approve link: signed out, to sign-in and back to the link's confirmation page.
    // axe is injected as a script, which the pages' CSP forbids: this context lets it in (as signedInContext's do).
    const reviewerCtx = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await reviewerCtx.newPage();
    await page.goto(approveLink);
    expect(new URL(page.url()).origin).toBe(new URL(test.cloud.endpoints.oidcIssuer).origin);
    await page.screenshot({ path: path.join(SHOTS, 'page-reviewer-sign-in-1280.png'), fullPage: true });
    await Promise.all([page.waitForURL(approveLink), page.locator(`button[value="${REVIEWER.id}"]`).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/approve/i);
    await showPage(page, 'reviewer-confirm-approve');
    expect((await reviewState(recordId, actionIds)).status).toBe('submitted');

    // The person presses the button: one POST with the session's CSRF token.
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === approveLink);
    await Promise.all([page.waitForURL(new RegExp(`/records/${recordId}\\?moved=approved`)), page.locator('main form').getByRole('button', { name: 'Approve', exact: true }).click()]);
    expect((await posted).postData()).toMatch(/(^|&)_csrf=[^&]+/);
    expect(await page.locator('.usa-alert--success').textContent()).toContain('Approved');
    await showPage(page, 'reviewer-approved-record');
    const after = await reviewState(recordId, actionIds);
    expect(after).toMatchObject({ status: 'approved', version: 3 });
    expect(after.actions[actionIds.indexOf(approveLink.split('/').pop()!)]).toBe('used');

    // The submitter hears of it.
    const approval = await email(SUBMITTER.address, `Approved: ${REVIEW_ID}`);
    await (await showEmail('approved', approval)).context().close();
    await submitter.page.goto(`${url}/records/${recordId}`);
    await showPage(submitter.page, 'submitter-approved-record');
    await submitter.ctx.close();
    await reviewerCtx.close();
    await parsing?.close();
  });

  it('the W3C Nu checker finds no error in the app pages the browsers were served, nor in the emails', async () => {
    const pages = await visited.take();
    expect(pages.some((p) => p.source.startsWith('email '))).toBe(true);
    const problems = await nuCheck(pages);
    expect(problems.map((p) => `${p.source} line ${p.line}: ${p.message}${p.extract ? ` [${p.extract.trim()}]` : ''}`)).toEqual([]);
  });
});
