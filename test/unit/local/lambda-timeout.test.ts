import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalFunction } from '#local/assembly.ts';
import { LambdaRuntime } from '#local/lambda/runtime.ts';

/**
 * A timeout ends the invocation that ran over, not its neighbours: in Lambda each concurrent invocation has its own
 * execution environment, where locally they share one worker (the load bench saw one timeout fail 45 other requests).
 */
let dir: string;
let runtime: LambdaRuntime;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'npcs-lambda-timeout-'));
  // Waits as long as the event says, then answers with the worker's thread id (which environment ran it).
  writeFileSync(
    path.join(dir, 'index.mjs'),
    `import { threadId } from 'node:worker_threads';
export const handler = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return { ms: event.ms, threadId }; };`,
  );
  const fn: LocalFunction = { id: 'slow', logicalId: 'Slow', arn: 'arn:aws:lambda:us-east-1:000000000000:function:Slow', assetDir: dir, handler: 'index.handler', timeoutSeconds: 2, memoryMb: 128, environment: {}, roleArn: 'arn:aws:iam::000000000000:role/Slow' };
  runtime = new LambdaRuntime([fn], {}, new Writable({ write: (_c, _e, done) => done() }));
});
afterAll(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('local Lambda runtime: a timeout among concurrent invocations', () => {
  it('times out the one that ran over; the one beside it finishes; the next starts a fresh environment', async () => {
    // The environment's first invocation (the cold start) before the clock matters.
    const warm = await runtime.invoke('slow', { ms: 0 });
    expect(warm).toMatchObject({ ok: true });
    const first = (warm as { result: { threadId: number } }).result.threadId;

    // Half a second of slack each way: the box may be busy.
    const overrunning = runtime.invoke('slow', { ms: 6000 }); // times out at 2 s
    await after(1000);
    const beside = runtime.invoke('slow', { ms: 1500 }); // ends at 2.5 s: after its neighbour timed out, before its own 3 s
    expect(await overrunning).toEqual({ ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 2 seconds' } });
    const next = runtime.invoke('slow', { ms: 0 }); // sent after the timeout: not to the retired environment

    expect(await beside).toEqual({ ok: true, result: { ms: 1500, threadId: first } });
    const fresh = await next;
    expect(fresh).toMatchObject({ ok: true });
    expect((fresh as { result: { threadId: number } }).result.threadId).not.toBe(first);
  });

  it('after a lone invocation times out, the next one gets a fresh environment', async () => {
    const before = ((await runtime.invoke('slow', { ms: 0 })) as { result: { threadId: number } }).result.threadId;
    expect(await runtime.invoke('slow', { ms: 6000 })).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
    const afterwards = ((await runtime.invoke('slow', { ms: 0 })) as { result: { threadId: number } }).result.threadId;
    expect(afterwards).not.toBe(before);
  });
});
