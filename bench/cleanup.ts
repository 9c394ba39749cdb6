import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What the bench leaves behind, removed on every way out: normal exit, a crash, Ctrl-C (SIGINT) or SIGTERM.
 * Children spawned with `detached: true` lead their own process group and are signalled as a group.
 */
const tempDirs = new Set<string>();
const children = new Set<ChildProcess>();
let installed = false;

export function makeTempDir(prefix: string): string {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), `npcs-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.delete(dir);
}

let stopping = false;

/** True once Ctrl-C (or SIGTERM) was received: no new work starts. */
export function isStopping(): boolean {
  return stopping;
}

export function trackChild(child: ChildProcess): ChildProcess {
  installCleanup();
  if (stopping) {
    child.kill('SIGKILL');
    throw new Error('bench interrupted');
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Sends a signal to a child, or to its whole process group when it was spawned detached. */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

function killAllNow(): void {
  for (const child of children) signalChild(child, 'SIGKILL', isDetached(child));
  children.clear();
}

function isDetached(child: ChildProcess): boolean {
  return (child as ChildProcess & { benchDetached?: boolean }).benchDetached === true;
}

/** Marks a child as the leader of its own process group (spawned with `detached: true`). */
export function markDetached(child: ChildProcess): void {
  (child as ChildProcess & { benchDetached?: boolean }).benchDetached = true;
}

function removeAllTempDirs(): void {
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort on the way out.
    }
  }
  tempDirs.clear();
}

function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    killAllNow();
    removeAllTempDirs();
  });
  const onSignal = (signal: NodeJS.Signals) => {
    stopping = true;
    process.stderr.write(`\nbench: ${signal} received, stopping children and removing temp dirs\n`);
    // Give process groups (the local cloud) a chance to stop their own children, then kill what is left.
    for (const child of children) signalChild(child, 'SIGINT', isDetached(child));
    const deadline = Date.now() + 5000;
    const timer = setInterval(() => {
      if (children.size === 0 || Date.now() > deadline) {
        clearInterval(timer);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
    }, 100);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
