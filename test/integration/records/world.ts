import { randomUUID } from 'node:crypto';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { actorIn, service, tableOf } from './setup.ts';

/**
 * One jurisdiction's records written through the records service on a clock the test sets: submitted, approved,
 * amended and approved again on the days it names (the reports' aggregation and the warehouse's extract read them).
 */
export function jurisdictionWorld(jid: string) {
  let clock = new Date('2026-01-01T00:00:00Z');
  const records = service({ now: () => clock, formContext: () => ({ jurisdictions: [{ code: jid, label: 'Here' }] }) });
  const table = tableOf(jid);
  const author = actorIn(jid);
  const lead = actorIn(jid, 'reviewer');
  const at = (iso: string) => {
    clock = new Date(iso);
  };
  const review = (changes: Partial<Answers> = {}) => ({ ...(sampleCriticalIncidentReview(2) as Answers), ...changes }) as Answers;

  /** A record submitted at `submittedOn`; then approved at `approvedOn` when given. */
  async function record(formId: 'critical_incident_review' | 'safety_notice', answers: Answers, submittedOn: string, approvedOn?: string) {
    at(submittedOn);
    const { record: draft } = await records.createDraft(table, author, { formId, answers });
    const { record: submitted } = await records.submit(table, author, draft.recordId, { expectedVersion: draft.version, submissionId: randomUUID() });
    if (!approvedOn) return submitted;
    at(approvedOn);
    return records.transition(table, lead, draft.recordId, { to: 'approved', expectedVersion: submitted.version });
  }

  /** Amends an approved record at `on` and saves new answers (left in `returned`, under re-review). */
  async function amend(recordId: string, version: number, on: string, answers: Answers) {
    at(on);
    const reopened = await records.amend(table, lead, recordId, { reason: 'The cause was revised by the medical examiner.', expectedVersion: version });
    return records.saveDraft(table, author, recordId, { answers, expectedVersion: reopened.version });
  }

  async function resubmitAndApprove(recordId: string, version: number, on: string) {
    at(on);
    const { record: submitted } = await records.submit(table, author, recordId, { expectedVersion: version, submissionId: randomUUID() });
    return records.transition(table, lead, recordId, { to: 'approved', expectedVersion: submitted.version });
  }
  return { table, records, lead, review, record, amend, resubmitAndApprove };
}
