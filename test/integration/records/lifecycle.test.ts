import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '#shared/errors.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { RecordConflictError } from '#shared/records/errors.ts';
import { actorIn, auditItems, client, failure, rawPartition, service, tableName, tableOf, uniqueJurisdiction } from './setup.ts';

const CIR = 'critical_incident_review';
const review = (): Answers => sampleCriticalIncidentReview(2) as Answers;

/** A record partition's items less the review workflow's, which it writes in the background on every submission. */
const ownItems = (items: Record<string, unknown>[]) => items.filter((i) => !String(i.sk).startsWith('REVIEW#'));

describe('records: the life cycle against DynamoDB Local', () => {
  it('creates a draft, autosaves, submits, lists and reads it, with one audit event per step', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const me = actorIn(jid);
    const records = service();

    const reviewId = review().review_id;
    const { record: draft, replayed } = await records.createDraft(table, me, { formId: CIR, answers: { review_id: reviewId } });
    expect(replayed).toBe(false);
    expect(draft).toMatchObject({ jurisdictionId: jid, formId: CIR, formVersion: 1, status: 'draft', version: 1, createdBy: me.subject, answers: { review_id: reviewId } });

    const saved = await records.saveDraft(table, me, draft.recordId, { answers: review(), expectedVersion: 1 });
    expect(saved.version).toBe(2);
    // Autosave with nothing new: no write, no version, no audit event.
    expect(await records.saveDraft(table, me, draft.recordId, { answers: review(), expectedVersion: 2 })).toEqual(saved);

    const submissionId = randomUUID();
    const submitted = await records.submit(table, me, draft.recordId, { expectedVersion: 2, submissionId });
    expect(submitted.replayed).toBe(false);
    expect(submitted.record).toMatchObject({ status: 'submitted', version: 3, submissionId });
    expect(submitted.record.submittedAt).toBe(submitted.record.updatedAt);

    const page = await records.list(table, me, {});
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ recordId: draft.recordId, status: 'submitted', version: 3 });
    expect(page.items[0]).not.toHaveProperty('answers');
    expect(page.nextCursor).toBeUndefined();

    const read = await records.get(table, me, draft.recordId);
    expect(read).toEqual(submitted.record);
    expect(read.answers.narrative).toBe(review().narrative);

    const audit = (await auditItems(jid)).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    // The author's own read is not audited (docs/records.md "Audited reads").
    expect(audit.map((e) => e.action)).toEqual(['record.created', 'record.saved', 'record.submitted']);
    for (const e of audit) {
      expect(e).toMatchObject({ recordId: draft.recordId, formId: CIR, requestId: me.requestId, actor: { subject: me.subject, role: 'submitter', jurisdictionId: jid }, gsi1pk: 'AUDIT#ALL' });
      expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    expect(audit[1]!.changedFields).toContain('narrative');
    expect(audit[1]!.changedFields).not.toContain('review_id');
    expect(audit[2]).toMatchObject({ fromStatus: 'draft', toStatus: 'submitted', recordVersion: 3 });
  });

  it('refuses invalid draft answers with field errors and writes nothing', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const error = await failure(service().createDraft(table, actorIn(jid), { formId: CIR, answers: { review_id: 'has spaces!', child_sex: 'dragon', bogus: 1 } }), ValidationError, 422);
    expect(error.fieldErrors.map((f) => f.field).sort()).toEqual(['bogus', 'child_sex', 'review_id']);
    expect(await rawPartition(`${jid}#RECORDS`)).toEqual([]);
    expect(await auditItems(jid)).toEqual([]);
  });

  it('creates once per clientRequestId', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const me = actorIn(jid);
    const clientRequestId = randomUUID();
    const [a, b] = await Promise.all([
      service().createDraft(table, me, { formId: CIR, clientRequestId }),
      service().createDraft(table, me, { formId: CIR, clientRequestId }),
    ]);
    expect(a.record.recordId).toBe(b.record.recordId);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(await rawPartition(`${jid}#RECORDS`)).toHaveLength(1);
    expect((await auditItems(jid)).filter((e) => e.action === 'record.created')).toHaveLength(1);
  });

  it('409 on a stale version: the second writer loses nothing and the record is unchanged', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const alice = actorIn(jid);
    const bob = actorIn(jid);
    const records = service();
    const { record } = await records.createDraft(table, alice, { formId: CIR, answers: { review_id: 'CIR-2' } });

    const first = await records.saveDraft(table, alice, record.recordId, { answers: { review_id: 'CIR-ALICE' }, expectedVersion: 1 });
    const error = await failure(records.saveDraft(table, bob, record.recordId, { answers: { review_id: 'CIR-BOB' }, expectedVersion: 1 }), RecordConflictError, 409);
    expect(error.message).toMatch(/Someone else saved this record first/);
    expect(error.message).toMatch(/Nothing was lost/);
    expect(error.details()).toMatchObject({ reason: 'stale_version', currentVersion: 2, expectedVersion: 1 });

    const now = await records.get(table, alice, record.recordId);
    expect(now).toEqual(first);
    expect(now.answers.review_id).toBe('CIR-ALICE');
    // Bob reloads and saves on top: both changes are then kept in order.
    const after = await records.saveDraft(table, bob, record.recordId, { answers: { ...now.answers, narrative: 'Bob added this.' }, expectedVersion: now.version });
    expect(after).toMatchObject({ version: 3, answers: { review_id: 'CIR-ALICE', narrative: 'Bob added this.' }, updatedBy: bob.subject });
    expect((await auditItems(jid)).filter((e) => e.action === 'record.saved')).toHaveLength(2);
  });

  it('submits idempotently: a retry returns the same result and writes once; another submission id is 409', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const me = actorIn(jid);
    const records = service();
    const { record } = await records.createDraft(table, me, { formId: CIR, answers: review() });
    const submissionId = randomUUID();

    const first = await records.submit(table, me, record.recordId, { expectedVersion: 1, submissionId });
    const retry = await records.submit(table, me, record.recordId, { expectedVersion: 1, submissionId });
    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ record: first.record, replayed: true });
    expect((await auditItems(jid)).filter((e) => e.action === 'record.submitted')).toHaveLength(1);
    expect((await rawPartition(`${jid}#REC#${record.recordId}`)).map((i) => i.sk)).toEqual([`SUBMISSION#${submissionId}`]);

    const other = await failure(records.submit(table, me, record.recordId, { expectedVersion: 2, submissionId: randomUUID() }), RecordConflictError, 409);
    expect(other.details()).toMatchObject({ reason: 'already_submitted' });

    // A late retry of that first submission, after the record was returned, is still a replay.
    const reviewer = actorIn(jid, 'reviewer');
    await records.transition(table, reviewer, record.recordId, { to: 'returned', expectedVersion: 2, reason: 'Please add the debrief date.' });
    const late = await records.submit(table, me, record.recordId, { expectedVersion: 1, submissionId });
    expect(late.replayed).toBe(true);
    expect(late.record.status).toBe('returned');
    expect((await auditItems(jid)).filter((e) => e.action === 'record.submitted')).toHaveLength(1);
  });

  it('a concurrent double submit succeeds once; the other call replays it; no duplicate', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const me = actorIn(jid);
    const { record } = await service().createDraft(table, me, { formId: CIR, answers: review() });
    const submissionId = randomUUID();
    const results = await Promise.all([0, 1, 2].map(() => service().submit(table, me, record.recordId, { expectedVersion: 1, submissionId })));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) expect(r.record).toMatchObject({ recordId: record.recordId, status: 'submitted', version: 2, submissionId });
    expect(new Set(results.map((r) => r.record.submittedAt)).size).toBe(1);
    expect((await auditItems(jid)).filter((e) => e.action === 'record.submitted')).toHaveLength(1);
    expect(ownItems(await rawPartition(`${jid}#REC#${record.recordId}`))).toHaveLength(1);
  });

  it('rejects an incomplete submission with field errors and writes nothing', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const me = actorIn(jid);
    const { record } = await service().createDraft(table, me, { formId: CIR, answers: { review_id: 'CIR-3' } });
    const error = await failure(service().submit(table, me, record.recordId, { expectedVersion: 1, submissionId: randomUUID() }), ValidationError, 422);
    expect(error.fieldErrors.map((f) => f.field)).toContain('incident_type');
    expect((await service().get(table, me, record.recordId)).status).toBe('draft');
    expect(await rawPartition(`${jid}#REC#${record.recordId}`)).toEqual([]);
  });

  it('is atomic: when the audit put fails, neither the record change nor the event is written', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const me = actorIn(jid);
    const { record } = await service().createDraft(table, me, { formId: CIR, answers: review() });
    const before = await rawPartition(`${jid}#RECORDS`);

    // Pin the clock and the id source, and take the audit key the next change will use.
    const at = new Date('2031-01-02T03:04:05.678Z');
    const eventId = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
    const pinned = service({ now: () => at, newId: () => eventId });
    await client.send(new PutCommand({ TableName: tableName(), Item: { pk: `${jid}#AUDIT`, sk: `${at.toISOString()}#${eventId}`, kind: 'placeholder' } }));

    await expect(pinned.saveDraft(table, me, record.recordId, { answers: { ...review(), narrative: 'Changed.' }, expectedVersion: 1 })).rejects.toThrow(/Audit event key already taken/);
    await expect(pinned.submit(table, me, record.recordId, { expectedVersion: 1, submissionId: randomUUID() })).rejects.toThrow(/Audit event key already taken/);
    await expect(pinned.transition(table, me, record.recordId, { to: 'approved', expectedVersion: 1 })).rejects.toThrow(RecordConflictError);

    expect(await rawPartition(`${jid}#RECORDS`)).toEqual(before);
    expect(await rawPartition(`${jid}#REC#${record.recordId}`)).toEqual([]);
    const audit = await auditItems(jid);
    expect(audit.map((e) => e.action ?? e.kind).sort()).toEqual(['placeholder', 'record.created']);
  });

  it('locks approved records; amend makes a new version that goes through review again and keeps the approved one', async () => {
    const jid = uniqueJurisdiction();
    const table = tableOf(jid);
    const me = actorIn(jid);
    const lead = actorIn(jid, 'reviewer');
    const records = service();
    const { record } = await records.createDraft(table, me, { formId: CIR, answers: review() });

    await failure(records.transition(table, lead, record.recordId, { to: 'approved', expectedVersion: 1 }), RecordConflictError, 409);
    await records.submit(table, me, record.recordId, { expectedVersion: 1, submissionId: randomUUID() });
    await failure(records.transition(table, lead, record.recordId, { to: 'returned', expectedVersion: 2 }), ValidationError, 422);
    const inReview = await records.transition(table, lead, record.recordId, { to: 'in_review', expectedVersion: 2 });
    await failure(records.saveDraft(table, me, record.recordId, { answers: review(), expectedVersion: 3 }), RecordConflictError, 409);
    const approved = await records.transition(table, lead, record.recordId, { to: 'approved', expectedVersion: inReview.version });
    expect(approved).toMatchObject({ status: 'approved', version: 4 });

    for (const attempt of [
      () => records.saveDraft(table, me, record.recordId, { answers: { ...review(), narrative: 'x' }, expectedVersion: 4 }),
      () => records.submit(table, me, record.recordId, { expectedVersion: 4, submissionId: randomUUID() }),
      () => records.transition(table, lead, record.recordId, { to: 'returned', expectedVersion: 4, reason: 'Reopen' }),
      () => records.transition(table, lead, record.recordId, { to: 'in_review', expectedVersion: 4 }),
    ]) {
      const error = await failure(attempt(), RecordConflictError, 409);
      expect(error.details()).toMatchObject({ reason: 'locked' });
      expect(error.message).toMatch(/approved and locked.*amend/i);
    }

    // A reason is required, and a stale version is refused: nothing written either way.
    const before = { records: await rawPartition(`${jid}#RECORDS`), kept: ownItems(await rawPartition(`${jid}#REC#${record.recordId}`)), audit: await auditItems(jid) };
    const blank = await failure(records.amend(table, lead, record.recordId, { reason: '   ', expectedVersion: 4 }), ValidationError, 422);
    expect(blank.fieldErrors).toEqual([{ field: 'reason', message: 'Give a reason' }]);
    await failure(records.amend(table, lead, record.recordId, { expectedVersion: 4 } as never), ValidationError, 422);
    const stale = await failure(records.amend(table, lead, record.recordId, { reason: 'The incident date was wrong.', expectedVersion: 3 }), RecordConflictError, 409);
    expect(stale.details()).toMatchObject({ reason: 'stale_version', currentVersion: 4 });
    expect({ records: await rawPartition(`${jid}#RECORDS`), kept: ownItems(await rawPartition(`${jid}#REC#${record.recordId}`)), audit: await auditItems(jid) }).toEqual(before);

    const amended = await records.amend(table, lead, record.recordId, { reason: 'The incident date was wrong.', expectedVersion: 4 });
    expect(amended).toMatchObject({
      recordId: record.recordId,
      status: 'returned',
      version: 5,
      statusReason: 'The incident date was wrong.',
      amends: { version: 4 },
      amendReason: 'The incident date was wrong.',
      answers: approved.answers,
      updatedBy: lead.subject,
    });
    // The approved version is kept as it was, with the reason: the same transaction as the change and its event.
    const kept = await records.lastHandedBack(table, lead, record.recordId);
    expect(kept).toEqual({ recordId: record.recordId, version: 4, kind: 'amended', answers: approved.answers, at: amended.updatedAt, by: lead.subject, reason: 'The incident date was wrong.' });
    const events = (await auditItems(jid)).filter((e) => e.action === 'record.amended');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ recordId: record.recordId, recordVersion: 5, fromStatus: 'approved', toStatus: 'returned', at: amended.updatedAt });

    // Amending again needs approval again: it goes through review.
    expect((await failure(records.amend(table, lead, record.recordId, { reason: 'Again', expectedVersion: 5 }), RecordConflictError, 409)).details()).toMatchObject({ reason: 'not_approved' });
    const edited = await records.saveDraft(table, me, record.recordId, { answers: { ...approved.answers, incident_date: '2024-03-01' }, expectedVersion: 5 });
    const resubmitted = await records.submit(table, me, record.recordId, { expectedVersion: edited.version, submissionId: randomUUID() });
    expect(resubmitted.record).toMatchObject({ status: 'submitted', amendReason: 'The incident date was wrong.' });
    expect(resubmitted.record.statusReason).toBeUndefined();
    const reapproved = await records.transition(table, lead, record.recordId, { to: 'approved', expectedVersion: resubmitted.record.version });
    expect(reapproved.answers.incident_date).toBe('2024-03-01');

    // The history, oldest first: every change with who, when and the names of the fields, reasons included.
    const history = await records.history(table, lead, record.recordId);
    expect(history.map((h) => [h.version, h.action, h.toStatus ?? null])).toEqual([
      [1, 'record.created', 'draft'],
      [2, 'record.submitted', 'submitted'],
      [3, 'record.status_changed', 'in_review'],
      [4, 'record.status_changed', 'approved'],
      [5, 'record.amended', 'returned'],
      [6, 'record.saved', null],
      [7, 'record.submitted', 'submitted'],
      [8, 'record.status_changed', 'approved'],
    ]);
    expect(history[4]).toMatchObject({ by: lead.subject, role: 'reviewer', reason: 'The incident date was wrong.', at: amended.updatedAt });
    expect(history[5]).toMatchObject({ by: me.subject, changedFields: ['incident_date'] });
    // Another jurisdiction's handle cannot even address it.
    const other = uniqueJurisdiction();
    await failure(records.history(tableOf(other), actorIn(other, 'reviewer'), record.recordId), NotFoundError, 404);
  });
});
