import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '#shared/errors.ts';
import { RecordConflictError } from '#shared/records/errors.ts';
import type { RecordStatus, RecordView } from '#shared/records/model.ts';
import type { RecordService } from '#shared/records/service.ts';
import { readDecision, ReviewHandoff } from '#shared/review/handoff.ts';
import { keys } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { ExpressionTable } from './expression-table.ts';

const JID = 'ky-dcbs';
const RID = '01JREVIEWHANDOFF0000000000';
const reviewer = { subject: 'sub-reviewer', role: 'reviewer', jurisdictionId: JID, requestId: 'req-1', displayName: 'Riley Haddad' };

/** A record service whose record the test moves by hand, as the workflow's task would. */
function fakeRecords(status: RecordStatus, version: number) {
  const state = { status, version };
  const service = {
    current: async () => ({ jurisdictionId: JID, recordId: RID, formId: 'critical_incident_review', formVersion: 1, status: state.status, version: state.version, answers: {}, createdBy: 'sub-author', createdAt: '', updatedBy: '', updatedAt: '' }) as RecordView,
  } as unknown as RecordService;
  return { service, state };
}

function setup(opts: { status?: RecordStatus; version?: number; wait?: { kind: 'decision' | 'resubmission'; version: number } | undefined; resumeAnswers?: boolean } = {}) {
  const mem = new ExpressionTable();
  const table = scopedTable(mem.client, 'T', JID);
  const { service, state } = fakeRecords(opts.status ?? 'submitted', opts.version ?? 2);
  const resumed: { token: string; output: Record<string, unknown> }[] = [];
  // The workflow applies a resumed decision: the record moves one version on.
  const resume = async (token: string, output: Record<string, unknown>) => {
    resumed.push({ token, output });
    if (opts.resumeAnswers === false) return false;
    state.version += 1;
    return true;
  };
  const handoff = new ReviewHandoff(service, resume, { readyWithinMs: 30, appliedWithinMs: 60, pollMs: 5, now: () => new Date('2026-12-03T10:00:00.000Z') });
  const wait = opts.wait === undefined && !('wait' in opts) ? { kind: 'decision' as const, version: opts.version ?? 2 } : opts.wait;
  const ready = wait
    ? table.put({ key: keys.reviewWait(RID), attributes: { kind: wait.kind, token: 'TOKEN+/=', version: wait.version, executionName: 'review-x', since: '', reminders: 0 } })
    : Promise.resolve();
  return { mem, table, state, resumed, handoff, ready };
}

describe('the review hand-off (shared/review/handoff.ts)', () => {
  it('claims the decision for the version, resumes the waiting task with its token, and answers the record once applied', async () => {
    const t = setup();
    await t.ready;
    const record = await t.handoff.decide(t.table, reviewer, RID, { to: 'returned', expectedVersion: 2, reason: 'Add the debriefing date.' }, 'web');
    expect(record.version).toBe(3);
    expect(t.resumed).toEqual([{ token: 'TOKEN+/=', output: { version: 2 } }]);
    expect(await readDecision(t.table, RID, 2)).toEqual({ version: 2, to: 'returned', reason: 'Add the debriefing date.', actor: reviewer, at: '2026-12-03T10:00:00.000Z', via: 'web' });
    expect(await readDecision(t.table, RID, 3)).toBeUndefined();
  });

  it.each([
    ['a record that is approved (locked)', { status: 'approved' as const }, { to: 'returned' as const, expectedVersion: 2, reason: 'x' }, 'locked'],
    ['a version the record has moved past', {}, { to: 'approved' as const, expectedVersion: 1 }, 'stale_version'],
    ['a move the review life cycle does not make from here', { status: 'in_review' as const }, { to: 'in_review' as const, expectedVersion: 2 }, 'illegal_transition'],
    ['a draft (its author submits it, no reviewer moves it)', {}, { to: 'draft' as const, expectedVersion: 2 }, 'illegal_transition'],
  ])('refuses %s with a conflict, and claims nothing', async (_name, record, move, reason) => {
    const t = setup(record);
    await t.ready;
    const error = await t.handoff.decide(t.table, reviewer, RID, move, 'api').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordConflictError);
    expect((error as RecordConflictError).reason).toBe(reason);
    expect(await readDecision(t.table, RID, 2)).toBeUndefined();
    expect(t.resumed).toEqual([]);
  });

  it.each([
    ['a return without a reason', { to: 'returned' as const, expectedVersion: 2 }],
    ['a return with a blank reason', { to: 'returned' as const, expectedVersion: 2, reason: '   ' }],
    ['a reason over the limit', { to: 'returned' as const, expectedVersion: 2, reason: 'x'.repeat(2001) }],
  ])('refuses %s with 422 and claims nothing', async (_name, move) => {
    const t = setup();
    await t.ready;
    await expect(t.handoff.decide(t.table, reviewer, RID, move, 'web')).rejects.toBeInstanceOf(ValidationError);
    expect(await readDecision(t.table, RID, 2)).toBeUndefined();
    expect(t.resumed).toEqual([]);
  });

  it.each([
    ['no review waits (it has not started)', undefined],
    ['the review waits for a resubmission', { kind: 'resubmission' as const, version: 2 }],
    ['the review waits on another version', { kind: 'decision' as const, version: 1 }],
  ])('answers 409 not_awaiting_decision when %s, after giving it a moment', async (_name, wait) => {
    const t = setup({ wait });
    await t.ready;
    const error = await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as RecordConflictError).reason).toBe('not_awaiting_decision');
    expect(t.resumed).toEqual([]);
  });

  it('a review that is just starting gets its moment: the wait written meanwhile is found', async () => {
    const t = setup({ wait: undefined });
    await t.ready;
    setTimeout(() => void t.table.put({ key: keys.reviewWait(RID), attributes: { kind: 'decision', token: 'LATE', version: 2, executionName: 'review-x', since: '', reminders: 0 } }), 10);
    await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(t.resumed.map((r) => r.token)).toEqual(['LATE']);
  });

  it('of two different decisions at once exactly one is claimed and resumed; the other is told someone decided first', async () => {
    const t = setup();
    await t.ready;
    const results = await Promise.allSettled([
      t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'web'),
      t.handoff.decide(t.table, { ...reviewer, subject: 'sub-other' }, RID, { to: 'returned', expectedVersion: 2, reason: 'Not yet' }, 'email-link'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as RecordConflictError).reason).toBe('already_decided');
    expect(t.resumed).toHaveLength(1);
  });

  it("the same person's same decision twice (a double click) is that one decision, resumed once", async () => {
    const t = setup();
    await t.ready;
    const move = { to: 'returned' as const, expectedVersion: 2, reason: 'Add the date.' };
    const [a, b] = await Promise.all([t.handoff.decide(t.table, reviewer, RID, move, 'web'), t.handoff.decide(t.table, reviewer, RID, move, 'web')]);
    expect(a.version).toBe(3);
    expect(b.version).toBe(3);
    expect(t.resumed).toHaveLength(1);
  });

  it('the same person with another reason is another decision: refused once one is claimed', async () => {
    const t = setup({ resumeAnswers: false });
    await t.ready;
    await t.handoff.decide(t.table, reviewer, RID, { to: 'returned', expectedVersion: 2, reason: 'First' }, 'web');
    const error = await t.handoff.decide(t.table, reviewer, RID, { to: 'returned', expectedVersion: 2, reason: 'Second' }, 'web').catch((e: unknown) => e);
    expect((error as RecordConflictError).reason).toBe('already_decided');
  });

  it('a wait that timed out as the decision came: the decision stays claimed (the next wait applies it) and the record is answered as it is', async () => {
    const t = setup({ resumeAnswers: false });
    await t.ready;
    const record = await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(record.version).toBe(2);
    expect((await readDecision(t.table, RID, 2))?.to).toBe('approved');
  });
});
