import { randomBytes } from 'node:crypto';

/** Thrown for API calls that AWS refuses, with the AWS error type (`__type`) the SDK maps to its exception. */
export class StepFunctionsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// AWS's tokens are long standard base64 (with + / =): these look alike, so code that mishandles them (a URL
// without encoding, a column too short) fails locally as it would in AWS. 383 random bytes: 512 characters.
const TOKEN_PREFIX = 'AQ';
const TOKEN_BYTES = 383;
const TOKEN_FORMAT = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9+/]{${Math.ceil(TOKEN_BYTES / 3) * 4 - 1}}=$`);
/** SendTask* limits of the API (UTF-8 bytes of output; characters of error and cause; token length). */
export const TASK_API_LIMITS = { tokenLength: 2048, outputBytes: 262_144, errorLength: 256, causeLength: 32_768 } as const;

/** Node's setTimeout holds at most 2^31 - 1 ms; longer delays are chained so that a year-long wait stays a year. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` after `ms` (any length); returns the cancel function. */
export function after(ms: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = (remaining: number) => {
    timer = setTimeout(() => (remaining > MAX_TIMER_MS ? arm(remaining - MAX_TIMER_MS) : fn()), Math.min(Math.max(remaining, 0), MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(timer);
}

export function mintTaskToken(): string {
  return TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64');
}

type TaskState = 'waiting' | 'succeeded' | 'failed' | 'timed-out' | 'closed';

interface CallbackTask {
  executionArn: string;
  state: TaskState;
  heartbeatMs?: number;
  /** Settles the task's handler promise (the library then goes on with the state's result or error). */
  resolve: (output: JsonValue) => void;
  reject: (error: Error) => void;
  cancelTimers: () => void;
  restartHeartbeat: () => void;
}

export interface OpenTaskOptions {
  executionArn: string;
  /** Scaled ms until States.Timeout; undefined = no timeout (AWS waits up to the execution's own limit). */
  timeoutMs?: number;
  /** Scaled ms between heartbeats before States.HeartbeatTimeout. */
  heartbeatMs?: number;
  /** Builds the States.Timeout error the library treats as a timeout (see service.ts). */
  timeoutError: () => Error;
}

/**
 * The task tokens of callback tasks (`.waitForTaskToken`) and the SendTaskSuccess / SendTaskFailure /
 * SendTaskHeartbeat calls on them, with AWS's errors. Tokens stay in memory only and are never logged or echoed
 * in an error message. A closed task's token is kept so that a late call gets AWS's answer (TaskTimedOut).
 */
export class CallbackTasks {
  private readonly tasks = new Map<string, CallbackTask>();
  /** Closed tokens, oldest first: beyond the limit the oldest are forgotten (then TaskDoesNotExist, not TaskTimedOut). */
  private readonly closed: string[] = [];

  /** @param keepClosed how many closed tokens to remember: a reminder loop mints one per round, forever. */
  constructor(private readonly keepClosed = 10_000) {}

  /** Registers a waiting task under its token; the promise settles by a SendTask* call, a timeout or close(). */
  open(token: string, options: OpenTaskOptions): Promise<JsonValue> {
    if (this.tasks.has(token)) throw new Error('A task token was issued twice');
    return new Promise<JsonValue>((resolve, reject) => {
      let cancelTimeout = () => {};
      let cancelHeartbeat = () => {};
      const expire = (state: TaskState, error: Error) => {
        if (task.state !== 'waiting') return;
        this.settle(token, task, state);
        reject(error);
      };
      const task: CallbackTask = {
        executionArn: options.executionArn,
        state: 'waiting',
        heartbeatMs: options.heartbeatMs,
        resolve,
        reject,
        cancelTimers: () => {
          cancelTimeout();
          cancelHeartbeat();
        },
        restartHeartbeat: () => {
          cancelHeartbeat();
          if (options.heartbeatMs !== undefined) cancelHeartbeat = after(options.heartbeatMs, () => expire('timed-out', namedError('States.HeartbeatTimeout', '')));
        },
      };
      if (options.timeoutMs !== undefined) cancelTimeout = after(options.timeoutMs, () => expire('timed-out', options.timeoutError()));
      task.restartHeartbeat();
      this.tasks.set(token, task);
    });
  }

  /** Fails a waiting task (its Lambda invocation failed, as in AWS the task fails with that error). */
  failFromInvocation(token: string, error: Error): void {
    const task = this.tasks.get(token);
    if (!task || task.state !== 'waiting') return;
    this.settle(token, task, 'failed');
    task.reject(error);
  }

  sendTaskSuccess(token: string, output: string): void {
    if (Buffer.byteLength(output, 'utf8') > TASK_API_LIMITS.outputBytes) {
      throw new StepFunctionsApiError('ValidationException', `1 validation error detected: Value at 'output' failed to satisfy constraint: Member must have length less than or equal to ${TASK_API_LIMITS.outputBytes}`);
    }
    let parsed: JsonValue;
    try {
      parsed = JSON.parse(output) as JsonValue;
    } catch {
      throw new StepFunctionsApiError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    const task = this.waiting(token);
    this.settle(token, task, 'succeeded');
    task.resolve(parsed);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    if (error !== undefined && error.length > TASK_API_LIMITS.errorLength) {
      throw new StepFunctionsApiError('ValidationException', `1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to ${TASK_API_LIMITS.errorLength}`);
    }
    if (cause !== undefined && cause.length > TASK_API_LIMITS.causeLength) {
      throw new StepFunctionsApiError('ValidationException', `1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to ${TASK_API_LIMITS.causeLength}`);
    }
    const task = this.waiting(token);
    this.settle(token, task, 'failed');
    task.reject(namedError(error ?? '', cause ?? ''));
  }

  sendTaskHeartbeat(token: string): void {
    this.waiting(token).restartHeartbeat();
  }

  /** Closes every waiting task of an execution that ended or was stopped: their tokens then get TaskTimedOut. */
  closeExecution(executionArn: string): void {
    for (const [token, task] of [...this.tasks]) {
      if (task.executionArn !== executionArn || task.state !== 'waiting') continue;
      this.settle(token, task, 'closed');
      task.reject(namedError('States.Runtime', 'The execution ended while the task was waiting'));
    }
  }

  /** How many tasks of an execution wait for a callback (tests and the bench wait on it). */
  waitingCount(executionArn: string): number {
    return [...this.tasks.values()].filter((t) => t.executionArn === executionArn && t.state === 'waiting').length;
  }

  private waiting(token: string): CallbackTask {
    if (token.length > TASK_API_LIMITS.tokenLength) {
      throw new StepFunctionsApiError('ValidationException', `1 validation error detected: Value at 'taskToken' failed to satisfy constraint: Member must have length less than or equal to ${TASK_API_LIMITS.tokenLength}`);
    }
    if (!TOKEN_FORMAT.test(token)) throw new StepFunctionsApiError('InvalidToken', 'Invalid Token: the task token is malformed');
    const task = this.tasks.get(token);
    // Well formed but never issued here (e.g. issued before a restart: the service keeps tokens in memory only).
    if (!task) throw new StepFunctionsApiError('TaskDoesNotExist', 'Task Does Not Exist: no task of this service was issued this token');
    if (task.state === 'timed-out') throw new StepFunctionsApiError('TaskTimedOut', 'Task Timed Out: the task timed out before this call');
    // AWS answers TaskTimedOut for a closed task too ("the task associated with the token has already been closed").
    if (task.state !== 'waiting') throw new StepFunctionsApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    return task;
  }

  private settle(token: string, task: CallbackTask, state: TaskState): void {
    task.state = state;
    task.cancelTimers();
    this.closed.push(token);
    while (this.closed.length > this.keepClosed) this.tasks.delete(this.closed.shift()!);
  }
}

export function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}
