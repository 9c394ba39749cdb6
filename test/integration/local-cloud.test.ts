import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startLocalCloud } from '#local/cloud.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the local cloud', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'npcs-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its data across a restart and stops every child process', async () => {
    const lines: string[] = [];
    const first = await startLocalCloud({ port: 0, dataDir, assemblyDir: inject('assemblyDir'), schedules: false, log: (l) => lines.push(l) });
    expect(lines).toContain('jurisdictions registry: 11 added, 0 already there');
    const res = await fetch(`${first.url}/healthz`);
    expect(res.status).toBe(200);
    expect(first.childPids).toHaveLength(1);
    expect(first.childPids.every(alive)).toBe(true);
    await first.stop();
    expect(first.childPids.some(alive)).toBe(false);

    lines.length = 0;
    const second = await startLocalCloud({ port: 0, dataDir, assemblyDir: inject('assemblyDir'), schedules: false, log: (l) => lines.push(l) });
    try {
      expect(lines).toContain('jurisdictions registry: 0 added, 11 already there');
      const list = await (await fetch(`${second.url}/api/jurisdictions`)).json();
      expect(list.count).toBe(11);
    } finally {
      await second.stop();
    }
  });
});
