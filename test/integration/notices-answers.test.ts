import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, ValidationError } from '#shared/errors.ts';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { addJurisdiction } from '#shared/jurisdictions/admin.ts';
import { answerNotice, answersTo } from '#shared/notices/answers.ts';
import { PublishedNotices } from '#shared/notices/published.ts';
import { withdrawNotice } from '#shared/notices/service.ts';
import { statusCounts, statusRows } from '#shared/notices/status.ts';
import { baseUrl, signIn } from './helpers.ts';
import { actorIn, client, failure, tableName, tableOf, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';

/**
 * Answers to a published notice (docs/notices.md, "Answers" and "Status table"): each jurisdiction answers once for
 * itself, forward only, with who and when; the issuer's status table lists every partner with its answer and days
 * overdue; bad answers are refused with nothing written.
 */
const notices = () => new PublishedNotices(client, tableName());
const editor = { subject: 'it-notices', role: 'platform_admin', requestId: 'it-notices' };

async function publishIn(jid: string, changes: Partial<Answers> = {}) {
  const w = jurisdictionWorld(jid);
  const now = new Date().toISOString();
  const answers = { ...(sampleSafetyNotice(jid) as Answers), acknowledge_by: '2026-01-10', act_by: '2026-02-10', review_by_date: '2027-02-10', notice_date: '2026-01-01', ...changes } as Answers;
  const record = await w.record('safety_notice', answers, now, now);
  return (await notices().get(jid, record.recordId))!;
}

async function jurisdiction(prefix: string, active = true) {
  const id = uniqueJurisdiction(prefix);
  await addJurisdiction(client, tableName(), { id, name: `Notice partner ${id}`, type: 'state', state: 'WY', units: [], contacts: [], active, joinedYear: 2020 }, editor);
  return id;
}

describe('answers to a published notice', () => {
  it('are given once per jurisdiction, forward only, and counted in the status table with days overdue', async () => {
    const issuer = await jurisdiction('na');
    const partner = await jurisdiction('nb');
    const silent = await jurisdiction('nc');
    const notice = await publishIn(issuer);
    const admin = actorIn(partner, 'jurisdiction_admin');

    // The issuer does not answer its own notice; an actor answers only for its own jurisdiction.
    await failure(answerNotice(tableOf(issuer), actorIn(issuer, 'jurisdiction_admin'), notice, { status: 'acknowledged' }), ForbiddenError, 403);
    await failure(answerNotice(tableOf(partner), actorIn(silent, 'jurisdiction_admin'), notice, { status: 'acknowledged' }), ForbiddenError, 403);
    await failure(answerNotice(tableOf(partner), admin, notice, { status: 'done' }), ValidationError, 422);
    await failure(answerNotice(tableOf(partner), admin, notice, { status: 'completed' }), ConflictError, 409);
    await failure(answerNotice(tableOf(partner), admin, notice, { status: 'not_applicable', reason: ' ' }), ValidationError, 422);
    expect(await answersTo(client, tableName(), issuer, notice.recordId)).toEqual([]);

    await answerNotice(tableOf(partner), { ...admin, displayName: 'Pat Partner' }, notice, { status: 'acknowledged' }, new Date('2026-01-05T10:00:00Z'));
    const twice = await failure(answerNotice(tableOf(partner), admin, notice, { status: 'acknowledged' }), ConflictError, 409);
    expect(twice.message).toContain('answered "Acknowledged" on 2026-01-05 (Pat Partner)');

    const registry = await new JurisdictionStore(tableName(), client).list();
    const rows = statusRows(notice, await answersTo(client, tableName(), issuer, notice.recordId), registry, '2026-02-20');
    const row = (id: string) => rows.find((r) => r.jurisdictionId === id)!;
    expect(rows.some((r) => r.jurisdictionId === issuer)).toBe(false);
    expect(row(silent)).toMatchObject({ daysOverdue: 41, overdue: 'acknowledgement' });
    expect(row(partner)).toMatchObject({ daysOverdue: 10, overdue: 'action', answer: { status: 'acknowledged' } });

    await answerNotice(tableOf(partner), admin, notice, { status: 'in_progress' });
    await answerNotice(tableOf(partner), admin, notice, { status: 'completed', reason: 'Policy updated and staff trained' });
    await failure(answerNotice(tableOf(partner), admin, notice, { status: 'in_progress' }), ConflictError, 409);
    const after = statusRows(notice, await answersTo(client, tableName(), issuer, notice.recordId), registry, '2026-02-20');
    expect(after.find((r) => r.jurisdictionId === partner)).toMatchObject({ daysOverdue: 0, answer: { status: 'completed' } });
    expect(after.find((r) => r.jurisdictionId === partner)?.answer?.steps.map((s) => s.status)).toEqual(['acknowledged', 'in_progress', 'completed']);
    expect(statusCounts(after.filter((r) => [partner, silent].includes(r.jurisdictionId)))).toEqual({ expected: 2, answered: 1, done: 1, overdue: 1 });

    // After a withdrawal: no answer, nothing overdue.
    await withdrawNotice(tableOf(issuer), actorIn(issuer, 'jurisdiction_admin'), notice.recordId, 'Replaced');
    const withdrawn = (await notices().get(issuer, notice.recordId))!;
    await failure(answerNotice(tableOf(silent), actorIn(silent, 'jurisdiction_admin'), withdrawn, { status: 'acknowledged' }), ConflictError, 409);
    expect(statusRows(withdrawn, [], registry, '2026-02-20').every((r) => r.daysOverdue === 0)).toBe(true);
  });

  it('through the web: a partner answers from the notice page, the issuer reads the status table and its CSV', async () => {
    const issuer = 'ky-dcbs';
    const notice = await publishIn(issuer, { title: `Answers through the web ${Date.now()}` });
    const partner = await signIn('demo-oh-franklin-fccs-admin');
    // Its home page lists the notice as waiting for its answer, overdue (the acknowledgement deadline has passed).
    const home = await (await partner.go(`${baseUrl()}/`)).text();
    expect(home).toContain("Partners' safety notices waiting for your answer");
    expect(home).toContain(notice.title);
    const page = await (await partner.go(`${baseUrl()}/notices/${issuer}/${notice.recordId}`)).text();
    expect(page).toContain("Your jurisdiction's answer");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const post = (status: string, reason = '') =>
      partner.go(`${baseUrl()}/notice-answers/${issuer}/${notice.recordId}`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, status, reason }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await post('not_applicable')).status).toBe(422);
    const done = await post('acknowledged');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Your jurisdiction's answer is recorded");
    expect((await post('acknowledged')).status).toBe(409);

    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const status = await reviewer.go(`${baseUrl()}/notices/${issuer}/${notice.recordId}/status`);
    expect(status.status).toBe(200);
    const html = await status.text();
    expect(html).toContain('Franklin County Children Services');
    expect(html).toContain('Acknowledged');
    const csv = await reviewer.go(`${baseUrl()}/notices/${issuer}/${notice.recordId}/status.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('jurisdiction_id,jurisdiction,state,answer,first_answered,last_answered,answered_by,reason,days_overdue,overdue_deadline,left_partnership');
    expect(lines.some((l) => l.startsWith('oh-franklin-fccs,') && l.includes(',acknowledged,'))).toBe(true);
    // Another jurisdiction's reviewer cannot read the issuer's status table.
    const other = await signIn('demo-oh-franklin-fccs-reviewer');
    expect((await other.go(`${baseUrl()}/notices/${issuer}/${notice.recordId}/status`)).status).toBe(404);
    // A partnership lead can, and sees the notice among the overdue ones on the home page.
    const lead = await signIn('demo-partnership-lead');
    expect((await lead.go(`${baseUrl()}/notices/${issuer}/${notice.recordId}/status`)).status).toBe(200);
    const leadHome = await (await lead.go(`${baseUrl()}/`)).text();
    expect(leadHome).toContain('Overdue safety notices');
    expect(leadHome).toContain(notice.title);
  });
});
