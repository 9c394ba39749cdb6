/**
 * The emailed links of a partner's safety notice (docs/notices.md, "Distribution"): "Acknowledge for <jurisdiction>"
 * and "Open the notice". One grant per recipient jurisdiction, notice version and action, kept in the recipient's own
 * partition (`<jid>#NOTICE_LINKS / LINK#<sha256 of the id>`) and indexed on gsi1 by the digest, because a link names
 * only its id. The id is the review links' kind (shared/review/action-ids.ts: 256 random bits, only the digest
 * stored), so neither a table read nor a backup yields a usable link. A link decides nothing by itself: its GET only
 * shows a page, and acknowledging is a signed-in POST of that jurisdiction's reviewers and admins.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { actionIdDigest, isActionId, newActionId } from '#shared/review/action-ids.ts';
import { GSI1, keys } from '#shared/storage/keys.ts';
import { linkJurisdiction } from '#shared/storage/index-query.ts';
import { scopedTable, type ScopedTable } from '#shared/storage/scoped-table.ts';
import type { PublishedNotice } from './model.ts';

export const NOTICE_LINK_ACTIONS = ['acknowledge', 'open'] as const;
export type NoticeLinkAction = (typeof NOTICE_LINK_ACTIONS)[number];

/** A link works this long after the notice's action deadline... */
export const NOTICE_LINK_DAYS_AFTER_DEADLINE = 30;
/** ...or this long after it was sent when the notice sets no action deadline (or one already too close). */
export const NOTICE_LINK_DAYS_WITHOUT_DEADLINE = 90;
const DAY_MS = 86_400_000;

/** What a link grants, as stored under the digest of its id. */
export interface NoticeLinkGrant {
  issuerId: string;
  recordId: string;
  /** The recipient jurisdiction: the only one the link acknowledges for. */
  jurisdictionId: string;
  action: NoticeLinkAction;
  /** The notice version the email was about. */
  version: number;
  createdAt: string;
  expiresAt: string;
}

/**
 * When a link sent now stops working: 30 days after the action deadline (the end of that day, UTC), but never
 * sooner than 30 days from now (an update sent after the deadline still gets usable links); 90 days without one.
 */
export function noticeLinkExpiry(notice: Pick<PublishedNotice, 'actBy'>, now: Date): Date {
  const floor = now.getTime() + NOTICE_LINK_DAYS_AFTER_DEADLINE * DAY_MS;
  const deadline = notice.actBy ? Date.parse(`${notice.actBy}T23:59:59.999Z`) : Number.NaN;
  if (Number.isNaN(deadline)) return new Date(now.getTime() + NOTICE_LINK_DAYS_WITHOUT_DEADLINE * DAY_MS);
  return new Date(Math.max(floor, deadline + NOTICE_LINK_DAYS_AFTER_DEADLINE * DAY_MS));
}

/**
 * Issues one link in the recipient jurisdiction's partition (`table`) and returns the plain id, once, for the email:
 * it is never stored or logged. A retried task issues new ids; the unsent ones expire unused.
 */
export async function issueNoticeLink(table: ScopedTable, notice: Pick<PublishedNotice, 'issuerId' | 'recordId' | 'version' | 'actBy'>, action: NoticeLinkAction, now: Date = new Date()): Promise<string> {
  const id = newActionId();
  const digest = actionIdDigest(id);
  const expiresAt = noticeLinkExpiry(notice, now);
  const grant: NoticeLinkGrant = { issuerId: notice.issuerId, recordId: notice.recordId, jurisdictionId: table.jurisdictionId, action, version: notice.version, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() };
  await table.put({
    key: keys.noticeLink(digest),
    attributes: {
      kind: 'notice_link',
      grant,
      // DynamoDB's TTL takes epoch seconds: the item goes (within a day or two) once the link no longer works.
      expiresAt: Math.ceil(expiresAt.getTime() / 1000),
      [GSI1.pk]: keys.noticeLinkIndex(digest),
      [GSI1.sk]: keys.noticeLinkIndexSort,
    },
    condition: { expression: 'attribute_not_exists(pk)' },
  });
  return id;
}

/**
 * The live grant of a link id, read across jurisdictions the one way it can be: gsi1 names the recipient
 * jurisdiction, then the item is read under that jurisdiction's key. Undefined for a malformed, unknown or expired
 * id alike (the page answers the same for all three).
 */
export async function findNoticeLink(client: DynamoDBDocumentClient, tableName: string, id: string, now: Date = new Date()): Promise<NoticeLinkGrant | undefined> {
  if (!isActionId(id)) return undefined;
  const digest = actionIdDigest(id);
  const jurisdictionId = await linkJurisdiction(client, tableName, keys.noticeLinkIndex(digest), keys.noticeLinkIndexSort);
  if (!jurisdictionId) return undefined;
  const item = await scopedTable(client, tableName, jurisdictionId).get(keys.noticeLink(digest), { consistent: true });
  const grant = item?.kind === 'notice_link' ? (item.grant as NoticeLinkGrant) : undefined;
  // The stored grant must name the partition it was found in; an item the TTL has not removed yet is expired all the same.
  if (!grant || grant.jurisdictionId !== jurisdictionId || Date.parse(grant.expiresAt) <= now.getTime()) return undefined;
  return grant;
}
