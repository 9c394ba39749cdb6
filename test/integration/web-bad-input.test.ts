import { describe, expect, it } from 'vitest';
import { baseUrl, signIn } from './helpers.ts';

/** Bad input on the web forms gets a proper page and changes nothing: a pasted 5 MB text, on a draft and on the survey. */
const form = (fields: [string, string][]) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
});
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);

describe('web forms refuse a 5 MB paste with a page that says so, and store nothing', () => {
  it('on a record section: 413 page, the draft unchanged', async () => {
    const browser = await signIn('demo-ky-dcbs-submitter');
    const made = await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records`, {
      method: 'POST',
      body: JSON.stringify({ formId: 'critical_incident_review', answers: { narrative: 'Before the paste' } }),
      headers: { 'content-type': 'application/json' },
    });
    const { recordId, version } = await made.json();
    const page = await (await browser.go(`${baseUrl()}/records/${recordId}/sections/narrative`)).text();
    const res = await browser.go(`${baseUrl()}/records/${recordId}/sections/narrative`, form([['_csrf', hidden(page, '_csrf')!], ['expectedVersion', String(version)], ['narrative', FIVE_MB]]));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('What you sent is too large');
    expect(html).toContain('Nothing was saved');
    expect(html).toMatch(/limit is 256 KB/);
    const stored = await (await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records/${recordId}`)).json();
    expect(stored.version).toBe(version);
    expect(stored.answers.narrative).toBe('Before the paste');
  });

  it('on the anonymous survey: 413 page, no response stored', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const waves = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    const link = /href="https?:\/\/[^/"]+(\/survey\/ky-dcbs#[A-Za-z0-9_-]{22})"/.exec(waves)?.[1];
    expect(link, 'the seeded demo wave is open').toBeDefined();
    const countBefore = /npcs-status-count">(\d+)</.exec(waves.slice(waves.lastIndexOf('<tr', waves.indexOf(link!))))?.[1];
    const token = link!.split('#')[1]!;
    const start = await (await fetch(`${baseUrl()}/survey/ky-dcbs`)).text();
    const survey = await (await fetch(`${baseUrl()}/survey/ky-dcbs/start`, form([['_csrf', hidden(start, '_csrf')!], ['token', token]]))).text();
    const res = await fetch(`${baseUrl()}/survey/ky-dcbs/answers`, form([['_csrf', hidden(survey, '_csrf')!], ['submissionId', hidden(survey, 'submissionId')!], ['token', token], ['unit', FIVE_MB]]));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('What you sent is too large');
    const after = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    expect(/npcs-status-count">(\d+)</.exec(after.slice(after.lastIndexOf('<tr', after.indexOf(link!))))?.[1]).toBe(countBefore);
  });
});
