import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '#local/cloud.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { signIn, signOut, type Browser } from './helpers.ts';

/** Everything every function writes to its log during realistic flows, kept in memory. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString('utf8');
    done();
  }
}

const MARKERS = {
  narrative: `Narrative marker ${randomUUID()}`,
  rationale: `Rationale marker ${randomUUID()}`,
  htmlish: `<script>alert("${randomUUID()}")</script>`,
};

describe('logs never carry form values, names, emails or tokens', () => {
  const capture = new Capture();
  let cloud: LocalCloud;
  let browser: Browser;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, assemblyDir: inject('assemblyDir'), schedules: false, logSink: capture });
    browser = await signIn('demo-ky-dcbs-submitter', cloud.url);
  }, 120_000);
  afterAll(async () => {
    await cloud?.stop();
  });

  it('through sign-in, draft, autosave, submit, read, list, audit, a rejected save and sign-out', async () => {
    const base = `${cloud.url}/api/jurisdictions/ky-dcbs`;
    const json = (method: string, body?: unknown): RequestInit =>
      body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    const answers = { ...sampleCriticalIncidentReview(2), narrative: MARKERS.htmlish };
    const created = await browser.go(`${base}/records`, json('POST', { formId: 'critical_incident_review', answers: { narrative: MARKERS.narrative } }));
    const record = (await created.json()) as { recordId: string; version: number };
    expect(created.status).toBe(201);
    // An invalid autosave (unknown field with a sensitive value) is rejected: its value must not reach the log either.
    const rejected = await browser.go(`${base}/records/${record.recordId}/answers`, json('PUT', { answers: { not_a_field: MARKERS.rationale }, expectedVersion: record.version }));
    expect(rejected.status).toBe(422);
    const saved = await browser.go(`${base}/records/${record.recordId}/answers`, json('PUT', { answers, expectedVersion: record.version }));
    expect(saved.status).toBe(200);
    // Text that looks like HTML is kept exactly as typed.
    expect(((await saved.json()) as { answers: { narrative: string } }).answers.narrative).toBe(MARKERS.htmlish);
    await browser.go(`${base}/records/${record.recordId}`);
    await browser.go(`${base}/records?limit=5`);
    const submitted = await browser.go(`${base}/records/${record.recordId}/submit`, json('POST', { expectedVersion: record.version + 1, submissionId: randomUUID() }));
    expect(submitted.status).toBe(200);
    const admin = await signIn('demo-ky-dcbs-admin', cloud.url);
    expect((await admin.go(`${base}/audit`)).status).toBe(200);
    const session = [...(browser.jar.get(new URL(cloud.url).origin)?.values() ?? [])];
    await signOut(browser, cloud.url);

    // Give the worker threads' stdout a moment to drain into the capture.
    await new Promise((r) => setTimeout(r, 300));
    const log = capture.text;
    expect(log.length).toBeGreaterThan(200); // the functions did log
    const forbidden = [
      ...Object.values(MARKERS),
      'submitter@ky-dcbs.example.org',
      'admin@ky-dcbs.example.org',
      ...cloud.demoUsers.filter((u) => u.jurisdictionId === 'ky-dcbs').map((u) => u.name),
      ...session.filter((v) => v.length >= 16),
    ];
    for (const value of forbidden) expect(log, `log line carries "${value.slice(0, 40)}"`).not.toContain(value);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./); // no JWT of any kind
  });
});
