import { spawn } from 'node:child_process';
import { trackChild } from './cleanup.ts';

/** Runs in a fresh `node`: times the import of one bundle (module init: load, parse, top-level code). */
const TIMER_SCRIPT = `
import { pathToFileURL } from 'node:url';
const c0 = process.cpuUsage();
const t0 = performance.now();
await import(pathToFileURL(process.env.BENCH_BUNDLE).href);
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
process.stdout.write('BENCH_INIT_MS=' + (t1 - t0) + ' BENCH_INIT_CPU_MS=' + (c1.user + c1.system) / 1000 + '\\n');
`;

export interface InitTarget {
  name: string;
  bundlePath: string;
  environment: Record<string, string>;
}

/** One import: wall-clock milliseconds (performance.now) and CPU milliseconds (user + system, all threads). */
export interface InitSample {
  wall: number;
  cpu: number;
}

export interface InitResult {
  name: string;
  samples: InitSample[];
  /** Samples of the reference taken right before this target's, round by round. */
  referenceSamples: InitSample[];
}

/** A Lambda-like environment: the function's own variables, a region, fake credentials, nothing of the shell's. */
function childEnv(target: InitTarget): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHFAKE0000000',
    AWS_SECRET_ACCESS_KEY: 'bench-fake-secret-access-key',
    AWS_SESSION_TOKEN: 'bench-fake-session-token',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_LAMBDA_FUNCTION_NAME: target.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    ...target.environment,
    BENCH_BUNDLE: target.bundlePath,
  };
}

/** Imports the bundle once in a fresh node process; resolves with the milliseconds the import took. */
export function timeImport(target: InitTarget): Promise<InitSample> {
  return new Promise((resolve, reject) => {
    const child = trackChild(
      spawn(process.execPath, ['--input-type=module', '-e', TIMER_SCRIPT], {
        env: childEnv(target),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const match = /BENCH_INIT_MS=([\d.]+) BENCH_INIT_CPU_MS=([\d.]+)/.exec(out);
      if (code === 0 && match?.[1] && match[2]) resolve({ wall: Number(match[1]), cpu: Number(match[2]) });
      else reject(new Error(`importing ${target.name} failed (exit ${code ?? signal}):\n${err.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

/**
 * Measures module init of each target against the reference, interleaved (ref, fn, ref, fn, ...) so that the
 * noise of this shared 2-core machine hits both alike: one discarded warm-up import of every bundle (file cache),
 * then `rounds` rounds, each visiting every target (in a rotating order) right after a reference import.
 */
export async function measureInit(reference: InitTarget, targets: readonly InitTarget[], rounds: number): Promise<{ reference: InitSample[]; results: InitResult[] }> {
  await timeImport(reference);
  for (const target of targets) await timeImport(target);

  const results: InitResult[] = targets.map((t) => ({ name: t.name, samples: [], referenceSamples: [] }));
  const allReference: InitSample[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const index = (k + round) % targets.length;
      const target = targets[index]!;
      const result = results[index]!;
      const ref = await timeImport(reference);
      const fn = await timeImport(target);
      result.referenceSamples.push(ref);
      result.samples.push(fn);
      allReference.push(ref);
    }
  }
  return { reference: allReference, results };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
