import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { baseUrl, signIn } from './helpers.ts';
import { actorIn, client, failure, service, tableName, tableOf, uniqueJurisdiction } from './records/setup.ts';
import { ValidationError } from '#shared/errors.ts';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import { PutCommand } from '@aws-sdk/lib-dynamodb';

/** A safety notice's issuer is the record's jurisdiction, set by the server: no post can name another. */
const JID = 'ky-dcbs';
/** The notice's first section as a person fills it (the issuer is not asked). */
const { notice_date, notice_type, theme, title } = sampleSafetyNotice(JID);
const NOTICE: Record<string, string> = { notice_date: notice_date!, notice_type: notice_type!, theme: theme!, title: title! };
const complete = () => {
  const { issuing_jurisdiction: _issuer, ...rest } = sampleSafetyNotice(JID);
  return rest;
};
const api = (path = '') => `${baseUrl()}/api/jurisdictions/${JID}/records${path}`;
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe("a safety notice's issuing jurisdiction", () => {
  it('is filled in from the record; naming another jurisdiction is a 422 and changes nothing', async () => {
    const jid = uniqueJurisdiction('sn');
    const table = tableOf(jid);
    const me = actorIn(jid);
    const records = service({ formContext: () => ({ jurisdictions: [{ code: jid, label: 'Here' }, { code: 'ct-dcf', label: 'Connecticut' }] }) });
    const { record } = await records.createDraft(table, me, { formId: 'safety_notice', answers: {} });
    expect(record.answers.issuing_jurisdiction).toBe(jid);
    const error = await failure(records.createDraft(table, me, { formId: 'safety_notice', answers: { issuing_jurisdiction: 'ct-dcf' } }), ValidationError, 422);
    expect(error.fieldErrors).toEqual([{ field: 'issuing_jurisdiction', message: expect.stringContaining(`record's jurisdiction (${jid})`) }]);
    await failure(records.saveDraft(table, me, record.recordId, { answers: { issuing_jurisdiction: 'ct-dcf' }, expectedVersion: 1 }), ValidationError, 422);
    // Sending back what was read is fine (autosave sends every answer).
    const saved = await records.saveDraft(table, me, record.recordId, { answers: { ...record.answers, title: 'A title' }, expectedVersion: 1 });
    expect(saved.answers).toMatchObject({ issuing_jurisdiction: jid, title: 'A title' });
    expect((await records.current(table, me, record.recordId)).answers.issuing_jurisdiction).toBe(jid);
  });

  it('of a record stored before the rule stays readable, and its submission takes the record jurisdiction', async () => {
    const jid = uniqueJurisdiction('sn');
    const table = tableOf(jid);
    const me = actorIn(jid);
    const records = service({ formContext: () => ({ jurisdictions: [{ code: jid, label: 'Here' }, { code: 'ct-dcf', label: 'Connecticut' }] }) });
    const { record } = await records.createDraft(table, me, { formId: 'safety_notice', answers: complete() });
    // What an old record looks like: the issuer chosen by a person.
    await client.send(new PutCommand({ TableName: tableName(), Item: { pk: `${jid}#RECORDS`, sk: `REC#${record.recordId}`, kind: 'record', ...record, answers: { ...record.answers, issuing_jurisdiction: 'ct-dcf' } } }));
    expect((await records.get(table, me, record.recordId)).answers.issuing_jurisdiction).toBe('ct-dcf');
    // Echoing the stored value back is no choice: it is saved as the record's jurisdiction.
    const saved = await records.saveDraft(table, me, record.recordId, { answers: { ...record.answers, issuing_jurisdiction: 'ct-dcf', title: 'Changed' }, expectedVersion: 1 });
    expect(saved.answers.issuing_jurisdiction).toBe(jid);
    const { record: submitted } = await records.submit(table, me, record.recordId, { expectedVersion: saved.version, submissionId: randomUUID() });
    expect(submitted.answers.issuing_jurisdiction).toBe(jid);
  });

  it('cannot be changed by a Kentucky web post or API call naming Connecticut', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const made = await submitter.go(api(), { method: 'POST', body: JSON.stringify({ formId: 'safety_notice', answers: NOTICE }), headers: { 'content-type': 'application/json' } });
    expect(made.status).toBe(201);
    const { recordId, answers } = (await made.json()) as { recordId: string; answers: Record<string, unknown> };
    expect(answers.issuing_jurisdiction).toBe(JID);

    const put = await submitter.go(api(`/${recordId}/answers`), {
      method: 'PUT',
      body: JSON.stringify({ answers: { ...NOTICE, issuing_jurisdiction: 'ct-dcf' }, expectedVersion: 1 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(put.status).toBe(422);
    expect(((await put.json()) as { error: { errors: { field: string }[] } }).error.errors.map((e) => e.field)).toEqual(['issuing_jurisdiction']);

    // The web form does not ask for it; a post that adds the field anyway changes nothing.
    const page = await (await submitter.go(`${baseUrl()}/records/${recordId}/sections/notice`)).text();
    expect(page).not.toContain('name="issuing_jurisdiction"');
    const posted = await submitter.go(`${baseUrl()}/records/${recordId}/sections/notice`, {
      method: 'POST',
      body: new URLSearchParams({
        _csrf: hidden(page, '_csrf')!,
        expectedVersion: hidden(page, 'expectedVersion')!,
        ...NOTICE,
        title: 'Posted from Kentucky',
        issuing_jurisdiction: 'ct-dcf',
        _action: 'later',
      }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });
    expect(posted.status).toBe(200);
    const stored = (await (await submitter.go(api(`/${recordId}`))).json()) as { answers: Record<string, unknown> };
    expect(stored.answers).toMatchObject({ title: 'Posted from Kentucky', issuing_jurisdiction: JID });
  });
});
