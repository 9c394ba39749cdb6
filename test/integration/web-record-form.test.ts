import { describe, expect, it } from 'vitest';
import { baseUrl, signIn, type Browser } from './helpers.ts';

/**
 * The record form's posts without JavaScript, through the local HTTP API: checkboxes as lists, HTML-looking text kept
 * and escaped, the 409 of a stale version with nothing lost, and a submit replayed with the same submissionId.
 */
const form = (fields: [string, string][]) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
});
const hidden = (html: string, name: string) => new RegExp(`name="${name.replace(/[.[\]]/g, '\\$&')}" value="([^"]*)"`).exec(html)?.[1];

async function startDraft(browser: Browser): Promise<{ recordId: string; html: string }> {
  const home = await (await browser.go(`${baseUrl()}/`)).text();
  const res = await browser.go(`${baseUrl()}/records`, form([['_csrf', hidden(home, '_csrf')!], ['formId', 'critical_incident_review']]));
  expect(res.status).toBe(200);
  return { recordId: /\/records\/([^/]+)\/sections\/incident/.exec(res.url)![1]!, html: await res.text() };
}

describe('record form posts (no JavaScript)', () => {
  it('saves checkboxes as lists and keeps HTML-looking text exactly, shown escaped', async () => {
    const browser = await signIn('demo-ky-dcbs-submitter');
    const { recordId, html } = await startDraft(browser);
    const csrf = hidden(html, '_csrf')!;
    const child = await browser.go(`${baseUrl()}/records/${recordId}/sections/child`);
    const version = hidden(await child.text(), 'expectedVersion')!;
    const saved = await browser.go(
      `${baseUrl()}/records/${recordId}/sections/child`,
      form([['_csrf', csrf], ['expectedVersion', version], ['child_race', 'white'], ['child_race', 'asian'], ['_action', 'next']]),
    );
    expect(new URL(saved.url).pathname).toBe(`/records/${recordId}/sections/agency_involvement`);
    const record = await (await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records/${recordId}`)).json();
    expect(record.answers).toEqual({ child_race: ['white', 'asian'] });

    const narrative = '<img src=x onerror=alert(1)> & "quotes"';
    const narrativePage = await (await browser.go(`${baseUrl()}/records/${recordId}/sections/narrative`)).text();
    await browser.go(`${baseUrl()}/records/${recordId}/sections/narrative`, form([['_csrf', csrf], ['expectedVersion', hidden(narrativePage, 'expectedVersion')!], ['narrative', narrative], ['_action', 'later']]));
    const again = await (await browser.go(`${baseUrl()}/records/${recordId}/sections/narrative`)).text();
    expect(again).toContain('&lt;img src=x onerror=alert(1)> &amp; &quot;quotes&quot;');
    expect(again).not.toContain('<img src=x');
    const stored = await (await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records/${recordId}`)).json();
    expect(stored.answers.narrative).toBe(narrative);
  });

  it('answers a stale version with 409, the typed answers and the friendly message; a resubmit then saves', async () => {
    const browser = await signIn('demo-ky-dcbs-submitter');
    const { recordId, html } = await startDraft(browser);
    const csrf = hidden(html, '_csrf')!;
    const stale = hidden(html, 'expectedVersion')!;
    // Someone else saves first (the JSON API, as autosave does).
    const put = await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records/${recordId}/answers`, {
      method: 'PUT',
      body: JSON.stringify({ answers: { review_id: 'OTHER-1' }, expectedVersion: Number(stale) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(put.status).toBe(200);
    const conflict = await browser.go(`${baseUrl()}/records/${recordId}/sections/incident`, form([['_csrf', csrf], ['expectedVersion', stale], ['review_id', 'MINE-2']]));
    expect(conflict.status).toBe(409);
    const page = await conflict.text();
    expect(page).toContain('Someone else saved this record');
    expect(page).toContain('Nothing was lost');
    expect(page).toContain('value="MINE-2"');
    const retry = await browser.go(`${baseUrl()}/records/${recordId}/sections/incident`, form([['_csrf', csrf], ['expectedVersion', hidden(page, 'expectedVersion')!], ['review_id', 'MINE-2'], ['_action', 'later']]));
    expect(new URL(retry.url).search).toBe(`?saved=${recordId}`);
    const record = await (await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records/${recordId}`)).json();
    expect(record.answers.review_id).toBe('MINE-2');
  });

  it('shows submission errors on the review page, and refuses a form without its token', async () => {
    const browser = await signIn('demo-ky-dcbs-submitter');
    const { recordId } = await startDraft(browser);
    const review = await (await browser.go(`${baseUrl()}/records/${recordId}/review`)).text();
    const fields: [string, string][] = [['_csrf', hidden(review, '_csrf')!], ['expectedVersion', hidden(review, 'expectedVersion')!], ['submissionId', hidden(review, 'submissionId')!]];
    const failed = await browser.go(`${baseUrl()}/records/${recordId}/submit`, form(fields));
    expect(failed.status).toBe(422);
    const text = await failed.text();
    expect(text).toContain('id="error-summary"');
    expect(text).toContain(`href="/records/${recordId}/sections/incident#f-review_id"`);
    const forged = await browser.go(`${baseUrl()}/records/${recordId}/submit`, form(fields.slice(1)));
    expect(forged.status).toBe(403);
  });
});
