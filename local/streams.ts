import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalStreamTrigger } from './assembly.ts';
import type { LambdaRuntime } from './lambda/runtime.ts';

/**
 * Lambda's event source mappings from table streams, locally: polls DynamoDB Local's stream of each mapped table and
 * invokes the function with the event Lambda sends (records that match the mapping's filters, in batches), retrying a
 * failed batch as the mapping says. Written by hand: no npm package runs a template's mappings against DynamoDB Local.
 * Differences from AWS, on purpose: polling starts at the stream's end when the local cloud starts (local executions
 * do not survive a restart either), and a batch given up after its retries is parked in a JSON-lines file (one line
 * per batch: the function, when, why, and the records as Lambda's on-failure destination would get them) instead of
 * the function's dead-letter queue, and logged. `npm start` keeps the file in its data directory.
 */
export class LocalStreamTriggers {
  private readonly streams: DynamoDBStreamsClient;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly triggers: readonly LocalStreamTrigger[],
    private readonly dynamodb: DynamoDBClient,
    endpoint: string,
    private readonly lambdas: LambdaRuntime,
    private readonly log: (line: string) => void,
    /** Where given-up batches are parked (JSON lines), as the mapping's dead-letter queue would keep them. */
    readonly deadLettersFile: string,
    private readonly pollMs = 100,
  ) {
    mkdirSync(path.dirname(deadLettersFile), { recursive: true });
    this.streams = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  /** Positions every trigger at the end of its stream (what is written from now on is delivered), then polls. */
  async start(): Promise<void> {
    for (const trigger of this.triggers) {
      const { Table } = await this.dynamodb.send(new DescribeTableCommand({ TableName: trigger.table }));
      const streamArn = Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`Table ${trigger.table} has no stream for ${trigger.functionId}`);
      const shards = (await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
      for (const shard of shards) {
        const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'LATEST' }));
        if (ShardIterator) this.loops.push(this.poll(trigger, streamArn, shard.ShardId!, ShardIterator));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.loops);
    this.streams.destroy();
  }

  private async poll(trigger: LocalStreamTrigger, streamArn: string, shardId: string, first: string): Promise<void> {
    let iterator: string | undefined = first;
    let lastSequence: string | undefined;
    while (!this.stopped && iterator) {
      let page;
      try {
        page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (e) {
        if (this.stopped) return;
        if (!(e instanceof ExpiredIteratorException)) throw e;
        // An iterator lasts 15 minutes: continue after the last record seen.
        iterator = (await this.streams.send(new GetShardIteratorCommand(lastSequence
          ? { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: lastSequence }
          : { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'LATEST' }))).ShardIterator;
        continue;
      }
      const records = (page.Records ?? []).filter((r) => matchesAny(trigger.filterPatterns, r));
      for (let i = 0; i < records.length; i += trigger.batchSize) await this.deliver(trigger, streamArn, records.slice(i, i + trigger.batchSize));
      const last = page.Records?.at(-1)?.dynamodb?.SequenceNumber;
      if (last) lastSequence = last;
      iterator = page.NextShardIterator;
      if (!page.Records?.length) await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  /** A batch given up: kept where a person (and a test) can read and replay it, never only logged. */
  private park(trigger: LocalStreamTrigger, streamArn: string, records: StreamRecord[], attempts: number, reason: string): void {
    const parked: ParkedStreamBatch = { functionId: trigger.functionId, parkedAt: new Date().toISOString(), attempts, reason, streamArn: localStreamArn(streamArn), records };
    appendFileSync(this.deadLettersFile, `${JSON.stringify(parked)}\n`, { mode: 0o600 });
    this.log(`stream batch of ${records.length} record(s) given up by ${trigger.functionId} after ${attempts} attempts: parked in ${this.deadLettersFile}`);
  }

  /** One batch, retried as Lambda retries it: from the first failed record when the function reports item failures. */
  private async deliver(trigger: LocalStreamTrigger, streamArn: string, batch: StreamRecord[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length && !this.stopped; attempt++) {
      const outcome = await this.lambdas.invoke(trigger.functionId, { Records: pending.map((r) => ({ ...r, eventSourceARN: localStreamArn(streamArn) })) });
      if (outcome.ok) {
        const failures = trigger.reportBatchItemFailures ? ((outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | null)?.batchItemFailures ?? []) : [];
        if (!failures.length) return;
        const from = pending.findIndex((r) => failures.some((f) => f.itemIdentifier === r.dynamodb?.SequenceNumber));
        if (from < 0) return;
        pending = pending.slice(from);
      }
      if (attempt >= trigger.maximumRetryAttempts) {
        this.park(trigger, streamArn, pending, attempt + 1, outcome.ok ? 'the function reported the batch\'s records as failed' : 'the function failed');
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2000)));
    }
  }
}

export interface ParkedStreamBatch {
  functionId: string;
  parkedAt: string;
  attempts: number;
  reason: string;
  streamArn: string;
  records: StreamRecord[];
}

const localStreamArn = (arn: string) => arn.replace(/^arn:aws:dynamodb:[^:]*:[^:]*:/, `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:`);

/** Lambda's event filtering for the patterns the platform uses: objects nest, leaves are lists of exact values. */
export function matchesAny(patterns: readonly Record<string, unknown>[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matches(p, record));
}

function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    for (const v of pattern) if (v !== null && typeof v === 'object') throw new Error(`Unsupported filter rule ${JSON.stringify(v)}: exact values only`);
    return pattern.some((v) => v === value);
  }
  if (pattern === null || typeof pattern !== 'object') throw new Error(`Unsupported filter pattern ${JSON.stringify(pattern)}`);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
}
