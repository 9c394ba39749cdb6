import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { precheckFor } from '#shared/notices/precheck-store.ts';
import { until } from '../support/until.ts';
import { actorIn, rawPartition, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';

/**
 * The pre-publication check on the local cloud (docs/notices.md): a submitted safety notice's receipt reaches the
 * notice-tasks function through the template's stream trigger, which stores the report as PRECHECK#<version>; a
 * resubmission gets a report of its own; a critical incident review gets none.
 */
const EVIDENCE = 'Maria Lopez called the hotline at (502) 555-0123 twice before the review found the gap.';

const findingsOf = (fields: { field: string; findings: { kind: string; text: string }[] }[], field: string) =>
  fields.find((f) => f.field === field)?.findings.map((f) => [f.kind, f.text]);

describe('the pre-publication check of a submitted notice (stream task notice-tasks)', () => {
  it('stores the report of each submission, with the findings of its free text; the reviewer reads the current one', async () => {
    const jid = uniqueJurisdiction('pc');
    const w = jurisdictionWorld(jid);
    const review = await w.record('critical_incident_review', w.review(), '2026-11-02T09:00:00Z');
    const submitted = await w.record('safety_notice', { ...(sampleSafetyNotice(jid) as Answers), evidence: EVIDENCE } as Answers, '2026-11-02T10:00:00Z');

    const first = await until('the first submission’s check', () => precheckFor(w.table, submitted), 30_000);
    expect(first).toMatchObject({ recordId: submitted.recordId, version: submitted.version, submissionId: submitted.submissionId, formVersion: 2 });
    expect(first.report.fields.map((f) => f.field)).toEqual(['title', 'systemic_issue', 'evidence', 'actions[0].action', 'actions[1].action', 'contact_role']);
    expect(findingsOf(first.report.fields, 'evidence')).toEqual([
      ['name', 'Maria Lopez'],
      ['phone', '(502) 555-0123'],
    ]);
    expect(first.report.findingCount).toBe(2);
    expect(first.report.fields.find((f) => f.field === 'evidence')!.text).toBe(EVIDENCE);

    // Taken into review (a new record version, the same answers): the reviewer still sees this submission's check.
    const inReview = await w.records.transition(w.table, w.lead, submitted.recordId, { to: 'in_review', expectedVersion: submitted.version });
    expect(await precheckFor(w.table, inReview)).toEqual(first);

    // Returned, the phone number taken out by its author, resubmitted: a new report, for the new version.
    const author = actorIn(jid, 'submitter', submitted.createdBy);
    const returned = await w.records.transition(w.table, w.lead, submitted.recordId, { to: 'returned', expectedVersion: inReview.version, reason: 'Take the phone number out.' });
    const saved = await w.records.saveDraft(w.table, author, submitted.recordId, { answers: { ...submitted.answers, evidence: 'Maria Lopez called the hotline twice before the review found the gap.' }, expectedVersion: returned.version });
    const { record: resubmitted } = await w.records.submit(w.table, author, submitted.recordId, { expectedVersion: saved.version, submissionId: randomUUID() });
    const second = await until('the resubmission’s check', () => precheckFor(w.table, resubmitted), 30_000);
    expect(second.version).toBe(resubmitted.version);
    expect(second.submissionId).toBe(resubmitted.submissionId);
    expect(findingsOf(second.report.fields, 'evidence')).toEqual([['name', 'Maria Lopez']]);
    // A report is shown only for the submission the record holds: never an earlier one's.
    expect(await precheckFor(w.table, { ...resubmitted, submissionId: randomUUID() })).toBeUndefined();

    // Both reports are kept, each under its own version; the critical incident review (submitted first) has none.
    const prechecks = (await rawPartition(`${jid}#REC#${submitted.recordId}`)).filter((i) => String(i.sk).startsWith('PRECHECK#'));
    expect(prechecks.map((i) => [i.sk, i.findingCount])).toEqual([
      [`PRECHECK#${String(submitted.version).padStart(9, '0')}`, 2],
      [`PRECHECK#${String(resubmitted.version).padStart(9, '0')}`, 1],
    ]);
    expect((await rawPartition(`${jid}#REC#${review.recordId}`)).filter((i) => String(i.sk).startsWith('PRECHECK#'))).toEqual([]);
  });
});
