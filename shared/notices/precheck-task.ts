/**
 * The pre-publication check of each submitted safety notice (functions/notice-tasks, from the table's stream of new
 * submission receipts; docs/notices.md): reads the record, checks its free text with `precheckNotice` and stores the
 * report once for that submission. Heavy (compromise and chrono-node through precheck.ts): only the stream task
 * imports this module, never a request-path function.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { getForm } from '#shared/forms/registry.ts';
import { NOTICE_FORM_ID } from '#shared/notices/model.ts';
import { precheckNotice } from '#shared/notices/precheck.ts';
import { noticeTexts } from '#shared/notices/precheck-fields.ts';
import { savePrecheck } from '#shared/notices/precheck-store.ts';
import { fromItem, type RecordStatus } from '#shared/records/model.ts';
import { keys } from '#shared/storage/keys.ts';
import { ownerOfPk, type ScopedTable } from '#shared/storage/scoped-table.ts';

/** A submission as its receipt announces it (`<jid>#REC#<recordId>` / `SUBMISSION#<id>`, records service `submit`). */
export interface SubmittedVersion {
  jurisdictionId: string;
  recordId: string;
  submissionId: string;
  /** The record version the submission made. */
  version: number;
}

/** The submission a stream record announces: a new submission receipt (anything else: undefined). */
export function submittedVersionOf(record: DynamoDBRecord): SubmittedVersion | undefined {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
  if (item.kind !== 'submission' || typeof item.pk !== 'string' || typeof item.recordId !== 'string' || typeof item.submissionId !== 'string' || typeof item.version !== 'number') return undefined;
  return { jurisdictionId: ownerOfPk(item.pk), recordId: item.recordId, submissionId: item.submissionId, version: item.version };
}

/**
 * What happened to one submission: `checked` (report written), `already` (written before: a redelivery),
 * `not_a_notice` (another form, e.g. a critical incident review), `superseded` (the record holds another submission
 * now, or is back with its author: its answers may no longer be the submitted ones; a resubmission is checked itself).
 */
export type PrecheckOutcome = { outcome: 'checked' | 'already'; findingCount: number; fieldCount: number } | { outcome: 'not_a_notice' | 'superseded' };

/** The statuses in which a record still holds the answers of its last submission. */
const AS_SUBMITTED: readonly RecordStatus[] = ['submitted', 'in_review', 'approved'];

export async function precheckSubmission(table: ScopedTable, submission: SubmittedVersion, now: Date = new Date()): Promise<PrecheckOutcome> {
  const item = await table.get(keys.record(submission.recordId), { consistent: true });
  // The receipt is written in the same transaction as the record: a missing record is a bug, and the stream retries.
  if (!item) throw new Error('The submitted record was not found');
  const record = fromItem(item);
  if (record.formId !== NOTICE_FORM_ID) return { outcome: 'not_a_notice' };
  if (record.submissionId !== submission.submissionId || !AS_SUBMITTED.includes(record.status)) return { outcome: 'superseded' };
  const report = precheckNotice(noticeTexts(getForm(record.formId, record.formVersion), record.answers));
  const written = await savePrecheck(table, {
    recordId: record.recordId,
    version: submission.version,
    submissionId: submission.submissionId,
    formVersion: record.formVersion,
    checkedAt: now.toISOString(),
    report,
  });
  return { outcome: written ? 'checked' : 'already', findingCount: report.findingCount, fieldCount: report.fields.length };
}
