/**
 * Published safety notices in the table (docs/notices.md, "Publication"):
 *   pk `<issuer>#PUBLISHED`  sk `NOTICE#<recordId>`           the current copy, gsi1 `NOTICES#PUBLISHED` (the library)
 *   pk `<issuer>#PUBLISHED`  sk `NOTICE#<recordId>#V#<000001>` one entry per publication version, never changed
 * Written in the issuer's own partition, in the same transaction as the approval (or the withdrawal) that makes the
 * version, so a notice is published exactly when it is approved. Read across jurisdictions only here, and only these
 * keys: the reader builds every key itself from a checked jurisdiction id and record id.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TIME_SORTABLE_ID } from '#shared/audit/ids.ts';
import type { RecordView } from '#shared/records/model.ts';
import { indexPartition } from '#shared/storage/index-query.ts';
import { GSI1, jurisdictionIdSchema, keys, partitions } from '#shared/storage/keys.ts';
import type { ScopedTable, ScopedTransactItem } from '#shared/storage/scoped-table.ts';
import { noticeContent, type PublishedNotice } from './model.ts';

/** What a publication writes, and what the audit event should say. */
export interface Publication {
  notice: PublishedNotice;
  items: ScopedTransactItem[];
  action: 'notice.published' | 'notice.updated' | 'notice.withdrawn';
}

function writes(table: ScopedTable, notice: PublishedNotice, previous: PublishedNotice | undefined): ScopedTransactItem[] {
  if (notice.issuerId !== table.jurisdictionId) throw new Error('A notice is published in its issuer\u2019s own partition');
  return [
    {
      put: {
        key: keys.publishedNotice(notice.recordId),
        attributes: {
          kind: 'published_notice',
          publicationVersion: notice.version,
          notice,
          [GSI1.pk]: keys.publishedNoticesIndex,
          [GSI1.sk]: keys.publishedNoticesIndexSort(notice.firstPublishedAt, notice.issuerId, notice.recordId),
        },
        // Two approvals or a withdrawal at the same moment: one wins, the other retries on the new version.
        condition: previous
          ? { expression: 'publicationVersion = :v', values: { ':v': previous.version } }
          : { expression: 'attribute_not_exists(pk)' },
      },
    },
    { put: { key: keys.publishedNoticeVersion(notice.recordId, notice.version), attributes: { kind: 'published_notice_version', notice }, condition: { expression: 'attribute_not_exists(pk)' } } },
  ];
}

export async function currentPublication(table: ScopedTable, recordId: string): Promise<PublishedNotice | undefined> {
  const item = await table.get(keys.publishedNotice(recordId), { consistent: true });
  return item ? (item.notice as PublishedNotice) : undefined;
}

/**
 * The publication of an approved notice: version 1 at its first approval; the next version, with the amendment's
 * reason, when it is approved again after an amendment. `record` is the record as approved.
 */
export async function publicationOf(table: ScopedTable, record: RecordView, now: Date): Promise<Publication> {
  const previous = await currentPublication(table, record.recordId);
  const at = now.toISOString();
  const notice: PublishedNotice = {
    issuerId: table.jurisdictionId,
    recordId: record.recordId,
    ...noticeContent(record),
    version: (previous?.version ?? 0) + 1,
    status: 'active',
    firstPublishedAt: previous?.firstPublishedAt ?? at,
    publishedAt: at,
    ...(previous ? { changeReason: record.amendReason ?? 'Updated by its issuer' } : {}),
  };
  return { notice, items: writes(table, notice, previous), action: previous ? 'notice.updated' : 'notice.published' };
}

/** The withdrawal of a published notice: a new version, status withdrawn, with the reason partners are told. */
export function withdrawalOf(table: ScopedTable, current: PublishedNotice, reason: string, now: Date): Publication {
  const notice: PublishedNotice = { ...current, version: current.version + 1, status: 'withdrawn', publishedAt: now.toISOString(), changeReason: reason };
  return { notice, items: writes(table, notice, current), action: 'notice.withdrawn' };
}

/** Library filters (all optional). */
export interface NoticeFilter {
  theme?: string;
  level?: string;
  issuerId?: string;
  status?: PublishedNotice['status'];
  /** First published on or after / before (YYYY-MM-DD, inclusive). */
  from?: string;
  to?: string;
  /** Words looked for in the title, systemic issue, evidence and actions (case-insensitive, all must appear). */
  text?: string;
}

const isRecordId = (id: string) => TIME_SORTABLE_ID.test(id);
const isJurisdictionId = (id: string) => jurisdictionIdSchema.safeParse(id).success;

/** Reads published notices of every jurisdiction: the one cross-jurisdiction read, confined to `*#PUBLISHED`. */
export class PublishedNotices {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One notice's current copy; undefined for anything that is not a published notice (a draft, another id). */
  async get(issuerId: string, recordId: string): Promise<PublishedNotice | undefined> {
    if (!isJurisdictionId(issuerId) || !isRecordId(recordId)) return undefined;
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: this.key(issuerId, `NOTICE#${recordId}`) }));
    return out.Item?.kind === 'published_notice' ? (out.Item.notice as PublishedNotice) : undefined;
  }

  /** Every version of one notice, oldest first. */
  async history(issuerId: string, recordId: string): Promise<PublishedNotice[]> {
    if (!isJurisdictionId(issuerId) || !isRecordId(recordId)) return [];
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': keys.owned(issuerId, partitions.published), ':v': `NOTICE#${recordId}#V#` },
      }),
    );
    return (out.Items ?? []).map((i) => i.notice as PublishedNotice);
  }

  /** Every published notice matching the filter, newest first publication first. */
  async list(filter: NoticeFilter = {}): Promise<PublishedNotice[]> {
    const items = await indexPartition(this.client, this.tableName, keys.publishedNoticesIndex, { newestFirst: true });
    return items.map((i) => i.notice as PublishedNotice).filter(matches(filter));
  }

  private key(issuerId: string, sk: string) {
    return { pk: keys.owned(issuerId, partitions.published), sk };
  }
}

export function matches(filter: NoticeFilter): (n: PublishedNotice) => boolean {
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return (n) => {
    if (filter.theme && n.theme !== filter.theme) return false;
    if (filter.level && n.level !== filter.level) return false;
    if (filter.issuerId && n.issuerId !== filter.issuerId) return false;
    if (filter.status && n.status !== filter.status) return false;
    const day = n.firstPublishedAt.slice(0, 10);
    if (filter.from && day < filter.from) return false;
    if (filter.to && day > filter.to) return false;
    if (words.length) {
      const haystack = [n.title, n.systemicIssue, n.evidence ?? '', ...n.actions].join(' ').toLowerCase();
      if (!words.every((w) => haystack.includes(w))) return false;
    }
    return true;
  };
}
