import { randomUUID } from 'node:crypto';
import { ExecutionError, StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import type { LocalStateMachine } from '../assembly.ts';
import type { LambdaRuntime } from '../lambda/runtime.ts';

type JsonValue = Parameters<StateMachine['run']>[0];

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
  /** Settles when the execution ends (for tests and the scheduler's log line). */
  done: Promise<void>;
  abort: () => void;
}

/** Thrown for API calls that name something that does not exist, mapped to the AWS error type. */
export class StepFunctionsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/**
 * Local Step Functions: runs the state machines the template declares with aws-local-stepfunctions, with every
 * Lambda task routed to the local runtime's deployed bundles. Keeps executions in memory for Describe calls.
 */
export class LocalStepFunctions {
  private readonly executions = new Map<string, Execution>();

  constructor(
    private readonly stateMachines: readonly LocalStateMachine[],
    private readonly lambdas: LambdaRuntime,
    /** Shortens Retry intervals (ms) — tests use it; `npm start` keeps the template's timing. */
    private readonly retryIntervalMs?: number,
  ) {}

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

    const startDate = new Date();
    const machine = new StateMachine(sm.definition as unknown as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { checkArn: false } });
    const run = machine.run(parsedInput, {
      overrides: { taskResourceLocalHandlers: this.lambdaTaskHandlers(sm.definition), retryIntervalOverrides: this.retryOverrides(sm.definition) },
      context: {
        Execution: { Id: executionArn, Input: parsedInput, Name: name, StartTime: startDate.toISOString(), RoleArn: 'arn:aws:iam::000000000000:role/local' },
        StateMachine: { Id: sm.arn, Name: sm.logicalId },
      } as unknown as RunOptions['context'],
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn: sm.arn,
      name,
      status: 'RUNNING',
      startDate,
      input,
      done: Promise.resolve(),
      abort: () => run.abort(),
    };
    execution.done = run.result.then(
      (output) => {
        Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(output), stopDate: new Date() });
      },
      (e: unknown) => {
        const failure = e instanceof ExecutionError ? (e.cause as { name?: string; message?: string } | undefined) : undefined;
        const status: ExecutionStatus = (e as Error).name === 'ExecutionAbortedError' ? 'ABORTED' : (e as Error).name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        Object.assign(execution, {
          status,
          stopDate: new Date(),
          error: failure?.name ?? (e as Error).name,
          cause: failure?.message ?? (e as Error).message,
        });
      },
    );
    this.executions.set(executionArn, execution);
    return execution;
  }

  stopExecution(executionArn: string): Execution {
    const execution = this.describeExecution(executionArn);
    if (execution.status === 'RUNNING') execution.abort();
    return execution;
  }

  /** Every Lambda Task state (at any depth) runs the function's deployed bundle in the local runtime. */
  private lambdaTaskHandlers(definition: Record<string, unknown>): NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers'] {
    const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    for (const [name, state] of allStates(definition)) {
      if (state.Type !== 'Task' || typeof state.Resource !== 'string') continue;
      const resource = state.Resource;
      if (resource === LAMBDA_INVOKE) {
        // Full integration: the state input is {FunctionName, Payload}; the result wraps the payload.
        handlers[name] = async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: JsonValue };
          return { Payload: await this.invoke(FunctionName, Payload), StatusCode: 200, ExecutedVersion: '$LATEST' } as JsonValue;
        };
      } else if (resource.startsWith('arn:aws:lambda:')) {
        handlers[name] = (input) => this.invoke(resource, input);
      }
    }
    return handlers;
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
  Resource?: unknown;
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

function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
