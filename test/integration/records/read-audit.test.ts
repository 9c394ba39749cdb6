import { describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { FORM_POLICIES } from '#shared/policy.ts';
import { actorIn, auditItems, service, tableOf, uniqueJurisdiction } from './setup.ts';

/** docs/records.md "Audited reads": a read of an audited form by someone other than its author, once per session and record. */
const CIR = 'critical_incident_review';
const reads = async (jid: string) => (await auditItems(jid)).filter((e) => e.action === 'record.read');

describe('audited reads', () => {
  it('follow the form policy: critical incident reviews yes, safety notices no', () => {
    expect(FORM_POLICIES.critical_incident_review?.auditedReads).toBe(true);
    expect(FORM_POLICIES.safety_notice?.auditedReads).toBe(false);
  });

  it('exempt the author: their own reads write nothing', async () => {
    const jid = uniqueJurisdiction('ra');
    const table = tableOf(jid);
    const author = actorIn(jid);
    const records = service();
    const { record } = await records.createDraft(table, author, { formId: CIR, answers: { review_id: 'KY-1' } });
    await records.get(table, author, record.recordId);
    await records.get(table, author, record.recordId, { readerSession: 'session-a' });
    expect(await reads(jid)).toEqual([]);
    expect(await records.readInSession(table, author, record, undefined)).toBe(true);
  });

  it('write one event per session and record for anyone else, and one per read without a session', async () => {
    const jid = uniqueJurisdiction('ra');
    const table = tableOf(jid);
    const author = actorIn(jid);
    const lead = actorIn(jid, 'reviewer');
    const records = service();
    const { record } = await records.createDraft(table, author, { formId: CIR, answers: sampleCriticalIncidentReview(1) });
    const { record: other } = await records.createDraft(table, author, { formId: CIR, answers: { review_id: 'KY-2' } });

    expect(await records.readInSession(table, lead, record, 'session-a')).toBe(false);
    for (let i = 0; i < 3; i++) await records.get(table, lead, record.recordId, { readerSession: 'session-a' });
    expect(await reads(jid)).toHaveLength(1);
    expect(await records.readInSession(table, lead, record, 'session-a')).toBe(true);
    expect(await records.readInSession(table, lead, other, 'session-a')).toBe(false);

    // Another record in the same session, and the same record in another session: one more each.
    await records.get(table, lead, other.recordId, { readerSession: 'session-a' });
    await records.get(table, lead, record.recordId, { readerSession: 'session-b' });
    await records.get(table, lead, record.recordId, { readerSession: 'session-b' });
    const events = await reads(jid);
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.recordId).sort()).toEqual([record.recordId, record.recordId, other.recordId].sort());
    for (const e of events) expect(e).toMatchObject({ actor: { subject: lead.subject, role: 'reviewer' }, formId: CIR });
    // The events say nothing about the session.
    expect(JSON.stringify(events)).not.toContain('session-');

    // Without a session (a caller that has none), every read is audited.
    await records.get(table, lead, record.recordId);
    await records.get(table, lead, record.recordId);
    expect(await reads(jid)).toHaveLength(5);
  });

  it('never audit reads of a form whose policy says no', async () => {
    const jid = uniqueJurisdiction('ra');
    const table = tableOf(jid);
    const records = service({ formContext: () => ({ jurisdictions: [{ code: jid, label: 'Here' }] }) });
    const { record } = await records.createDraft(table, actorIn(jid), { formId: 'safety_notice', answers: {} });
    await records.get(table, actorIn(jid, 'reviewer'), record.recordId, { readerSession: 's' });
    await records.get(table, actorIn(jid, 'reviewer'), record.recordId);
    expect(await reads(jid)).toEqual([]);
  });

  it('current() reads to decide a change and writes nothing', async () => {
    const jid = uniqueJurisdiction('ra');
    const table = tableOf(jid);
    const records = service();
    const { record } = await records.createDraft(table, actorIn(jid), { formId: CIR, answers: { review_id: 'KY-3' } });
    const before = (await auditItems(jid)).length;
    expect(await records.current(table, actorIn(jid, 'reviewer'), record.recordId)).toEqual(record);
    expect(await auditItems(jid)).toHaveLength(before);
  });
});
