/**
 * The audit archive's hash chains (docs/audit.md): every audit event, as the table's stream delivered it, is copied to
 * the Object Lock bucket in numbered batches, one chain per jurisdiction and one for the partnership's own events.
 * Each batch names the hash of the batch before it, so a changed, dropped, swapped or inserted batch breaks the chain.
 *
 *   audit-chain/<chain>/<seq, 12 digits>.json  { format, chain, seq, previousHash, events: [{ stream, sequenceNumber, item }], hash }
 *
 * `item` is the audit item exactly as stored (DynamoDB attribute values, the stream's NewImage), so the verifier
 * compares it with the table without any conversion in between. `hash` is SHA-256 (hex) of the RFC 8785 canonical
 * JSON of every other field: the `canonicalize` package, so the bytes hashed do not depend on key order or spacing.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import canonicalize from 'canonicalize';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { jurisdictionIdSchema, keys, partitions } from '#shared/storage/keys.ts';

export const CHAIN_PREFIX = 'audit-chain/';
/** The partnership's chain: uppercase, so no jurisdiction id (lowercase) can be it. */
export const PARTNERSHIP_CHAIN = 'PARTNERSHIP';
/** What the first batch of a chain names as its predecessor. */
export const GENESIS_HASH = '0'.repeat(64);
const FORMAT = 1;

export type StoredItem = Record<string, AttributeValue>;

export interface ChainedEvent {
  /** The stream the event came from (its ARN): sequence numbers are ordered within one stream. */
  stream: string;
  /** The stream record's sequence number: the order DynamoDB committed the events in. */
  sequenceNumber: string;
  item: StoredItem;
}

export interface AuditBatch {
  format: typeof FORMAT;
  chain: string;
  seq: number;
  previousHash: string;
  events: ChainedEvent[];
  hash: string;
}

const hexHash = z.lazy(() => z.string().check(z.regex(/^[0-9a-f]{64}$/)));
const batchSchema = z.lazy(() => z.object({
  format: z.literal(FORMAT),
  chain: z.string().check(z.minLength(1)),
  seq: z.number().check(z.int(), z.minimum(1)),
  previousHash: hexHash,
  events: z.array(z.object({
    stream: z.string(),
    sequenceNumber: z.string().check(z.regex(/^\d+$/)),
    item: z.record(z.string(), z.any()),
  })).check(z.minLength(1)),
  hash: hexHash,
}));

/** The object key of a chain's batch: zero-padded, so that listing the prefix lists the chain in order. */
export function batchKey(chain: string, seq: number): string {
  return `${CHAIN_PREFIX}${chain}/${String(seq).padStart(12, '0')}.json`;
}

export function chainPrefix(chain: string): string {
  return `${CHAIN_PREFIX}${chain}/`;
}

/** The chain an audit partition's events belong to, or undefined for any other partition key. */
export function chainOfPartition(pk: string): string | undefined {
  if (pk === keys.partnershipAuditPartition) return PARTNERSHIP_CHAIN;
  const suffix = `#${partitions.audit}`;
  if (!pk.endsWith(suffix)) return undefined;
  const jurisdictionId = pk.slice(0, -suffix.length);
  return jurisdictionIdSchema.safeParse(jurisdictionId).success ? jurisdictionId : undefined;
}

/** The partition key of a chain's events in the table. */
export function partitionOfChain(chain: string): string {
  return chain === PARTNERSHIP_CHAIN ? keys.partnershipAuditPartition : keys.owned(chain, partitions.audit);
}

/** How an event is named in findings: its partition and sort key (ids and a time, never content). */
export function eventName(item: StoredItem): string {
  return `${item.pk?.S ?? '?'} ${item.sk?.S ?? '?'}`;
}

export function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('Not serializable as canonical JSON');
  return text;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash a batch must carry: over everything but the hash itself. */
export function hashOfBatch(batch: Omit<AuditBatch, 'hash'>): string {
  const { format, chain, seq, previousHash, events } = batch;
  return sha256Hex(canonical({ format, chain, seq, previousHash, events }));
}

export function sealBatch(fields: { chain: string; seq: number; previousHash: string; events: ChainedEvent[] }): AuditBatch {
  const unsealed = { format: FORMAT, ...fields } as const;
  return { ...unsealed, hash: hashOfBatch(unsealed) };
}

/** The object's bytes: canonical JSON too, so the stored object is exactly what was hashed plus the hash. */
export function serializeBatch(batch: AuditBatch): string {
  return canonical(batch);
}

/** A batch object's content, or a reason it is not one. */
export function parseBatch(text: string): { batch: AuditBatch } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = batchSchema.safeParse(json);
  if (!parsed.success) return { problem: `not an audit batch (${parsed.error.issues.map((i) => i.path.join('.') || 'batch').join(', ')})` };
  return { batch: parsed.data as AuditBatch };
}

/** Stream order: sequence numbers are decimal strings of up to 40 digits. */
export function streamOrder(a: ChainedEvent, b: ChainedEvent): number {
  const x = BigInt(a.sequenceNumber);
  const y = BigInt(b.sequenceNumber);
  return x < y ? -1 : x > y ? 1 : 0;
}
