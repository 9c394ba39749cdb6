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
}

const WORKER_FILE = path.join(import.meta.dirname, 'worker.ts');

/**
 * Runs the deployed bundles locally, one worker thread per function: each has its own process.env (the
 * template's environment plus the stand-in endpoints), imports the bundle once, and is replaced after a
 * timeout or crash, as Lambda replaces an execution environment.
 */
export class LambdaRuntime {
  private readonly environments = new Map<string, Environment>();
  private readonly interceptors = new Map<string, InvocationInterceptor>();
  private nextInvocation = 1;

  constructor(
    private readonly functions: readonly LocalFunction[],
    private readonly localEnv: Record<string, string>,
    private readonly logSink: Writable = process.stdout,
    /** The SDK calls of every function and the faults injected into them, when LOCAL_FAULTS is set (local/faults/). */
    readonly faults: FaultTally = new FaultTally(),
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
        this.discard(fn.id);
      }, timeoutMs);
      env.pending.set(invocationId, { resolve, timer });
      env.worker.postMessage({ invocationId, requestId: randomUUID(), event, deadline: Date.now() + timeoutMs });
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.environments.keys()].map((id) => this.discard(id)));
  }

  private environment(fn: LocalFunction): Environment {
    const existing = this.environments.get(fn.id);
    if (existing) return existing;
    const worker = new Worker(WORKER_FILE, {
      env: { ...fn.environment, ...this.localEnv, AWS_LAMBDA_FUNCTION_NAME: fn.logicalId, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb) },
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
    const env: Environment = { worker, pending: new Map() };
    worker.on('message', (m: ({ invocationId: number } & InvokeResult) | { fault: FaultEvent }) => {
      // Sent before the invocation's result on the same port, so the tally is complete when an invocation ends.
      if ('fault' in m) return this.faults.add(m.fault);
      const p = env.pending.get(m.invocationId);
      if (!p) return;
      clearTimeout(p.timer);
      env.pending.delete(m.invocationId);
      p.resolve(m.ok ? { ok: true, result: m.result } : { ok: false, error: m.error });
    });
    const failAll = (error: InvokeError) => {
      for (const p of env.pending.values()) {
        clearTimeout(p.timer);
        p.resolve({ ok: false, error });
      }
      env.pending.clear();
      if (this.environments.get(fn.id) === env) this.environments.delete(fn.id);
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
