import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import S3rver from 's3rver';

export interface S3StandIn {
  endpoint: string;
  stop: () => Promise<void>;
}

/** s3rver's own listen; given a callback (its "listening" listener), it returns the server at once. */
type S3rverListen = (port: number, address: string, options: object, onListening: () => void) => Server;

/**
 * The s3rver emulator with the template's buckets, objects kept under `dataDir` (a temp dir without one). Port 0
 * (what the local cloud passes unless told a port) lets the OS pick one as it binds, so no other process can take it
 * between a probe and the listen; the endpoint names the port bound.
 */
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
  // s3rver 3.7 listens without an 'error' listener: a port already taken (EADDRINUSE) is then an uncaught exception
  // that ends the process. Its listen is wrapped so that the error rejects run() instead, as MailDev's start does.
  const instance = server as unknown as { listen: S3rverListen };
  const listen = instance.listen.bind(server);
  instance.listen = ((p: number, address: string, options: object) =>
    new Promise<Server>((resolve, reject) => {
      const http = listen(p, address, options, () => {
        http.off('error', reject);
        resolve(http);
      });
      http.once('error', reject);
    })) as unknown as S3rverListen;
  let address;
  try {
    address = await server.run();
  } catch (e) {
    if (!dataDir) rmSync(directory, { recursive: true, force: true });
    throw e;
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: async () => {
      await server.close();
      if (!dataDir) rmSync(directory, { recursive: true, force: true });
    },
  };
}
