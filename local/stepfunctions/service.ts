import { randomUUID } from 'node:crypto';
import { ExecutionError, StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import type { LocalStateMachine } from '../assembly.ts';
import type { LambdaRuntime } from '../lambda/runtime.ts';
import { after, CallbackTasks, mintTaskToken, namedError, StepFunctionsApiError } from './callbacks.ts';
import { prepareDefinition, type PreparedDefinition, type WrappedTaskInput, type WrappedWaitInput } from './definition.ts';

export { StepFunctionsApiError } from './callbacks.ts';

type JsonValue = Parameters<StateMachine['run']>[0];
type Definition = ConstructorParameters<typeof StateMachine>[0];
type Handlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /**
   * State transitions so far, as Step Functions bills them: every state entered (in Parallel branches and Map
   * iterations too) and every retry. For the bench's cost per review; AWS shows them in the execution history.
   */
  transitions: number;
  /** Settles when the execution ends (for tests and the scheduler's log line). */
  done: Promise<void>;
  abort: () => void;
}

/** What the service needs of the local Lambda runtime (tests pass a fake). */
export type LocalLambdas = Pick<LambdaRuntime, 'byArn' | 'invoke'>;

export interface LocalStepFunctionsOptions {
  /** Shortens every Retry interval to this many ms (tests); omitted = the definition's intervals and backoff. */
  retryIntervalMs?: number;
  /**
   * Divides every duration the definitions declare, never the definitions themselves: Wait states (Seconds,
   * SecondsPath, Timestamp, TimestampPath: the time left until it), task TimeoutSeconds / TimeoutSecondsPath,
   * HeartbeatSeconds / HeartbeatSecondsPath and the execution's TimeoutSeconds. 86400 makes a day a second.
   * One factor for every state machine, or factors by workflow id (`npcs:workflow-id`; the others keep 1), so that a
   * test can hurry the review workflow without cutting another workflow's execution timeout short.
   * @default 1 (AWS's timing)
   */
  timeScale?: number | Readonly<Record<string, number>>;
  /** Told of every message an `sns:publish` task sends (the local cloud logs it; there is no local topic). */
  onPublish?: (message: PublishedMessage) => void;
}

/** A message an `sns:publish` task sent (the workflows' failure alerts). */
export interface PublishedMessage {
  topicArn: string;
  subject?: string;
  message: string;
  executionArn: string;
}

/**
 * The library treats only its own States.Timeout class as a timeout (a `States.TaskFailed` Retry or Catch does not
 * match it, as in AWS) and does not export it: one run of a task that never answers, timed out after 1 ms, yields it.
 */
const StatesTimeoutError = await (async () => {
  const probe = new StateMachine({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'probe', TimeoutSeconds: 0.001, End: true } } } as Definition, {
    validationOptions: { noValidate: true },
  }).run(null, { overrides: { taskResourceLocalHandlers: { T: () => new Promise<JsonValue>(() => undefined) } } });
  const error = await probe.result.then(
    () => undefined,
    (e: unknown) => (e as Error).cause as Error | undefined,
  );
  if (error?.name !== 'States.Timeout') throw new Error('aws-local-stepfunctions no longer times tasks out with States.Timeout');
  return error.constructor as new () => Error;
})();

/** What one running execution holds besides its record: work to cancel when it ends, tokens being minted. */
interface ExecutionRun {
  arn: string;
  /** The state machine's time scale (LocalStepFunctionsOptions.timeScale). */
  scale: number;
  closed: boolean;
  /** Cancels pending waits and task timers (each rejects its handler's promise, so the library lets go). */
  cancels: Set<() => void>;
  /** Tokens minted by `$$.Task.Token` for a callback state whose handler has not claimed them yet. */
  minted: Map<string, string>;
}

/**
 * Local Step Functions: runs the state machines the template declares with aws-local-stepfunctions, with every
 * Lambda task routed to the local runtime's deployed bundles, `.waitForTaskToken` callback tasks with real task
 * tokens (SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat), and timing that follows the definition (scaled by
 * `timeScale`) instead of the library's 60 s default. Keeps executions in memory for Describe calls.
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution>();
  private readonly runs = new Map<string, ExecutionRun>();
  private readonly prepared = new Map<string, PreparedDefinition>();
  readonly callbacks = new CallbackTasks();
  private readonly retryIntervalMs: number | undefined;
  private readonly timeScale: number | Readonly<Record<string, number>>;
  private readonly onPublish: ((message: PublishedMessage) => void) | undefined;
  /** Every message the `sns:publish` tasks sent, oldest first (tests read the failure alerts here). */
  readonly published: PublishedMessage[] = [];

  constructor(
    private readonly stateMachines: readonly LocalStateMachine[],
    private readonly lambdas: LocalLambdas,
    options: LocalStepFunctionsOptions = {},
  ) {
    this.retryIntervalMs = options.retryIntervalMs;
    this.timeScale = options.timeScale ?? 1;
    this.onPublish = options.onPublish;
    const factors = typeof this.timeScale === 'number' ? [['', this.timeScale] as const] : Object.entries(this.timeScale);
    for (const [workflowId, factor] of factors) {
      if (!Number.isFinite(factor) || factor <= 0) throw new Error(`timeScale${workflowId ? ` of ${workflowId}` : ''} must be a positive number, not ${factor}`);
    }
  }

  list(): readonly LocalStateMachine[] {
    return this.stateMachines;
  }

  /** The state machine of a workflow (its `npcs:workflow-id`), as the tests and the scheduler name it. */
  byWorkflowId(workflowId: string): LocalStateMachine {
    const sm = this.stateMachines.find((s) => s.id === workflowId);
    if (!sm) throw new StepFunctionsApiError('StateMachineDoesNotExist', `No state machine of workflow '${workflowId}'`);
    return sm;
  }

  describeStateMachine(arn: string): LocalStateMachine {
    const sm = this.stateMachines.find((s) => s.arn === arn);
    if (!sm) throw new StepFunctionsApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  describeExecution(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  listExecutions(stateMachineArn: string): Execution[] {
    this.describeStateMachine(stateMachineArn);
    return [...this.executions.values()].filter((e) => e.stateMachineArn === stateMachineArn).sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  startExecution(stateMachineArn: string, input = '{}', name: string = randomUUID()): Execution {
    const sm = this.describeStateMachine(stateMachineArn);
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = `${sm.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.executions.has(executionArn)) throw new StepFunctionsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    let parsedInput: JsonValue;
    try {
      parsedInput = JSON.parse(input) as JsonValue;
    } catch {
      throw new StepFunctionsApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }

    const prepared = this.prepare(sm);
    const scale = typeof this.timeScale === 'number' ? this.timeScale : (this.timeScale[sm.id] ?? 1);
    const runState: ExecutionRun = { arn: executionArn, scale, closed: false, cancels: new Set(), minted: new Map() };
    const startDate = new Date();
    // The copy was checked as the template's definition (prepare); the wrapper states are the service's own.
    const machine = new StateMachine(prepared.definition as unknown as Definition, { validationOptions: { noValidate: true } });
    const run = machine.run(parsedInput, {
      overrides: { taskResourceLocalHandlers: this.handlers(prepared, runState), retryIntervalOverrides: this.retryOverrides(prepared.definition) },
      context: {
        Execution: { Id: executionArn, Input: parsedInput, Name: name, StartTime: startDate.toISOString(), RoleArn: 'arn:aws:iam::000000000000:role/local' },
        StateMachine: { Id: sm.arn, Name: sm.logicalId },
        Task: this.taskContext(prepared, runState),
      } as unknown as RunOptions['context'],
    });
    let timedOut = false;
    const cancelExecutionTimeout =
      prepared.timeoutSeconds === undefined
        ? () => undefined
        : after((prepared.timeoutSeconds * 1000) / scale, () => {
            timedOut = true;
            run.abort();
          });
    const execution: Execution = {
      executionArn,
      stateMachineArn: sm.arn,
      name,
      status: 'RUNNING',
      startDate,
      input,
      transitions: 0,
      done: Promise.resolve(),
      abort: () => run.abort(),
    };
    // Reading the event log also empties it: the library queues every event until someone reads it.
    const counted = (async () => {
      for await (const event of run.eventLogs) if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.transitions++;
    })();
    execution.done = run.result
      .then(
        (output) => {
          Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output), stopDate: new Date() });
        },
        (e: unknown) => {
          const failure = e instanceof ExecutionError ? (e.cause as { name?: string; message?: string } | undefined) : undefined;
          const aborted = (e as Error).name === 'ExecutionAbortedError';
          Object.assign(execution, {
            status: (aborted && timedOut ? 'TIMED_OUT' : aborted ? 'ABORTED' : 'FAILED') satisfies ExecutionStatus,
            stopDate: new Date(),
            error: timedOut ? 'States.Timeout' : (failure?.name ?? (e as Error).name),
            cause: timedOut ? 'The execution ran longer than its TimeoutSeconds' : (failure?.message ?? (e as Error).message),
          });
        },
      )
      .finally(async () => {
        cancelExecutionTimeout();
        this.close(runState);
        this.runs.delete(executionArn);
        await counted;
      });
    this.executions.set(executionArn, execution);
    this.runs.set(executionArn, runState);
    return execution;
  }

  /** Stops a running execution: its waiting callback tasks close (their tokens then get TaskTimedOut). */
  stopExecution(executionArn: string): Execution {
    const execution = this.describeExecution(executionArn);
    if (execution.status === 'RUNNING') {
      execution.abort();
      const runState = this.runs.get(executionArn);
      if (runState) this.close(runState);
    }
    return execution;
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    this.callbacks.sendTaskSuccess(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.callbacks.sendTaskFailure(taskToken, error, cause);
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.callbacks.sendTaskHeartbeat(taskToken);
  }

  /** Stops every running execution (the local cloud's stop): no timer of a waiting task outlives the service. */
  stopAll(): void {
    for (const execution of this.executions.values()) if (execution.status === 'RUNNING') this.stopExecution(execution.executionArn);
  }

  private prepare(sm: LocalStateMachine): PreparedDefinition {
    let prepared = this.prepared.get(sm.arn);
    if (!prepared) {
      // Validates the template's definition as written (throws with the library's explanation).
      new StateMachine(sm.definition as unknown as Definition, { validationOptions: { checkArn: false } });
      prepared = prepareDefinition(sm.definition);
      this.prepared.set(sm.arn, prepared);
    }
    return prepared;
  }

  private close(runState: ExecutionRun): void {
    if (runState.closed) return;
    runState.closed = true;
    for (const cancel of runState.cancels) cancel();
    runState.cancels.clear();
    this.callbacks.closeExecution(runState.arn);
  }

  /**
   * `$$.Task.Token` of each callback state (rewritten to its own key of `$$.Task`): reading it mints the token of
   * this attempt. The library resolves a state's Parameters and calls its handler in one synchronous step, so the
   * handler claims exactly the token its Parameters read; one left unclaimed (Parameters failed) is dropped.
   */
  private taskContext(prepared: PreparedDefinition, runState: ExecutionRun): Record<string, unknown> {
    const task: Record<string, unknown> = {};
    for (const { tokenKey } of prepared.tasks.values()) {
      if (!tokenKey) continue;
      Object.defineProperty(task, tokenKey, {
        enumerable: true,
        get: () => {
          let token = runState.minted.get(tokenKey);
          if (!token) {
            const minted = mintTaskToken();
            token = minted;
            runState.minted.set(tokenKey, minted);
            queueMicrotask(() => {
              if (runState.minted.get(tokenKey) === minted) runState.minted.delete(tokenKey);
            });
          }
          return token;
        },
      });
    }
    return task;
  }

  private handlers(prepared: PreparedDefinition, runState: ExecutionRun): Handlers {
    const handlers: Handlers = {};
    for (const [name, task] of prepared.tasks) {
      if (task.kind === 'lambda-callback') {
        handlers[name] = (input) => {
          // Synchronously, before anything else: the token the Parameters just read (or a new one if they did not).
          const token = runState.minted.get(task.tokenKey!) ?? mintTaskToken();
          runState.minted.delete(task.tokenKey!);
          return this.runCallbackTask(runState, token, input as unknown as WrappedTaskInput);
        };
      } else {
        handlers[name] = async (input) => {
          const wrapped = input as unknown as WrappedTaskInput;
          const timeoutMs = this.secondsMs(runState, wrapped.TimeoutSeconds, 'TimeoutSeconds', 1);
          const work =
            task.kind === 'sns-publish'
              ? Promise.resolve(this.publish(runState, wrapped.Parameters))
              : task.kind === 'lambda-invoke'
                ? this.invokeIntegration(wrapped.Parameters).then((Payload) => ({ Payload, StatusCode: 200, ExecutedVersion: '$LATEST' }) as JsonValue)
                : this.invoke(task.resource, wrapped.Parameters as JsonValue);
          return this.bounded(runState, work, timeoutMs);
        };
      }
    }
    for (const name of prepared.waits) handlers[name] = (input) => this.runWait(runState, input as unknown as WrappedWaitInput);
    return handlers;
  }

  /** A `.waitForTaskToken` task: opens the token, invokes the function, then waits for a SendTask* call or a timeout. */
  private async runCallbackTask(runState: ExecutionRun, token: string, input: WrappedTaskInput): Promise<JsonValue> {
    if (runState.closed) throw namedError('States.Runtime', 'The execution has ended');
    const waiting = this.callbacks.open(token, {
      executionArn: runState.arn,
      timeoutMs: this.secondsMs(runState, input.TimeoutSeconds, 'TimeoutSeconds', 1),
      heartbeatMs: this.secondsMs(runState, input.HeartbeatSeconds, 'HeartbeatSeconds', 1),
      timeoutError: () => new StatesTimeoutError(),
    });
    // As in AWS, a failed invocation fails the task with the function's error; its result is not the task's.
    this.invokeIntegration(input.Parameters).catch((e: unknown) => this.callbacks.failFromInvocation(token, e as Error));
    return (await waiting) as JsonValue;
  }

  /** A Wait state of the definition, scaled; cancelled (rejected) when the execution ends. */
  private runWait(runState: ExecutionRun, input: WrappedWaitInput): Promise<JsonValue> {
    let ms: number;
    if (input.Seconds !== undefined) {
      ms = this.secondsMs(runState, input.Seconds, 'Seconds', 0)!;
    } else {
      const at = typeof input.Timestamp === 'string' ? Date.parse(input.Timestamp) : Number.NaN;
      if (Number.isNaN(at)) throw namedError('States.Runtime', 'The Wait state Timestamp is not an ISO 8601 timestamp');
      ms = Math.max(at - Date.now(), 0) / runState.scale;
    }
    const elapsed = new Promise<JsonValue>((resolve) => {
      const cancel = after(ms, () => {
        runState.cancels.delete(cancel);
        resolve(input.Input as JsonValue);
      });
      runState.cancels.add(cancel);
    });
    return this.bounded(runState, elapsed, undefined);
  }

  /** Races work against the task's (scaled) TimeoutSeconds and the end of the execution. */
  private bounded(runState: ExecutionRun, work: Promise<JsonValue>, timeoutMs: number | undefined): Promise<JsonValue> {
    if (runState.closed) return Promise.reject(namedError('States.Runtime', 'The execution has ended'));
    return new Promise<JsonValue>((resolve, reject) => {
      const cancelTimeout = timeoutMs === undefined ? () => undefined : after(timeoutMs, () => reject(new StatesTimeoutError()));
      const onClose = () => reject(namedError('States.Runtime', 'The execution has ended'));
      runState.cancels.add(onClose);
      work.then(resolve, reject).finally(() => {
        cancelTimeout();
        runState.cancels.delete(onClose);
      });
    });
  }

  /** A positive (or, for Wait, non-negative) whole number of seconds as scaled ms; undefined when not given. */
  private secondsMs(runState: ExecutionRun, value: unknown, field: string, min: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw namedError('States.Runtime', `${field} must be an integer >= ${min}, not ${JSON.stringify(value)}`);
    }
    return (value * 1000) / runState.scale;
  }

  /** The SNS integration's Parameters (`{ TopicArn, Message, Subject }`): kept and told, answered as SNS answers. */
  private publish(runState: ExecutionRun, parameters: unknown): JsonValue {
    const { TopicArn, Message, Subject } = (parameters ?? {}) as { TopicArn?: unknown; Message?: unknown; Subject?: unknown };
    if (typeof TopicArn !== 'string' || Message === undefined) throw namedError('States.Runtime', 'The SNS integration needs Parameters.TopicArn and Parameters.Message');
    const published: PublishedMessage = {
      topicArn: TopicArn,
      message: typeof Message === 'string' ? Message : JSON.stringify(Message),
      executionArn: runState.arn,
      ...(typeof Subject === 'string' ? { subject: Subject } : {}),
    };
    this.published.push(published);
    this.onPublish?.(published);
    return { MessageId: randomUUID() };
  }

  /** The Lambda integration's Parameters: `{ FunctionName, Payload }`. */
  private invokeIntegration(parameters: unknown): Promise<JsonValue> {
    const { FunctionName, Payload } = (parameters ?? {}) as { FunctionName?: unknown; Payload?: JsonValue };
    if (typeof FunctionName !== 'string') return Promise.reject(namedError('States.Runtime', 'The Lambda integration needs Parameters.FunctionName'));
    return this.invoke(FunctionName, Payload ?? null);
  }

  private async invoke(functionArn: string, payload: JsonValue): Promise<JsonValue> {
    const fn = this.lambdas.byArn(functionArn);
    if (!fn) throw namedError('Lambda.ResourceNotFoundException', `Function not found: ${functionArn}`);
    const outcome = await this.lambdas.invoke(fn.id, payload);
    if (!outcome.ok) throw namedError(outcome.error.errorType, outcome.error.errorMessage);
    return outcome.result as JsonValue;
  }

  private retryOverrides(definition: Record<string, unknown>): Record<string, number> | undefined {
    if (this.retryIntervalMs === undefined) return undefined;
    const overrides: Record<string, number> = {};
    for (const [name, state] of allStates(definition)) if (Array.isArray(state.Retry)) overrides[name] = this.retryIntervalMs;
    return overrides;
  }
}

interface StateJson {
  Type?: string;
  Retry?: unknown;
  Branches?: { States: Record<string, StateJson> }[];
  Iterator?: { States: Record<string, StateJson> };
  ItemProcessor?: { States: Record<string, StateJson> };
}

function* allStates(definition: Record<string, unknown>): Generator<[string, StateJson]> {
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, StateJson>)) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* allStates(branch as unknown as Record<string, unknown>);
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner) yield* allStates(inner as unknown as Record<string, unknown>);
  }
}
