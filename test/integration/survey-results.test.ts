import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { timeSortableId } from '#shared/audit/ids.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import type { FrozenWaveResults } from '#shared/survey/results/types.ts';
import { targetField } from '#shared/survey/targets.ts';
import { waveResults } from '../unit/survey/results-fixtures.ts';
import { baseUrl, signIn, STACK_TRACE, type Browser } from './helpers.ts';

/**
 * The survey results pages through the local HTTP API, over frozen results put straight into DynamoDB Local (the
 * engine's item: `<jid>#SURVEY` / `RESULTS#<waveId>` holding `results`), beside the waves' own items.
 */
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('endpoints').dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS },
);
const TABLE = () => inject('tableName');
const HOME = 'ky-dcbs';
const AWAY = 'oh-franklin-fccs';

async function putWave(jid: string, waveId: string, status: 'open' | 'closed', title: string, closedOn: string) {
  await client.send(
    new PutCommand({
      TableName: TABLE(),
      Item: { pk: `${jid}#SURVEY`, sk: `WAVE#${waveId}`, kind: 'survey_wave', waveId, title, formId: 'safety_culture_survey', formVersion: 1, status, linkToken: `t${waveId.slice(0, 21)}`, closesOn: closedOn, openedAt: '2026-01-01T00:00:00.000Z', ...(status === 'closed' ? { closedAt: `${closedOn}T12:00:00.000Z` } : {}), responseCount: 0 },
    }),
  );
}
async function putResults(results: FrozenWaveResults) {
  await client.send(new PutCommand({ TableName: TABLE(), Item: { pk: `${results.jurisdictionId}#SURVEY`, sk: `RESULTS#${results.waveId}`, kind: 'survey_results', results } }));
}

const ids = () => {
  const base = Date.now();
  return [0, 1, 2, 3].map((i) => timeSortableId(new Date(base + i)));
};
const [homeFirst, homeLatest, homeOpen, awayWave] = ids() as [string, string, string, string];
const page = async (b: Browser, path: string) => {
  const res = await b.go(`${baseUrl()}${path}`, { headers: { accept: 'text/html' } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
let admin: Browser;

beforeAll(async () => {
  await putWave(HOME, homeFirst, 'closed', 'Fall 2126', '2126-10-01');
  await putResults(waveResults(HOME, homeFirst, { title: 'Fall 2126', closedOn: '2126-10-01', safetyClimate: 60.04 }));
  await putWave(HOME, homeLatest, 'closed', 'Spring 2127', '2127-04-01');
  await putResults(waveResults(HOME, homeLatest, { title: 'Spring 2127', closedOn: '2127-04-01' }));
  await putWave(HOME, homeOpen, 'open', 'Still open', '2127-12-01');
  await putWave(AWAY, awayWave, 'closed', 'Franklin spring', '2127-04-02');
  await putResults(waveResults(AWAY, awayWave, { title: 'Franklin spring', closedOn: '2127-04-02' }));
  admin = await signIn('demo-ky-dcbs-admin');
}, 60_000);

describe('a wave results page (jurisdiction admins)', () => {
  it('shows the jurisdiction and its units with charts and tables, a rolled-up unit combined with its parent and no number of it', async () => {
    const res = await page(admin, `/survey-waves/${homeLatest}/results`);
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain('Results of Spring 2127');
    expect(res.text).toContain('role="img"');
    expect(res.text).toContain('<caption id="scale-safety_climate-caption">Safety climate by group</caption>');
    expect(res.text).toContain('Combined with Intake');
    expect(res.text).toContain('71.4% (95% CI 63.4 to 79.4)');
    // The trend has both closed waves, oldest first.
    expect(res.text.indexOf('Fall 2126')).toBeLessThan(res.text.lastIndexOf('Spring 2127'));
    expect(res.text).not.toContain('1234');
    expect(res.text).not.toMatch(STACK_TRACE);
  });

  it('downloads the shown numbers as CSV: suppressed cells empty, formula cells neutralized', async () => {
    const res = await page(admin, `/survey-waves/${homeLatest}/results.csv`);
    expect(res.status, res.text).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    const night = rows.filter((r) => r.group === "'=Night shift");
    expect(night.length).toBeGreaterThan(0);
    for (const r of night) expect([r.respondents, r.percent_positive, r.mean, r.staff]).toEqual(['', '', '', '']);
    expect(rows.find((r) => r.section === 'scale' && r.group === 'Kentucky DCBS' && r.scale === 'Safety climate')).toMatchObject({ respondents: '41', percent_positive: '71.4' });
    expect(res.text).not.toContain('1234');
  });

  it('answers an open wave with 404 and a page that says results come when it closes', async () => {
    const res = await page(admin, `/survey-waves/${homeOpen}/results`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('This wave is still open');
    expect(res.text).toContain('its results come when it closes');
    expect((await page(admin, `/survey-waves/${homeOpen}/results.csv`)).status).toBe(404);
  });

  it("answers another jurisdiction's wave exactly like a wave that does not exist (404)", async () => {
    const other = await page(admin, `/survey-waves/${awayWave}/results`);
    const none = await page(admin, `/survey-waves/01JZZZZZZZZZZZZZZZZZZZZZZZ/results`);
    expect(other.status).toBe(404);
    expect(none.status).toBe(404);
    expect(other.text).not.toContain('Franklin spring');
    const heading = (html: string) => /<h1>(.*?)<\/h1>/s.exec(html)?.[1];
    expect(heading(other.text)).toBe(heading(none.text));
    expect((await page(admin, `/survey-waves/${awayWave}/results.csv`)).status).toBe(404);
  });

  it('refuses staff and partnership roles the wave page (403); signed out: 401', async () => {
    for (const user of ['demo-ky-dcbs-submitter', 'demo-partnership-lead', 'demo-platform-admin']) {
      expect((await page(await signIn(user), `/survey-waves/${homeLatest}/results`)).status, user).toBe(403);
    }
    expect((await fetch(`${baseUrl()}/survey-waves/${homeLatest}/results`)).status).toBe(401);
  });
});

describe('the partnership results page (leads and platform admins)', () => {
  it("shows each jurisdiction's latest wave at jurisdiction level only, with CSV; jurisdiction admins get 403", async () => {
    for (const user of ['demo-partnership-lead', 'demo-platform-admin']) {
      const b = await signIn(user);
      const res = await page(b, '/survey-results');
      expect(res.status, res.text).toBe(200);
      expect(res.text).toContain('Spring 2127, closed 2127-04-01');
      expect(res.text).toContain('Franklin spring, closed 2127-04-02');
      expect(res.text).not.toContain('Intake');
      expect(res.text).not.toContain('Night shift');
      const csv = await page(b, '/survey-results.csv');
      expect(csv.status).toBe(200);
      const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
      expect(rows.every((r) => r.level === 'jurisdiction' || r.level === 'partnership')).toBe(true);
      expect(rows.some((r) => r.wave_id === homeLatest && r.scale === 'Safety climate' && r.percent_positive === '71.4')).toBe(true);
    }
    expect((await page(admin, '/survey-results')).status).toBe(403);
  });
});

describe('baselines and targets (platform admins)', () => {
  const form = async (b: Browser) => {
    const html = (await page(b, '/survey-targets')).text;
    return { html, csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]!, version: /name="expectedVersion" value="(\d+)"/.exec(html)![1]! };
  };
  const post = (b: Browser, fields: Record<string, string>) =>
    b.go(`${baseUrl()}/survey-targets`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams(fields) });
  const untracked = (html: string) => Object.fromEntries([...html.matchAll(/name="([a-z_]+\.measure)" value="none"/g)].map((m) => [m[1]!, 'none']));

  it('saves valid targets (303, confirmation, audited with before and after), refuses invalid ones (422) and a stale form (409)', async () => {
    const b = await signIn('demo-platform-admin');
    const { html, csrf, version } = await form(b);
    expect(html).toContain('<legend class="usa-legend usa-legend--large">Safety climate</legend>');

    const bad = await post(b, { _csrf: csrf, expectedVersion: version, ...untracked(html), [targetField.measure('safety_climate')]: 'percent_positive', [targetField.change('safety_climate')]: '150', [targetField.baseline('safety_climate')]: 'first_closed' });
    const badHtml = await bad.text();
    expect(bad.status, badHtml).toBe(422);
    expect(badHtml).toContain('Safety climate: the change sought is from -100 to 100 percentage points');
    expect(badHtml).toContain('href="#t-safety_climate-change"');
    expect(badHtml).toContain('value="150"');

    const fields = { _csrf: csrf, expectedVersion: version, ...untracked(html), [targetField.measure('safety_climate')]: 'percent_positive', [targetField.change('safety_climate')]: '10', [targetField.baseline('safety_climate')]: 'chosen', [targetField.wave('safety_climate', HOME)]: homeFirst };
    const saved = await b.go(`${baseUrl()}/survey-targets`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    const savedHtml = await saved.text();
    expect(saved.status, savedHtml).toBe(200);
    expect(saved.url).toContain('/survey-targets?saved=1');
    expect(savedHtml).toContain('The baselines and targets are saved.');
    expect(savedHtml).toContain('Safety climate: Percent positive +10 over the chosen waves of 1 jurisdiction');

    const audit = await client.send(new QueryCommand({ TableName: TABLE(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'PARTNERSHIP#AUDIT' }, ScanIndexForward: false, Limit: 1 }));
    const event = audit.Items![0]!;
    expect(event).toMatchObject({ action: 'survey.targets_set', actor: { role: 'platform_admin' } });
    expect(event.after).toEqual([{ scale: 'safety_climate', baseline: { kind: 'chosen', waves: { [HOME]: homeFirst } }, measure: 'percent_positive', change: 10 }]);
    expect(JSON.stringify(event)).not.toMatch(/@/);

    // The same form again, now stale: 409 with what was typed.
    const stale = await post(b, { ...fields, [targetField.change('safety_climate')]: '12' });
    const staleHtml = await stale.text();
    expect(stale.status).toBe(409);
    expect(staleHtml).toContain('Someone else changed the targets');
    expect(staleHtml).toContain('value="12"');

    // The wave page now compares with the chosen baseline.
    const results = await page(admin, `/survey-waves/${homeLatest}/results`);
    expect(results.text).toContain('Fall 2126, closed 2126-10-01');
    expect(results.text).toMatch(/<span class="usa-tag npcs-target-(met|met_with_confidence|not_met)">/);
  });

  it('refuses everyone but platform admins (403)', async () => {
    for (const user of ['demo-ky-dcbs-admin', 'demo-partnership-lead', 'demo-ky-dcbs-submitter']) {
      expect((await page(await signIn(user), '/survey-targets')).status, user).toBe(403);
    }
  });
});
