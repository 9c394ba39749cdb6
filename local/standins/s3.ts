import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import S3rver from 's3rver';

export interface S3StandIn {
  endpoint: string;
  stop: () => Promise<void>;
}

/** The s3rver emulator with the template's buckets, objects kept under `dataDir` (a temp dir without one). */
export async function startS3(port: number, bucketNames: readonly string[], dataDir?: string): Promise<S3StandIn> {
  const directory = dataDir ?? mkdtempSync(path.join(tmpdir(), 'npcs-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory,
    silent: true,
    configureBuckets: bucketNames.map((name) => ({ name, configs: [] })),
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      if (!dataDir) rmSync(directory, { recursive: true, force: true });
    },
  };
}
