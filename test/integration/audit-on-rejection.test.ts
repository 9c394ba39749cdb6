import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { timeSortableId } from '#shared/audit/ids.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { baseUrl, signIn, type Browser } from './helpers.ts';
import { auditItems } from './records/setup.ts';

/**
 * A rejected request writes nothing, and reads are audited as docs/records.md says: a record read by someone other
 * than its author, once per session and record. Counts the audit items of one record around every kind of rejected
 * web post and API call (400/403/404/409/413/415/422), made by a reviewer whose session never opened the record.
 */
const JID = 'ky-dcbs';
const FORM = 'application/x-www-form-urlencoded';
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const api = (id: string) => `${baseUrl()}/api/jurisdictions/${JID}/records/${id}`;
const eventsOf = async (recordId: string) => (await auditItems(JID)).filter((e) => e.recordId === recordId);
const readsOf = async (recordId: string) => (await eventsOf(recordId)).filter((e) => e.action === 'record.read');

async function submittedRecord(submitter: Browser): Promise<{ recordId: string; version: number }> {
  const made = await submitter.go(`${baseUrl()}/api/jurisdictions/${JID}/records`, {
    method: 'POST',
    body: JSON.stringify({ formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(1) }),
    headers: { 'content-type': 'application/json' },
  });
  expect(made.status).toBe(201);
  const { recordId, version } = (await made.json()) as { recordId: string; version: number };
  const submitted = await submitter.go(`${api(recordId)}/submit`, {
    method: 'POST',
    body: JSON.stringify({ expectedVersion: version, submissionId: randomUUID() }),
    headers: { 'content-type': 'application/json' },
  });
  expect(submitted.status).toBe(200);
  return { recordId, version: ((await submitted.json()) as { version: number }).version };
}

/** The session's CSRF token, from the home page (it is per session, not per record: the record is never opened). */
const csrfOf = async (browser: Browser) => hidden(await (await browser.go(`${baseUrl()}/`)).text(), '_csrf')!;

const post = (browser: Browser, url: string, body: string | Buffer, contentType: string, extra: Record<string, string> = {}) =>
  browser.go(url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': contentType, accept: 'text/html', ...extra } });

describe('rejected requests write no audit event', () => {
  it('on every kind of rejected web post and API call, by a reviewer who never opened the record', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const { recordId, version } = await submittedRecord(submitter);
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const csrf = await csrfOf(reviewer);
    const before = (await eventsOf(recordId)).map((e) => e.action).sort();
    expect(before).toEqual(['record.created', 'record.submitted']);

    const transitions = `${baseUrl()}/records/${recordId}/transitions`;
    const fields = (pairs: [string, string][]) => new URLSearchParams([['_csrf', csrf], ...pairs]).toString();
    const missing = timeSortableId(new Date());
    const web: [number, Promise<Response>][] = [
      [400, post(reviewer, transitions, fields([['expectedVersion', String(version)], ['to', 'archived']]), FORM)],
      [400, post(reviewer, transitions, fields([['expectedVersion', String(version)], ['to', 'approved'], ['to', 'returned']]), FORM)],
      [400, post(reviewer, transitions, `${fields([['expectedVersion', String(version)], ['to', 'returned']])}&reason=%FF%FE`, FORM)],
      [403, post(reviewer, transitions, new URLSearchParams([['expectedVersion', String(version)], ['to', 'returned']]).toString(), FORM)],
      [403, post(reviewer, `${baseUrl()}/records/${recordId}/submit`, fields([['expectedVersion', String(version)], ['submissionId', randomUUID()]]), FORM)],
      [404, post(reviewer, `${baseUrl()}/records/${missing}/transitions`, fields([['expectedVersion', '2'], ['to', 'returned'], ['reason', 'x']]), FORM)],
      [409, post(reviewer, transitions, fields([['expectedVersion', String(version - 1)], ['to', 'approved']]), FORM)],
      [413, post(reviewer, transitions, fields([['expectedVersion', String(version)], ['to', 'returned'], ['reason', 'x'.repeat(300_000)]]), FORM)],
      [415, post(reviewer, transitions, fields([['expectedVersion', String(version)], ['to', 'approved']]), `${FORM}; charset=iso-8859-1`)],
      [422, post(reviewer, transitions, fields([['expectedVersion', String(version)], ['to', 'returned'], ['reason', '   ']]), FORM)],
    ];
    const json = 'application/json';
    const apiCalls: [number, Promise<Response>][] = [
      [400, post(reviewer, `${api(recordId)}/transitions`, '{"to": "returned",', json)],
      [400, post(reviewer, `${api(recordId)}/transitions`, Buffer.concat([Buffer.from('{"to":"returned","expectedVersion":2,"reason":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), json)],
      [403, post(reviewer, `${api(recordId)}/transitions`, JSON.stringify({ to: 'approved', expectedVersion: version }), json, { 'sec-fetch-site': 'cross-site' })],
      [404, reviewer.go(api(missing))],
      [404, reviewer.go(`${baseUrl()}/api/jurisdictions/oh-franklin-fccs/records/${recordId}`)],
      [409, post(reviewer, `${api(recordId)}/transitions`, JSON.stringify({ to: 'approved', expectedVersion: version - 1 }), json)],
      [413, post(reviewer, `${api(recordId)}/transitions`, JSON.stringify({ to: 'returned', expectedVersion: version, reason: 'x'.repeat(300_000) }), json)],
      [415, post(reviewer, `${api(recordId)}/transitions`, JSON.stringify({ to: 'approved', expectedVersion: version }), 'text/plain')],
      [415, post(reviewer, `${api(recordId)}/transitions`, JSON.stringify({ to: 'approved', expectedVersion: version }), `${json}; charset=windows-1252`)],
      [422, post(reviewer, `${api(recordId)}/transitions`, JSON.stringify({ to: 'returned', expectedVersion: version }), json)],
      [422, post(reviewer, `${api(recordId)}/transitions`, JSON.stringify({ to: 'approved' }), json)],
    ];
    for (const [status, pending] of [...web, ...apiCalls]) {
      const res = await pending;
      expect(res.status, `${res.url}: ${(await res.text()).slice(0, 300)}`).toBe(status);
    }
    expect((await eventsOf(recordId)).map((e) => e.action).sort()).toEqual(before);
    // Nothing moved either.
    expect(((await (await submitter.go(api(recordId))).json()) as { version: number }).version).toBe(version);
  });

  it('a rejected post shows the record again only to a reader whose read is already audited in the session', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const { recordId, version } = await submittedRecord(submitter);
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const csrf = await csrfOf(reviewer);
    const noReason = new URLSearchParams([['_csrf', csrf], ['expectedVersion', String(version)], ['to', 'returned'], ['reason', '']]).toString();

    const unread = await post(reviewer, `${baseUrl()}/records/${recordId}/transitions`, noReason, FORM);
    expect(unread.status).toBe(422);
    const plain = await unread.text();
    expect(plain).not.toContain('Review decision');
    expect(plain).not.toContain(String(sampleCriticalIncidentReview(1).review_id));
    expect(await readsOf(recordId)).toEqual([]);

    expect((await reviewer.go(`${baseUrl()}/records/${recordId}`)).status).toBe(200);
    expect(await readsOf(recordId)).toHaveLength(1);
    const read = await post(reviewer, `${baseUrl()}/records/${recordId}/transitions`, noReason, FORM);
    expect(read.status).toBe(422);
    const full = await read.text();
    expect(full).toContain('Review decision');
    expect(full).toContain('usa-error-message');
    expect(await readsOf(recordId)).toHaveLength(1);
  });
});

describe('audited reads over HTTP', () => {
  it('once per session and record, web pages and API alike; never the author', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const { recordId } = await submittedRecord(submitter);
    expect((await submitter.go(`${baseUrl()}/records/${recordId}`)).status).toBe(200);
    expect((await submitter.go(api(recordId))).status).toBe(200);
    expect(await readsOf(recordId)).toEqual([]);

    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    for (let i = 0; i < 2; i++) expect((await reviewer.go(`${baseUrl()}/records/${recordId}`)).status).toBe(200);
    expect((await reviewer.go(api(recordId))).status).toBe(200);
    const first = await readsOf(recordId);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ actor: { subject: 'demo-ky-dcbs-reviewer', role: 'reviewer' } });

    // A new session of the same person is a new read.
    const again = await signIn('demo-ky-dcbs-reviewer');
    expect((await again.go(api(recordId))).status).toBe(200);
    expect(await readsOf(recordId)).toHaveLength(2);
  });
});
