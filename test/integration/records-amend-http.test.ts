import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { baseUrl, signIn } from './helpers.ts';

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
const form = (fields: Record<string, string>): RequestInit => ({ method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** An approved critical incident review of ky-dcbs, through the JSON API. */
async function approvedRecord() {
  const submitter = await signIn('demo-ky-dcbs-submitter');
  const reviewer = await signIn('demo-ky-dcbs-reviewer');
  const api = `${baseUrl()}/api/jurisdictions/ky-dcbs/records`;
  const made = await submitter.go(api, json('POST', { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(1) }));
  expect(made.status).toBe(201);
  const { recordId } = (await made.json()) as { recordId: string };
  expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: 1, submissionId: randomUUID() }))).status).toBe(200);
  expect((await reviewer.go(`${api}/${recordId}/transitions`, json('POST', { to: 'approved', expectedVersion: 2 }))).status).toBe(200);
  return { submitter, reviewer, api, recordId };
}

describe('amending an approved record over HTTP', () => {
  it('JSON API: reason missing 422 and stale version 409 with nothing written, another jurisdiction 404, submitters 403', async () => {
    const { submitter, reviewer, api, recordId } = await approvedRecord();
    const read = async () => (await (await reviewer.go(`${api}/${recordId}`)).json()) as { version: number; status: string };
    const before = await read();
    const missing = await reviewer.go(`${api}/${recordId}/amendments`, json('POST', { expectedVersion: 3 }));
    expect(missing.status).toBe(422);
    expect(JSON.stringify(await missing.json())).toContain('reason');
    const stale = await reviewer.go(`${api}/${recordId}/amendments`, json('POST', { reason: 'Wrong date', expectedVersion: 2 }));
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: { reason: string } }).error.reason).toBe('stale_version');
    expect(await read()).toEqual(before);
    expect((await submitter.go(`${api}/${recordId}/amendments`, json('POST', { reason: 'Wrong date', expectedVersion: 3 }))).status).toBe(403);
    const away = await signIn('demo-oh-franklin-fccs-reviewer');
    expect((await away.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records/${recordId}/amendments`, json('POST', { reason: 'Wrong date', expectedVersion: 3 }))).status).toBe(404);
    expect((await away.go(`${baseUrl()}/records/${recordId}/history`)).status).toBe(404);

    const ok = await reviewer.go(`${api}/${recordId}/amendments`, json('POST', { reason: 'Wrong date', expectedVersion: 3 }));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ recordId, status: 'returned', version: 4, amendReason: 'Wrong date', amends: { version: 3 } });
  });

  it('web pages: the amendment page refuses a blank reason (422, nothing written), then amends; the history names fields by label', async () => {
    const { submitter, reviewer, api, recordId } = await approvedRecord();
    const page = await reviewer.go(`${baseUrl()}/records/${recordId}/amend`);
    expect(page.status).toBe(200);
    const csrf = csrfOf(await page.text());
    const blank = await reviewer.go(`${baseUrl()}/records/${recordId}/amend`, form({ _csrf: csrf, expectedVersion: '3', reason: '  ' }));
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain('Say why this record must change');
    expect(((await (await reviewer.go(`${api}/${recordId}`)).json()) as { version: number }).version).toBe(3);
    const noVersion = await reviewer.go(`${baseUrl()}/records/${recordId}/amend`, form({ _csrf: csrf, reason: 'x' }));
    expect(noVersion.status).toBe(400);

    const done = await reviewer.go(`${baseUrl()}/records/${recordId}/amend`, form({ _csrf: csrf, expectedVersion: '3', reason: 'The review date was wrong.' }));
    // The browser follows the 303 to the record page, which confirms.
    expect(done.status).toBe(200);
    expect(done.url).toBe(`${baseUrl()}/records/${recordId}?amended=1`);
    expect(await done.text()).toContain('Amended. The approved version 3 is kept');
    const again = await reviewer.go(`${baseUrl()}/records/${recordId}/amend`, form({ _csrf: csrf, expectedVersion: '3', reason: 'Twice' }));
    expect(again.status).toBe(409);

    // The author changes one answer and submits; the reviewer sees it by label, old and new, beside the reason.
    const answers = { ...sampleCriticalIncidentReview(1), review_date: '2024-04-02' };
    expect((await submitter.go(`${api}/${recordId}/answers`, json('PUT', { answers, expectedVersion: 4 }))).status).toBe(200);
    expect((await submitter.go(`${api}/${recordId}/submit`, json('POST', { expectedVersion: 5, submissionId: randomUUID() }))).status).toBe(200);
    const review = await (await reviewer.go(`${baseUrl()}/records/${recordId}`)).text();
    expect(review).toContain('What changed since it was amended');
    expect(review).toContain('The review date was wrong.');
    expect(review).toMatch(/<th scope="row" data-label="Question">Review date<\/th>/);
    expect(review).toContain('2024-04-02');

    const history = await reviewer.go(`${baseUrl()}/records/${recordId}/history`);
    expect(history.status).toBe(200);
    const text = await history.text();
    expect(text).toContain('Amended: back to its author');
    expect(text).toContain('Review date');
    expect(text).not.toContain('review_date');
    // Who: the person's name from the identity provider with the role, not the subject id.
    expect(text).toContain('Riley Haddad <span class="text-base">(Reviewer (agency review lead))</span>');
    expect(text).toContain('Morgan Ellery <span class="text-base">(Submitter (agency staff))</span>');
    expect(text).not.toContain('demo-ky-dcbs-reviewer');
    expect((await submitter.go(`${baseUrl()}/records/${recordId}/history`)).status).toBe(403);
  });
});
