/**
 * The notices on the home pages (docs/notices.md, "On the home pages"): a partner jurisdiction's reviewers and
 * admins see the partners' notices still waiting for its answer, overdue first; partnership leads and platform
 * admins see every notice with a jurisdiction overdue, as the NHS lists organisations with overdue alerts.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isAllowed, scopeOf, type Actor } from '#shared/auth/policy.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { keys, partitions } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { answersTo, type NoticeAnswer } from './answers.ts';
import type { PublishedNotice } from './model.ts';
import { PublishedNotices } from './published.ts';
import { statusRows } from './status.ts';

export interface WaitingNotice {
  notice: PublishedNotice;
  answer?: NoticeAnswer;
  daysOverdue: number;
  overdue?: 'acknowledgement' | 'action';
}

export interface OverdueNotice {
  notice: PublishedNotice;
  /** Partner jurisdictions past a deadline, and the most days any of them is. */
  jurisdictions: number;
  mostDays: number;
}

export interface NoticeHome {
  waiting?: WaitingNotice[];
  overdue?: OverdueNotice[];
  /** Issuers' names, by jurisdiction id. */
  issuers?: Map<string, string>;
}

const FINAL = new Set(['completed', 'not_applicable']);

export async function noticeHome(client: DynamoDBDocumentClient, tableName: string, principal: Actor, today: string): Promise<NoticeHome> {
  const answers = principal.jurisdictionId !== undefined && isAllowed(principal, 'notices:answer');
  const leads = scopeOf(principal.role, 'notices:status') === 'all';
  if (!answers && !leads) return {};
  const active = (await new PublishedNotices(client, tableName).list({ status: 'active' })).filter((n) => n.reviewBy >= today);
  const registry = await new JurisdictionStore(tableName, client).list();
  const home: NoticeHome = { issuers: new Map(registry.map((j) => [j.id, j.name])) };
  if (answers && principal.jurisdictionId) {
    const own = principal.jurisdictionId;
    const table = scopedTable(client, tableName, own);
    const mine = new Map<string, NoticeAnswer>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await table.query({ partition: partitions.noticeAnswers, sk: { beginsWith: 'NOTICE#' }, ...(startKey ? { startKey } : {}) });
      for (const item of page.items) {
        const a = item.answer as NoticeAnswer;
        mine.set(keys.noticeAnswer(a.issuerId, a.recordId).sk, a);
      }
      startKey = page.lastKey;
    } while (startKey);
    const self = registry.filter((j) => j.id === own);
    home.waiting = active
      .filter((n) => n.issuerId !== own)
      .flatMap((notice) => {
        const answer = mine.get(keys.noticeAnswer(notice.issuerId, notice.recordId).sk);
        if (answer && FINAL.has(answer.status)) return [];
        const [row] = statusRows(notice, answer ? [answer] : [], self, today);
        return [{ notice, ...(answer ? { answer } : {}), daysOverdue: row?.daysOverdue ?? 0, ...(row?.overdue ? { overdue: row.overdue } : {}) }];
      })
      .sort((a, b) => b.daysOverdue - a.daysOverdue || b.notice.firstPublishedAt.localeCompare(a.notice.firstPublishedAt));
  }
  if (leads) {
    // Only notices with a deadline passed can have anyone overdue: their answers are read, one query each.
    const due = active.filter((n) => n.acknowledgeBy !== undefined && n.acknowledgeBy < today);
    const rows = await Promise.all(due.map(async (notice) => ({ notice, rows: statusRows(notice, await answersTo(client, tableName, notice.issuerId, notice.recordId), registry, today) })));
    home.overdue = rows
      .map(({ notice, rows: r }) => ({ notice, jurisdictions: r.filter((x) => x.daysOverdue > 0).length, mostDays: Math.max(0, ...r.map((x) => x.daysOverdue)) }))
      .filter((o) => o.jurisdictions > 0)
      .sort((a, b) => b.jurisdictions - a.jurisdictions || b.mostDays - a.mostDays);
  }
  return home;
}
