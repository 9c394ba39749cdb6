import { describe, expect, it, vi } from 'vitest';
import { ConflictError, ValidationError } from '#shared/errors.ts';
import { RecordConflictError } from '#shared/records/errors.ts';
import type { RecordStatus, RecordView } from '#shared/records/model.ts';
import type { RecordService } from '#shared/records/service.ts';
import { alreadyDecided, DECISION_WAITS_MS, notAwaitingDecision, readDecision, ReviewHandoff, sendTaskSuccess } from '#shared/review/handoff.ts';
import { keys } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { ExpressionTable } from './expression-table.ts';
import { logger } from '#shared/logger.ts';

// The Step Functions SDK as sendTaskSuccess loads it (#shared/aws/sfn.ts), recording what is sent.
const sfnFake = vi.hoisted(() => ({ sent: [] as { taskToken: string; output: string }[], fail: undefined as string | undefined }));
vi.mock('#shared/aws/sfn.ts', () => ({
  sfn: async () => ({
    sdk: { SendTaskSuccessCommand: class { constructor(readonly input: { taskToken: string; output: string }) {} } },
    client: {
      send: async (command: { input: { taskToken: string; output: string } }) => {
        if (sfnFake.fail) throw Object.assign(new Error(sfnFake.fail), { name: sfnFake.fail });
        sfnFake.sent.push(command.input);
      },
    },
  }),
}));

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
  // Tokens that took their success: as in Step Functions, a token takes one, a second SendTaskSuccess answers false.
  const succeeded = new Set<string>();
  // The workflow applies a resumed decision: the record moves one version on.
  const resume = async (token: string, output: Record<string, unknown>) => {
    resumed.push({ token, output });
    if (opts.resumeAnswers === false || succeeded.has(token)) return false;
    succeeded.add(token);
    state.version += 1;
    return true;
  };
  const handoff = new ReviewHandoff(service, resume, { readyWithinMs: 30, appliedWithinMs: 60, pollMs: 5, now: () => new Date('2026-12-03T10:00:00.000Z') });
  const wait = opts.wait === undefined && !('wait' in opts) ? { kind: 'decision' as const, version: opts.version ?? 2 } : opts.wait;
  const ready = wait
    ? table.put({ key: keys.reviewWait(RID), attributes: { kind: wait.kind, token: 'TOKEN+/=', version: wait.version, executionName: 'review-x', since: '', reminders: 0 } })
    : Promise.resolve();
  return { mem, table, state, resumed, succeeded, handoff, ready };
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

  it("the same person's same decision twice (a double click) is that one decision, applied once", async () => {
    const t = setup();
    await t.ready;
    const move = { to: 'returned' as const, expectedVersion: 2, reason: 'Add the date.' };
    const [a, b] = await Promise.all([t.handoff.decide(t.table, reviewer, RID, move, 'web'), t.handoff.decide(t.table, reviewer, RID, move, 'web')]);
    expect(a.version).toBe(3);
    expect(b.version).toBe(3);
    // Each request resumes the wait (the first's resume may never have happened); its token took one success.
    expect(t.resumed.map((r) => r.token)).toEqual(['TOKEN+/=', 'TOKEN+/=']);
    expect(t.state.version).toBe(3);
  });

  it('a claim whose answer was lost (written, then the put retried and refused) still resumes the wait: the decision is applied now, not at the next reminder', async () => {
    const t = setup();
    await t.ready;
    // The claim of an earlier attempt of this very request: its put was carried out, its answer lost, the SDK put
    // again and got ConditionalCheckFailed. The same person's same decision, and no resume was ever sent.
    const claim = { version: 2, to: 'approved', actor: reviewer, at: '2026-12-03T09:59:59.000Z', via: 'api' };
    await t.table.put({ key: keys.reviewDecision(RID, 2), attributes: { kind: 'review-decision', recordId: RID, decision: claim } });
    const record = await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(t.resumed).toEqual([{ token: 'TOKEN+/=', output: { version: 2 } }]);
    expect(record.version).toBe(3);
  });

  it('a retry after the resume failed (a 5xx the person retried) resumes the wait', async () => {
    const t = setup();
    await t.ready;
    let failOnce = true;
    const flaky = new ReviewHandoff(
      (t.handoff as unknown as { records: RecordService }).records,
      async (token, output) => {
        if (failOnce) {
          failOnce = false;
          throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
        }
        t.resumed.push({ token, output });
        t.state.version += 1;
        return true;
      },
      { readyWithinMs: 30, appliedWithinMs: 60, pollMs: 5 },
    );
    await expect(flaky.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api')).rejects.toThrow('Service unavailable');
    const record = await flaky.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(t.resumed).toHaveLength(1);
    expect(record.version).toBe(3);
  });

  it('waits no longer than the functions that decide may run (10 s): a late move is answered as it stands, not by a timeout', () => {
    expect(DECISION_WAITS_MS.ready + DECISION_WAITS_MS.applied).toBeLessThanOrEqual(7_000);
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

describe('sendTaskSuccess: the resume through the Step Functions SDK', () => {
  it('sends the token and the output as JSON, and answers true', async () => {
    sfnFake.fail = undefined;
    sfnFake.sent.length = 0;
    expect(await sendTaskSuccess('TOKEN+/=', { version: 2 })).toBe(true);
    expect(sfnFake.sent).toEqual([{ taskToken: 'TOKEN+/=', output: '{"version":2}' }]);
  });

  it.each(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'])('answers false for %s: the token no longer waits', async (name) => {
    sfnFake.fail = name;
    expect(await sendTaskSuccess('T', {})).toBe(false);
  });

  it('lets any other error through (the decision is claimed; the caller answers 5xx and the next wait applies it)', async () => {
    sfnFake.fail = 'ThrottlingException';
    await expect(sendTaskSuccess('T', {})).rejects.toThrow('ThrottlingException');
  });
});

describe('what the hand-off says and how it reads', () => {
  it('says what is wrong in words a reviewer can act on', () => {
    expect(notAwaitingDecision().message).toBe('This record is not waiting for a decision right now: it was just submitted or just decided. Reload it in a moment and try again.');
    expect(alreadyDecided().message).toBe('Someone else made a decision on this version of the record first. Reload it to see what was decided.');
  });

  it('reads the wait and the claim with consistent reads (a claim just written must be seen)', async () => {
    const t = setup();
    await t.ready;
    await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(t.mem.inconsistentGets).toBe(0);
  });

  it('gives a starting review its moment and no more: a wait that never comes is refused after readyWithinMs', async () => {
    const t = setup({ wait: undefined });
    await t.ready;
    const started = Date.now();
    await expect(t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api')).rejects.toThrow(/not waiting/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('waits for the move to be applied at most appliedWithinMs, then answers the record as it is', async () => {
    const t = setup({ resumeAnswers: false });
    await t.ready;
    const started = Date.now();
    const record = await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(record.version).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers as soon as the record moved past the decided version', async () => {
    const t = setup();
    await t.ready;
    const started = Date.now();
    await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(Date.now() - started).toBeLessThan(50);
  });
});

describe('which repeat is the same decision', () => {
  it.each([
    ['another person with the same move', { ...reviewer, subject: 'sub-other' }, { to: 'returned' as const, expectedVersion: 2, reason: 'Add the date.' }],
    ['the same person with another move', reviewer, { to: 'approved' as const, expectedVersion: 2 }],
    ['the same person with the same move and another reason', reviewer, { to: 'returned' as const, expectedVersion: 2, reason: 'Something else.' }],
  ])('%s is another decision: refused once one is claimed', async (_name, actor, move) => {
    const t = setup({ resumeAnswers: false });
    await t.ready;
    await t.handoff.decide(t.table, reviewer, RID, { to: 'returned', expectedVersion: 2, reason: 'Add the date.' }, 'web');
    const error = await t.handoff.decide(t.table, actor, RID, move, 'web').catch((e: unknown) => e);
    expect((error as RecordConflictError).reason).toBe('already_decided');
    expect(t.resumed).toHaveLength(1);
    expect(t.mem.inconsistentGets).toBe(0);
  });

  it('a storage error while claiming is not taken for a claim by someone else: it goes up as it is', async () => {
    const t = setup();
    await t.ready;
    t.mem.beforeCommand = (name) => {
      if (name === 'Put') throw Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
    };
    await expect(t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api')).rejects.toThrow('Throughput exceeded');
    expect(t.resumed).toEqual([]);
  });

  it('the same person with another move and no reason either is another decision', async () => {
    const t = setup({ resumeAnswers: false });
    await t.ready;
    await t.handoff.decide(t.table, reviewer, RID, { to: 'in_review', expectedVersion: 2 }, 'web');
    const error = await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'web').catch((e: unknown) => e);
    expect((error as RecordConflictError).reason).toBe('already_decided');
  });

  it('says in the log, without the token, when a claimed decision waits for the next wait', async () => {
    const info = vi.spyOn(logger, 'info');
    const t = setup({ resumeAnswers: false });
    await t.ready;
    await t.handoff.decide(t.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(info).toHaveBeenCalledWith('Decision claimed while its wait ended, or resumed already; the next wait applies it', { jurisdictionId: JID, recordId: RID, version: 2 });
    info.mockClear();
    const applied = setup();
    await applied.ready;
    await applied.handoff.decide(applied.table, reviewer, RID, { to: 'approved', expectedVersion: 2 }, 'api');
    expect(info).not.toHaveBeenCalledWith('Decision claimed while its wait ended, or resumed already; the next wait applies it', expect.anything());
    info.mockRestore();
  });
});
