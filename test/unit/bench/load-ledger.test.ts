import { describe, expect, it } from 'vitest';
import { reconcile, type AcknowledgedRecord, type ClientLedger, type TableState } from '../../../bench/load-ledger.ts';

/**
 * The load bench's verdict on lost and duplicated writes (bench/load.ts): each way the table can disagree with what
 * the clients were told is counted, and only writes whose request got no answer may be there unacknowledged.
 */
const acknowledged = (reviewId: string, ackedVersion: number, extra: Partial<AcknowledgedRecord> = {}): AcknowledgedRecord => ({
  reviewId,
  ackedVersion,
  unacknowledged: false,
  submitAcked: false,
  ...extra,
});

/** Two records: r1 created and saved twice (version 3), r2 created, saved once and submitted (version 3); one survey answer. */
function consistent(): { client: ClientLedger; table: TableState } {
  return {
    client: {
      records: new Map([
        ['r1', acknowledged('LOAD-1', 3)],
        ['r2', acknowledged('LOAD-2', 3, { submissionId: 's2', submitAcked: true })],
      ]),
      createsSent: new Set(['LOAD-1', 'LOAD-2']),
      surveySent: new Set(['a1']),
      surveyAcked: new Set(['a1']),
    },
    table: {
      records: [
        { recordId: 'r1', reviewId: 'LOAD-1', version: 3, status: 'draft' },
        { recordId: 'r2', reviewId: 'LOAD-2', version: 3, status: 'submitted', submissionId: 's2' },
      ],
      auditEvents: new Map([
        ['r1', 3],
        ['r2', 3],
      ]),
      receipts: new Map([['r2', ['s2']]]),
      surveyResponses: ['a1'],
    },
  };
}

/** Every count of lost, duplicated and unacknowledged writes that is not 0. */
const problems = (client: ClientLedger, table: TableState) => {
  const r = reconcile(client, table);
  return Object.fromEntries(
    Object.entries(r).flatMap(([kind, t]) => (['lost', 'extra', 'unacknowledged'] as const).filter((k) => t[k] > 0).map((k) => [`${kind} ${k}`, t[k]])),
  );
};

describe('the load bench reconciliation', () => {
  it('finds nothing wrong when the table holds exactly what was acknowledged, and counts it', () => {
    const { client, table } = consistent();
    const r = reconcile(client, table);
    expect(problems(client, table)).toEqual({});
    const clean = { lost: 0, extra: 0, unacknowledged: 0 };
    expect(r.records).toEqual({ acked: 2, stored: 2, ...clean });
    expect(r.versions).toEqual({ acked: 6, stored: 6, ...clean });
    expect(r.audit).toEqual({ acked: 6, stored: 6, ...clean });
    expect(r.submissions).toEqual({ acked: 1, stored: 1, ...clean });
    expect(r.survey).toEqual({ acked: 1, stored: 1, ...clean });
  });

  it('counts an acknowledged record that is missing, and its writes', () => {
    const { client, table } = consistent();
    expect(problems(client, { ...table, records: table.records.filter((r) => r.recordId !== 'r1') })).toEqual({ 'records lost': 1 });
  });

  it('counts a second record of one create, and a record no create sent', () => {
    const { client, table } = consistent();
    const twice = { ...table, records: [...table.records, { recordId: 'r1b', reviewId: 'LOAD-1', version: 1, status: 'draft' }], auditEvents: new Map([...table.auditEvents, ['r1b', 1]]) };
    expect(problems(client, twice)).toEqual({ 'records extra': 1 });
    const phantom = { ...table, records: [...table.records, { recordId: 'rx', reviewId: 'LOAD-X', version: 1, status: 'draft' }], auditEvents: new Map([...table.auditEvents, ['rx', 1]]) };
    expect(problems(client, phantom)).toEqual({ 'records extra': 1 });
  });

  it('counts the write of a request sent without an acknowledgement apart, once, and anything beyond it as extra', () => {
    const { client, table } = consistent();
    // A create unanswered (in flight at the stop, timed out) or answered with an error, which landed.
    const sent = { ...client, createsSent: new Set([...client.createsSent, 'LOAD-3']) };
    const landed = { ...table, records: [...table.records, { recordId: 'r3', reviewId: 'LOAD-3', version: 1, status: 'draft' }], auditEvents: new Map([...table.auditEvents, ['r3', 1]]) };
    expect(problems(sent, landed)).toEqual({ 'records unacknowledged': 1, 'versions unacknowledged': 1 });
    // r1's next save unacknowledged: version 4 may be there, 5 may not.
    const saving = { ...client, records: new Map([...client.records, ['r1', acknowledged('LOAD-1', 3, { unacknowledged: true })]]) };
    const at = (version: number) => ({ ...table, records: table.records.map((r) => (r.recordId === 'r1' ? { ...r, version } : r)), auditEvents: new Map([...table.auditEvents, ['r1', version]]) });
    expect(problems(saving, at(3))).toEqual({});
    expect(problems(saving, at(4))).toEqual({ 'versions unacknowledged': 1 });
    expect(problems(saving, at(5))).toEqual({ 'versions unacknowledged': 1, 'versions extra': 1 });
    // Without a write sent, version 4 is a write no request made.
    expect(problems(client, at(4))).toEqual({ 'versions extra': 1 });
  });

  it('counts acknowledged saves the record does not hold, and audit events missing or doubled', () => {
    const { client, table } = consistent();
    const behind = { ...table, records: table.records.map((r) => (r.recordId === 'r1' ? { ...r, version: 2 } : r)), auditEvents: new Map([...table.auditEvents, ['r1', 2]]) };
    expect(problems(client, behind)).toEqual({ 'versions lost': 1 });
    expect(problems(client, { ...table, auditEvents: new Map([...table.auditEvents, ['r2', 2]]) })).toEqual({ 'audit lost': 1 });
    expect(problems(client, { ...table, auditEvents: new Map([...table.auditEvents, ['r2', 4]]) })).toEqual({ 'audit extra': 1 });
  });

  it('counts a submit without its receipt or status, a second receipt, and a receipt nobody was told about', () => {
    const { client, table } = consistent();
    expect(problems(client, { ...table, receipts: new Map() })).toEqual({ 'submissions lost': 1 });
    const notSubmitted = { ...table, records: table.records.map((r) => (r.recordId === 'r2' ? { ...r, status: 'draft' } : r)) };
    expect(problems(client, notSubmitted)).toEqual({ 'submissions lost': 1 });
    expect(problems(client, { ...table, receipts: new Map([['r2', ['s2', 's2b']]]) })).toEqual({ 'submissions extra': 1 });
    expect(problems(client, { ...table, receipts: new Map([...table.receipts, ['r1', ['s1']]]) })).toEqual({ 'submissions extra': 1 });
    // The receipt of a submit sent without an acknowledgement: apart.
    const submitting = { ...client, records: new Map([...client.records, ['r1', acknowledged('LOAD-1', 3, { unacknowledged: true, submissionId: 's1' })]]) };
    expect(problems(submitting, { ...table, receipts: new Map([...table.receipts, ['r1', ['s1']]]) })).toEqual({ 'submissions unacknowledged': 1 });
  });

  it('counts survey answers lost, answers no request sent, and answers sent without an acknowledgement apart', () => {
    const { client, table } = consistent();
    expect(problems(client, { ...table, surveyResponses: [] })).toEqual({ 'survey lost': 1 });
    expect(problems(client, { ...table, surveyResponses: ['a1', 'a2'] })).toEqual({ 'survey extra': 1 });
    expect(problems({ ...client, surveySent: new Set(['a1', 'a2']) }, { ...table, surveyResponses: ['a1', 'a2'] })).toEqual({ 'survey unacknowledged': 1 });
  });
});
