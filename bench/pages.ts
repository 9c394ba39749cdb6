// Page weight and render throughput of the form pages, measured with real Chromium against a local cloud: every
// response a first visit downloads, gzipped as CloudFront would send text (fonts and images count as they are).
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, signedInContext, startCriticalIncidentReview } from '../test/support/chromium.ts';
import { startTestCloud } from '../test/support/local-cloud.ts';
import type { BenchRow } from './types.ts';

const PAGE_WEIGHT_TARGET_KB = 150;
const RENDER_ROUNDS = 60;
const TEXT = /^(text\/|application\/(javascript|json)|image\/svg)/;

interface Weight {
  total: number;
  byKind: Record<string, number>;
}

/** Bytes a first visit to `url` transfers, in a fresh context (empty cache) with these cookies. */
async function firstVisit(browser: Browser, url: string, cookies: Parameters<BrowserContext['addCookies']>[0]): Promise<Weight> {
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await fresh.addCookies(cookies);
  const visit = await fresh.newPage();
  const byKind: Record<string, number> = { html: 0, css: 0, js: 0, fonts: 0, images: 0 };
  const pending: Promise<void>[] = [];
  visit.on('response', (res) => {
    pending.push(
      (async () => {
        const type = (res.headers()['content-type'] ?? '').split(';')[0]!;
        const body = await res.body().catch(() => Buffer.alloc(0));
        const sent = TEXT.test(type) ? gzipSync(body, { level: 6 }).length : body.length;
        const kind = type === 'text/html' ? 'html' : type === 'text/css' ? 'css' : type.includes('javascript') ? 'js' : type.startsWith('font/') || /woff/.test(type) ? 'fonts' : 'images';
        byKind[kind] = (byKind[kind] ?? 0) + sent;
      })(),
    );
  });
  await visit.goto(url, { waitUntil: 'networkidle' });
  await Promise.all(pending);
  await fresh.close();
  return { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
}

async function renderRate(get: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < RENDER_ROUNDS; i++) await get();
  return RENDER_ROUNDS / ((performance.now() - started) / 1000);
}

export async function benchPages(): Promise<BenchRow[]> {
  const { cloud, close } = await startTestCloud();
  const { browser, close: closeBrowser } = await launchChromium().catch(async (e: unknown) => {
    await close();
    throw e;
  });
  try {
    const { ctx, page } = await signedInContext(browser, cloud.url, 'demo-ky-dcbs-submitter', { bypassCSP: false });
    await startCriticalIncidentReview(page, cloud.url);
    const sectionUrls = await page.locator('.usa-step-indicator a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    const first = page.url();

    // The largest section page (by HTML), then a first visit to it in a fresh context with an empty cache.
    let largest = { url: first, bytes: 0 };
    for (const url of [first, ...sectionUrls.filter((u) => u.includes('/sections/'))]) {
      const html = await (await ctx.request.get(url)).text();
      if (html.length > largest.bytes) largest = { url, bytes: html.length };
    }
    const review = await firstVisit(browser, largest.url, await ctx.cookies());
    // The anonymous survey (the seeded demo wave's link, its token after #): a respondent's first visit is the start
    // page (with every asset); the survey itself (every question on one page, no session) comes from its start post.
    if (!cloud.demoSurveyPath) throw new Error('The local cloud seeded no demo survey wave');
    const surveyUrl = `${cloud.url}${cloud.demoSurveyPath}`;
    const survey = await firstVisit(browser, surveyUrl, []);
    const [startPath, token] = cloud.demoSurveyPath.split('#') as [string, string];
    const startHtml = await (await ctx.request.get(`${cloud.url}${startPath}`)).text();
    const startForm = { _csrf: /name="_csrf" value="([^"]*)"/.exec(startHtml)![1]!, token };

    // Server render throughput: sequential GETs through the local HTTP API (review: session, record load, render;
    // survey: link and profile reads, render).
    const reviewRate = await renderRate(() => ctx.request.get(largest.url));
    const surveyRate = await renderRate(() => ctx.request.post(`${cloud.url}${startPath}/start`, { form: startForm }));

    const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
    const weightRows = (name: string, w: Weight): BenchRow[] => [
      { group: 'pages', name: `${name}, first visit, transferred (gzip)`, value: kb(w.total), unit: 'KB', target: `<= ${PAGE_WEIGHT_TARGET_KB} KB`, pass: kb(w.total) <= PAGE_WEIGHT_TARGET_KB },
      ...Object.entries(w.byKind).map(([kind, bytes]) => ({ group: 'pages', name: `  of which ${kind} (info)`, value: kb(bytes), unit: 'KB' })),
    ];
    return [
      ...weightRows('largest critical incident review page', review),
      ...weightRows('safety culture survey, start page (first visit of a link)', survey),
      { group: 'pages', name: 'largest review page server renders (sequential, local)', value: Math.round(reviewRate), unit: 'pages/s' },
      { group: 'pages', name: 'survey page (all 39 questions) server renders from its start post (sequential, local)', value: Math.round(surveyRate), unit: 'pages/s' },
    ];
  } finally {
    await closeBrowser();
    await close();
  }
}
