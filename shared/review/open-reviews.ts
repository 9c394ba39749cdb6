/**
 * A jurisdiction's open reviews (docs/review.md, "Pages and reminders"): one entry per record whose review waits, for
 * the reviewers' and admins' lists (due date, overdue first, age) and for the reminder digests. The workflow's `wait`
 * step writes it (what it waits for, since when, due when, reminders so far); `end` closes it. Entries hold ids, dates
 * and counts only: no answers, no names.
 *
 * Items: `<jid>#REVIEWS` / `OPEN#<recordId>`. A closed entry stays a day (TTL) and is left out of every list; the
 * table has no deletes outside sessions, by design (shared/storage/scoped-table.ts).
 */
import { keys, partitions } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';

export interface OpenReview {
  recordId: string;
  formId: string;
  /** What the review waits for: a reviewer's decision, or the author's resubmission after a return. */
  waitingFor: 'decision' | 'resubmission';
  /** The record's author (their subject): who a resubmission waits for. */
  author: string;
  /** When the review began (the first submission of this review), ISO. */
  openedAt: string;
  /** When the current wait began, ISO. */
  since: string;
  /** When the current wait is due, ISO: its first reminder interval after `since`. Later reminders do not move it. */
  due: string;
  /** Reminders sent for the current wait. */
  reminders: number;
  /** The current wait has reached the jurisdiction's escalation limit. */
  escalated: boolean;
}

/** A closed entry is kept this long (then DynamoDB's TTL removes it); lists never show it. */
const CLOSED_KEPT_SECONDS = 24 * 3600;

export class OpenReviews {
  constructor(private readonly table: ScopedTable) {}

  async get(recordId: string): Promise<OpenReview | undefined> {
    const item = await this.table.get(keys.openReview(recordId), { consistent: true });
    return item && !item.closedAt ? toOpenReview(item) : undefined;
  }

  /** The entry as the current wait sees it (a retried step writes the same). */
  async put(entry: OpenReview): Promise<void> {
    await this.table.put({ key: keys.openReview(entry.recordId), attributes: { kind: 'open-review', ...entry } as Item });
  }

  /** The review ended (approved): the entry leaves every list. */
  async close(recordId: string, at: Date): Promise<void> {
    await this.table.update({
      key: keys.openReview(recordId),
      update: { expression: 'SET closedAt = :at, expiresAt = :expires', values: { ':at': at.toISOString(), ':expires': Math.floor(at.getTime() / 1000) + CLOSED_KEPT_SECONDS } },
    });
  }

  /** Every open review of the jurisdiction (tens to hundreds: paged through), oldest wait first. */
  async list(): Promise<OpenReview[]> {
    const found: OpenReview[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.table.query({ partition: partitions.reviews, sk: { beginsWith: 'OPEN#' }, filter: { expression: 'attribute_not_exists(closedAt)' }, startKey });
      found.push(...page.items.map(toOpenReview));
      startKey = page.lastKey;
    } while (startKey);
    return byUrgency(found);
  }
}

/** Overdue: the wait's due time has passed. */
export const isOverdue = (review: Pick<OpenReview, 'due'>, now: Date): boolean => Date.parse(review.due) < now.getTime();

/** Overdue first (longest overdue at the top), then by due time: the order of every list and digest. */
export function byUrgency(reviews: readonly OpenReview[]): OpenReview[] {
  return [...reviews].sort((a, b) => a.due.localeCompare(b.due) || a.recordId.localeCompare(b.recordId));
}

function toOpenReview(item: Item): OpenReview {
  return {
    recordId: String(item.recordId),
    formId: String(item.formId),
    waitingFor: item.waitingFor === 'resubmission' ? 'resubmission' : 'decision',
    author: String(item.author),
    openedAt: String(item.openedAt),
    since: String(item.since),
    due: String(item.due),
    reminders: Number(item.reminders ?? 0),
    escalated: item.escalated === true,
  };
}
