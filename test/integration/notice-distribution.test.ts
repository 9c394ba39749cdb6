import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { addJurisdiction } from '#shared/jurisdictions/admin.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { currentAnswer } from '#shared/notices/answers.ts';
import { distributeNotice } from '#shared/notices/distribution.ts';
import { PublishedNotices } from '#shared/notices/published.ts';
import { withdrawNotice } from '#shared/notices/service.ts';
import { baseUrl, signIn, type Browser } from './helpers.ts';
import { actorIn, client, rawPartition, tableName, tableOf, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';
import { until } from '../support/until.ts';

/**
 * Distribution of published safety notices on the local cloud (docs/notices.md, "Distribution"): the table's stream
 * runs notice-tasks, which emails every contact of every active partner once per version, with that jurisdiction's
 * own links; the links' pages through the HTTP API: a GET (a mail scanner) records nothing, a POST of the link's
 * jurisdiction acknowledges once, anyone else is refused, a withdrawn notice needs no answer.
 */
interface InboxEmail {
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
}
const inbox = async () => (await (await fetch(`${inject('endpoints').mailInbox}/api/email`)).json()) as InboxEmail[];
/** The emails of this test's notice (its title is unique), by recipient. */
const mailsAbout = async (title: string) => (await inbox()).filter((m) => m.subject.endsWith(title));
const to = (mails: InboxEmail[], address: string) => mails.filter((m) => m.to.some((t) => t.address.toLowerCase() === address));
const linkIds = (m: InboxEmail) => [...new Set([...m.text.matchAll(/\/notice-links\/([A-Za-z0-9_-]{43})/g)].map((x) => x[1]!))];

const editor = { subject: 'it-notice-distribution', role: 'platform_admin', requestId: 'it-notice-distribution' };
const FRANKLIN = 'oh-franklin-fccs';
const FRANKLIN_CONTACTS = ['review-lead@oh-franklin-fccs.example.org', 'admin@oh-franklin-fccs.example.org'];
const TRIBAL = 'demo-tribal-cfs';
const TRIBAL_LEAD = 'review-lead@demo-tribal-cfs.example.org';

async function jurisdiction(prefix: string, active = true) {
  const id = uniqueJurisdiction(prefix);
  const contacts = [
    { role: 'review-lead' as const, name: 'Review Lead', email: `lead@${id}.example.org` },
    { role: 'jurisdiction-admin' as const, name: 'Admin', email: `admin@${id}.example.org` },
  ];
  await addJurisdiction(client, tableName(), { id, name: `Distribution test ${id}`, type: 'state', state: 'WY', units: [], contacts, active, joinedYear: 2020 }, editor);
  return { id, contacts: contacts.map((c) => c.email) };
}

const form = (body: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(body), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const csrfOf = async (b: Browser) => /name="_csrf" value="([^"]+)"/.exec(await (await b.go(`${baseUrl()}/`)).text())![1]!;

describe('distribution of published safety notices', () => {
  it('emails every contact of the active partners once per version, and its links acknowledge only for their jurisdiction, only by a POST', { timeout: 240_000 }, async () => {
    const issuer = await jurisdiction('nda');
    const partner = await jurisdiction('ndb');
    const other = await jurisdiction('ndc');
    const inactive = await jurisdiction('ndd', false);
    const title = `Safe sleep checks at every visit ${randomBytes(4).toString('hex')}`;

    // Published by approval through the records service: the stream runs the distribution.
    const w = jurisdictionWorld(issuer.id);
    const answers = { ...(sampleSafetyNotice(issuer.id) as Answers), title, notice_type: 'alert', acknowledge_by: '2026-01-10', act_by: '2026-02-10', review_by_date: '2027-02-10', notice_date: '2026-01-01' } as Answers;
    const approved = await w.record('safety_notice', answers, '2026-01-01T10:00:00Z', '2026-01-02T10:00:00Z');
    const notice = (await new PublishedNotices(client, tableName()).get(issuer.id, approved.recordId))!;
    expect(notice.version).toBe(1);

    const expected = [...partner.contacts, ...other.contacts, ...FRANKLIN_CONTACTS, TRIBAL_LEAD];
    const first = await until('the first emails', async () => {
      const mails = await mailsAbout(title);
      return expected.every((a) => to(mails, a).length > 0) ? mails : undefined;
    }, 60_000, 200);
    for (const address of expected) expect(to(first, address), address).toHaveLength(1);
    for (const address of [...issuer.contacts, ...inactive.contacts]) expect(to(first, address), address).toEqual([]);
    const mail = to(first, partner.contacts[0]!)[0]!;
    expect(mail.subject).toBe(`[Alert] Safety notice from Distribution test ${issuer.id}: ${title}`);
    expect(mail.text).toContain(`Acknowledge for Distribution test ${partner.id}`);
    // Each jurisdiction its own links; both contacts of one jurisdiction the same.
    expect(linkIds(to(first, partner.contacts[1]!)[0]!)).toEqual(linkIds(mail));
    expect(linkIds(to(first, other.contacts[0]!)[0]!).some((id) => linkIds(mail).includes(id))).toBe(false);
    // Only digests are stored, in the recipient's own partition; the markers hold no address.
    const stored = JSON.stringify([...(await rawPartition(`${partner.id}#NOTICE_LINKS`)), ...(await rawPartition(`${partner.id}#MAIL`))]);
    for (const id of linkIds(mail)) expect(stored).not.toContain(id);
    for (const address of partner.contacts) expect(stored).not.toContain(address);
    expect(await rawPartition(`${inactive.id}#NOTICE_LINKS`)).toEqual([]);

    // A retry (a redelivered stream record) sends none twice: the markers on DynamoDB say each was sent.
    const retried: MailMessage[] = [];
    const registry = (await new JurisdictionStore(tableName(), client).list()).filter((j) => [issuer.id, partner.id, other.id, inactive.id].includes(j.id));
    const rerun = await distributeNotice({ registry: async () => registry, current: async () => notice, tableFor: tableOf, send: async (m) => (retried.push(m), { kind: m.kind, messageId: '<retry@x>' }), appOrigin: baseUrl() }, notice);
    expect(rerun).toEqual({ outcome: 'distributed', jurisdictions: 2, sent: 0, alreadySent: 4 });
    expect(retried).toEqual([]);

    // The links, through the HTTP API (Franklin County and the demo tribe have demo users).
    const [ack, open] = linkIds(to(first, FRANKLIN_CONTACTS[0]!)[0]!);
    const ackUrl = `${baseUrl()}/notice-links/${ack}`;
    const answer = () => currentAnswer(tableOf(FRANKLIN), issuer.id, notice.recordId);
    // A mail scanner follows the link without a session: sent to sign in, nothing recorded.
    const scanned = await fetch(ackUrl, { redirect: 'manual' });
    expect(scanned.status).toBe(303);
    expect(scanned.headers.get('location')).toBe(`/auth/sign-in?returnTo=${encodeURIComponent(`/notice-links/${ack}`)}`);
    // A signed-in reviewer's GET shows the confirm page and records nothing either.
    const reviewer = await signIn('demo-oh-franklin-fccs-reviewer');
    const confirm = await reviewer.go(ackUrl);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Acknowledge for Franklin County Children Services');
    expect(await answer()).toBeUndefined();
    // Another jurisdiction's reviewer, and a role that does not answer: refused, nothing recorded.
    const stranger = await signIn('demo-ky-dcbs-reviewer');
    const foreign = await stranger.go(ackUrl);
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toMatch(/This link is for Franklin County Children Services(?:'|&#39;|&apos;)s reviewers and admins/);
    expect((await stranger.go(ackUrl, form({ _csrf: await csrfOf(stranger) }))).status).toBe(403);
    expect((await (await signIn('demo-oh-franklin-fccs-submitter')).go(ackUrl)).status).toBe(403);
    expect(await answer()).toBeUndefined();
    // The Open link goes to the notice.
    const opened = await reviewer.go(`${baseUrl()}/notice-links/${open}`);
    expect(opened.url).toBe(`${baseUrl()}/notices/${issuer.id}/${notice.recordId}`);
    expect(await opened.text()).toContain(title);
    // Unknown and malformed links: the same 404 page.
    for (const id of [randomBytes(32).toString('base64url'), 'not-a-link']) {
      const res = await reviewer.go(`${baseUrl()}/notice-links/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('This link does not work');
    }
    // The POST acknowledges for Franklin County once, with who and when; a second POST is a 409 that says so.
    const admin = await signIn('demo-oh-franklin-fccs-admin');
    const adminCsrf = await csrfOf(admin);
    const done = await admin.go(ackUrl, form({ _csrf: adminCsrf }));
    expect(done.url).toBe(`${baseUrl()}/notices/${issuer.id}/${notice.recordId}?answered=1`);
    expect(await done.text()).toContain("Your jurisdiction's answer is recorded");
    expect(await answer()).toMatchObject({ jurisdictionId: FRANKLIN, status: 'acknowledged', steps: [{ status: 'acknowledged' }] });
    const twice = await admin.go(ackUrl, form({ _csrf: adminCsrf }));
    expect(twice.status).toBe(409);
    expect(await twice.text()).toMatch(/answered (?:&quot;|")Acknowledged(?:&quot;|") on \d{4}-\d{2}-\d{2}/);
    expect((await answer())!.steps).toHaveLength(1);
    expect(await (await reviewer.go(ackUrl)).text()).toContain('Franklin County Children Services has answered this notice');
    // The status table shows it.
    const status = await (await signIn('demo-partnership-lead')).go(`${baseUrl()}/notices/${issuer.id}/${notice.recordId}/status`);
    const statusHtml = await status.text();
    expect(status.status).toBe(200);
    expect(statusHtml).toMatch(/Franklin County Children Services[^]*?Acknowledged/);

    // An amendment approved again: "updated", with its reason, once per contact.
    const saved = await w.amend(approved.recordId, approved.version, '2026-01-10T10:00:00Z', answers);
    await w.resubmitAndApprove(approved.recordId, saved.version, '2026-01-11T10:00:00Z');
    const updated = await until('the update emails', async () => {
      const mails = (await mailsAbout(title)).filter((m) => m.subject.includes('Updated safety notice'));
      return expected.every((a) => to(mails, a).length > 0) ? mails : undefined;
    }, 60_000, 200);
    for (const address of expected) expect(to(updated, address), address).toHaveLength(1);
    expect(to(updated, partner.contacts[0]!)[0]!.text).toContain('The cause was revised by the medical examiner.');

    // Withdrawn: "withdrawn", with the reason and no acknowledge link; an earlier acknowledge link now gets a 409.
    const tribalAck = linkIds(to(first, TRIBAL_LEAD)[0]!)[0]!;
    await withdrawNotice(tableOf(issuer.id), actorIn(issuer.id, 'jurisdiction_admin'), approved.recordId, 'Replaced by the state safe sleep policy');
    const withdrawn = await until('the withdrawal emails', async () => {
      const mails = (await mailsAbout(title)).filter((m) => m.subject.includes('Safety notice withdrawn'));
      return expected.every((a) => to(mails, a).length > 0) ? mails : undefined;
    }, 60_000, 200);
    const gone = to(withdrawn, partner.contacts[0]!)[0]!;
    expect(gone.text).toContain('Replaced by the state safe sleep policy');
    expect(gone.text).not.toContain('Acknowledge for');
    expect(linkIds(gone)).toHaveLength(1);
    const tribal = await signIn('demo-tribal-cfs-admin');
    const late = await tribal.go(`${baseUrl()}/notice-links/${tribalAck}`, form({ _csrf: await csrfOf(tribal) }));
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('withdrawn');
    expect(await currentAnswer(tableOf(TRIBAL), issuer.id, notice.recordId)).toBeUndefined();
    // Nothing more arrives: each version once.
    await new Promise((r) => setTimeout(r, 1000));
    const all = await mailsAbout(title);
    for (const address of expected) expect(to(all, address), address).toHaveLength(3);
    for (const address of [...issuer.contacts, ...inactive.contacts]) expect(to(all, address), address).toEqual([]);
  });
});
