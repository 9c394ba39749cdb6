/**
 * Distribution of published safety notices (docs/notices.md, "Distribution"): when a version is published (the
 * first, an update, a withdrawal), every contact of every active partner jurisdiction other than the issuer gets one
 * email, exactly once per contact, notice and version (`sendOnce`, the marker in the recipient's MAIL partition),
 * with that jurisdiction's own links (shared/notices/links.ts). Run by functions/notice-tasks from the table's stream.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import type { SentMail } from '#shared/mail/mailer.ts';
import type { MailMessage } from '#shared/mail/message.ts';
import { mailSent, sendOnce, type MailOccasion } from '#shared/mail/once.ts';
import { noticeMail, noticeMailKind } from '#shared/mail/templates/notice.tsx';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { issueNoticeLink } from './links.ts';
import type { PublishedNotice } from './model.ts';

/** The notice version a stream record announces: the current copy put by a publication (anything else: undefined). */
export function publishedVersionOf(record: DynamoDBRecord): PublishedNotice | undefined {
  // Every write of the current copy is a publication (a new version, or the first): published.ts never edits it.
  if ((record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') || !record.dynamodb?.NewImage) return undefined;
  const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
  if (item.kind !== 'published_notice' || typeof item.publicationVersion !== 'number') return undefined;
  const notice = item.notice as PublishedNotice | undefined;
  return notice && notice.version === item.publicationVersion ? notice : undefined;
}

export interface DistributionDeps {
  /** Every jurisdiction of the registry (the active ones are the recipients). */
  registry: () => Promise<Pick<Jurisdiction, 'id' | 'name' | 'active' | 'contacts'>[]>;
  /** The notice's current copy, to skip a version a later one has replaced before it was distributed. */
  current: (issuerId: string, recordId: string) => Promise<Pick<PublishedNotice, 'version'> | undefined>;
  /** A recipient jurisdiction's scoped table: its mail markers and its links live there. */
  tableFor: (jurisdictionId: string) => ScopedTable;
  send: (message: MailMessage) => Promise<SentMail>;
  /** The platform's origin (APP_ORIGIN): links are `<origin>/notice-links/<id>`. */
  appOrigin: string;
  now?: () => Date;
}

export type DistributionOutcome =
  | { outcome: 'distributed'; jurisdictions: number; sent: number; alreadySent: number }
  /** A later version was published before this one went out: that one's email says what recipients need. */
  | { outcome: 'superseded' };

export const noticeLinkUrl = (appOrigin: string, id: string) => `${new URL(appOrigin).origin}/notice-links/${id}`;

/**
 * Emails one published version to every contact of every active partner. A rerun (a redelivered stream record, a
 * retry after a failure) sends only what was not sent: each email's marker says so, and links are issued only for
 * a jurisdiction that still has someone to email. Throws what sendOnce throws (MailInFlightError,
 * MailTransportError), so the stream retries the record.
 */
export async function distributeNotice(deps: DistributionDeps, notice: PublishedNotice): Promise<DistributionOutcome> {
  const now = deps.now ?? (() => new Date());
  const current = await deps.current(notice.issuerId, notice.recordId);
  if (current && current.version > notice.version) return { outcome: 'superseded' };
  const kind = noticeMailKind(notice);
  const occasion: MailOccasion = { notice: { issuerId: notice.issuerId, recordId: notice.recordId, version: notice.version } };
  const registry = await deps.registry();
  const issuerName = registry.find((j) => j.id === notice.issuerId)?.name ?? notice.issuerId;
  const recipients = registry.filter((j) => j.active && j.id !== notice.issuerId);
  let sent = 0;
  let alreadySent = 0;
  for (const jurisdiction of recipients) {
    const table = deps.tableFor(jurisdiction.id);
    // One email per address, however often the registry lists it (one person with two contact roles).
    const addresses = new Map<string, string>();
    for (const c of jurisdiction.contacts) if (!addresses.has(c.email.trim().toLowerCase())) addresses.set(c.email.trim().toLowerCase(), c.email.trim());
    let links: { acknowledge?: string; open: string } | undefined;
    for (const to of addresses.values()) {
      if (await mailSent(table, kind, occasion, to)) {
        alreadySent++;
        continue;
      }
      links ??= {
        ...(notice.status === 'withdrawn' ? {} : { acknowledge: noticeLinkUrl(deps.appOrigin, await issueNoticeLink(table, notice, 'acknowledge', now())) }),
        open: noticeLinkUrl(deps.appOrigin, await issueNoticeLink(table, notice, 'open', now())),
      };
      const { kind: _kind, ...content } = noticeMail({ notice, issuerName, recipientName: jurisdiction.name, links });
      const result = await sendOnce({ table, occasion, message: { kind, to, ...content }, send: deps.send, now });
      if (result.status === 'sent') sent++;
      else alreadySent++;
    }
  }
  return { outcome: 'distributed', jurisdictions: recipients.length, sent, alreadySent };
}
