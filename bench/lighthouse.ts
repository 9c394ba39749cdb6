// Lighthouse's mobile figures (its default: a mid-range phone on slow 4G, simulated throttling) for the pages people
// use most, in Debian's Chromium against a local cloud that compresses as CloudFront does.
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium, signedInContext, startCriticalIncidentReview } from '../test/support/chromium.ts';
import { startTestCloud } from '../test/support/local-cloud.ts';
import type { BenchRow } from './types.ts';

const RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? 3);
const TARGETS = { performance: 95, accessibility: 100, lcpSeconds: 2.5, cls: 0.05 };

interface Figures {
  performance: number;
  accessibility: number;
  lcpSeconds: number;
  cls: number;
  /** What moved, for a layout shift over the target (Lighthouse's layout-shifts audit: element and score). */
  shifted: string[];
  /** Requests to anything but the local cloud (must be none: no update checks, telemetry or fonts from a CDN). */
  offHost: string[];
}

// Through the Node API Lighthouse neither checks for updates nor reports errors (its Sentry is only set up by the CLI);
// Chromium runs with the tests' flags (no background networking, no component updates), and every report is checked
// for requests beyond the local cloud.
async function audit(port: number, url: string, cookie: string | undefined, host: string): Promise<Figures> {
  const result = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    extraHeaders: cookie ? { Cookie: cookie } : undefined,
  });
  const lhr = result?.lhr;
  if (!lhr) throw new Error(`Lighthouse returned no report for ${url}`);
  if (lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr.runtimeError.message}`);
  if (lhr.finalDisplayedUrl !== url) throw new Error(`Lighthouse was sent from ${url} to ${lhr.finalDisplayedUrl} (a redirect to sign-in?)`);
  const requests = (lhr.audits['network-requests']?.details as { items?: { url: string }[] } | undefined)?.items ?? [];
  return {
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    lcpSeconds: (lhr.audits['largest-contentful-paint']?.numericValue ?? Number.NaN) / 1000,
    cls: lhr.audits['cumulative-layout-shift']?.numericValue ?? Number.NaN,
    shifted: ((lhr.audits['layout-shifts']?.details as { items?: { node?: { selector?: string; snippet?: string }; score?: number }[] } | undefined)?.items ?? []).map(
      (i) => `${i.node?.selector ?? i.node?.snippet ?? '?'} (${(i.score ?? 0).toFixed(3)})`,
    ),
    offHost: requests.map((r) => r.url).filter((u) => !u.startsWith(host) && !u.startsWith('data:')),
  };
}

/** The run with the median performance score of `RUNS` (Lighthouse's own advice for noisy machines). */
async function medianAudit(port: number, url: string, cookie: string | undefined, host: string): Promise<Figures> {
  const runs: Figures[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await audit(port, url, cookie, host));
  return runs.sort((a, b) => a.performance - b.performance)[Math.floor(runs.length / 2)]!;
}

export async function benchLighthouse(): Promise<BenchRow[]> {
  const { cloud, close } = await startTestCloud();
  try {
    // A demo submitter's session, and a fresh critical incident review: its first section and its review page.
    const { browser, close: closeBrowser } = await launchChromium();
    let cookie: string;
    let sectionUrl: string;
    try {
      const { ctx, page } = await signedInContext(browser, cloud.url, 'demo-ky-dcbs-submitter', { bypassCSP: false });
      await startCriticalIncidentReview(page, cloud.url);
      sectionUrl = page.url().replace(/\?.*$/, '');
      cookie = (await ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    } finally {
      await closeBrowser();
    }
    if (!cloud.demoSurveyPath) throw new Error('The local cloud seeded no demo survey wave');
    const pages = [
      { name: 'home page (signed in)', url: `${cloud.url}/`, cookie },
      { name: 'critical incident review, first section', url: sectionUrl, cookie },
      { name: 'critical incident review, review page', url: sectionUrl.replace(/\/sections\/.*$/, '/review'), cookie },
      // The start page of the link (the survey itself sits behind its start post, which Lighthouse does not send).
      { name: 'safety culture survey, start page (anonymous)', url: `${cloud.url}${cloud.demoSurveyPath}`, cookie: undefined },
      { name: 'data dictionary', url: `${cloud.url}/dictionary`, cookie: undefined },
    ];

    // One request to each page first: Lighthouse measures the page, not the first cold start of its function
    // (a local cold start in a worker thread takes seconds on this shared machine; bench init measures cold starts).
    for (const p of pages) {
      const warm = await fetch(p.url, { headers: p.cookie ? { cookie: p.cookie } : {}, redirect: 'manual' });
      if (warm.status !== 200) throw new Error(`${p.name}: ${p.url} answered ${warm.status}, not 200`);
      await warm.arrayBuffer();
    }
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: ['--headless=new', ...CHROMIUM_ARGS] });
    const rows: BenchRow[] = [];
    try {
      for (const p of pages) {
        const f = await medianAudit(chrome.port, p.url, p.cookie, cloud.url);
        console.log(`  ${p.name}: performance ${f.performance}, accessibility ${f.accessibility}, LCP ${f.lcpSeconds.toFixed(2)} s, CLS ${f.cls.toFixed(3)}`);
        if (f.cls > TARGETS.cls) console.log(`    shifted: ${f.shifted.join('; ') || 'not reported'}`);
        rows.push(
          { group: 'lighthouse', name: `${p.name}: performance`, value: f.performance, unit: 'score', target: `>= ${TARGETS.performance}`, pass: f.performance >= TARGETS.performance },
          { group: 'lighthouse', name: `${p.name}: accessibility`, value: f.accessibility, unit: 'score', target: `>= ${TARGETS.accessibility}`, pass: f.accessibility >= TARGETS.accessibility },
          { group: 'lighthouse', name: `${p.name}: largest contentful paint`, value: Math.round(f.lcpSeconds * 100) / 100, unit: 's', target: `<= ${TARGETS.lcpSeconds} s`, pass: f.lcpSeconds <= TARGETS.lcpSeconds },
          { group: 'lighthouse', name: `${p.name}: cumulative layout shift`, value: Math.round(f.cls * 1000) / 1000, unit: '', target: `<= ${TARGETS.cls}`, pass: f.cls <= TARGETS.cls },
          { group: 'lighthouse', name: `${p.name}: requests beyond the local cloud${f.offHost.length ? ` (${f.offHost.slice(0, 3).join(', ')})` : ''}`, value: f.offHost.length, unit: '', target: '0', pass: f.offHost.length === 0 },
        );
      }
    } finally {
      await chrome.kill();
    }
    return rows;
  } finally {
    await close();
  }
}
