import * as path from 'node:path';
import { Writable } from 'node:stream';
import { PROJECT_ROOT, startLocalCloud, type LocalCloud, type LocalCloudOptions } from '#local/cloud.ts';
import { synthesizeCached } from '#local/synth.ts';

/**
 * The assembly every test cloud of this checkout serves: synthesized by the first test file that needs it and reused
 * by the others while no input changed (git-ignored .local/; one synth instead of one per file: 10-15 s each).
 */
export const TEST_ASSEMBLY_DIR = path.join(PROJECT_ROOT, '.local', 'test', 'cdk.out');

export interface TestCloud {
  cloud: LocalCloud;
  assemblyDir: string;
  close: () => Promise<void>;
}

/**
 * A local cloud of its own on free ports (data in memory), serving the checkout's synthesized assembly, with no
 * schedules and function logs dropped unless a sink is given: what the integration run, the browser tests and the
 * bench start. Free of vitest, so the bench uses it too.
 */
export async function startTestCloud(options: Partial<LocalCloudOptions> = {}): Promise<TestCloud> {
  const { dir: assemblyDir } = await synthesizeCached(TEST_ASSEMBLY_DIR);
  const cloud = await startLocalCloud({
    port: 0,
    schedules: false,
    logSink: new Writable({ write: (_chunk, _encoding, done) => done() }),
    ...options,
    assemblyDir,
  });
  return { cloud, assemblyDir, close: () => cloud.stop() };
}
