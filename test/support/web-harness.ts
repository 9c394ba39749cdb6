import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { launchChromium, type RealBrowser } from './chromium.ts';
import { nuCheck, VisitedPages } from './nu-checker.ts';
import { startTestCloud } from './local-cloud.ts';

/** Screenshots of the browser tests (git-ignored). */
export const SHOTS = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'web');
export const WIDTHS = [375, 1280] as const;
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface WebHarness {
  cloud: LocalCloud;
  chromium: RealBrowser;
  /** The HTML of every page the browser was served, for the Nu checker (expectValidHtml). */
  visited: VisitedPages;
  close: () => Promise<void>;
}

/** A local cloud of its own (fresh synth, quiet logs) and real Chromium, for one browser test file. */
export async function startWebHarness(): Promise<WebHarness> {
  const local = await startTestCloud();
  const chromium = await launchChromium().catch(async (e: unknown) => {
    await local.close();
    throw e;
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    cloud: local.cloud,
    chromium,
    visited: new VisitedPages(chromium.browser, new URL(local.cloud.url).origin),
    close: async () => {
      await chromium.close();
      await local.close();
    },
  };
}

/** axe-core's WCAG 2.1 A/AA violations of the page (the page's CSP forbids inline script: the tag loads a file). */
export async function axeViolations(page: Page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target) }));
  });
}

/**
 * The words (letters and apostrophes only, so not addresses, ids or hyphenated words) that the page shows on more
 * than one line. `overflow-wrap:anywhere`, meant for long links and free text, must not cut a label such as
 * "Acknowledgement" (an email's facts at a phone's width, a table column squeezed on a desktop).
 */
export function wordsBrokenAcrossLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (const token of text.matchAll(/\S+/g)) {
        const word = /^[("]?([\p{L}'\u2019]+)[)".,:;!?]*$/u.exec(token[0])?.[1];
        if (!word) continue;
        const start = token.index + token[0].indexOf(word);
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + word.length);
        const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(word);
      }
    }
    return broken;
  });
}

/** axe at both widths (WIDTHS) with a screenshot of each, then back to 1280 px. */
export async function checkA11y(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page), `${name} at ${width}px`).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The W3C Nu HTML checker finds no error in any page the browser was served since the last check. */
export async function expectValidHtml(harness: WebHarness): Promise<void> {
  const pages = await harness.visited.take();
  expect(pages.length, 'pages the browser visited').toBeGreaterThan(0);
  const problems = await nuCheck(pages);
  expect(problems.map((p) => `${p.source} line ${p.line}: ${p.message}${p.extract ? ` [${p.extract.trim()}]` : ''}`)).toEqual([]);
}

/**
 * Starts the harness before the file's tests and closes it after them; `ready` receives it once started. A file
 * whose browser visited pages after its last expectValidHtml fails, so no page state escapes the Nu checker.
 */
export function useWebHarness(ready: (harness: WebHarness) => void): void {
  let harness: WebHarness | undefined;
  beforeAll(async () => {
    harness = await startWebHarness();
    ready(harness);
  });
  afterAll(async () => {
    const unchecked = harness?.visited.size ?? 0;
    await harness?.close();
    if (unchecked > 0) throw new Error(`${unchecked} page(s) the browser visited were not given to the Nu checker: end the file with a test that calls expectValidHtml(harness).`);
  });
}
