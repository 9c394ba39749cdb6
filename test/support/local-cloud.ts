import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '#local/cloud.ts';
import { synthesize } from '#local/synth-app.ts';

export interface TestCloud {
  cloud: LocalCloud;
  assemblyDir: string;
  close: () => Promise<void>;
}

/**
 * A local cloud of its own on free ports, from a fresh synth in a temp dir, with no schedules and function logs
 * dropped unless a sink is given: what the integration run, the browser tests and the bench start. Free of vitest,
 * so the bench uses it too.
 */
export async function startTestCloud(options: Partial<LocalCloudOptions> = {}): Promise<TestCloud> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'npcs-test-cloud-'));
  try {
    const assemblyDir = synthesize(path.join(workDir, 'cdk.out'));
    const cloud = await startLocalCloud({
      port: 0,
      schedules: false,
      logSink: new Writable({ write: (_chunk, _encoding, done) => done() }),
      ...options,
      assemblyDir,
    });
    return {
      cloud,
      assemblyDir,
      close: async () => {
        await cloud.stop();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
}
