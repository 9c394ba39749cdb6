/**
 * The approved content of a record item as the partnership-wide work reads it (reports, the warehouse feed): an
 * approved record's own answers, or, while an amendment has reopened it, the answers of the version kept when it was
 * approved (`VERSION#<amends.version>`), so that a release made meanwhile neither loses the record nor carries
 * unapproved edits. Once approved again, the record's own (amended) answers count.
 */
import { keys } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';

export interface ApprovedContent {
  /** When the record was first approved (records approved before `approvedAt` existed: their last update). */
  approvedAt: string;
  answers: Record<string, unknown>;
}

const isAnswers = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Undefined when the record has no approved content (a draft, one in review, one returned). */
export async function approvedContent(table: ScopedTable, item: Item): Promise<ApprovedContent | undefined> {
  // A record without its answers is a broken item: failing the run (retried, then the alarm) beats a silent miscount.
  if (!isAnswers(item.answers)) throw new Error(`Record ${String(item.recordId ?? item.sk)} has no answers`);
  if (item.status === 'approved') {
    const at = item.approvedAt ?? item.updatedAt;
    return typeof at === 'string' ? { approvedAt: at, answers: item.answers } : undefined;
  }
  const amends = item.amends as { version?: unknown } | undefined;
  if (typeof amends?.version !== 'number' || typeof item.recordId !== 'string') return undefined;
  const kept = await table.get(keys.version(item.recordId, amends.version), { consistent: true });
  // An amendment keeps the approved version in the same transaction: its absence is a broken record, not a skip.
  if (!kept) throw new Error(`Record ${item.recordId} amends version ${amends.version}, but that version is not kept`);
  const at = item.approvedAt ?? kept.at;
  return typeof at === 'string' ? { approvedAt: at, answers: isAnswers(kept.answers) ? kept.answers : {} } : undefined;
}
