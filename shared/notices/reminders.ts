/**
 * The daily follow-up of published notices (docs/notices.md, "Follow-up"), run by the review digest's daily task
 * (shared/review/notify.ts `dailyDigest`) so that each person still gets at most one reminder email a day:
 * - `noticesDue` reads the active notices once, and the answers of those with a deadline near or passed, and says
 *   what each active partner jurisdiction has due or overdue today (shared/notices/followup.ts);
 * - the digest lists them for the people who may answer (`NOTICE_ANSWER_ROLES`) through `digestNotices`;
 * - `escalateNotices` tells each admin of a jurisdiction past a deadline, once per notice, deadline and admin
 *   (`sendOnce`, the marker in that jurisdiction's MAIL partition).
 */
import type { PeopleDirectory } from '#shared/auth/people.ts';
import { JURISDICTION_ROLES, scopeOf, type Role } from '#shared/auth/policy.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { logger } from '#shared/logger.ts';
import type { SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { sendOnce, type MarkerTable } from '#shared/mail/once.ts';
import { noticeEscalationMail } from '#shared/mail/templates/notice-escalation.tsx';
import type { DigestNotice } from '#shared/mail/templates/model.ts';
import type { NoticeAnswer } from './answers.ts';
import { followupOn, hasSomethingDue, type NoticeFollowup } from './followup.ts';
import type { PublishedNotice } from './model.ts';

/** The roles that answer a partner's notice for their jurisdiction (`notices:answer`): they get it in their digest. */
export const NOTICE_ANSWER_ROLES: readonly Role[] = JURISDICTION_ROLES.filter((role) => scopeOf(role, 'notices:answer') !== undefined);

/** Where the run reads notices: `PublishedNotices.list({ status: 'active' })` and `answersTo` in production. */
export interface NoticeSource {
  active: () => Promise<PublishedNotice[]>;
  answersTo: (issuerId: string, recordId: string) => Promise<NoticeAnswer[]>;
}

export interface DueNotice {
  notice: PublishedNotice;
  followup: NoticeFollowup;
}

/**
 * What each of `jurisdictions` has due or overdue today, by jurisdiction id (absent: nothing). One read of the
 * active notices; one read of the answers of each notice that has a deadline within the reminder window or passed.
 */
export async function noticesDue(source: NoticeSource, jurisdictions: readonly Pick<Jurisdiction, 'id' | 'active'>[], today: string): Promise<Map<string, DueNotice[]>> {
  const due = new Map<string, DueNotice[]>();
  const notices = (await source.active()).filter((n) => hasSomethingDue(n, today));
  for (const notice of notices) {
    const answers = new Map((await source.answersTo(notice.issuerId, notice.recordId)).map((a) => [a.jurisdictionId, a]));
    for (const jurisdiction of jurisdictions) {
      const followup = followupOn(notice, jurisdiction, answers.get(jurisdiction.id), today);
      if (followup) due.set(jurisdiction.id, [...(due.get(jurisdiction.id) ?? []), { notice, followup }]);
    }
  }
  return due;
}

/** The notice's page (the same path as the notices' web pages, which a service does not import). */
export const noticeUrl = (appOrigin: string, n: Pick<PublishedNotice, 'issuerId' | 'recordId'>) =>
  `${new URL(appOrigin).origin}/notices/${encodeURIComponent(n.issuerId)}/${encodeURIComponent(n.recordId)}`;

/** The digest's entries for a jurisdiction's due notices; `issuerNames` from the registry (the id when unknown). */
export function digestNotices(due: readonly DueNotice[], issuerNames: ReadonlyMap<string, string>, appOrigin: string): DigestNotice[] {
  return due.map(({ notice, followup }) => ({
    issuerName: issuerNames.get(notice.issuerId) ?? notice.issuerId,
    title: notice.title,
    deadline: followup.deadline,
    dueDate: followup.due,
    links: { open: noticeUrl(appOrigin, notice) },
  }));
}

export interface EscalationDeps {
  people: Pick<PeopleDirectory, 'withRole'>;
  /** A jurisdiction's handle: the markers live in its MAIL partition. */
  table: (jurisdictionId: string) => MarkerTable;
  send: (message: MailMessage) => Promise<SentMail>;
  appOrigin: string;
}

/**
 * Escalates every overdue notice of every jurisdiction to its admins: one email per notice, deadline and admin,
 * ever (a rerun, or the next days, send none again). Answers how many were sent now.
 */
export async function escalateNotices(deps: EscalationDeps, due: ReadonlyMap<string, readonly DueNotice[]>, names: ReadonlyMap<string, string>, today: string): Promise<number> {
  let sent = 0;
  for (const [jurisdictionId, notices] of due) {
    const overdue = notices.filter((d) => d.followup.overdue);
    if (!overdue.length) continue;
    const admins = await deps.people.withRole(jurisdictionId, 'jurisdiction_admin');
    if (!admins.length) {
      logger.warn('No admin of the jurisdiction has signed in yet: no notice escalation sent', { jurisdictionId, notices: overdue.length });
      continue;
    }
    const table = deps.table(jurisdictionId);
    for (const { notice, followup } of overdue) {
      const content = noticeEscalationMail({
        jurisdictionName: names.get(jurisdictionId) ?? jurisdictionId,
        issuerName: names.get(notice.issuerId) ?? notice.issuerId,
        title: notice.title,
        deadline: followup.deadline,
        dueDate: followup.due,
        today,
        links: { open: noticeUrl(deps.appOrigin, notice) },
      });
      const occasion = { noticeDeadline: { issuerId: notice.issuerId, recordId: notice.recordId, deadline: followup.deadline, due: followup.due } };
      for (const admin of admins) {
        const result = await sendOnce({ table, occasion, message: { kind: 'notice_escalation', to: admin.email, ...content }, send: deps.send });
        if (result.status === 'sent') sent++;
      }
    }
  }
  return sent;
}
