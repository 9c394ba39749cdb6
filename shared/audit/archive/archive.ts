/**
 * Appends stream-delivered audit events to their chain (shared/audit/archive/chain.ts). Lambda delivers at least
 * once, so every step is safe to repeat:
 * - the chain's head (a table item: last batch number, its hash, the last stream record chained) moves only with a
 *   condition on the number it had, so two writers cannot both extend the chain from the same batch;
 * - events at or before the head's last stream record are chained already: a replay skips them;
 * - a batch object is never overwritten (the put is conditional on there being no object), and a batch written
 *   before a crash kept the head from moving is found on the retry, checked (its link and hash) and adopted.
 */
import { batchKey, GENESIS_HASH, hashOfBatch, parseBatch, sealBatch, serializeBatch, type AuditBatch, type ChainedEvent } from './chain.ts';

export interface ChainHead {
  seq: number;
  hash: string;
  /** The last stream record chained, and its stream: replays at or before it are skipped. */
  stream: string;
  sequenceNumber: string;
}

/** Where chains live: the head in the table, the batches in the archive bucket (storage.ts; a fake in tests). */
export interface ChainStorage {
  head(chain: string): Promise<ChainHead | undefined>;
  /** Moves the head, only if it is still at `expectedSeq` (0: no head yet); otherwise throws ChainHeadMovedError. */
  moveHead(chain: string, next: ChainHead, expectedSeq: number): Promise<void>;
  readBatch(key: string): Promise<string | undefined>;
  /** Writes a new object; refuses (throws) when the key has one already. */
  writeBatch(key: string, body: string): Promise<void>;
}

export class ChainHeadMovedError extends Error {
  override readonly name = 'ChainHeadMovedError';
}

/** The archive holds something at the next batch's key that does not continue the chain: a person must look. */
export class ChainConflictError extends Error {
  override readonly name = 'ChainConflictError';
}

const headOf = (batch: AuditBatch): ChainHead => {
  const last = batch.events[batch.events.length - 1]!;
  return { seq: batch.seq, hash: batch.hash, stream: last.stream, sequenceNumber: last.sequenceNumber };
};

/** Whether the head has chained this event already (same stream, at or before its last record). */
function chainedAlready(head: ChainHead | undefined, event: ChainedEvent): boolean {
  return head !== undefined && head.stream === event.stream && BigInt(event.sequenceNumber) <= BigInt(head.sequenceNumber);
}

export interface AppendResult {
  /** The batch written (absent when every event was chained already). */
  batch?: { key: string; seq: number; events: number };
  /** Events skipped because an earlier delivery chained them. */
  replayed: number;
  /** Batches found written but not yet in the head (a crash between the two writes), now adopted. */
  recovered: number;
}

/** Appends the events (one chain's, in stream order) as the chain's next batch. */
export async function appendToChain(storage: ChainStorage, chain: string, events: readonly ChainedEvent[]): Promise<AppendResult> {
  let head = await storage.head(chain);
  let recovered = 0;
  for (;;) {
    const seq = (head?.seq ?? 0) + 1;
    const key = batchKey(chain, seq);
    const existing = await storage.readBatch(key);
    if (existing === undefined) break;
    const parsed = parseBatch(existing);
    if ('problem' in parsed) throw new ChainConflictError(`${key} is ${parsed.problem}`);
    const { batch } = parsed;
    if (batch.chain !== chain || batch.seq !== seq || batch.previousHash !== (head?.hash ?? GENESIS_HASH) || hashOfBatch(batch) !== batch.hash) {
      throw new ChainConflictError(`${key} does not continue the chain from its head`);
    }
    const next = headOf(batch);
    await storage.moveHead(chain, next, head?.seq ?? 0);
    head = next;
    recovered++;
  }
  const fresh = events.filter((e) => !chainedAlready(head, e));
  if (fresh.length === 0) return { replayed: events.length, recovered };
  const batch = sealBatch({ chain, seq: (head?.seq ?? 0) + 1, previousHash: head?.hash ?? GENESIS_HASH, events: [...fresh] });
  const key = batchKey(chain, batch.seq);
  await storage.writeBatch(key, serializeBatch(batch));
  await storage.moveHead(chain, headOf(batch), head?.seq ?? 0);
  return { batch: { key, seq: batch.seq, events: fresh.length }, replayed: events.length - fresh.length, recovered };
}
