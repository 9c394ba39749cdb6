import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Response } from 'playwright-core';

/** The W3C Nu HTML checker (npm vnu-jar), run on the system's Java (a prerequisite, as for DynamoDB Local). */
const VNU_JAR = path.join(path.dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

export interface VisitedPage {
  /** Where the HTML came from: the URL (and status) of a navigation, or the name a test gave it. */
  source: string;
  html: string;
}

export interface NuProblem {
  source: string;
  line?: number;
  message: string;
  extract?: string;
}

/**
 * Collects the HTML the app sent for every top-level navigation of every page of the browser (links, form posts,
 * redirects' targets, error pages), as served: before scripts touch the DOM.
 */
export class VisitedPages {
  private readonly pending: Promise<VisitedPage | undefined>[] = [];

  /** `origin`: the app's; pages of other origins (the local OpenID provider's, standing in for Cognito's) are not ours. */
  constructor(browser: Browser, private readonly origin: string) {
    browser.on('context', (context) => context.on('response', (response) => this.capture(response)));
  }

  /** HTML a test put in a page itself (page.setContent), which no navigation carries. */
  add(source: string, html: string): void {
    this.pending.push(Promise.resolve({ source, html }));
  }

  /** Every page captured since the last call. */
  async take(): Promise<VisitedPage[]> {
    const taken = this.pending.splice(0);
    return (await Promise.all(taken)).filter((p): p is VisitedPage => p !== undefined);
  }

  get size(): number {
    return this.pending.length;
  }

  private capture(response: Response): void {
    const request = response.request();
    const status = response.status();
    if (!request.isNavigationRequest() || request.frame().parentFrame() !== null) return;
    if (new URL(response.url()).origin !== this.origin) return;
    if (status >= 300 && status < 400) return;
    if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) return;
    const source = `${request.method()} ${new URL(response.url()).pathname} (${status})`;
    // Read at once: the browser drops a body when its page navigates on.
    this.pending.push(response.text().then((html) => ({ source, html })));
  }
}

/**
 * Runs the Nu checker once (one JVM) on all the pages and returns its errors. Warnings and infos are left out: they
 * are advice (e.g. "the type attribute is unnecessary"), not conformance errors.
 */
export async function nuCheck(pages: readonly VisitedPage[]): Promise<NuProblem[]> {
  if (pages.length === 0) return [];
  // Identical HTML needs one check; pages differ per request mostly by their CSRF tokens and ids.
  const unique = new Map<string, string>();
  for (const p of pages) if (!unique.has(p.html)) unique.set(p.html, p.source);
  const dir = mkdtempSync(path.join(tmpdir(), 'npcs-nu-'));
  try {
    const files = [...unique].map(([html, source], i) => {
      const file = path.join(dir, `page-${i}.html`);
      writeFileSync(file, html);
      return { file, source };
    });
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        'java',
        ['-Xss16m', '-jar', VNU_JAR, '--format', 'json', '--stdout', '--exit-zero-always', '--errors-only', ...files.map((f) => f.file)],
        { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        (error, out, err) => (error ? reject(new Error(`The Nu checker did not run (is Java 11+ installed?): ${error.message} ${err}`)) : resolve(out)),
      );
    });
    const sourceOf = new Map(files.map((f) => [path.basename(f.file), f.source]));
    const report = JSON.parse(stdout) as { messages: { type: string; subType?: string; url?: string; lastLine?: number; message: string; extract?: string }[] };
    return report.messages
      .filter((m) => m.type === 'error' || m.type === 'non-document-error' || m.subType === 'fatal')
      .map((m) => ({ source: sourceOf.get(path.basename(m.url ?? '')) ?? m.url ?? '?', line: m.lastLine, message: m.message, extract: m.extract }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
