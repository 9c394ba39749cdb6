import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { LocalFunction } from '../assembly.ts';
import { FaultTally, type FaultEvent } from '../faults/spec.ts';

export interface InvokeError {
  errorType: string;
  errorMessage: string;
  stack?: string;
}

export type InvokeResult = { ok: true; result: unknown } | { ok: false; error: InvokeError };

/**
 * Fault injection for tests (LambdaRuntime.intercept): sees each invocation of one function and decides what
 * happens. `run` invokes the function as usual; `crash` kills its execution environment now (the worker is
 * terminated, as when a Lambda sandbox dies) and answers as Lambda does then (Runtime.ExitError). Crash before run:
 * the function died before doing anything; run, then crash: it did its work and died before returning.
 */
export type InvocationInterceptor = (event: unknown, fault: { run: () => Promise<InvokeResult>; crash: () => Promise<InvokeResult> }) => Promise<InvokeResult>;

interface Pending {
  resolve: (r: InvokeResult) => void;
  timer: NodeJS.Timeout;
}

interface Environment {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Takes no new invocations (one of its invocations timed out); terminated once the others have finished. */
  retired: boolean;
}

const WORKER_FILE = path.join(import.meta.dirname, 'worker.ts');

/**
 * Runs the deployed bundles locally, one worker thread per function: each has its own process.env (the
 * template's environment plus the stand-in endpoints), imports the bundle once, and is replaced after a
 * timeout or crash, as Lambda replaces an execution environment.
 *
 * One worker takes a function's concurrent invocations, where Lambda gives each its own environment. So a timeout
 * retires the worker rather than killing it: new invocations start a fresh one, and the invocations still running in
 * it finish (or time out) as they would in their own environments; it is terminated once they have. Killing it at
 * once failed every concurrent request of that function with the one that timed out (45 of 46 errors of the load
 * bench's first 2-minute run). The timed-out invocation runs on meanwhile, where Lambda would freeze it.
 */
export class LambdaRuntime {
  private readonly environments = new Map<string, Environment>();
  private readonly retired = new Set<Environment>();
  private readonly interceptors = new Map<string, InvocationInterceptor>();
  private nextInvocation = 1;

  constructor(
    private readonly functions: readonly LocalFunction[],
    private readonly localEnv: Record<string, string>,
    private readonly logSink: Writable = process.stdout,
    /** The SDK calls of every function and the faults injected into them, when LOCAL_FAULTS is set (local/faults/). */
    readonly faults: FaultTally = new FaultTally(),
    /** Stand-in endpoints that differ per function (the local IAM gate tells functions apart by path). */
    private readonly functionEnv: (fn: LocalFunction) => Record<string, string> = () => ({}),
  ) {}

  has(functionId: string): boolean {
    return this.functions.some((f) => f.id === functionId);
  }

  byArn(arn: string): LocalFunction | undefined {
    const name = arn.split(':')[6];
    return this.functions.find((f) => f.arn === arn || f.logicalId === name || f.logicalId === arn);
  }

  /** Tests only: every invocation of the function goes through `interceptor` until it is set to undefined. */
  intercept(functionId: string, interceptor: InvocationInterceptor | undefined): void {
    if (!this.has(functionId)) throw new Error(`No local function ${functionId}`);
    if (interceptor) this.interceptors.set(functionId, interceptor);
    else this.interceptors.delete(functionId);
  }

  async invoke(functionId: string, event: unknown): Promise<InvokeResult> {
    const fn = this.functions.find((f) => f.id === functionId);
    if (!fn) throw new Error(`No local function ${functionId}`);
    const interceptor = this.interceptors.get(functionId);
    if (!interceptor) return this.run(fn, event);
    return interceptor(event, {
      run: () => this.run(fn, event),
      crash: async () => {
        await this.discard(fn.id);
        return { ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: local Error: Runtime exited with error: signal: killed (fault injected by a test)' } };
      },
    });
  }

  private run(fn: LocalFunction, event: unknown): Promise<InvokeResult> {
    const env = this.environment(fn);
    const invocationId = this.nextInvocation++;
    const timeoutMs = fn.timeoutSeconds * 1000;
    return new Promise<InvokeResult>((resolve) => {
      const timer = setTimeout(() => {
        env.pending.delete(invocationId);
        resolve({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSeconds} seconds` } });
        this.retire(fn.id, env);
      }, timeoutMs);
      env.pending.set(invocationId, { resolve, timer });
      env.worker.postMessage({ invocationId, requestId: randomUUID(), event, deadline: Date.now() + timeoutMs });
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.environments.keys()].map((id) => this.discard(id)));
    await Promise.all([...this.retired].map((env) => env.worker.terminate()));
    this.retired.clear();
  }

  /** No new invocations for `env`; terminated now if nothing else runs in it, else when the last one ends. */
  private retire(functionId: string, env: Environment): void {
    if (this.environments.get(functionId) === env) this.environments.delete(functionId);
    env.retired = true;
    this.retired.add(env);
    this.terminateIfDrained(env);
  }

  private terminateIfDrained(env: Environment): void {
    if (!env.retired || env.pending.size > 0 || !this.retired.delete(env)) return;
    void env.worker.terminate();
  }

  private environment(fn: LocalFunction): Environment {
    const existing = this.environments.get(fn.id);
    if (existing) return existing;
    const worker = new Worker(WORKER_FILE, {
      env: { ...fn.environment, ...this.localEnv, ...this.functionEnv(fn), AWS_LAMBDA_FUNCTION_NAME: fn.logicalId, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb) },
      workerData: {
        bundlePath: path.join(fn.assetDir, `${fn.handler.split('.')[0]}.mjs`),
        handlerName: fn.handler.split('.')[1] ?? 'handler',
        functionName: fn.logicalId,
        functionArn: fn.arn,
        memoryMb: fn.memoryMb,
        timeoutSeconds: fn.timeoutSeconds,
        runtimeSdkParent: path.join(import.meta.dirname, '..', '..', 'package.json'),
      },
      stdout: true,
      stderr: true,
    });
    // Forwarded chunk by chunk: a pipe per worker would add listeners to the one sink for every function that runs.
    for (const stream of [worker.stdout, worker.stderr]) stream.on('data', (chunk: Buffer) => this.logSink.write(chunk));
    const env: Environment = { worker, pending: new Map(), retired: false };
    worker.on('message', (m: ({ invocationId: number } & InvokeResult) | { fault: FaultEvent }) => {
      // Sent before the invocation's result on the same port, so the tally is complete when an invocation ends.
      if ('fault' in m) return this.faults.add(m.fault);
      const p = env.pending.get(m.invocationId);
      if (!p) return;
      clearTimeout(p.timer);
      env.pending.delete(m.invocationId);
      p.resolve(m.ok ? { ok: true, result: m.result } : { ok: false, error: m.error });
      this.terminateIfDrained(env);
    });
    const failAll = (error: InvokeError) => {
      for (const p of env.pending.values()) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, error });
      }
      env.pending.clear();
      if (this.environments.get(fn.id) === env) this.environments.delete(fn.id);
      this.retired.delete(env);
    };
    worker.on('error', (e) => failAll({ errorType: 'Runtime.ExitError', errorMessage: e.message, stack: e.stack }));
    worker.on('exit', (code) => failAll({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with code ${code}` }));
    this.environments.set(fn.id, env);
    return env;
  }

  private async discard(functionId: string): Promise<void> {
    const env = this.environments.get(functionId);
    if (!env) return;
    this.environments.delete(functionId);
    await env.worker.terminate();
  }
}
