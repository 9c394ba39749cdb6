/**
 * The review workflow's emails (docs/review.md, docs/email.md): to the jurisdiction's reviewers when a record is
 * submitted or resubmitted (Open, Approve and Return links, each an action id bound to that reviewer and the version
 * the review waits on), and to the author when it is returned (with the reason) or approved. Each email is sent once
 * per event and recipient (sendOnce), so a retried task sends nothing twice. Recipients come from the people
 * directory (shared/auth/people.ts): the people of the jurisdiction who have signed in.
 */
import type { PeopleDirectory, Person } from '#shared/auth/people.ts';
import type { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import type { SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { mailSent, sendOnce } from '#shared/mail/once.ts';
import { approvedMail, escalationMail, reminderDigestMail, returnedMail, reviewRequestMail } from '#shared/mail/templates/messages.tsx';
import type { DigestItem, DigestNotice } from '#shared/mail/templates/model.ts';
import { mailRecordOf } from '#shared/mail/templates/record.ts';
import { digestNotices, escalateNotices, NOTICE_ANSWER_ROLES, noticesDue, type NoticeSource } from '#shared/notices/reminders.ts';
import type { RecordService } from '#shared/records/service.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { ActionIds } from './action-store.ts';
import { readWait } from './handoff.ts';
import { logStep, ReviewLog } from './history.ts';
import type { ReviewState } from './model.ts';
import { isOverdue, OpenReviews, type OpenReview } from './open-reviews.ts';
import { systemActor } from './tasks.ts';

export type ReviewNotice = 'review_request' | 'returned' | 'approved';

export interface NotifierDeps {
  records: RecordService;
  registry: JurisdictionStore;
  people: PeopleDirectory;
  table: (jurisdictionId: string) => ScopedTable;
  send: (message: MailMessage) => Promise<SentMail>;
  /** The app's origin, for the links (APP_ORIGIN). */
  appOrigin: string;
  /** The domain of reply addresses (INBOUND_DOMAIN): review requests take replies at `reply+<Open id>@<domain>`. */
  inboundDomain?: string | undefined;
  /** Partners' published notices and their answers: the digest lists those due for the jurisdiction (docs/notices.md). */
  safetyNotices: NoticeSource;
  now?: () => Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export class ReviewNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  /** Sends the notice of this step to each of its recipients; answers how many were sent now. */
  async notify(kind: ReviewNotice, state: ReviewState, options: { resubmitted?: boolean } = {}): Promise<{ sent: number }> {
    const table = this.deps.table(state.jurisdictionId);
    const record = await this.deps.records.current(table, systemActor(state.jurisdictionId), state.recordId);
    const jurisdiction = await this.deps.registry.get(state.jurisdictionId);
    const jurisdictionName = jurisdiction?.name ?? state.jurisdictionId;
    const now = this.deps.now?.() ?? new Date();
    const open = `${this.deps.appOrigin}/records/${encodeURIComponent(record.recordId)}`;
    const occasion = { recordId: record.recordId, submissionId: record.submissionId ?? state.submissionId, round: record.version };
    let sent = 0;
    const deliver = async (to: Person, message: Omit<MailMessage, 'to'>) => {
      const result = await sendOnce({ table, occasion, message: { ...message, to: to.email } as MailMessage, send: this.deps.send });
      if (result.status === 'sent') sent++;
    };
    if (kind === 'review_request') {
      const due = day(new Date(now.getTime() + state.settings.reminderSeconds * 1000));
      const reviewers = await this.deps.people.withRole(state.jurisdictionId, 'reviewer');
      const actions = new ActionIds(table);
      for (const reviewer of reviewers) {
        // A retried notice must not issue new links for an email already delivered: they would supersede its links.
        if (await mailSent(table, 'review_request', occasion, reviewer.email)) continue;
        const issue = async (action: 'approve' | 'return' | 'open') =>
          (await actions.issue({ recordId: record.recordId, round: record.version, action, reviewer: { subject: reviewer.subject, address: reviewer.email } })).actionId;
        const link = async (action: 'approve' | 'return' | 'open') => `${this.deps.appOrigin}/actions/${await issue(action)}`;
        // A reply decides with the email's Open id (action-store.ts, decisionFor): its Reply-To names that id.
        const openId = await issue('open');
        const inbound = this.deps.inboundDomain;
        const content = reviewRequestMail({
          jurisdictionName,
          record: mailRecordOf(record, due),
          links: { open: `${this.deps.appOrigin}/actions/${openId}`, approve: await link('approve'), return: await link('return') },
          resubmitted: options.resubmitted === true,
          acceptsReplies: inbound !== undefined,
        });
        await deliver(reviewer, { kind: 'review_request', ...content, ...(inbound ? { replyTo: `reply+${openId}@${inbound}` } : {}) });
      }
      if (!reviewers.length) logger.warn('No reviewer of the jurisdiction has signed in yet: no review request sent', { jurisdictionId: state.jurisdictionId });
      await new ReviewLog(table).note(record.recordId, logStep(occasion.submissionId, record.version, 'requested'), {
        event: 'requested',
        at: now.toISOString(),
        version: record.version,
        emailed: reviewers.length,
        ...(options.resubmitted ? { resubmitted: true } : {}),
      });
    } else {
      const author = await this.deps.people.person(state.jurisdictionId, record.createdBy);
      const told = (emailed: number) =>
        new ReviewLog(table).note(record.recordId, logStep(occasion.submissionId, record.version, 'author_told'), { event: 'author_told', at: now.toISOString(), version: record.version, emailed, decision: kind });
      if (!author) {
        logger.warn('The author is not in the people directory: no email sent', { jurisdictionId: state.jurisdictionId, kind });
        await told(0);
        return { sent };
      }
      const record4mail = mailRecordOf(record, day(now));
      const content = kind === 'returned' ? returnedMail({ jurisdictionName, record: record4mail, reason: record.statusReason ?? '', links: { open } }) : approvedMail({ jurisdictionName, record: record4mail, links: { open } });
      await deliver(author, { kind, ...content });
      await told(1);
    }
    return { sent };
  }

  /**
   * After a wait timed out (the state's reminder count is this reminder's number): the people it waits for get
   * their daily digest now, unless they had today's already (then tomorrow's lists it); at the jurisdiction's
   * escalation limit, its admins are told. Each step is noted in the record's review history.
   */
  async reminded(state: ReviewState & { escalate: boolean }): Promise<{ sent: number }> {
    const table = this.deps.table(state.jurisdictionId);
    const wait = await readWait(table, state.recordId);
    if (!wait || wait.kind === 'ended') return { sent: 0 };
    const now = this.now();
    const log = new ReviewLog(table);
    const record = await this.deps.records.current(table, systemActor(state.jurisdictionId), state.recordId);
    const people = wait.kind === 'decision' ? await this.deps.people.withRole(state.jurisdictionId, 'reviewer') : [await this.deps.people.person(state.jurisdictionId, record.createdBy)].filter((p): p is Person => p !== undefined);
    let sent = 0;
    const open = await new OpenReviews(table).list();
    // Today's digest may go out now, before the daily run: it lists the notices due too, or they would wait a day.
    const registry = await this.deps.registry.list();
    const jurisdiction = registry.find((j) => j.id === state.jurisdictionId);
    const notices = jurisdiction ? ((await noticesDue(this.deps.safetyNotices, [jurisdiction], day(now))).get(jurisdiction.id) ?? []) : [];
    const digests = this.digests(state.jurisdictionId, open, now, digestNotices(notices, namesOf(registry), this.deps.appOrigin));
    for (const person of people) sent += await digests(person);
    await log.note(state.recordId, logStep(state.submissionId, wait.version, 'reminded', wait.kind, state.reminders), {
      event: 'reminded',
      at: now.toISOString(),
      version: wait.version,
      emailed: people.length,
      reminder: state.reminders,
      waitingFor: wait.kind,
    });
    // Once per wait: at the limit, not at every reminder after it.
    if (wait.kind === 'decision' && state.reminders === state.settings.escalateAfterReminders) {
      const admins = await this.deps.people.withRole(state.jurisdictionId, 'jurisdiction_admin');
      const jurisdictionName = await this.jurisdictionName(state.jurisdictionId);
      const entry = open.find((o) => o.recordId === state.recordId);
      const content = escalationMail({
        jurisdictionName,
        record: mailRecordOf(record, day(new Date(entry?.due ?? now.toISOString()))),
        today: day(now),
        submittedOn: day(new Date(record.submittedAt ?? entry?.openedAt ?? now.toISOString())),
        remindersSent: state.reminders,
        links: { open: this.recordLink(record.recordId) },
      });
      for (const admin of admins) {
        const result = await sendOnce({ table, occasion: { recordId: record.recordId, submissionId: state.submissionId, round: wait.version }, message: { kind: 'escalation', to: admin.email, ...content } as MailMessage, send: this.deps.send });
        if (result.status === 'sent') sent++;
      }
      if (!admins.length) logger.warn('No admin of the jurisdiction has signed in yet: no escalation sent', { jurisdictionId: state.jurisdictionId });
      await log.note(state.recordId, logStep(state.submissionId, wait.version, 'escalated'), { event: 'escalated', at: now.toISOString(), version: wait.version, emailed: admins.length, reminder: state.reminders, waitingFor: 'decision' });
    }
    return { sent };
  }

  /**
   * The daily digest run (the review-digest schedule): in each active jurisdiction, everyone with something overdue,
   * and the people who answer notices when a partner's notice is due or overdue, get today's digest (at most one a
   * day: a reminder step may have sent it already); then each notice deadline a jurisdiction let pass is escalated
   * to its admins, once. The notices are read once for the whole run.
   */
  async dailyDigest(): Promise<{ jurisdictions: number; sent: number; escalated: number }> {
    const now = this.now();
    const today = day(now);
    const registry = await this.deps.registry.list();
    const jurisdictions = registry.filter((j) => j.active);
    const names = namesOf(registry);
    const notices = await noticesDue(this.deps.safetyNotices, jurisdictions, today);
    let sent = 0;
    for (const j of jurisdictions) {
      const table = this.deps.table(j.id);
      const open = await new OpenReviews(table).list();
      const overdue = open.filter((o) => isOverdue(o, now));
      const due = notices.get(j.id) ?? [];
      if (!overdue.length && !due.length) continue;
      const people: Person[] = [];
      const add = (person: Person) => {
        if (!people.some((p) => p.subject === person.subject)) people.push(person);
      };
      if (overdue.some((o) => o.waitingFor === 'decision')) for (const p of await this.deps.people.withRole(j.id, 'reviewer')) add(p);
      if (due.length) for (const role of NOTICE_ANSWER_ROLES) for (const p of await this.deps.people.withRole(j.id, role)) add(p);
      for (const subject of new Set(overdue.filter((o) => o.waitingFor === 'resubmission').map((o) => o.author))) {
        const author = await this.deps.people.person(j.id, subject);
        if (author) add(author);
      }
      const digests = this.digests(j.id, open, now, digestNotices(due, names, this.deps.appOrigin));
      for (const person of people) if (pendingFor(person, overdue).length || (due.length && answersNotices(person))) sent += await digests(person);
    }
    const escalated = await escalateNotices(this.deps, notices, names, today);
    logger.info('Daily digest', { jurisdictions: jurisdictions.length, sent, noticeJurisdictions: notices.size, escalated });
    return { jurisdictions: jurisdictions.length, sent, escalated };
  }

  /**
   * Today's digest of one jurisdiction, per person: everything pending for them (`open` is in due order, `notices`
   * what the jurisdiction has due, for the people who answer notices); nothing when nothing is. The records and the
   * jurisdiction's name are read once for all the people of one run.
   */
  private digests(jurisdictionId: string, open: readonly OpenReview[], now: Date, notices: readonly DigestNotice[]): (person: Person) => Promise<number> {
    const table = this.deps.table(jurisdictionId);
    const today = day(now);
    const items = new Map<string, Promise<DigestItem>>();
    const itemOf = (entry: OpenReview) => {
      let item = items.get(entry.recordId);
      if (!item) {
        item = this.deps.records.current(table, systemActor(jurisdictionId), entry.recordId).then((record) => ({ ...mailRecordOf(record, day(new Date(entry.due))), links: { open: this.recordLink(record.recordId) } }));
        items.set(entry.recordId, item);
      }
      return item;
    };
    let name: Promise<string> | undefined;
    return async (person) => {
      const pending = pendingFor(person, open);
      const theirNotices = answersNotices(person) ? notices : [];
      if ((!pending.length && !theirNotices.length) || (await mailSent(table, 'reminder', { day: today }, person.email))) return 0;
      const content = reminderDigestMail({
        jurisdictionName: await (name ??= this.jurisdictionName(jurisdictionId)),
        today,
        items: await Promise.all(pending.map(itemOf)),
        ...(theirNotices.length ? { notices: [...theirNotices] } : {}),
        links: { list: `${this.deps.appOrigin}/#tasks` },
      });
      const result = await sendOnce({ table, occasion: { day: today }, message: { kind: 'reminder', to: person.email, ...content } as MailMessage, send: this.deps.send });
      return result.status === 'sent' ? 1 : 0;
    };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private recordLink(recordId: string): string {
    return `${this.deps.appOrigin}/records/${encodeURIComponent(recordId)}`;
  }

  private async jurisdictionName(jurisdictionId: string): Promise<string> {
    return (await this.deps.registry.get(jurisdictionId))?.name ?? jurisdictionId;
  }
}

/** Whether the person answers partners' notices for their jurisdiction (`notices:answer`). */
const answersNotices = (person: Person) => NOTICE_ANSWER_ROLES.includes(person.role);

const namesOf = (registry: readonly { id: string; name: string }[]) => new Map(registry.map((j) => [j.id, j.name]));

/** What waits for this person: decisions for a reviewer, resubmissions of their own records for an author. */
function pendingFor(person: Person, open: readonly OpenReview[]): OpenReview[] {
  return open.filter((o) => (o.waitingFor === 'decision' ? person.role === 'reviewer' : o.author === person.subject));
}
