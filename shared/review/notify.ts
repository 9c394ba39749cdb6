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
import { approvedMail, returnedMail, reviewRequestMail } from '#shared/mail/templates/messages.tsx';
import { mailRecordOf } from '#shared/mail/templates/record.ts';
import type { RecordService } from '#shared/records/service.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { ActionIds } from './action-store.ts';
import type { ReviewState } from './model.ts';
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
    } else {
      const author = await this.deps.people.person(state.jurisdictionId, record.createdBy);
      if (!author) {
        logger.warn('The author is not in the people directory: no email sent', { jurisdictionId: state.jurisdictionId, kind });
        return { sent };
      }
      const record4mail = mailRecordOf(record, day(now));
      const content = kind === 'returned' ? returnedMail({ jurisdictionName, record: record4mail, reason: record.statusReason ?? '', links: { open } }) : approvedMail({ jurisdictionName, record: record4mail, links: { open } });
      await deliver(author, { kind, ...content });
    }
    return { sent };
  }
}
