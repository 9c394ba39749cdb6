import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchRow } from './types.ts';
import { isStopping, makeTempDir, markDetached, removeTempDir, signalChild, trackChild } from './cleanup.ts';

// Not a target: how long to wait before calling the start failed (a first start synthesizes; shared machines are slow).
const HEALTHY_WITHIN_S = 300;
/** First start (synth included) and a restart with nothing changed (the assembly reused), on a quiet machine. */
const FIRST_TARGET_S = 15;
const RESTART_TARGET_S = 5;
const STOP_GRACE_MS = 10_000;
/** Consecutive ports from LOCAL_PORT_BASE that must be free (the stand-ins take 5; leave room). */
const PORT_RANGE = 10;

function canListen(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function isFree(port: number): Promise<boolean> {
  return (await canListen(port, '127.0.0.1')) && (await canListen(port));
}

async function freePortRange(count: number, avoid: ReadonlySet<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (60000 - 20000 - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = !avoid.has(p) && (await isFree(p));
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found in 20000-60000`);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** The last answer of /healthz that was not a 200, for the failure message. */
let lastHealth = 'no answer (connection refused)';

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    const body = await response.text();
    if (response.status !== 200) lastHealth = `${response.status} ${body.replace(/\s+/g, ' ').slice(0, 300)}`;
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts the local cloud as `npm start` does (package.json's start script) with fresh data and free ports, times
 * spawn → first 200 from /healthz (polled every 100 ms), then stops it with SIGINT to its process group (what
 * Ctrl-C does) and checks it exits within 10 s and gives its ports back. Then starts it again on the same data, where
 * nothing changed: it must reuse the synthesized cloud assembly (and say so).
 */
export async function benchStartup(projectRoot: string): Promise<BenchRow[]> {
  if (!existsSync(join(projectRoot, 'local', 'start.ts'))) {
    console.log('  local/start.ts does not exist yet: start-up not measured');
    return [{ group: 'startup', name: 'local cloud start-up (not measured: no local/start.ts)', value: Number.NaN, unit: 's', target: `<= ${FIRST_TARGET_S} s` }];
  }
  const dataDir = makeTempDir('local-data');
  try {
    const first = await startAndStop(projectRoot, dataDir, 'first start', FIRST_TARGET_S, false);
    // A restart is only worth timing after a start that came up (slow or not).
    if (first.some((r) => r.name.startsWith('local cloud first start (FAILED'))) return first;
    return [...first, ...(await startAndStop(projectRoot, dataDir, 'restart, nothing changed', RESTART_TARGET_S, true))];
  } finally {
    removeTempDir(dataDir);
  }
}

async function startAndStop(projectRoot: string, dataDir: string, label: string, targetS: number, expectReuse: boolean): Promise<BenchRow[]> {
  const target = `<= ${targetS} s`;
  const logDir = makeTempDir('local-log');
  const logFile = join(logDir, 'start.log');
  try {
    const port = await freePortRange(1, new Set());
    const portBase = await freePortRange(PORT_RANGE, new Set([port]));
    const start = startScript(projectRoot);
    const prefix = Object.entries(start.env).map(([k, v]) => `${k}=${v} `).join('');
    console.log(`  ${prefix}${start.argv.join(' ')}  PORT=${port} LOCAL_PORT_BASE=${portBase} LOCAL_DATA_DIR=${dataDir}`);
    const log = openSync(logFile, 'a');
    const started = performance.now();
    const child = trackChild(
      spawn(start.argv[0]!, start.argv.slice(1), {
        cwd: projectRoot,
        env: { ...process.env, ...start.env, PORT: String(port), LOCAL_DATA_DIR: dataDir, LOCAL_PORT_BASE: String(portBase) },
        stdio: ['ignore', log, log],
        detached: true, // own process group: SIGINT reaches start.ts and everything it spawned, like Ctrl-C
      }),
    );
    markDetached(child);
    closeSync(log);
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        resolve();
      });
      child.once('error', (error) => {
        exit = { code: -1, signal: null };
        console.error(`  cannot spawn npx: ${error.message}`);
        resolve();
      });
    });

    const rows: BenchRow[] = [];
    let seconds = Number.NaN;
    const deadline = started + HEALTHY_WITHIN_S * 1000;
    while (performance.now() < deadline && exit === undefined && !isStopping()) {
      if (await healthy(port)) {
        seconds = (performance.now() - started) / 1000;
        break;
      }
      await sleep(100);
    }
    if (Number.isFinite(seconds)) {
      const reused = /Cloud assembly reused/.test(tail(logFile, 200));
      const wrong = reused !== expectReuse ? (expectReuse ? ', FAILED: synthesized again' : ', FAILED: reused an assembly') : '';
      rows.push({
        group: 'startup',
        name: `local cloud ${label} (spawn → /healthz 200${reused ? ', assembly reused' : ', synthesized'}${wrong})`,
        value: round(seconds, 2),
        unit: 's',
        target,
        pass: seconds <= targetS && !wrong,
      });
    } else {
      const why = exit ? `exited (${exit.code ?? exit.signal}) before /healthz answered 200` : `/healthz not 200 after ${HEALTHY_WITHIN_S} s`;
      console.error(`  local cloud start-up failed: ${why}; last /healthz answer: ${lastHealth}; last output:\n${indent(tail(logFile, 30))}`);
      rows.push({
        group: 'startup',
        name: `local cloud ${label} (FAILED: ${why})`,
        value: round((performance.now() - started) / 1000, 2),
        unit: 's',
        target,
        pass: false,
      });
    }

    // Stop: SIGINT to the group, kill -9 after 10 s.
    const stopStarted = performance.now();
    let killed = false;
    if (exit === undefined) {
      signalChild(child, 'SIGINT', true);
      const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
      if (!graceful) {
        killed = true;
        signalChild(child, 'SIGKILL', true);
        await exited;
      }
    }
    const stopSeconds = (performance.now() - stopStarted) / 1000;
    // Whatever is left in the group (a stand-in that outlived its parent) goes now, and counts as a leak.
    let leftovers = false;
    for (let i = 0; i < 20 && groupAlive(child.pid); i++) await sleep(100);
    if (groupAlive(child.pid)) {
      leftovers = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    let portsBack = false;
    for (let i = 0; i < 20 && !portsBack; i++) {
      portsBack = (await isFree(port)) && (await Promise.all(Array.from({ length: 5 }, (_, k) => isFree(portBase + k)))).every(Boolean);
      if (!portsBack) await sleep(100);
    }
    if (Number.isFinite(seconds)) {
      const problems = [killed && 'needed kill -9', leftovers && 'left processes behind', !portsBack && 'ports still in use'].filter(Boolean);
      rows.push({
        group: 'startup',
        name: `local cloud stop on SIGINT after the ${label}${problems.length ? ` (${problems.join(', ')})` : ''}`,
        value: round(stopSeconds, 2),
        unit: 's',
        target: `<= ${STOP_GRACE_MS / 1000} s, clean`,
        pass: problems.length === 0,
      });
      if (problems.length) console.error(`  local cloud stop: ${problems.join(', ')}; last output:\n${indent(tail(logFile, 15))}`);
    }
    return rows;
  } finally {
    removeTempDir(logDir);
  }
}

/**
 * package.json's `start` script as its variables (e.g. `NODE_OPTIONS=--openssl-legacy-provider`) and its command
 * words, so that the bench starts the local cloud exactly as `npm start` does (less npm's own start-up). The script is
 * plain words: no quotes inside values, no shell operators (checked).
 */
function startScript(projectRoot: string): { env: Record<string, string>; argv: string[] } {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  if (words.some((w) => /[|&;<>()$`'"]/.test(w))) throw new Error(`package.json's start script is not plain words: ${pkg.scripts?.start}`);
  const env: Record<string, string> = {};
  while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (!words.length) throw new Error("package.json's start script runs no command");
  return { env, argv: words };
}

/** Whether any process of the group led by `pid` is still there. */
function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
