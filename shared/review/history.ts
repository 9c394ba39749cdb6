/**
 * A record's review history (docs/review.md, "Pages and reminders"): what the workflow did that no audit event
 * records — review requests emailed, reminders, escalations, the author told of a return or an approval — beside the
 * decisions people claimed (REVIEW#DECISION items: who, when, how). The record page shows it to reviewers and admins.
 *
 * Items: `<jid>#REC#<recordId>` / `REVIEW#LOG#<step>`, where `step` names the event within its review round
 * (submission, record version, reminder number), so a retried task writes nothing twice: the first write wins.
 * Entries hold counts and dates, never addresses or names.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { keys } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import type { ClaimedDecision, ReviewMove } from './model.ts';

export type ReviewLogEvent = 'requested' | 'reminded' | 'escalated' | 'author_told';

export interface ReviewLogEntry {
  event: ReviewLogEvent;
  at: string;
  /** The record version the round is about. */
  version: number;
  /** How many people were emailed (0 when nobody could be: no reviewer or admin has signed in yet). */
  emailed: number;
  /** requested: a resubmission after a return. */
  resubmitted?: boolean;
  /** reminded, escalated: the reminder's number within its wait; what it reminded of. */
  reminder?: number;
  waitingFor?: 'decision' | 'resubmission';
  /** author_told: the decision they were told of. */
  decision?: 'returned' | 'approved';
}

/** One line of the history the record page shows: a workflow step, or a person's decision. */
export type ReviewHistoryItem =
  | ({ kind: 'step' } & ReviewLogEntry)
  | { kind: 'decision'; at: string; version: number; to: ReviewMove; by: { name?: string | undefined; role: string }; via: ClaimedDecision['via'] };

export class ReviewLog {
  constructor(private readonly table: ScopedTable) {}

  /**
   * Records one step once: `step` identifies it within the record (e.g. `<submission>#v3#reminded#decision#2`).
   * A repeat (a retried task) keeps the first entry and its time.
   */
  async note(recordId: string, step: string, entry: ReviewLogEntry): Promise<void> {
    try {
      await this.table.put({ key: keys.reviewLog(recordId, step), attributes: { kind: 'review-log', ...entry } as Item, condition: { expression: 'attribute_not_exists(pk)' } });
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }

  /** The record's review history, oldest first: logged steps and claimed decisions (one query of the record's partition). */
  async history(recordId: string): Promise<ReviewHistoryItem[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.table.query({ partition: keys.reviewLog(recordId, '').partition, sk: { beginsWith: 'REVIEW#' }, startKey });
      items.push(...page.items);
      startKey = page.lastKey;
    } while (startKey);
    const history: ReviewHistoryItem[] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith('REVIEW#LOG#')) history.push({ kind: 'step', ...(stripKeys(item) as unknown as ReviewLogEntry) });
      else if (sk.startsWith('REVIEW#DECISION#')) {
        const d = item.decision as ClaimedDecision;
        history.push({ kind: 'decision', at: d.at, version: d.version, to: d.to, by: { name: d.actor.displayName, role: d.actor.role }, via: d.via });
      }
    }
    return history.sort((a, b) => a.at.localeCompare(b.at) || rank(a) - rank(b));
  }
}

/** Within one instant (a reminder's step writes its notes with one clock reading): the order they happen in. */
const RANK = { requested: 0, decision: 1, author_told: 2, reminded: 3, escalated: 4 } as const;
const rank = (h: ReviewHistoryItem) => RANK[h.kind === 'decision' ? 'decision' : h.event];

function stripKeys(item: Item): Item {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return rest;
}

/** The step id of an event in a review round (what makes a retried task's note the same one). */
export const logStep = (submissionId: string, version: number, event: string, ...more: (string | number)[]): string =>
  [submissionId, `v${version}`, event, ...more.map(String)].join('#');
