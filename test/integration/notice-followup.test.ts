import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it, vi } from 'vitest';
import { PeopleDirectory } from '#shared/auth/people.ts';
import type { Role } from '#shared/auth/policy.ts';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { addJurisdiction } from '#shared/jurisdictions/admin.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { createMailer } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { createTransport } from '#shared/mail/send.ts';
import { answersTo, answerNotice } from '#shared/notices/answers.ts';
import { PublishedNotices } from '#shared/notices/published.ts';
import { withdrawNotice } from '#shared/notices/service.ts';
import { ReviewNotifier } from '#shared/review/notify.ts';
import { actorIn, client, service, tableName, tableOf, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';
import { until } from '../support/until.ts';

// send.ts checks its configuration when loaded (imports are hoisted above this file's statements).
vi.hoisted(() => {
  process.env.MAIL_CONFIGURATION_SET ??= 'platform-sending';
  process.env.MAIL_FROM ??= 'no-reply@dev.npcs.invalid';
});

/**
 * The follow-up of a published notice on the shared local cloud (docs/notices.md, "Follow-up"): the daily digest
 * run (ReviewNotifier.dailyDigest, what the review-digest workflow's task runs) on a clock the test sets, through
 * SMTP to MailDev. Two partners that have not acknowledged a notice whose acknowledgement deadline passed yesterday:
 * each of their reviewers and admins gets one digest listing it, each admin one escalation; a rerun the same day
 * sends nothing; the next day lists it again and escalates nothing new; a partner that completed gets nothing; a
 * withdrawn notice stops both. The run sees this test's jurisdictions and notices only, so that it mails nobody of
 * the other tests.
 */
interface InboxEmail {
  subject: string;
  text: string;
  to: { address: string }[];
}
const inbox = async () => (await (await fetch(`${inject('endpoints').mailInbox}/api/email`)).json()) as InboxEmail[];
const FROM = 'no-reply@dev.npcs.invalid';
const editor = { subject: 'it-notice-followup', role: 'platform_admin', requestId: 'it-notice-followup' };
const DAY = 86_400_000;
const TODAY = new Date('2026-06-15T13:00:00Z');

async function partner(prefix: string) {
  const id = uniqueJurisdiction(prefix);
  // Registry contacts get the distribution emails; the people below, who sign in, get the follow-up.
  await addJurisdiction(client, tableName(), { id, name: `Follow-up test ${id}`, type: 'state', state: 'WY', units: [], contacts: [{ role: 'review-lead', name: 'Contact', email: `contact@${id}.example.org` }], active: true, joinedYear: 2020 }, editor);
  return id;
}

describe('the follow-up of a published notice: reminders in the daily digest and escalation', () => {
  it('one digest per reviewer and admin listing the overdue notice, one escalation per admin, nothing twice; completed and withdrawn: nothing', { timeout: 180_000 }, async () => {
    const issuer = await partner('nfi');
    const late = await partner('nfa');
    const alsoLate = await partner('nfb');
    const done = await partner('nfc');
    const suffix = randomBytes(4).toString('hex');
    const title = `Check the sleep place at every visit ${suffix}`;
    const withdrawnTitle = `Withdrawn before its deadline passed ${suffix}`;

    // Two notices whose acknowledgement deadline passed yesterday; the second is withdrawn before the run.
    const w = jurisdictionWorld(issuer);
    const answers = (t: string) => ({ ...(sampleSafetyNotice(issuer) as Answers), title: t, notice_date: '2026-06-01', acknowledge_by: '2026-06-14', act_by: '2026-07-15', review_by_date: '2027-06-15' }) as Answers;
    const approved = await w.record('safety_notice', answers(title), '2026-06-02T10:00:00Z', '2026-06-03T10:00:00Z');
    const other = await w.record('safety_notice', answers(withdrawnTitle), '2026-06-02T11:00:00Z', '2026-06-03T11:00:00Z');
    const published = new PublishedNotices(client, tableName());
    const notice = (await published.get(issuer, approved.recordId))!;
    await withdrawNotice(tableOf(issuer), actorIn(issuer, 'reviewer'), other.recordId, 'Replaced by a newer notice.', new Date('2026-06-10T10:00:00Z'));

    // The third partner acknowledged, then completed its actions.
    const answerer = actorIn(done, 'reviewer');
    await answerNotice(tableOf(done), answerer, notice, { status: 'acknowledged' }, new Date('2026-06-05T10:00:00Z'));
    await answerNotice(tableOf(done), answerer, notice, { status: 'completed' }, new Date('2026-06-12T10:00:00Z'));

    const people = new PeopleDirectory(client, tableName());
    const person = async (jid: string, role: Role, n = 1) => {
      const email = `${role.replace('_', '-')}-${n}@${jid}.example.org`;
      await people.signedIn({ subject: `it-${jid}-${role}-${n}`, role, jurisdictionId: jid, displayName: `${role} ${n}` }, email, TODAY);
      return email;
    };
    const lateReviewer = await person(late, 'reviewer');
    const lateAdmin = await person(late, 'jurisdiction_admin');
    const lateSubmitter = await person(late, 'submitter');
    const alsoLateReviewer = await person(alsoLate, 'reviewer');
    const alsoLateAdmins = [await person(alsoLate, 'jurisdiction_admin', 1), await person(alsoLate, 'jurisdiction_admin', 2)];
    const doneReviewer = await person(done, 'reviewer');
    const doneAdmin = await person(done, 'jurisdiction_admin');
    const answering = [lateReviewer, lateAdmin, alsoLateReviewer, ...alsoLateAdmins];
    const admins = [lateAdmin, ...alsoLateAdmins];
    const everyone = [...answering, lateSubmitter, doneReviewer, doneAdmin];

    const store = new JurisdictionStore(tableName(), client);
    const mine = [issuer, late, alsoLate, done];
    const registry = { get: (id: string) => store.get(id), list: async () => (await store.list()).filter((j) => mine.includes(j.id)) } as unknown as JurisdictionStore;
    const mailer = createMailer({ from: FROM, transport: () => createTransport({ from: FROM, smtpUrl: inject('endpoints').smtp }) });
    const clock = { now: TODAY };
    const notifier = new ReviewNotifier({
      records: service(),
      registry,
      people,
      table: tableOf,
      send: (m: MailMessage) => mailer.sendMail(m),
      appOrigin: 'http://127.0.0.1:3000',
      safetyNotices: { active: async () => (await published.list({ status: 'active' })).filter((n) => n.issuerId === issuer), answersTo: (i, r) => answersTo(client, tableName(), i, r) },
      now: () => clock.now,
    });

    /** What MailDev holds for this test's people, by address: digests and escalations (never the distribution's). */
    const followups = async () => {
      const mails = (await inbox()).filter((m) => m.to.some((t) => everyone.includes(t.address)));
      const of = (address: string, subject: RegExp) => mails.filter((m) => m.to.some((t) => t.address === address) && subject.test(m.subject));
      return { digests: (a: string) => of(a, /^Reminder: /), escalations: (a: string) => of(a, /^Escalation: /), total: mails.length };
    };
    const arrived = (count: number) => until(`${count} follow-up emails in MailDev`, async () => ((await followups()).total >= count ? followups() : undefined), 30_000, 200);

    // Day 1 (the day after the deadline): one digest per person who answers, one escalation per admin.
    expect(await notifier.dailyDigest()).toEqual({ jurisdictions: 4, sent: 5, escalated: 3 });
    const day1 = await arrived(8);
    for (const address of answering) {
      const [digest, ...more] = day1.digests(address);
      expect(more, address).toEqual([]);
      expect(digest!.subject).toBe("Reminder: 1 safety notice waiting for your jurisdiction's answer (1 overdue)");
      expect(digest!.text).toContain(title);
      expect(digest!.text).toContain(`Safety notice from Follow-up test ${issuer}. Overdue by 1 day: acknowledgement was due June 14, 2026`);
      expect(digest!.text).toContain(`http://127.0.0.1:3000/notices/${issuer}/${notice.recordId}`);
      expect(digest!.text).not.toContain(withdrawnTitle);
    }
    for (const address of admins) {
      const [escalation, ...more] = day1.escalations(address);
      expect(more, address).toEqual([]);
      expect(escalation!.subject).toBe(`Escalation: 1 day past the acknowledgement deadline of a safety notice: ${title}`);
      expect(escalation!.text).toContain(`http://127.0.0.1:3000/notices/${issuer}/${notice.recordId}`);
    }
    for (const address of [lateReviewer, alsoLateReviewer]) expect(day1.escalations(address)).toEqual([]);
    // A submitter does not answer notices; the partner that completed is asked nothing.
    for (const address of [lateSubmitter, doneReviewer, doneAdmin]) expect([...day1.digests(address), ...day1.escalations(address)], address).toEqual([]);
    expect(day1.total).toBe(8);

    // The same day again (a retried schedule): nothing new.
    expect(await notifier.dailyDigest()).toEqual({ jurisdictions: 4, sent: 0, escalated: 0 });

    // The next day: listed again, not escalated again.
    clock.now = new Date(TODAY.getTime() + DAY);
    expect(await notifier.dailyDigest()).toEqual({ jurisdictions: 4, sent: 5, escalated: 0 });
    const day2 = await arrived(13);
    for (const address of answering) {
      const digests = day2.digests(address);
      expect(digests, address).toHaveLength(2);
      expect(digests.filter((m) => m.text.includes('Overdue by 2 days: acknowledgement was due June 14, 2026')), address).toHaveLength(1);
    }
    for (const address of admins) expect(day2.escalations(address)).toHaveLength(1);

    // Withdrawn: no reminder and no escalation from then on (the action deadline included).
    await withdrawNotice(tableOf(issuer), actorIn(issuer, 'reviewer'), notice.recordId, 'The lesson was folded into a broader notice.', new Date(TODAY.getTime() + DAY + 3600_000));
    for (const days of [2, 31]) {
      clock.now = new Date(TODAY.getTime() + days * DAY);
      expect(await notifier.dailyDigest()).toEqual({ jurisdictions: 4, sent: 0, escalated: 0 });
    }
    await new Promise((r) => setTimeout(r, 500));
    expect((await followups()).total).toBe(13);
  });
});
