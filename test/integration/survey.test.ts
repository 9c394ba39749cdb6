import { describe, expect, it } from 'vitest';
import { sampleSurveyResponse } from '#shared/forms/samples.ts';
import { rawPartition } from './records/setup.ts';
import { baseUrl, signIn, type Browser } from './helpers.ts';

/**
 * The anonymous survey end to end through the local HTTP API: a jurisdiction admin opens a wave on the web, anyone
 * with the link answers without signing in, answers are stored once and with nothing about the respondent.
 */
const form = (fields: [string, string][], extra: Record<string, string> = {}) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...extra },
});
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const UNIT = 'intake';

async function openWave(admin: Browser, title: string, extra: [string, string][] = []): Promise<{ token: string; waveId: string; html: string }> {
  const page = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
  const closesOn = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const res = await admin.go(`${baseUrl()}/survey-waves`, form([['_csrf', hidden(page, '_csrf')!], ['title', title], ['closesOn', closesOn], ...extra]));
  expect(res.status).toBe(200);
  expect(new URL(res.url).searchParams.get('opened')).toMatch(/^[0-9A-Z]{26}$/);
  const html = await res.text();
  const row = html.slice(html.indexOf(title));
  // The link carries its token after "#": no request to the platform ever does.
  const token = /href="https?:\/\/[^/"]+\/survey\/ky-dcbs#([A-Za-z0-9_-]{22})"/.exec(row)?.[1] ?? '';
  return { token, waveId: new URL(res.url).searchParams.get('opened')!, html };
}

const SURVEY = '/survey/ky-dcbs';

/** What the start page's script does: the token from the address into the start form, then "Start the survey". */
async function startWith(token: string, jurisdiction = 'ky-dcbs'): Promise<Response> {
  const start = await fetch(`${baseUrl()}/survey/${jurisdiction}`, { headers: { accept: 'text/html' } });
  const csrf = hidden(await start.text(), '_csrf') ?? '';
  return fetch(`${baseUrl()}/survey/${jurisdiction}/start`, form([['_csrf', csrf], ['token', token]]));
}

/** The survey's posted fields for a full response (likert answers as their codes). */
function answersOf(unit: string): [string, string][] {
  return Object.entries(sampleSurveyResponse(unit)).map(([k, v]) => [k, String(v)]);
}

async function unitOf(): Promise<string> {
  const registry = await (await fetch(`${baseUrl()}/api/jurisdictions/ky-dcbs`)).json();
  return registry.units?.[0]?.code ?? UNIT;
}

describe('anonymous survey (open link)', () => {
  it('a wave opened on the web takes answers by its link, once per page, with nothing about the respondent', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const { token, waveId } = await openWave(admin, `Integration wave ${Date.now()}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // The start page: no sign-in, no cookie, no token in any URL; the survey comes from the start post.
    const startPage = await fetch(`${baseUrl()}${SURVEY}`, { headers: { accept: 'text/html' } });
    expect(startPage.status).toBe(200);
    expect(startPage.headers.getSetCookie()).toEqual([]);
    const startHtml = await startPage.text();
    expect(startHtml).toContain('Your survey code');
    expect(startHtml).toContain(`action="${SURVEY}/start"`);
    const get = await startWith(token);
    expect(get.status).toBe(200);
    expect(get.headers.getSetCookie()).toEqual([]);
    const html = await get.text();
    expect(html).toContain('Your answers are anonymous');
    expect(html).toContain('Sections of the survey');
    expect(html).not.toContain('/auth/sign-in');
    const csrf = hidden(html, '_csrf')!;
    const submissionId = hidden(html, 'submissionId')!;
    expect(hidden(html, 'token')).toBe(token);
    expect(submissionId).toMatch(/^[0-9a-f-]{36}$/);

    const unit = await unitOf();
    const post = () => fetch(`${baseUrl()}${SURVEY}/answers`, { ...form([['_csrf', csrf], ['submissionId', submissionId], ['token', token], ...answersOf(unit)]), redirect: 'manual' });
    const sent = await post();
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`${SURVEY}/thanks`);
    // A double-click (the same page sent again) stores nothing more.
    expect((await post()).status).toBe(303);
    const thanks = await fetch(`${baseUrl()}${SURVEY}/thanks`, { headers: { accept: 'text/html' } });
    expect(await thanks.text()).toContain('Your answers were received');

    const stored = await rawPartition(`ky-dcbs#SURVEY#${waveId}`);
    expect(stored).toHaveLength(1);
    // Only the answers and the form: no time, no session, no address, no user agent.
    expect(Object.keys(stored[0]!).sort()).toEqual(['answers', 'formId', 'formVersion', 'kind', 'pk', 'sk']);
    expect(stored[0]!.answers).toMatchObject({ unit, sc_report_concern: sampleSurveyResponse(unit).sc_report_concern });

    const list = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    const at = list.indexOf(`#${token}`);
    expect(list.slice(list.lastIndexOf('<tr', at), list.indexOf('</tr>', at))).toMatch(/npcs-status-count">1</);
  });

  it('answers missing or invalid answers with 422, the error summary and what was typed; nothing stored', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const { token, waveId } = await openWave(admin, `Invalid answers ${Date.now()}`);
    const html = await (await startWith(token)).text();
    const res = await fetch(`${baseUrl()}${SURVEY}/answers`, form([['_csrf', hidden(html, '_csrf')!], ['submissionId', hidden(html, 'submissionId')!], ['token', token], ['sc_report_concern', '4'], ['ps_try_new', '9']]));
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('usa-alert--error');
    expect(page).toMatch(/href="#f-unit"/);
    expect(page).toMatch(/href="#f-ps_try_new"/);
    // What was typed is kept: the valid answer is still checked.
    expect(page).toMatch(/name="sc_report_concern"[^>]*value="4"[^>]*checked|checked[^>]*name="sc_report_concern"[^>]*value="4"/);
    expect(await rawPartition(`ky-dcbs#SURVEY#${waveId}`)).toEqual([]);
  });

  it('refuses a post without the form token (403), from another site (403), or with a tampered id (400, answers kept)', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const { token, waveId } = await openWave(admin, `Bad posts ${Date.now()}`);
    const html = await (await startWith(token)).text();
    const unit = await unitOf();
    const answers = `${baseUrl()}${SURVEY}/answers`;
    const noToken = await fetch(answers, form([['submissionId', hidden(html, 'submissionId')!], ['token', token], ...answersOf(unit)]));
    expect(noToken.status).toBe(403);
    const crossSite = await fetch(answers, form([['_csrf', hidden(html, '_csrf')!], ['submissionId', hidden(html, 'submissionId')!], ['token', token], ...answersOf(unit)], { 'sec-fetch-site': 'cross-site' }));
    expect(crossSite.status).toBe(403);
    const tampered = await fetch(answers, form([['_csrf', hidden(html, '_csrf')!], ['submissionId', '<script>'], ['token', token], ...answersOf(unit)]));
    expect(tampered.status).toBe(400);
    const page = await tampered.text();
    expect(page).toContain('nothing was stored');
    expect(page).not.toContain('<script>');
    expect(await rawPartition(`ky-dcbs#SURVEY#${waveId}`)).toEqual([]);
  });

  it('a closed wave takes no answers (410) and says so; unknown links and other jurisdictions answer 404', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const { token, waveId } = await openWave(admin, `Closing ${Date.now()}`);
    const html = await (await startWith(token)).text();
    const list = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    const closed = await admin.go(`${baseUrl()}/survey-waves/${waveId}/close`, form([['_csrf', hidden(list, '_csrf')!]]));
    expect(closed.status).toBe(200);
    expect(await closed.text()).toContain('The wave is closed');
    // Closing again does nothing again, and says so.
    const again = await admin.go(`${baseUrl()}/survey-waves/${waveId}/close`, form([['_csrf', hidden(list, '_csrf')!]]));
    expect(await again.text()).toContain('This wave was already closed. Nothing was done again');

    const late = await fetch(`${baseUrl()}${SURVEY}/answers`, form([['_csrf', hidden(html, '_csrf')!], ['submissionId', hidden(html, 'submissionId')!], ['token', token], ...answersOf(await unitOf())]));
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('This survey is closed');
    expect((await startWith(token)).status).toBe(410);
    expect(await rawPartition(`ky-dcbs#SURVEY#${waveId}`)).toEqual([]);

    expect((await startWith(token, 'oh-franklin-fccs')).status).toBe(404);
    expect((await startWith('AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await startWith('short')).status).toBe(404);
    // A whole pasted link works like its code (here: the closed wave's).
    expect((await startWith(`${baseUrl()}${SURVEY}#${token}`)).status).toBe(410);
    expect((await fetch(`${baseUrl()}/survey/KY!`, { headers: { accept: 'text/html' } })).status).toBe(404);
    // An empty code: the start page again with the error.
    const empty = await startWith('  ');
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Enter the code from your email');
  });

  it('wave pages are for jurisdiction admins only; bad wave input gets 422 with the error summary', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    expect((await submitter.go(`${baseUrl()}/survey-waves`, { headers: { accept: 'text/html' } })).status).toBe(403);
    const admin = await signIn('demo-ky-dcbs-admin');
    const page = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    const res = await admin.go(`${baseUrl()}/survey-waves`, form([['_csrf', hidden(page, '_csrf')!], ['title', '<b>x</b>'], ['closesOn', '2001-01-01']]));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/href="#wave-closes-on"/);
    expect(html).toContain('cannot be in the past');
    expect(html).toContain('value="&lt;b>x&lt;/b>"');
    const far = await admin.go(`${baseUrl()}/survey-waves`, form([['_csrf', hidden(page, '_csrf')!], ['title', 'Too long'], ['closesOn', '2999-01-01']]));
    expect(far.status).toBe(422);
    expect(await far.text()).toContain('at most 120 days');
    // Reminder days: after today, up to the closing date, different.
    const closesOn = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    const late = await admin.go(`${baseUrl()}/survey-waves`, form([['_csrf', hidden(page, '_csrf')!], ['title', 'Reminders'], ['closesOn', closesOn], ['mode', 'invitations'], ['reminder1', today]]));
    expect(late.status).toBe(422);
    expect(await late.text()).toMatch(/href="#wave-reminder-1"[^>]*>A reminder day is between tomorrow/);
    const same = await admin.go(`${baseUrl()}/survey-waves`, form([['_csrf', hidden(page, '_csrf')!], ['title', 'Reminders'], ['closesOn', closesOn], ['mode', 'invitations'], ['reminder1', closesOn], ['reminder2', closesOn]]));
    expect(await same.text()).toContain('Pick two different reminder days');
  });
});
