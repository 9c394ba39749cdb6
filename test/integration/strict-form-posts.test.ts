import { describe, expect, it } from 'vitest';
import { sampleSurveyResponse } from '#shared/forms/samples.ts';
import { rawPartition } from './records/setup.ts';
import { baseUrl, signIn, type Browser } from './helpers.ts';

/**
 * Lenient parsing is gone, end to end: a body declared in another charset (415), bytes or escapes that are not UTF-8,
 * a single-value field sent twice, an `_action` no button has (400), on the anonymous survey, the record form and the
 * JSON API. Each answer says what is wrong, and nothing is stored.
 */
const FORM = 'application/x-www-form-urlencoded';
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const send = (url: string, body: string | Uint8Array<ArrayBuffer>, contentType: string, browser?: Browser) =>
  (browser ? browser.go.bind(browser) : fetch)(url, { method: 'POST', body, headers: { 'content-type': contentType, accept: 'text/html' }, redirect: 'manual' });
const encode = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

async function openWave(admin: Browser): Promise<{ token: string; waveId: string }> {
  const page = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
  const closesOn = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const res = await admin.go(`${baseUrl()}/survey-waves`, {
    method: 'POST',
    body: encode([['_csrf', hidden(page, '_csrf')!], ['title', `Strict parsing ${Date.now()}`], ['closesOn', closesOn]]),
    headers: { 'content-type': FORM },
  });
  const waveId = new URL(res.url).searchParams.get('opened')!;
  const html = await res.text();
  const token = /href="https?:\/\/[^/"]+\/survey\/ky-dcbs#([A-Za-z0-9_-]{22})"/.exec(html.slice(html.indexOf('Strict parsing')))![1]!;
  return { token, waveId };
}

describe('strict form and JSON bodies', () => {
  it('the anonymous survey refuses another charset, non-UTF-8 and repeated fields, and stores no response', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const { token, waveId } = await openWave(admin);
    const start = await (await fetch(`${baseUrl()}/survey/ky-dcbs`)).text();
    const html = await (await send(`${baseUrl()}/survey/ky-dcbs/start`, encode([['_csrf', hidden(start, '_csrf')!], ['token', token]]), FORM)).text();
    const registry = (await (await fetch(`${baseUrl()}/api/jurisdictions/ky-dcbs`)).json()) as { units?: { code: string }[] };
    const answers = Object.entries(sampleSurveyResponse(registry.units![0]!.code)).map(([k, v]) => [k, String(v)] as [string, string]);
    const base: [string, string][] = [['_csrf', hidden(html, '_csrf')!], ['submissionId', hidden(html, 'submissionId')!], ['token', token], ...answers];
    const url = `${baseUrl()}/survey/ky-dcbs/answers`;

    const charset = await send(url, encode(base), `${FORM}; charset=windows-1252`);
    expect(charset.status).toBe(415);
    expect(await charset.text()).toContain('windows-1252');
    const latin1 = await send(url, `${encode(base)}&comment=caf%E9`, FORM);
    expect(latin1.status).toBe(400);
    expect(await latin1.text()).toContain('not valid UTF-8');
    const raw = await send(url, new Uint8Array([...Buffer.from(`${encode(base)}&x=`), 0xe9]), FORM);
    expect(raw.status).toBe(400);
    const unitTwice = await send(url, encode([...base, ['unit', registry.units![0]!.code]]), FORM);
    expect(unitTwice.status).toBe(400);
    expect(await unitTwice.text()).toContain('was sent more than once');
    const idTwice = await send(url, encode([...base, ['submissionId', crypto.randomUUID()]]), FORM);
    expect(idTwice.status).toBe(400);
    expect(await rawPartition(`ky-dcbs#SURVEY#${waveId}`)).toEqual([]);

    // The same answers, sent properly, are taken.
    expect((await send(url, encode(base), `${FORM}; charset=UTF-8`)).status).toBe(303);
    expect(await rawPartition(`ky-dcbs#SURVEY#${waveId}`)).toHaveLength(1);
  });

  it('a record section refuses a repeated single-value field, an unknown _action and another charset; the draft is unchanged', async () => {
    const browser = await signIn('demo-ky-dcbs-submitter');
    const made = await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records`, {
      method: 'POST',
      body: JSON.stringify({ formId: 'critical_incident_review', answers: { review_id: 'KY-STRICT-1' } }),
      headers: { 'content-type': 'application/json' },
    });
    const { recordId, version } = (await made.json()) as { recordId: string; version: number };
    const section = `${baseUrl()}/records/${recordId}/sections/incident`;
    const page = await (await browser.go(section)).text();
    const base: [string, string][] = [['_csrf', hidden(page, '_csrf')!], ['expectedVersion', String(version)]];

    const cases: [number, string, string, string][] = [
      [400, encode([...base, ['review_id', 'A'], ['review_id', 'B']]), FORM, '"review_id" was sent more than once'],
      [400, encode([...base, ['expectedVersion', String(version)], ['review_id', 'A']]), FORM, '"expectedVersion" was sent more than once'],
      [400, encode([...base, ['review_id', 'A'], ['_action', 'later'], ['_action', 'next']]), FORM, '"_action" was sent more than once'],
      [400, encode([...base, ['review_id', 'A'], ['_action', 'publish']]), FORM, 'a button this page does not have'],
      [400, encode([...base, ['review_id', 'A'], ['_action', 'add:no_such_group']]), FORM, 'a button this page does not have'],
      [400, `${encode(base)}&review_id=%C3%28`, FORM, 'not valid UTF-8'],
      [415, encode([...base, ['review_id', 'A']]), `${FORM}; charset=iso-8859-1`, 'iso-8859-1'],
    ];
    for (const [status, body, contentType, says] of cases) {
      const res = await send(section, body, contentType, browser);
      expect(res.status, body).toBe(status);
      expect(await res.text()).toContain(says.replaceAll('"', '&quot;'));
    }
    const stored = (await (await browser.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records/${recordId}`)).json()) as { version: number; answers: Record<string, unknown> };
    expect(stored.version).toBe(version);
    expect(stored.answers).toEqual({ review_id: 'KY-STRICT-1' });
  });

  it('the JSON API refuses another charset (415) and bytes that are not UTF-8 (400); nothing is saved', async () => {
    const browser = await signIn('demo-ky-dcbs-submitter');
    const api = `${baseUrl()}/api/jurisdictions/ky-dcbs/records`;
    const made = await browser.go(api, { method: 'POST', body: JSON.stringify({ formId: 'critical_incident_review', answers: { review_id: 'KY-STRICT-2' } }), headers: { 'content-type': 'application/json' } });
    const { recordId } = (await made.json()) as { recordId: string };
    const put = (body: string | Uint8Array<ArrayBuffer>, contentType: string) => browser.go(`${api}/${recordId}/answers`, { method: 'PUT', body, headers: { 'content-type': contentType } });

    const latin1 = await put(JSON.stringify({ answers: { review_id: 'KY-CAFÉ' }, expectedVersion: 1 }), 'application/json; charset=ISO-8859-1');
    expect(latin1.status).toBe(415);
    expect(((await latin1.json()) as { error: { message: string } }).error.message).toContain('ISO-8859-1');
    const bytes = new Uint8Array([...Buffer.from('{"answers":{"review_id":"KY-CAF'), 0xc9, ...Buffer.from('"},"expectedVersion":1}')]);
    const invalid = await put(bytes, 'application/json');
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toContain('not valid UTF-8');
    const creates = await browser.go(api, { method: 'POST', body: JSON.stringify({ formId: 'critical_incident_review' }), headers: { 'content-type': 'application/json; charset=utf-16' } });
    expect(creates.status).toBe(415);

    const stored = (await (await browser.go(`${api}/${recordId}`)).json()) as { version: number; answers: Record<string, unknown> };
    expect(stored).toMatchObject({ version: 1, answers: { review_id: 'KY-STRICT-2' } });
  });
});
