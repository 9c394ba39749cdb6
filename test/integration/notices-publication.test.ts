import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#shared/errors.ts';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { PublishedNotices } from '#shared/notices/published.ts';
import { withdrawNotice } from '#shared/notices/service.ts';
import { baseUrl, signIn } from './helpers.ts';
import { actorIn, auditItems, client, failure, tableName, tableOf, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';

/**
 * Publication of safety notices (docs/notices.md, "Publication"): an approved notice is published in the same
 * transaction as its approval, read-only and readable by every jurisdiction; an amendment approved again publishes
 * the next version with its reason; the issuer withdraws it with a reason; nothing else of the record is shared.
 */
const NOTICE = 'safety_notice' as const;
const notices = () => new PublishedNotices(client, tableName());
const noticeAnswers = (jid: string, changes: Partial<Answers> = {}) => ({ ...(sampleSafetyNotice(jid) as Answers), ...changes }) as Answers;

describe('publishing a safety notice', () => {
  it('publishes an approved notice to every partner, the next version after an amendment, and a withdrawal with its reason', async () => {
    const jid = uniqueJurisdiction('np');
    const w = jurisdictionWorld(jid);
    const draft = await w.record(NOTICE, noticeAnswers(jid), '2026-11-02T10:00:00Z');
    // Submitted, not approved: nothing is published.
    expect(await notices().get(jid, draft.recordId)).toBeUndefined();
    const approved = await w.record(NOTICE, noticeAnswers(jid, { title: 'Check sleep arrangements at every visit' }), '2026-11-03T10:00:00Z', '2026-11-04T10:00:00Z');

    const first = (await notices().get(jid, approved.recordId))!;
    expect(first).toMatchObject({ issuerId: jid, recordId: approved.recordId, formVersion: 2, version: 1, status: 'active', title: 'Check sleep arrangements at every visit', firstPublishedAt: '2026-11-04T10:00:00.000Z' });
    expect(first.actions.length).toBeGreaterThan(0);
    expect(first.evidence).toBeTruthy();
    // Nothing of the issuer's review: no author, reviewer, reasons, record status or version.
    const shared = JSON.stringify(first);
    for (const secret of [w.lead.subject, 'createdBy', 'updatedBy', 'statusReason', 'submissionId']) expect(shared).not.toContain(secret);
    expect((await notices().list({ issuerId: jid })).map((n) => n.recordId)).toEqual([approved.recordId]);
    // A critical incident review approved by the same jurisdiction is not published.
    const review = await w.record('critical_incident_review', w.review(), '2026-11-03T10:00:00Z', '2026-11-04T11:00:00Z');
    expect(await notices().get(jid, review.recordId)).toBeUndefined();

    // Amended and approved again: version 2, with the amendment's reason; first published stays.
    const saved = await w.amend(approved.recordId, approved.version, '2026-11-10T10:00:00Z', noticeAnswers(jid, { title: 'Check sleep arrangements at every home visit' }));
    expect((await notices().get(jid, approved.recordId))?.version).toBe(1);
    await w.resubmitAndApprove(approved.recordId, saved.version, '2026-11-11T10:00:00Z');
    const second = (await notices().get(jid, approved.recordId))!;
    expect(second).toMatchObject({ version: 2, status: 'active', title: 'Check sleep arrangements at every home visit', firstPublishedAt: first.firstPublishedAt, publishedAt: '2026-11-11T10:00:00.000Z', changeReason: 'The cause was revised by the medical examiner.' });

    // Withdrawn by its issuer only, with a reason; once.
    const issuer = actorIn(jid, 'jurisdiction_admin');
    const other = uniqueJurisdiction('nq');
    await failure(withdrawNotice(tableOf(jid), actorIn(other, 'jurisdiction_admin'), approved.recordId, 'Not ours'), ForbiddenError, 403);
    await failure(withdrawNotice(tableOf(jid), issuer, approved.recordId, '   '), ValidationError, 422);
    await failure(withdrawNotice(tableOf(jid), issuer, review.recordId, 'Not a notice'), NotFoundError, 404);
    const withdrawn = await withdrawNotice(tableOf(jid), issuer, approved.recordId, 'Superseded by the state policy of December');
    expect(withdrawn).toMatchObject({ version: 3, status: 'withdrawn', changeReason: 'Superseded by the state policy of December' });
    await failure(withdrawNotice(tableOf(jid), issuer, approved.recordId, 'Again'), ConflictError, 409);
    expect((await notices().history(jid, approved.recordId)).map((v) => [v.version, v.status])).toEqual([
      [1, 'active'],
      [2, 'active'],
      [3, 'withdrawn'],
    ]);
    const actions = (await auditItems(jid)).map((e) => e.action);
    expect(actions.filter((a) => String(a).startsWith('notice.'))).toEqual(['notice.published', 'notice.updated', 'notice.withdrawn']);
  });

  it('lets every jurisdiction read a published notice through the web, never a draft, and only the issuer withdraw it', async () => {
    const home = 'ky-dcbs';
    const w = jurisdictionWorld(home);
    const now = new Date().toISOString();
    const title = `Published for the web test ${now}`;
    const published = await w.record(NOTICE, noticeAnswers(home, { title }), now, now);
    const draft = await w.record(NOTICE, noticeAnswers(home, { title: `A draft ${now}` }), now);

    const away = await signIn('demo-oh-franklin-fccs-submitter');
    const page = await away.go(`${baseUrl()}/notices/${home}/${published.recordId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(title);
    // Another jurisdiction's submitter has no withdraw form.
    expect(html).not.toContain('Withdraw the notice');
    expect((await away.go(`${baseUrl()}/notices/${home}/${draft.recordId}`)).status).toBe(404);
    const library = await (await away.go(`${baseUrl()}/notices?issuer=${home}&q=${encodeURIComponent('Published for the web test')}`)).text();
    expect(library).toContain(title);
    expect(library).not.toContain(`A draft ${now}`);
    expect((await away.go(`${baseUrl()}/notices?from=not-a-date`)).status).toBe(400);

    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const own = await (await reviewer.go(`${baseUrl()}/notices/${home}/${published.recordId}`)).text();
    expect(own).toContain('Withdraw the notice');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(own)![1]!;
    const post = (browser: typeof reviewer, reason: string, token = csrf) =>
      browser.go(`${baseUrl()}/notices/${home}/${published.recordId}/withdraw`, { method: 'POST', body: new URLSearchParams({ _csrf: token, reason }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    // Another jurisdiction's reviewer: not found, nothing changes.
    const otherReviewer = await signIn('demo-oh-franklin-fccs-reviewer');
    const otherCsrf = /name="_csrf" value="([^"]+)"/.exec(await (await otherReviewer.go(`${baseUrl()}/`)).text())![1]!;
    expect((await post(otherReviewer, 'Not ours', otherCsrf)).status).toBe(404);
    expect((await post(reviewer, '')).status).toBe(422);
    expect((await notices().get(home, published.recordId))?.status).toBe('active');
    const done = await post(reviewer, 'Replaced by a statewide notice');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('The notice is withdrawn');
    expect((await notices().get(home, published.recordId))).toMatchObject({ status: 'withdrawn', changeReason: 'Replaced by a statewide notice' });
    expect((await post(reviewer, 'Twice')).status).toBe(409);
  });

  it('refuses 50 KB of text in a field, and shows script in every field as text, never as markup', async () => {
    const jid = uniqueJurisdiction('ns');
    const w = jurisdictionWorld(jid);
    const huge = 'x'.repeat(50 * 1024);
    await failure(w.records.createDraft(tableOf(jid), actorIn(jid), { formId: NOTICE, answers: noticeAnswers(jid, { systemic_issue: huge }) }), ValidationError, 422);
    const script = '<script>alert(1)</script>';
    const answers = noticeAnswers(jid, { title: `${script} title`, systemic_issue: script, evidence: script, contact_role: script, actions: [{ action: script }] });
    const approved = await w.record(NOTICE, answers, '2026-11-02T10:00:00Z', '2026-11-02T11:00:00Z');
    const notice = (await notices().get(jid, approved.recordId))!;
    expect(notice.title).toBe(`${script} title`);
    const reader = await signIn('demo-oh-franklin-fccs-submitter');
    const html = await (await reader.go(`${baseUrl()}/notices/${jid}/${approved.recordId}`)).text();
    expect(html).not.toContain(script);
    // Escaped as text (the renderer escapes `<` and `&`): the title, systemic issue, evidence, action and contact role.
    expect(html.match(/&lt;script(?:&gt;|>)alert\(1\)&lt;\/script/g)?.length ?? 0).toBeGreaterThanOrEqual(5);
  });
});
