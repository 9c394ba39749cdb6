import { randomBytes } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { sampleSurveyResponse } from '#shared/forms/samples.ts';
import { client, rawPartition, tableName } from './records/setup.ts';
import { baseUrl, signIn, type Browser } from './helpers.ts';
import { until as waitUntil } from '../support/until.ts';

/**
 * Personal survey invitations end to end on the local cloud: an admin opens an invitation wave and imports a staff
 * list; the survey workflow emails each person their link (MailDev); a person answers through it, once; reminders
 * go to those who have not answered; closing deletes the staff list, and nothing left in the table names an
 * invitee or ties a response to one.
 */
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const form = (fields: [string, string][], extra: Record<string, string> = {}) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...extra },
});
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const SURVEY = '/survey/ky-dcbs';

interface InboxEmail {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}
const inbox = async () => (await (await fetch(`${inject('endpoints').mailInbox}/api/email`)).json()) as InboxEmail[];
const mailTo = async (address: string) => (await inbox()).filter((m) => m.to.some((t) => t.address.toLowerCase() === address));

/** The workflow and MailDev can take a while on a loaded machine. */
const until = <T>(what: string, probe: () => Promise<T | undefined>) => waitUntil(what, probe, 60_000, 200);

async function units(): Promise<{ code: string; label: string }[]> {
  return (await (await fetch(`${baseUrl()}/api/jurisdictions/ky-dcbs`)).json()).units;
}

async function openInvitationWave(admin: Browser, title: string, reminders: string[] = []): Promise<string> {
  const page = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
  const res = await admin.go(
    `${baseUrl()}/survey-waves`,
    form([['_csrf', hidden(page, '_csrf')!], ['title', title], ['closesOn', day(14)], ['mode', 'invitations'], ...reminders.map((d, i) => [`reminder${i + 1}`, d] as [string, string])]),
  );
  expect(res.status).toBe(200);
  return new URL(res.url).searchParams.get('opened')!;
}

/** Uploads a staff list as a file (multipart, as the browser sends it). */
async function upload(admin: Browser, waveId: string, bytes: Uint8Array | string): Promise<Response> {
  const page = await (await admin.go(`${baseUrl()}/survey-waves/${waveId}/staff`)).text();
  const body = new FormData();
  body.set('_csrf', hidden(page, '_csrf')!);
  body.set('file', new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)], { type: 'text/csv' }), 'staff.csv');
  body.set('list', '');
  return admin.go(`${baseUrl()}/survey-waves/${waveId}/staff`, { method: 'POST', body, headers: { accept: 'text/html' } });
}

async function startWith(token: string): Promise<Response> {
  const csrf = hidden(await (await fetch(`${baseUrl()}${SURVEY}`)).text(), '_csrf')!;
  return fetch(`${baseUrl()}${SURVEY}/start`, form([['_csrf', csrf], ['token', token]]));
}

async function runJob(state: Record<string, unknown> | undefined, workflowId = 'survey-invitations'): Promise<void> {
  const sfn = new SFNClient({ endpoint: inject('endpoints').stepFunctions, region: 'us-east-1', credentials });
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: inject('stateMachineArns')[workflowId]!, name: `it-${randomBytes(6).toString('hex')}`, input: JSON.stringify(state ? { state } : {}) }));
  const status = await until('the survey workflow', async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING' ? undefined : d.status;
  });
  expect(status).toBe('SUCCEEDED');
}

/** Every item of the whole table (DynamoDB Local; tests only). */
async function wholeTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const linkOf = (mail: InboxEmail) => /(https?:\/\/\S+\/survey\/ky-dcbs#([0-9A-Z]{26}[A-Za-z0-9_-]{22}))/.exec(mail.text);

describe('survey invitations', () => {
  it('bad staff lists name each line and import nothing; a wrong encoding says so', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const waveId = await openInvitationWave(admin, `Bad lists ${Date.now()}`);
    const [unit] = await units();
    const bad = await upload(admin, waveId, `email,unit\nok@x.example.org,${unit!.code}\nnot-an-email,${unit!.code}\nok@x.example.org,${unit!.code}\n=CMD()@x.example.org,nowhere\n`);
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('nothing was imported');
    expect(html).toContain('Line 3: &quot;not-an-email&quot; is not an email address.');
    expect(html).toContain('Line 4: repeats the email address of line 2.');
    expect(html).toMatch(/Line 5: the email &quot;=CMD\(\)@x.example.org&quot; starts with &quot;=&quot;/);
    expect(html).toMatch(/Line 5: the unit &quot;nowhere&quot; is not a unit/);
    const latin1 = await upload(admin, waveId, new Uint8Array([...Buffer.from(`email,unit\nren`), 0xe9, ...Buffer.from(`@x.example.org,${unit!.code}\n`)]));
    expect(latin1.status).toBe(422);
    expect(await latin1.text()).toContain('The file is not UTF-8 text: line 2');
    // Many problems: the first 50 shown, the rest counted.
    const many = await upload(admin, waveId, `email,unit\n${Array.from({ length: 80 }, (_, i) => `bad${i},${unit!.code}`).join('\n')}\n`);
    expect(await many.text()).toContain('and 30 more');
    expect(await rawPartition(`ky-dcbs#SURVEY#${waveId}#STAFF`)).toEqual([]);
  });

  it('invite, email with a personal link, answer once for the invitation unit, remind the others, close: the staff list is gone', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const title = `Invitations ${Date.now()}`;
    const waveId = await openInvitationWave(admin, title, [day(1), day(3)]);
    const [first, second] = await units();
    const run = randomBytes(4).toString('hex');
    const people = [`ann.${run}@agency.example.gov`, `bo.${run}@agency.example.gov`, `cy.${run}@agency.example.gov`];
    // The unit by its code and by its label; a BOM in front (Excel's CSV UTF-8).
    const csv = `\uFEFFemail,unit\n${people[0]},${first!.code}\n${people[1]!.toUpperCase()},${second!.label}\n${people[2]},${first!.code}\n`;
    const imported = await upload(admin, waveId, csv);
    expect(imported.status).toBe(200);
    expect(await imported.text()).toContain('3 people are being invited');

    // Each person gets one email, with the link (token after #) and the code.
    const mails = await Promise.all(people.map((p) => until(`the invitation of ${p}`, async () => ((await mailTo(p)).length ? mailTo(p) : undefined))));
    for (const m of mails) {
      expect(m).toHaveLength(1);
      expect(m[0]!.subject).toMatch(/safety culture survey: your personal link/);
      const link = linkOf(m[0]!);
      expect(link, m[0]!.text).not.toBeNull();
      expect(m[0]!.text).toContain(`Code: ${link![2]}`);
      expect(m[0]!.html).toContain(link![1]);
      expect(m[0]!.text).toMatch(/Your answers are anonymous/);
    }
    const tokens = mails.map((m) => linkOf(m[0]!)![2]!);
    expect(new Set(tokens).size).toBe(3);
    const status = await until('the sent count', async () => {
      const page = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
      const row = page.slice(page.indexOf(title));
      return /Sent: 3</.test(row) ? row : undefined;
    });
    expect(status).toMatch(/Invited: 3</);

    // No usable token is stored: the invitations are keyed by digests, and no item holds a token.
    const staff = await rawPartition(`ky-dcbs#SURVEY#${waveId}#STAFF`);
    expect(JSON.stringify(staff)).not.toMatch(new RegExp(tokens.map((t) => t.slice(26)).join('|')));
    expect(staff.filter((i) => String(i.sk).startsWith('INVITE#'))).toHaveLength(3);

    // Answer through person 0's link: the page shows the unit and asks none; a posted unit is ignored.
    const started = await startWith(tokens[0]!);
    expect(started.status).toBe(200);
    const page = await started.text();
    expect(page).toContain(`Your unit, as your invitation says: <strong>${first!.label}</strong>`);
    expect(page).not.toMatch(/name="unit"/);
    const answers = Object.entries(sampleSurveyResponse(second!.code)).map(([k, v]) => [k, String(v)] as [string, string]);
    const post = () => fetch(`${baseUrl()}${SURVEY}/answers`, { ...form([['_csrf', hidden(page, '_csrf')!], ['submissionId', hidden(page, 'submissionId')!], ['token', tokens[0]!], ...answers]), redirect: 'manual' });
    const sent = await post();
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`${SURVEY}/thanks`);
    // A second try: already used, nothing stored.
    const second_ = await post();
    expect(second_.status).toBe(410);
    expect(await second_.text()).toContain('This link was already used');
    const reopen = await startWith(tokens[0]!);
    expect(reopen.status).toBe(410);
    expect(await reopen.text()).toContain('This link was already used');
    // Forged, mistyped, another wave's digit: no such link.
    expect((await startWith(`${waveId}${randomBytes(16).toString('base64url')}`)).status).toBe(404);
    expect((await startWith(`${tokens[1]!.slice(0, -1)}${tokens[1]!.endsWith('A') ? 'B' : 'A'}`)).status).toBe(404);

    const responses = await rawPartition(`ky-dcbs#SURVEY#${waveId}`);
    expect(responses).toHaveLength(1);
    const response = responses[0]!;
    // The response: answers and form only, the invitation's unit, a random id; nothing from the invitation or the time.
    expect(Object.keys(response).sort()).toEqual(['answers', 'formId', 'formVersion', 'kind', 'pk', 'sk']);
    expect((response.answers as Record<string, unknown>).unit).toBe(first!.code);
    expect(String(response.sk)).toMatch(/^RESPONSE#[0-9a-f-]{36}$/);
    const afterAnswer = await rawPartition(`ky-dcbs#SURVEY#${waveId}#STAFF`);
    const used = afterAnswer.filter((i) => String(i.sk).startsWith('USED#'));
    expect(used).toHaveLength(1);
    // The used marker: no email, no unit, nothing but its key and kind.
    expect(Object.keys(used[0]!).sort()).toEqual(['kind', 'pk', 'sk']);
    expect(afterAnswer.filter((i) => String(i.sk).startsWith('INVITE#'))).toHaveLength(2);
    const responseText = JSON.stringify(response);
    for (const item of afterAnswer) {
      // Every attribute of what is left of the list but the unit (which the response carries by design) is absent from the response.
      for (const [name, value] of Object.entries(item)) if (!['pk', 'kind', 'unit'].includes(name) && typeof value === 'string' && value.length > 8) expect(responseText, name).not.toContain(value);
    }
    for (const p of people) expect(responseText).not.toContain(p);

    // A reminder round: the two who have not answered get one each; run again, nobody gets a second.
    await runJob({ job: 'remind', jurisdictionId: 'ky-dcbs', waveId, round: 1, done: false });
    await runJob({ job: 'remind', jurisdictionId: 'ky-dcbs', waveId, round: 1, done: false });
    for (const [i, p] of people.entries()) {
      const all = await mailTo(p);
      const reminders = all.filter((m) => m.subject.startsWith('Reminder:'));
      expect(reminders, p).toHaveLength(i === 0 ? 0 : 1);
      if (i > 0) expect(linkOf(reminders[0]!)![2]).toBe(tokens[i]);
    }
    const counts = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    expect(counts.slice(counts.indexOf(title))).toMatch(/Reminded: 2<[\s\S]*Answered: 1</);

    // Close now: results frozen once; the staff list partition is deleted by the workflow.
    const list = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    const closed = await admin.go(`${baseUrl()}/survey-waves/${waveId}/close`, form([['_csrf', hidden(list, '_csrf')!]]));
    expect(await closed.text()).toContain('The wave is closed');
    await until('the staff list deleted', async () => ((await rawPartition(`ky-dcbs#SURVEY#${waveId}#STAFF`)).length === 0 ? true : undefined));
    const again = await admin.go(`${baseUrl()}/survey-waves/${waveId}/close`, form([['_csrf', hidden(list, '_csrf')!]]));
    expect(await again.text()).toContain('This wave was already closed. Nothing was done again');
    expect((await startWith(tokens[1]!)).status).toBe(410);

    // Nothing anywhere in the table holds an invitee's email; the wave keeps counts only.
    const everything = JSON.stringify(await wholeTable()).toLowerCase();
    for (const p of people) expect(everything).not.toContain(p);
    const wave = (await rawPartition('ky-dcbs#SURVEY')).find((i) => i.sk === `WAVE#${waveId}`)!;
    expect(wave).toMatchObject({ status: 'closed', invited: 3, sent: 3, reminded: 2, answered: 1, staffCounts: { [first!.code]: 2, [second!.code]: 1 } });
    expect(wave.staffListDeletedAt).toEqual(expect.any(String));
    expect(wave.resultsFrozenAt).toEqual(expect.any(String));
  });

  it('the daily run reminds on a reminder day and closes a wave past its closing date (results frozen, list deleted)', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const [unit] = await units();
    const run = randomBytes(4).toString('hex');
    const due = await openInvitationWave(admin, `Daily reminder ${run}`, [day(2)]);
    const late = await openInvitationWave(admin, `Daily close ${run}`);
    const a = `due.${run}@agency.example.gov`;
    const b = `late.${run}@agency.example.gov`;
    expect((await upload(admin, due, `email,unit\n${a},${unit!.code}\n`)).status).toBe(200);
    expect((await upload(admin, late, `email,unit\n${b},${unit!.code}\n`)).status).toBe(200);
    await until('both invitations', async () => ((await mailTo(a)).length && (await mailTo(b)).length ? true : undefined));
    // Time moves on: today is the first wave's reminder day, and the second wave's closing date has passed.
    const today = day(0);
    await client.send(new UpdateCommand({ TableName: tableName(), Key: { pk: 'ky-dcbs#SURVEY', sk: `WAVE#${due}` }, UpdateExpression: 'SET reminderDays = :d', ExpressionAttributeValues: { ':d': [today] } }));
    await client.send(new UpdateCommand({ TableName: tableName(), Key: { pk: 'ky-dcbs#SURVEY', sk: `WAVE#${late}` }, UpdateExpression: 'SET closesOn = :d', ExpressionAttributeValues: { ':d': day(-1) } }));
    await runJob(undefined, 'survey-daily');
    expect((await mailTo(a)).filter((m) => m.subject.startsWith('Reminder:'))).toHaveLength(1);
    expect((await mailTo(b)).filter((m) => m.subject.startsWith('Reminder:'))).toHaveLength(0);
    const waves = await rawPartition('ky-dcbs#SURVEY');
    expect(waves.find((w) => w.sk === `WAVE#${due}`)).toMatchObject({ status: 'open', reminded: 1 });
    expect(waves.find((w) => w.sk === `WAVE#${late}`)).toMatchObject({ status: 'closed', resultsFrozenAt: expect.any(String), staffListDeletedAt: expect.any(String) });
    expect(await rawPartition(`ky-dcbs#SURVEY#${late}#STAFF`)).toEqual([]);
    // The next day's run (here: the same again) sends no second reminder of the same round.
    await runJob(undefined, 'survey-daily');
    expect((await mailTo(a)).filter((m) => m.subject.startsWith('Reminder:'))).toHaveLength(1);
  });

  it('a second list adds only new people; an open-link wave takes no list', async () => {
    const admin = await signIn('demo-ky-dcbs-admin');
    const waveId = await openInvitationWave(admin, `Second list ${Date.now()}`);
    const [unit] = await units();
    const run = randomBytes(4).toString('hex');
    const a = `a.${run}@agency.example.gov`;
    const b = `b.${run}@agency.example.gov`;
    expect((await upload(admin, waveId, `email,unit\n${a},${unit!.code}\n`)).status).toBe(200);
    await until('the first invitation', async () => ((await mailTo(a)).length ? true : undefined));
    const second = await upload(admin, waveId, `email,unit\n${a.toUpperCase()},${unit!.code}\n${b},${unit!.code}\n`);
    expect(await second.text()).toContain('1 person is being invited; 1 person was on the list already');
    await until('the second invitation', async () => ((await mailTo(b)).length ? true : undefined));
    expect(await mailTo(a)).toHaveLength(1);

    const page = await (await admin.go(`${baseUrl()}/survey-waves`)).text();
    const openWave = await admin.go(`${baseUrl()}/survey-waves`, form([['_csrf', hidden(page, '_csrf')!], ['title', `Open ${run}`], ['closesOn', day(7)], ['mode', 'open_link']]));
    const openId = new URL(openWave.url).searchParams.get('opened')!;
    const refused = await upload(admin, openId, `email,unit\n${a},${unit!.code}\n`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('it takes no staff list');
  });
});
