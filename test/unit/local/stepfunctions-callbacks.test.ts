import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  DescribeExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalStateMachine } from '#local/assembly.ts';
import { after, CallbackTasks, mintTaskToken } from '#local/stepfunctions/callbacks.ts';
import { startStepFunctionsEndpoint } from '#local/stepfunctions/endpoint.ts';
import { LocalStepFunctions, type Execution, type LocalLambdas } from '#local/stepfunctions/service.ts';

// Hand-written definitions, run by the local service with a fake Lambda runtime: each "function" records what it
// was invoked with, so a test reads the task token the way the workflow's function will (from its payload).
const NOTIFY = 'arn:aws:lambda:us-east-1:000000000000:function:notify';
const REMIND = 'arn:aws:lambda:us-east-1:000000000000:function:remind';
const BROKEN = 'arn:aws:lambda:us-east-1:000000000000:function:broken';
const SLOW = 'arn:aws:lambda:us-east-1:000000000000:function:slow';
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const ACCOUNT = 'arn:aws:states:us-east-1:000000000000';

class FakeLambdas implements LocalLambdas {
  readonly calls: { fn: string; payload: Record<string, unknown> }[] = [];
  byArn(arn: string) {
    return [NOTIFY, REMIND, BROKEN, SLOW].includes(arn) ? ({ id: arn } as ReturnType<LocalLambdas['byArn']>) : undefined;
  }
  async invoke(id: string, payload: unknown) {
    this.calls.push({ fn: id, payload: payload as Record<string, unknown> });
    if (id === SLOW) return new Promise<never>(() => undefined);
    if (id === BROKEN) return { ok: false as const, error: { errorType: 'Mail.SendFailed', errorMessage: 'the SMTP server refused the message' } };
    return { ok: true as const, result: { sent: true } };
  }
  tokens(fn = NOTIFY): string[] {
    return this.calls.filter((c) => c.fn === fn).map((c) => c.payload.token as string);
  }
}

const machines: LocalStateMachine[] = [];
function machine(id: string, definition: Record<string, unknown>): string {
  const arn = `${ACCOUNT}:stateMachine:${id}`;
  machines.push({ id, logicalId: id, arn, definition });
  return arn;
}

/** A review's wait for a decision: token to the function, result of the callback into $.decision. */
const waitForDecision = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: CALLBACK,
  Parameters: { FunctionName: NOTIFY, Payload: { 'token.$': '$$.Task.Token', 'record.$': '$.record' } },
  ResultPath: '$.decision',
  ...extra,
});

const SIMPLE = machine('simple', {
  StartAt: 'WaitForDecision',
  States: {
    WaitForDecision: waitForDecision({
      TimeoutSeconds: 3600,
      Catch: [{ ErrorEquals: ['Review.Returned'], ResultPath: '$.failure', Next: 'Returned' }],
      End: true,
    }),
    Returned: { Type: 'Pass', End: true },
  },
});

// The reminder pattern (docs: wave2 §1): TimeoutSeconds = the reminder interval, Catch States.Timeout, remind,
// wait again with a new token. A States.TaskFailed catcher listed first must not catch the timeout (as in AWS).
const REMINDERS = machine('reminders', {
  StartAt: 'WaitForDecision',
  States: {
    WaitForDecision: waitForDecision({
      TimeoutSeconds: 86_400,
      Catch: [
        { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Failed' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Remind' },
      ],
      End: true,
    }),
    Remind: { Type: 'Task', Resource: REMIND, ResultPath: null, Next: 'WaitForDecision' },
    Failed: { Type: 'Fail', Error: 'Unexpected', Cause: 'a timeout was caught as States.TaskFailed' },
  },
});

const NO_TIMEOUT = machine('no-timeout', { StartAt: 'WaitForDecision', States: { WaitForDecision: waitForDecision({ End: true }) } });

const HEARTBEAT = machine('heartbeat', {
  StartAt: 'WaitForDecision',
  States: {
    WaitForDecision: waitForDecision({
      TimeoutSeconds: 3600,
      HeartbeatSeconds: 60,
      Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.failure', Next: 'NoHeartbeat' }],
      End: true,
    }),
    NoHeartbeat: { Type: 'Pass', End: true },
  },
});

const INVOKE_FAILS = machine('invoke-fails', {
  StartAt: 'WaitForDecision',
  States: {
    WaitForDecision: {
      Type: 'Task',
      Resource: CALLBACK,
      Parameters: { FunctionName: BROKEN, Payload: { 'token.$': '$$.Task.Token' } },
      TimeoutSeconds: 3600,
      Catch: [{ ErrorEquals: ['Mail.SendFailed'], ResultPath: '$.failure', Next: 'NotSent' }],
      End: true,
    },
    NotSent: { Type: 'Pass', End: true },
  },
});

const RETRIED = machine('retried', {
  StartAt: 'WaitForDecision',
  States: {
    WaitForDecision: {
      Type: 'Task',
      Resource: CALLBACK,
      // The token twice, once through an intrinsic function: one token per attempt, the same in both places.
      Parameters: { FunctionName: NOTIFY, Payload: { 'token.$': '$$.Task.Token', 'link.$': "States.Format('token={}', $$.Task.Token)" } },
      TimeoutSeconds: 3600,
      Retry: [{ ErrorEquals: ['Transient'], MaxAttempts: 1, IntervalSeconds: 1 }],
      End: true,
    },
  },
});

const PATH_TIMEOUTS = machine('path-timeouts', {
  StartAt: 'WaitForDecision',
  States: {
    WaitForDecision: waitForDecision({
      TimeoutSecondsPath: '$.settings.reminderSeconds',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' }],
      End: true,
    }),
    TimedOut: { Type: 'Pass', End: true },
  },
});

const TOKEN_OUTSIDE_CALLBACK = machine('token-outside-callback', {
  StartAt: 'Leak',
  States: { Leak: { Type: 'Pass', Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
});

const WAITS = machine('waits', {
  StartAt: 'Seconds',
  States: {
    Seconds: { Type: 'Wait', Seconds: 3600, Next: 'SecondsPath' },
    SecondsPath: { Type: 'Wait', SecondsPath: '$.wait', Next: 'TimestampPath' },
    TimestampPath: { Type: 'Wait', TimestampPath: '$.until', Next: 'Done' },
    Done: { Type: 'Pass', Result: 'waited', ResultPath: '$.result', End: true },
  },
});

const SLOW_TASK = machine('slow-task', {
  StartAt: 'Slow',
  States: {
    Slow: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: SLOW, Payload: {} },
      TimeoutSeconds: 3600,
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' }],
      End: true,
    },
    TimedOut: { Type: 'Pass', End: true },
  },
});

const EXECUTION_TIMEOUT = machine('execution-timeout', {
  TimeoutSeconds: 3600,
  StartAt: 'Long',
  States: { Long: { Type: 'Wait', Seconds: 7200, End: true } },
});

const MAP = machine('map', {
  StartAt: 'EachReviewer',
  States: {
    EachReviewer: {
      Type: 'Map',
      ItemsPath: '$.reviewers',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Ask',
        States: { Ask: { Type: 'Task', Resource: CALLBACK, Parameters: { FunctionName: NOTIFY, Payload: { 'token.$': '$$.Task.Token', 'reviewer.$': '$' } }, TimeoutSeconds: 3600, End: true } },
      },
      End: true,
    },
  },
});

async function until<T>(what: string, probe: () => T | undefined | false, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function ended(execution: Execution): Promise<Execution> {
  await execution.done;
  return execution;
}

const servers: Server[] = [];
async function setUp(timeScale = 1) {
  const lambdas = new FakeLambdas();
  const service = new LocalStepFunctions(machines, lambdas, { timeScale, retryIntervalMs: 1 });
  const server = await startStepFunctionsEndpoint(service, 0);
  servers.push(server);
  const sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { lambdas, service, sfn };
}
const services: LocalStepFunctions[] = [];
afterEach(() => {
  for (const s of services.splice(0)) s.stopAll();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('local Step Functions: .waitForTaskToken callback tasks', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  beforeAll(async () => {
    ctx = await setUp();
    services.push(ctx.service);
  });

  it('gives the task an AWS-like token in $$.Task.Token and takes SendTaskSuccess output as the task result', async () => {
    const execution = ctx.service.startExecution(SIMPLE, JSON.stringify({ record: 'r-1' }), 'success');
    const [token] = await until('the function to be invoked', () => ctx.lambdas.tokens().length === 1 && ctx.lambdas.tokens());
    expect(token).toMatch(/^AQ[A-Za-z0-9+/]+=*$/);
    expect(token!.length).toBeGreaterThanOrEqual(500);
    expect(token!.length).toBeLessThanOrEqual(2048);
    expect(ctx.lambdas.calls[0]!.payload.record).toBe('r-1');
    expect(execution.status).toBe('RUNNING');

    await ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ decision: 'approve' }) }));
    await ended(execution);
    const described = await ctx.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toEqual({ record: 'r-1', decision: { decision: 'approve' } });
    // The task is closed: a second answer is refused as AWS refuses it, and the message does not echo the token.
    const second = ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await expect(second).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(second).rejects.not.toHaveProperty('message', expect.stringContaining(token!.slice(2, 40)));
  });

  it('never writes a token to the console or stdout, nor to an API error', async () => {
    const written: string[] = [];
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true)),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true)),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void written.push(args.map(String).join(' ')))),
    ];
    try {
      const execution = ctx.service.startExecution(SIMPLE, JSON.stringify({ record: 'r-log' }), 'no-logs');
      const token = await until('the token', () => ctx.lambdas.calls.find((c) => c.payload.record === 'r-log')?.payload.token as string);
      const errors: string[] = await Promise.all([
        ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })).then(() => 'accepted', (e: Error) => e.message),
        ctx.sfn.send(new SendTaskHeartbeatCommand({ taskToken: token })).then(() => ''),
      ]);
      await ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
      errors.push(await ctx.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Late' })).then(() => 'accepted', (e: Error) => e.message));
      await ended(execution);
      expect(errors[0]).toMatch(/Invalid Output/);
      expect(errors[2]).toMatch(/Task Timed Out/);
      for (const text of [...written, ...errors, execution.output ?? '', execution.cause ?? '']) expect(text).not.toContain(token.slice(2, 60));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('raises SendTaskFailure error and cause in the execution, where Catch applies', async () => {
    const execution = ctx.service.startExecution(SIMPLE, JSON.stringify({ record: 'r-2' }), 'failure');
    const token = await until('the token', () => ctx.lambdas.calls.find((c) => c.payload.record === 'r-2')?.payload.token as string);
    await ctx.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Review.Returned', cause: 'the timeline is missing' }));
    await ended(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).failure).toEqual({ Error: 'Review.Returned', Cause: 'the timeline is missing' });
  });

  it('fails the execution with the SendTaskFailure error when nothing catches it', async () => {
    const execution = ctx.service.startExecution(SIMPLE, JSON.stringify({ record: 'r-3' }), 'failure-uncaught');
    const token = await until('the token', () => ctx.lambdas.calls.find((c) => c.payload.record === 'r-3')?.payload.token as string);
    await ctx.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Review.Withdrawn', cause: 'withdrawn by the agency' }));
    await ended(execution);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Review.Withdrawn', cause: 'withdrawn by the agency' });
  });

  it('fails the task with the function error when the invocation itself fails', async () => {
    const execution = ctx.service.startExecution(INVOKE_FAILS, '{}', 'invoke-fails');
    await ended(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).failure).toEqual({ Error: 'Mail.SendFailed', Cause: 'the SMTP server refused the message' });
    expect(ctx.service.callbacks.waitingCount(execution.executionArn)).toBe(0);
  });

  it('mints a new token for each attempt of a retried task, the same one wherever the Parameters read it', async () => {
    const before = ctx.lambdas.calls.length;
    const execution = ctx.service.startExecution(RETRIED, '{}', 'retried');
    const first = await until('the first attempt', () => ctx.lambdas.calls.length === before + 1 && ctx.lambdas.calls[before]!.payload);
    expect(first.link).toBe(`token=${first.token as string}`);
    await ctx.sfn.send(new SendTaskFailureCommand({ taskToken: first.token as string, error: 'Transient' }));
    const second = await until('the retry', () => ctx.lambdas.calls.length === before + 2 && ctx.lambdas.calls[before + 1]!.payload);
    expect(second.token).not.toBe(first.token);
    expect(second.link).toBe(`token=${second.token as string}`);
    await expect(ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: first.token as string, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: second.token as string, output: '"done"' }));
    await ended(execution);
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
    // Billed as AWS bills it: the state entered once, retried once.
    expect(execution.transitions).toBe(2);
  });

  it('gives each concurrent Map iteration its own token', async () => {
    const before = ctx.lambdas.calls.length;
    const execution = ctx.service.startExecution(MAP, JSON.stringify({ reviewers: ['a', 'b', 'c'] }), 'map');
    const calls = await until('three invocations', () => ctx.lambdas.calls.length === before + 3 && ctx.lambdas.calls.slice(before));
    expect(new Set(calls.map((c) => c.payload.token)).size).toBe(3);
    for (const c of calls) await ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: c.payload.token as string, output: JSON.stringify(`ok ${c.payload.reviewer as string}`) }));
    await ended(execution);
    expect(JSON.parse(execution.output!)).toEqual(['ok a', 'ok b', 'ok c']);
    // The Map state and its three iterations' task.
    expect(execution.transitions).toBe(4);
  });

  it('leaves $$.Task.Token unresolvable outside a callback task, as AWS does', async () => {
    const execution = await ended(ctx.service.startExecution(TOKEN_OUTSIDE_CALLBACK, '{}', 'token-outside'));
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toContain('$$.Task.Token');
  });

  it('ends the waiting task when the execution is stopped: its token then gets TaskTimedOut', async () => {
    const execution = ctx.service.startExecution(SIMPLE, JSON.stringify({ record: 'r-stop' }), 'stopped');
    const token = await until('the token', () => ctx.lambdas.calls.find((c) => c.payload.record === 'r-stop')?.payload.token as string);
    expect(ctx.service.callbacks.waitingCount(execution.executionArn)).toBe(1);
    await ctx.sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn }));
    await ended(execution);
    expect(execution.status).toBe('ABORTED');
    expect(ctx.service.callbacks.waitingCount(execution.executionArn)).toBe(0);
    await expect(ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  describe('answers the SendTask* APIs with AWS errors', () => {
    it('InvalidToken for a malformed token (wrong alphabet, truncated, empty-ish)', async () => {
      const issued = mintTaskToken();
      for (const bad of ['abc', issued.slice(0, 100), issued.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), `${issued}x`]) {
        if (bad === issued) continue;
        await expect(ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: bad, output: '{}' })), bad.slice(0, 20)).rejects.toMatchObject({ name: 'InvalidToken' });
        await expect(ctx.sfn.send(new SendTaskFailureCommand({ taskToken: bad }))).rejects.toMatchObject({ name: 'InvalidToken' });
        await expect(ctx.sfn.send(new SendTaskHeartbeatCommand({ taskToken: bad }))).rejects.toMatchObject({ name: 'InvalidToken' });
      }
    });

    it('TaskDoesNotExist for a well-formed token this service never issued', async () => {
      const stranger = mintTaskToken();
      await expect(ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: stranger, output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
      await expect(ctx.sfn.send(new SendTaskFailureCommand({ taskToken: stranger, error: 'X' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
      await expect(ctx.sfn.send(new SendTaskHeartbeatCommand({ taskToken: stranger }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    });

    it('InvalidOutput for output that is not JSON, and the task keeps waiting', async () => {
      const execution = ctx.service.startExecution(SIMPLE, JSON.stringify({ record: 'r-output' }), 'invalid-output');
      const token = await until('the token', () => ctx.lambdas.calls.find((c) => c.payload.record === 'r-output')?.payload.token as string);
      const refused = ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'approve' }));
      await expect(refused).rejects.toMatchObject({ name: 'InvalidOutput' });
      await expect(ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'x'.repeat(262_145) }))).rejects.toMatchObject({ name: 'ValidationException' });
      expect(ctx.service.callbacks.waitingCount(execution.executionArn)).toBe(1);
      await ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"ok":true}' }));
      await ended(execution);
      expect(execution.status).toBe('SUCCEEDED');
    });

    it('ValidationException for a missing token, an overlong error or cause', async () => {
      await expect(ctx.sfn.send(new SendTaskSuccessCommand({ taskToken: '', output: '{}' }))).rejects.toMatchObject({ name: 'ValidationException' });
      const token = mintTaskToken();
      await expect(ctx.sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'e'.repeat(257) }))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(ctx.sfn.send(new SendTaskFailureCommand({ taskToken: token, cause: 'c'.repeat(32_769) }))).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });
});

describe('local Step Functions: timing from the definition, scaled by configuration', () => {
  it('times a callback task out with States.Timeout; the reminder loop waits again with a new token each round', async () => {
    // A day's TimeoutSeconds at 864,000x is 100 ms.
    const { lambdas, service, sfn } = await setUp(864_000);
    services.push(service);
    const execution = service.startExecution(REMINDERS, JSON.stringify({ record: 'r-remind' }), 'reminders');
    const tokens = await until('three rounds', () => lambdas.tokens().length >= 3 && lambdas.tokens(), 10_000);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(lambdas.tokens(REMIND).length).toBeGreaterThanOrEqual(2);
    // A timed-out round's token is dead; the current round's token decides.
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    const current = await until('a waiting round', () => {
      const all = lambdas.tokens();
      return service.callbacks.waitingCount(execution.executionArn) === 1 && all[all.length - 1];
    });
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: current, output: '"approve"' }));
    } catch (e) {
      // The round may have timed out between the read and the call (100 ms rounds): the next round decides.
      expect(e).toMatchObject({ name: 'TaskTimedOut' });
      const next = await until('the next round', () => lambdas.tokens().at(-1) !== current && lambdas.tokens().at(-1));
      await sfn.send(new SendTaskSuccessCommand({ taskToken: next, output: '"approve"' }));
    }
    await ended(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).decision).toBe('approve');
  });

  it('fails a task with States.HeartbeatTimeout when heartbeats stop, and not while they come', async () => {
    // HeartbeatSeconds 60 at 120x: 500 ms between heartbeats at most; TimeoutSeconds 3600: 30 s.
    const { lambdas, service, sfn } = await setUp(120);
    services.push(service);
    // The client's first call is slow (it loads its protocol): made before the clock matters.
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: mintTaskToken() }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    const execution = service.startExecution(HEARTBEAT, JSON.stringify({ record: 'r-hb' }), 'heartbeat');
    const [token] = await until('the token', () => lambdas.tokens().length === 1 && lambdas.tokens());
    // 1.2 s of heartbeats every 100 ms: more than twice the heartbeat timeout, so only the heartbeats kept it alive.
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    expect(execution.status).toBe('RUNNING');
    await ended(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).failure.Error).toBe('States.HeartbeatTimeout');
    expect(Date.now() - execution.startDate.getTime()).toBeLessThan(30_000);
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('reads TimeoutSecondsPath from the state input and scales it', async () => {
    const { service } = await setUp(1000);
    services.push(service);
    const execution = service.startExecution(PATH_TIMEOUTS, JSON.stringify({ record: 'r', settings: { reminderSeconds: 50 } }), 'path');
    await ended(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).timeout.Error).toBe('States.Timeout');
    const took = execution.stopDate!.getTime() - execution.startDate.getTime();
    expect(took).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(10_000);
  });

  it('scales Wait states (Seconds, SecondsPath, TimestampPath) without editing the definition', async () => {
    const { service } = await setUp(36_000);
    services.push(service);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const execution = service.startExecution(WAITS, JSON.stringify({ wait: 3600, until }), 'waits');
    await ended(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ wait: 3600, until, result: 'waited' });
    // Four states, as in AWS: the Waits count once each although the library runs them as tasks of the service.
    expect(execution.transitions).toBe(4);
    // Three hours of waits at 36,000x: about 300 ms.
    const took = execution.stopDate!.getTime() - execution.startDate.getTime();
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(10_000);
    expect(service.describeStateMachine(WAITS).definition).toEqual(machines.find((m) => m.arn === WAITS)!.definition);
    expect((service.describeStateMachine(WAITS).definition.States as Record<string, { Seconds?: number }>).Seconds!.Seconds).toBe(3600);
  });

  it('times an ordinary Lambda task out at its own scaled TimeoutSeconds', async () => {
    const { service } = await setUp(36_000);
    services.push(service);
    const execution = await ended(service.startExecution(SLOW_TASK, '{}', 'slow-task'));
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).timeout.Error).toBe('States.Timeout');
    expect(execution.stopDate!.getTime() - execution.startDate.getTime()).toBeGreaterThanOrEqual(90);
  });

  it("times the execution out at its own scaled TimeoutSeconds", async () => {
    const { service } = await setUp(36_000);
    services.push(service);
    const execution = await ended(service.startExecution(EXECUTION_TIMEOUT, '{}', 'execution-timeout'));
    expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const took = execution.stopDate!.getTime() - execution.startDate.getTime();
    // Not before its 100 ms; and not after the Wait (7,200 s: 200 ms), which would have ended it successfully.
    expect(took).toBeGreaterThanOrEqual(90);
  });

  it('scales only the workflows a per-workflow time scale names', async () => {
    const service = new LocalStepFunctions(machines, new FakeLambdas(), { timeScale: { waits: 36_000 } });
    services.push(service);
    const hurried = service.startExecution(WAITS, JSON.stringify({ wait: 1, until: new Date().toISOString() }), 'hurried');
    const realTime = service.startExecution(EXECUTION_TIMEOUT, '{}', 'real-time');
    await ended(hurried);
    expect(hurried.status).toBe('SUCCEEDED');
    // The other workflow keeps AWS's timing: its two-hour Wait still runs.
    await new Promise((r) => setTimeout(r, 300));
    expect(realTime.status).toBe('RUNNING');
  });

  it('rejects a time scale that is not a positive number', () => {
    for (const timeScale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new LocalStepFunctions(machines, new FakeLambdas(), { timeScale })).toThrow(/timeScale must be a positive number/);
      expect(() => new LocalStepFunctions(machines, new FakeLambdas(), { timeScale: { waits: 10, reminders: timeScale } })).toThrow(/timeScale of reminders must be a positive number/);
    }
  });
});

describe('local Step Functions: a callback task without TimeoutSeconds', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits past the library's 60 s default (AWS waits up to a year), then takes the callback", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const lambdas = new FakeLambdas();
    const service = new LocalStepFunctions(machines, lambdas);
    services.push(service);
    const execution = service.startExecution(NO_TIMEOUT, JSON.stringify({ record: 'r-long' }), 'no-timeout');
    await vi.advanceTimersByTimeAsync(10);
    const [token] = lambdas.tokens();
    expect(token).toBeDefined();
    // Twenty days, far past the library's 60 s default.
    await vi.advanceTimersByTimeAsync(20 * 86_400_000);
    expect(execution.status).toBe('RUNNING');
    expect(service.callbacks.waitingCount(execution.executionArn)).toBe(1);
    service.sendTaskSuccess(token!, '{"decision":"approve"}');
    await vi.advanceTimersByTimeAsync(10);
    await ended(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!).decision).toEqual({ decision: 'approve' });
  });
});

describe('local Step Functions: timers longer than one Node timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fire after 30 days, not at the 24.8 days where a single setTimeout overflows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let fired = 0;
    after(30 * 86_400_000, () => fired++);
    await vi.advanceTimersByTimeAsync(29 * 86_400_000);
    expect(fired).toBe(0);
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(fired).toBe(1);
  });

  it('do not fire once cancelled, even in a later link of the chain', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let fired = 0;
    const cancel = after(30 * 86_400_000, () => fired++);
    await vi.advanceTimersByTimeAsync(26 * 86_400_000);
    cancel();
    await vi.advanceTimersByTimeAsync(10 * 86_400_000);
    expect(fired).toBe(0);
  });
});

describe('local Step Functions: closed tokens', () => {
  it('remembers the most recent closed tokens (TaskTimedOut) and forgets older ones (TaskDoesNotExist), never a waiting one', async () => {
    const tasks = new CallbackTasks(2);
    const open = (token: string) => tasks.open(token, { executionArn: 'arn:x', timeoutError: () => new Error('timeout') }).catch(() => undefined);
    const waitingToken = mintTaskToken();
    void open(waitingToken);
    const closedTokens = [mintTaskToken(), mintTaskToken(), mintTaskToken()];
    for (const token of closedTokens) {
      void open(token);
      tasks.sendTaskSuccess(token, '{}');
    }
    expect(() => tasks.sendTaskSuccess(closedTokens[0]!, '{}')).toThrow(expect.objectContaining({ type: 'TaskDoesNotExist' }));
    expect(() => tasks.sendTaskSuccess(closedTokens[1]!, '{}')).toThrow(expect.objectContaining({ type: 'TaskTimedOut' }));
    expect(() => tasks.sendTaskSuccess(closedTokens[2]!, '{}')).toThrow(expect.objectContaining({ type: 'TaskTimedOut' }));
    expect(tasks.waitingCount('arn:x')).toBe(1);
    tasks.sendTaskHeartbeat(waitingToken);
    tasks.sendTaskSuccess(waitingToken, '{}');
  });
});
