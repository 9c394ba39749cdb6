/**
 * Stored pre-publication checks (docs/notices.md, "Pre-publication check"): one report per submission of a safety
 * notice, `<jid>#REC#<recordId>` / `PRECHECK#<version>` (the record version the submission made). The notice-tasks
 * function writes it once; the reviewer's record page reads the one of the record's current submission.
 * Text and findings only: no name of the author or reviewer.
 */
import type { PrecheckFieldReport, PrecheckReport } from '#shared/notices/precheck-model.ts';
import type { RecordView } from '#shared/records/model.ts';
import { keys, partitions } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';

export interface StoredPrecheck {
  recordId: string;
  /** The record version the checked submission made. */
  version: number;
  submissionId: string;
  formVersion: number;
  checkedAt: string;
  report: PrecheckReport;
}

/** Writes the report unless this submission's is there already (a redelivered stream record): true when written. */
export async function savePrecheck(table: ScopedTable, stored: StoredPrecheck): Promise<boolean> {
  const { report, ...about } = stored;
  try {
    await table.put({
      key: keys.noticePrecheck(stored.recordId, stored.version),
      attributes: { kind: 'notice_precheck', ...about, findingCount: report.findingCount, fields: report.fields } as Item,
      condition: { expression: 'attribute_not_exists(pk)' },
    });
    return true;
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

/**
 * The check of the record's current submission, or undefined while it has not run yet. The latest report at or
 * below the record's version (a reviewer's "start review" moves the version on, not the answers), and only if it is
 * of the submission the record now holds: after a resubmission, the previous one's report is not this one's.
 */
export async function precheckFor(table: ScopedTable, record: Pick<RecordView, 'recordId' | 'version' | 'submissionId'>): Promise<StoredPrecheck | undefined> {
  if (!record.submissionId) return undefined;
  const page = await table.query({
    partition: partitions.record(record.recordId),
    sk: { between: [keys.noticePrecheck(record.recordId, 0).sk, keys.noticePrecheck(record.recordId, record.version).sk] },
    forward: false,
    limit: 1,
  });
  const item = page.items[0];
  return item && item.submissionId === record.submissionId ? storedPrecheckOf(item) : undefined;
}

function storedPrecheckOf(item: Item): StoredPrecheck {
  return {
    recordId: String(item.recordId),
    version: Number(item.version),
    submissionId: String(item.submissionId),
    formVersion: Number(item.formVersion),
    checkedAt: String(item.checkedAt),
    report: { fields: (item.fields ?? []) as PrecheckFieldReport[], findingCount: Number(item.findingCount) },
  };
}
