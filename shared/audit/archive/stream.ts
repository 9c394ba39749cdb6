/**
 * The audit-archive function's work on one delivery of the table's stream (functions/audit-archive): new audit items
 * (kind `audit` in a jurisdiction's `AUDIT` partition, `partnership_audit` in the partnership's), grouped per chain in
 * stream order, each group appended as one batch. A record that is not such an item, or a chain that cannot be
 * appended to, is reported as the batch's first failure: Lambda retries from it, then parks it in the dead-letter
 * queue; never skipped. Records before it that belong to other chains are chained now and skipped on the retry.
 */
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { appendToChain, type AppendResult, type ChainStorage } from './archive.ts';
import { chainOfPartition, PARTNERSHIP_CHAIN, type ChainedEvent, type StoredItem } from './chain.ts';

/** The `kind` attribute each audit writer puts (shared/audit/store.ts, shared/audit/partnership.ts). */
export const AUDIT_ITEM_KINDS = { jurisdiction: 'audit', partnership: 'partnership_audit' } as const;

/** A stream record's audit event and its chain, or why it is not one. */
export function chainedEventOf(record: DynamoDBRecord): { chain: string; event: ChainedEvent } | { problem: string } {
  if (record.eventName !== 'INSERT') return { problem: `a ${record.eventName ?? 'nameless'} record (audit events are only ever inserted)` };
  const item = record.dynamodb?.NewImage as StoredItem | undefined;
  const sequenceNumber = record.dynamodb?.SequenceNumber;
  const stream = record.eventSourceARN;
  if (!item || !sequenceNumber || !/^\d+$/.test(sequenceNumber) || !stream) return { problem: 'a record without its new image, sequence number or stream' };
  const pk = item.pk?.S;
  const chain = pk === undefined ? undefined : chainOfPartition(pk);
  if (chain === undefined || typeof item.sk?.S !== 'string') return { problem: 'an item outside the audit partitions' };
  const kind = item.kind?.S;
  const expected = chain === PARTNERSHIP_CHAIN ? AUDIT_ITEM_KINDS.partnership : AUDIT_ITEM_KINDS.jurisdiction;
  if (kind !== expected) return { problem: `an item of kind ${kind ?? 'none'} in an audit partition` };
  return { chain, event: { stream, sequenceNumber, item } };
}

export interface ArchiveOutcome {
  response: DynamoDBBatchResponse;
  appended: { chain: string; result: AppendResult }[];
  /** Why the first failed record failed (a reason, never the item). */
  failure?: { sequenceNumber: string; reason: string };
}

export async function archiveStreamRecords(storage: ChainStorage, records: readonly DynamoDBRecord[]): Promise<ArchiveOutcome> {
  let failedAt = records.length;
  let reason = '';
  const groups = new Map<string, { first: number; events: ChainedEvent[] }>();
  for (const [index, record] of records.entries()) {
    const parsed = chainedEventOf(record);
    if ('problem' in parsed) {
      failedAt = index;
      reason = `not archivable: ${parsed.problem}`;
      break;
    }
    const group = groups.get(parsed.chain) ?? { first: index, events: [] };
    group.events.push(parsed.event);
    groups.set(parsed.chain, group);
  }
  const appended: ArchiveOutcome['appended'] = [];
  for (const [chain, group] of groups) {
    try {
      appended.push({ chain, result: await appendToChain(storage, chain, group.events) });
    } catch (error) {
      if (group.first < failedAt) {
        failedAt = group.first;
        reason = `chain ${chain}: ${(error as Error).name}`;
      }
    }
  }
  if (failedAt >= records.length) return { response: { batchItemFailures: [] }, appended };
  const sequenceNumber = records[failedAt]?.dynamodb?.SequenceNumber ?? '';
  return { response: { batchItemFailures: [{ itemIdentifier: sequenceNumber }] }, appended, failure: { sequenceNumber, reason } };
}
