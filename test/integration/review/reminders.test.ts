import { describe, expect, it } from 'vitest';
import { PeopleDirectory } from '#shared/auth/people.ts';
import type { Principal } from '#shared/auth/principal.ts';
import type { Role } from '#shared/auth/policy.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import type { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import type { SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { ReviewLog } from '#shared/review/history.ts';
import { reviewSettings, type ReviewState } from '#shared/review/model.ts';
import { ReviewNotifier } from '#shared/review/notify.ts';
import { OpenReviews } from '#shared/review/open-reviews.ts';
import { keys } from '#shared/storage/keys.ts';
import { actorIn, client, service, tableName, tableOf, uniqueJurisdiction } from '../records/setup.ts';

/**
 * Reminders, escalation and the daily digest (shared/review/notify.ts) against DynamoDB Local, with a clock the
 * test moves and a mail sender that records. The records are drafts with a hand-written wait, so the shared local
 * cloud's review workflow (started by submissions) stays out of the way.
 */
const DAY = 24 * 3600 * 1000;
const T0 = new Date('2026-03-02T09:00:00Z');

async function world(opts: { escalateAfterReminders?: number } = {}) {
  const jid = uniqueJurisdiction('rm');
  const table = tableOf(jid);
  const profile = { id: jid, name: 'Reminder County Children Services', type: 'state', state: 'KY', units: [], contacts: [], active: true, joinedYear: 2024, review: { reminderHours: 72, escalateAfterReminders: opts.escalateAfterReminders ?? 2 } } as Jurisdiction;
  // Only this jurisdiction: the daily run must not mail the people of the other tests' jurisdictions.
  const registry = { get: async (id: string) => (id === jid ? profile : undefined), list: async () => [profile] } as unknown as JurisdictionStore;
  const people = new PeopleDirectory(client, tableName());
  const person = async (subject: string, role: Role, email: string) => {
    await people.signedIn({ subject, role, jurisdictionId: jid, displayName: subject } as Principal, email, T0);
    return actorIn(jid, role, subject);
  };
  const author = await person('author-1', 'submitter', 'author-1@rm.example.org');
  const otherAuthor = await person('author-2', 'submitter', 'author-2@rm.example.org');
  await person('reviewer-1', 'reviewer', 'reviewer-1@rm.example.org');
  await person('reviewer-2', 'reviewer', 'reviewer-2@rm.example.org');
  await person('admin-1', 'jurisdiction_admin', 'admin-1@rm.example.org');
  const records = service();
  const clock = { now: T0 };
  const sent: MailMessage[] = [];
  const notifier = new ReviewNotifier({
    records,
    registry,
    people,
    table: tableOf,
    send: async (m: MailMessage): Promise<SentMail> => {
      sent.push(m);
      return { kind: m.kind, messageId: `<m${sent.length}@test>` };
    },
    appOrigin: 'https://npcs.example.org',
    // No partner notices here (test/integration/notice-followup.test.ts has them): the digests list records only.
    safetyNotices: { active: async () => [], answersTo: async () => [] },
    now: () => clock.now,
  });
  const settings = reviewSettings(profile);
  /** A record of `by` whose review waits (for a decision, or for its author's resubmission) since `since`. */
  const waiting = async (by: typeof author, waitingFor: 'decision' | 'resubmission', since: Date) => {
    const { record } = await records.createDraft(table, by, { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(2) as Answers });
    await table.put({ key: keys.reviewWait(record.recordId), attributes: { kind: waitingFor, token: 'T', version: record.version, executionName: 'review-test', since: since.toISOString(), reminders: 0 } });
    const interval = waitingFor === 'decision' ? settings.reminderSeconds : settings.resubmissionReminderSeconds;
    await new OpenReviews(table).put({ recordId: record.recordId, formId: record.formId, waitingFor, author: by.subject, openedAt: since.toISOString(), since: since.toISOString(), due: new Date(since.getTime() + interval * 1000).toISOString(), reminders: 0, escalated: false });
    const state: ReviewState = { jurisdictionId: jid, recordId: record.recordId, submissionId: `sub-${record.recordId}`, settings, reminders: 0, openedAt: since.toISOString() };
    return { recordId: record.recordId, state };
  };
  const reminded = (state: ReviewState, n: number) => notifier.reminded({ ...state, reminders: n, escalate: n >= settings.escalateAfterReminders });
  const to = (address: string, kind?: string) => sent.filter((m) => m.to === address && (kind === undefined || m.kind === kind));
  return { jid, table, author, otherAuthor, clock, sent, notifier, waiting, reminded, to };
}

describe('review reminders, escalation and the daily digest', () => {
  it("a reminder sends each reviewer one digest listing everything pending for them, overdue first; a second reminder the same day sends none", async () => {
    const w = await world();
    const older = await w.waiting(w.author, 'decision', new Date(T0.getTime() - 5 * DAY)); // due 2 days ago
    const newer = await w.waiting(w.otherAuthor, 'decision', new Date(T0.getTime() - 1 * DAY)); // due in 2 days
    const mine = await w.waiting(w.author, 'resubmission', new Date(T0.getTime() - 9 * DAY)); // the author's, due 2 days ago

    expect((await w.reminded(older.state, 1)).sent).toBe(2);
    for (const reviewer of ['reviewer-1@rm.example.org', 'reviewer-2@rm.example.org']) {
      const [digest, ...more] = w.to(reviewer);
      expect(more).toHaveLength(0);
      expect(digest!.kind).toBe('reminder');
      expect(digest!.subject).toBe('Reminder: 2 records waiting for you (1 overdue)');
      // Overdue first; a reviewer's digest holds the decisions, not the author's resubmission.
      expect(digest!.text.indexOf(older.recordId)).toBeLessThan(digest!.text.indexOf(newer.recordId));
      expect(digest!.text).not.toContain(mine.recordId);
      expect(digest!.text).not.toContain('unsafe sleep');
    }
    expect(w.to('author-1@rm.example.org')).toHaveLength(0);

    // Later the same day, the other record's reminder: everyone concerned had today's digest already.
    w.clock.now = new Date(T0.getTime() + 3 * 3600 * 1000);
    expect((await w.reminded(newer.state, 1)).sent).toBe(0);
    expect(w.sent).toHaveLength(2);

    // The author's resubmission reminder: their digest lists their own returned record only.
    expect((await w.reminded(mine.state, 1)).sent).toBe(1);
    const [authorDigest] = w.to('author-1@rm.example.org', 'reminder');
    expect(authorDigest!.subject).toBe('Reminder: 1 record waiting for you (1 overdue)');
    expect(authorDigest!.text).toContain(mine.recordId);
    expect(authorDigest!.text).not.toContain(older.recordId);
    expect(w.to('author-2@rm.example.org')).toHaveLength(0);

    // Each reminder is in its record's review history, with how many were emailed.
    const history = await new ReviewLog(w.table).history(older.recordId);
    expect(history).toMatchObject([{ kind: 'step', event: 'reminded', reminder: 1, emailed: 2, waitingFor: 'decision' }]);
  });

  it('escalates to the jurisdiction admins once, at the limit; a retried reminder sends nothing again', async () => {
    const w = await world({ escalateAfterReminders: 2 });
    const r = await w.waiting(w.author, 'decision', new Date(T0.getTime() - 7 * DAY));
    await w.reminded(r.state, 1);
    expect(w.to('admin-1@rm.example.org')).toHaveLength(0);

    w.clock.now = new Date(T0.getTime() + 3 * DAY);
    await w.reminded(r.state, 2);
    await w.reminded(r.state, 2); // the same task, retried
    const [escalation, ...again] = w.to('admin-1@rm.example.org');
    expect(again).toHaveLength(0);
    expect(escalation).toMatchObject({ kind: 'escalation' });
    expect(escalation!.subject).toMatch(/^Escalation: /);
    expect(escalation!.text).toContain('Reminders sent: 2');
    expect(escalation!.text).toContain(`https://npcs.example.org/records/${r.recordId}`);

    // Past the limit: reminders go on, the admin is not told again.
    w.clock.now = new Date(T0.getTime() + 6 * DAY);
    await w.reminded(r.state, 3);
    expect(w.to('admin-1@rm.example.org')).toHaveLength(1);
    expect(w.to('reviewer-1@rm.example.org', 'reminder')).toHaveLength(3); // one a day, on three days

    const steps = (await new ReviewLog(w.table).history(r.recordId)).map((h) => (h.kind === 'step' ? `${h.event}${h.reminder ?? ''}` : h.kind));
    expect(steps).toEqual(['reminded1', 'reminded2', 'escalated2', 'reminded3']);
  });

  it('the daily run mails everyone with something overdue, once a day, and nobody whose records are not yet due', async () => {
    const w = await world();
    const overdue = await w.waiting(w.author, 'decision', new Date(T0.getTime() - 4 * DAY));
    const returned = await w.waiting(w.otherAuthor, 'resubmission', new Date(T0.getTime() - 8 * DAY));
    await w.waiting(w.author, 'resubmission', new Date(T0.getTime() - 1 * DAY)); // not due yet: author-1 gets nothing

    expect(await w.notifier.dailyDigest()).toEqual({ jurisdictions: 1, sent: 3, escalated: 0 });
    expect(w.to('reviewer-1@rm.example.org', 'reminder')[0]!.text).toContain(overdue.recordId);
    expect(w.to('author-2@rm.example.org', 'reminder')[0]!.text).toContain(returned.recordId);
    expect(w.to('author-1@rm.example.org')).toHaveLength(0);
    // Run again the same day (a retried schedule): nothing more.
    expect((await w.notifier.dailyDigest()).sent).toBe(0);
    // The next day, again.
    w.clock.now = new Date(T0.getTime() + DAY);
    expect((await w.notifier.dailyDigest()).sent).toBe(3);
  });

  it('the open reviews list orders by due time and drops a closed review', async () => {
    const w = await world();
    const a = await w.waiting(w.author, 'decision', new Date(T0.getTime() - 1 * DAY));
    const b = await w.waiting(w.author, 'decision', new Date(T0.getTime() - 3 * DAY));
    const open = new OpenReviews(w.table);
    expect((await open.list()).map((o) => o.recordId)).toEqual([b.recordId, a.recordId]);
    await open.close(b.recordId, T0);
    expect((await open.list()).map((o) => o.recordId)).toEqual([a.recordId]);
    expect(await open.get(b.recordId)).toBeUndefined();
  });
});
