import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { timeSortableId } from '#shared/audit/ids.ts';
import { sampleCriticalIncidentReview, sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { precheckSubmission, submittedVersionOf } from '#shared/notices/precheck-task.ts';
import { toItem, type RecordView } from '#shared/records/model.ts';
import { keys } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { ExpressionTable } from '../review/expression-table.ts';

const JID = 'ky-dcbs';
const EVIDENCE = 'Maria Lopez called the hotline at 502-555-0123; nobody called back.';

function world(record: Partial<RecordView> = {}) {
  const mem = new ExpressionTable();
  const table = scopedTable(mem.client, 't', JID);
  const recordId = timeSortableId();
  const view: RecordView = {
    jurisdictionId: JID,
    recordId,
    formId: 'safety_notice',
    formVersion: 2,
    status: 'submitted',
    version: 4,
    answers: { ...sampleSafetyNotice(JID), evidence: EVIDENCE } as Answers,
    createdBy: 'sub-author',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'sub-author',
    updatedAt: '2026-01-02T00:00:00.000Z',
    submittedAt: '2026-01-02T00:00:00.000Z',
    submissionId: 'submission-0001',
    ...record,
  };
  mem.items.set(ExpressionTable.key({ pk: `${JID}#RECORDS`, sk: keys.record(recordId).sk }), { pk: `${JID}#RECORDS`, sk: keys.record(recordId).sk, ...toItem(view) });
  const submission = { jurisdictionId: JID, recordId, submissionId: 'submission-0001', version: 4 };
  const stored = () => mem.items.get(ExpressionTable.key({ pk: `${JID}#REC#${recordId}`, sk: keys.noticePrecheck(recordId, 4).sk }));
  return { mem, table, submission, stored };
}

const streamRecord = (eventName: 'INSERT' | 'MODIFY', image: Record<string, unknown>): DynamoDBRecord =>
  ({ eventName, dynamodb: { NewImage: marshall(image, { removeUndefinedValues: true }), SequenceNumber: '1' } }) as unknown as DynamoDBRecord;

describe("the notices' pre-publication check task (shared/notices/precheck-task.ts)", () => {
  it('reads a new submission receipt from the stream: jurisdiction, record, submission and the version it made', () => {
    const receipt = { pk: 'ky-dcbs#REC#R1', sk: 'SUBMISSION#s-1', kind: 'submission', recordId: 'R1', submissionId: 's-1', version: 3 };
    expect(submittedVersionOf(streamRecord('INSERT', receipt))).toEqual({ jurisdictionId: 'ky-dcbs', recordId: 'R1', submissionId: 's-1', version: 3 });
    expect(submittedVersionOf(streamRecord('MODIFY', receipt))).toBeUndefined();
    expect(submittedVersionOf(streamRecord('INSERT', { ...receipt, kind: 'record' }))).toBeUndefined();
    expect(submittedVersionOf(streamRecord('INSERT', { ...receipt, version: undefined }))).toBeUndefined();
  });

  it('checks a submitted notice once: the report under PRECHECK#<version>, with its findings; a redelivery writes nothing', async () => {
    const { mem, table, submission, stored } = world();
    expect(await precheckSubmission(table, submission, new Date('2026-01-02T00:00:01Z'))).toEqual({ outcome: 'checked', findingCount: 2, fieldCount: 6 });
    const item = stored()!;
    expect(item).toMatchObject({ kind: 'notice_precheck', recordId: submission.recordId, version: 4, submissionId: 'submission-0001', formVersion: 2, checkedAt: '2026-01-02T00:00:01.000Z', findingCount: 2 });
    const evidence = (item.fields as { field: string; findings: { kind: string; text: string }[] }[]).find((f) => f.field === 'evidence')!;
    expect(evidence.findings.map((f) => [f.kind, f.text])).toEqual([
      ['name', 'Maria Lopez'],
      ['phone', '502-555-0123'],
    ]);
    const puts = mem.log.filter((c) => c === 'Put').length;
    expect(await precheckSubmission(table, submission)).toMatchObject({ outcome: 'already' });
    expect(mem.log.filter((c) => c === 'Put').length).toBe(puts + 1);
    expect(stored()!.checkedAt).toBe('2026-01-02T00:00:01.000Z');
    expect(mem.inconsistentGets).toBe(0);
  });

  it('skips critical incident reviews without writing', async () => {
    const { mem, table, submission, stored } = world({ formId: 'critical_incident_review', formVersion: 1, answers: sampleCriticalIncidentReview(2) as Answers });
    expect(await precheckSubmission(table, submission)).toEqual({ outcome: 'not_a_notice' });
    expect(stored()).toBeUndefined();
    expect(mem.log).not.toContain('Put');
  });

  it('skips a submission the record no longer holds: resubmitted since, or back with its author', async () => {
    for (const moved of [{ submissionId: 'submission-0002' }, { status: 'returned' as const }]) {
      const { table, submission, stored } = world(moved);
      expect(await precheckSubmission(table, submission)).toEqual({ outcome: 'superseded' });
      expect(stored()).toBeUndefined();
    }
  });

  it('checks a notice a reviewer has already taken into review or approved (its answers are the submitted ones)', async () => {
    for (const status of ['in_review', 'approved'] as const) {
      const { table, submission, stored } = world({ status, version: 5 });
      expect(await precheckSubmission(table, submission)).toMatchObject({ outcome: 'checked' });
      expect(stored()).toBeDefined();
    }
  });
});
