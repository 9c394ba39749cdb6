import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '#local/cloud.ts';
import { CSP_REPORTS_PATH } from '#shared/http/security-headers.ts';

/** Everything the functions write to their logs, kept in memory. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString('utf8');
    done();
  }
}

describe('CSP reports: every page names the report route, which logs the violation without query strings', () => {
  const capture = new Capture();
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, assemblyDir: inject('assemblyDir'), schedules: false, logSink: capture });
  }, 120_000);
  afterAll(async () => {
    await cloud?.stop();
  });

  const post = (contentType: string, body: unknown, headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' }) =>
    fetch(`${cloud.url}${CSP_REPORTS_PATH}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: JSON.stringify(body) });

  it('a page sends Reporting-Endpoints naming the route, and its CSP reports to that group', async () => {
    const home = await fetch(`${cloud.url}/`);
    expect(home.status).toBe(200);
    const endpoints = home.headers.get('reporting-endpoints') ?? '';
    const group = /report-to ([\w-]+)/.exec(home.headers.get('content-security-policy') ?? '')?.[1];
    expect(endpoints).toBe(`${group}="${CSP_REPORTS_PATH}"`);
  });

  it('a Reporting API report is accepted with 204, and the log line has the directive, origin + path and document path only', async () => {
    const marker = `m${Date.now()}`;
    const res = await post('application/reports+json', [
      {
        type: 'csp-violation',
        age: 0,
        url: `${cloud.url}/records/r-1?token=${marker}-doc`,
        user_agent: 'Chromium',
        body: {
          documentURL: `${cloud.url}/records/r-1?token=${marker}-doc#section`,
          blockedURL: `https://evil.example.net/${marker}/x.js?session=${marker}-secret`,
          effectiveDirective: 'script-src-elem',
          sample: `alert("${marker}-sample")`,
        },
      },
    ]);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await new Promise((r) => setTimeout(r, 300)); // the worker's stdout drains into the capture
    const line = capture.text.split('\n').find((l) => l.includes(`evil.example.net/${marker}`));
    expect(line, 'the violation was logged').toBeDefined();
    const logged = JSON.parse(line!) as { message: string; csp: Record<string, string> };
    expect(logged.csp).toEqual({ directive: 'script-src-elem', blocked: `https://evil.example.net/${marker}/x.js`, documentPath: '/records/r-1' });
    expect(line).not.toContain('?');
    expect(capture.text).not.toContain(`${marker}-secret`);
    expect(capture.text).not.toContain(`${marker}-doc`);
    expect(capture.text).not.toContain(`${marker}-sample`);
  });

  it('a report-uri report (application/csp-report) is accepted with 204', async () => {
    const res = await post('application/csp-report', { 'csp-report': { 'document-uri': `${cloud.url}/`, 'blocked-uri': 'inline', 'violated-directive': 'style-src-attr' } });
    expect(res.status).toBe(204);
  });

  it('refuses what is not a report with a 4xx that says why', async () => {
    const json = await post('application/json', []);
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: { message: string } }).error.message).toMatch(/application\/reports\+json/);
    const notReports = await post('application/reports+json', { hello: 'world' });
    expect(notReports.status).toBe(400);
    const tooLarge = await post('application/reports+json', [{ type: 'csp-violation', body: { documentURL: 'x'.repeat(20_000) } }]);
    expect(tooLarge.status).toBe(413);
    const crossSite = await post('application/reports+json', [], { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
  });
});
