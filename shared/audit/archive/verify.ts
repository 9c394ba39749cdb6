/**
 * Checks an audit chain against itself and against the table (`npm run audit:verify`, docs/audit.md): recomputes
 * every batch's hash and link, and compares the chained events with the audit partition's items. Every problem is a
 * finding that names the chain, the batch key and, where there is one, the event (its keys: ids and a time).
 */
import {
  batchKey,
  canonical,
  chainOfPartition,
  eventName,
  GENESIS_HASH,
  hashOfBatch,
  parseBatch,
  streamOrder,
  type AuditBatch,
  type ChainedEvent,
  type StoredItem,
} from './chain.ts';
import type { ChainHead } from './archive.ts';

export type FindingKind =
  /** An object of the chain that is not a batch of it (unreadable, or another chain's or number's content). */
  | 'malformed'
  /** A batch whose content does not hash to the hash it carries. */
  | 'tampered'
  /** A batch number with no object: a deleted batch. */
  | 'missing-batch'
  /** A batch whose previous hash is not its predecessor's hash: swapped, inserted or re-linked batches. */
  | 'broken-link'
  /** The last batch is not the one the chain's head records: batches added after it, or the last one replaced. */
  | 'head-mismatch'
  /** Events out of stream order along the chain (swapped within or across batches). */
  | 'reordered'
  /** An event chained twice. */
  | 'duplicated'
  /** An event of another partition in this chain. */
  | 'misplaced'
  /** In the table, not in the chain. */
  | 'missing-from-chain'
  /** In the chain, not in the table. */
  | 'missing-from-table'
  /** Same keys, different content in the chain and the table. */
  | 'altered';

export interface Finding {
  kind: FindingKind;
  chain: string;
  batch?: string;
  event?: string;
  detail: string;
}

export interface ChainObject {
  key: string;
  body: string;
}

export interface ChainReport {
  chain: string;
  batches: number;
  events: number;
  tableEvents: number;
  findings: Finding[];
}

const eventKey = (item: StoredItem) => `${item.pk?.S ?? ''}\u0000${item.sk?.S ?? ''}`;

/**
 * Verifies one chain: its objects (any order; keys under the chain's prefix), the audit partition's items, and the
 * chain's head item (undefined when the archive never wrote this chain).
 */
export function verifyChain(chain: string, objects: readonly ChainObject[], tableItems: readonly StoredItem[], head: ChainHead | undefined): ChainReport {
  const findings: Finding[] = [];
  const add = (kind: FindingKind, detail: string, batch?: string, event?: string) => findings.push({ kind, chain, detail, ...(batch ? { batch } : {}), ...(event ? { event } : {}) });

  const bySeq = new Map<number, { key: string; batch: AuditBatch }>();
  for (const object of [...objects].sort((a, b) => a.key.localeCompare(b.key))) {
    const parsed = parseBatch(object.body);
    if ('problem' in parsed) {
      add('malformed', `The object is ${parsed.problem}`, object.key);
      continue;
    }
    const { batch } = parsed;
    if (batch.chain !== chain || batchKey(chain, batch.seq) !== object.key) {
      add('malformed', `The object holds batch ${batch.seq} of chain ${batch.chain}, not the batch its key names`, object.key);
      continue;
    }
    bySeq.set(batch.seq, { key: object.key, batch });
  }

  const last = Math.max(0, head?.seq ?? 0, ...bySeq.keys());
  let previous: AuditBatch | undefined;
  let previousEvent: ChainedEvent | undefined;
  const chained = new Map<string, { event: ChainedEvent; batch: string }>();
  let eventCount = 0;
  for (let seq = 1; seq <= last; seq++) {
    const entry = bySeq.get(seq);
    if (!entry) {
      add('missing-batch', `Batch ${seq} is not in the archive`, batchKey(chain, seq));
      previous = undefined;
      continue;
    }
    const { key, batch } = entry;
    if (hashOfBatch(batch) !== batch.hash) add('tampered', 'The content does not hash to the hash the batch carries', key);
    const expectedPrevious = seq === 1 ? GENESIS_HASH : previous?.hash;
    // After a missing batch the link cannot be checked; the missing batch is the finding.
    if (expectedPrevious !== undefined && batch.previousHash !== expectedPrevious) {
      add('broken-link', seq === 1 ? 'The first batch does not start the chain' : `The batch does not name batch ${seq - 1}'s hash as its predecessor`, key);
    }
    for (const event of batch.events) {
      eventCount++;
      const name = eventName(event.item);
      if (chainOfPartition(event.item.pk?.S ?? '') !== chain) add('misplaced', 'The event is not of this chain\'s partition', key, name);
      if (previousEvent && previousEvent.stream === event.stream && streamOrder(previousEvent, event) >= 0) {
        add('reordered', 'The event comes after a later stream record in the chain', key, name);
      }
      previousEvent = event;
      const id = eventKey(event.item);
      const earlier = chained.get(id);
      if (earlier) add('duplicated', `The event is chained already in ${earlier.batch}`, key, name);
      else chained.set(id, { event, batch: key });
    }
    previous = batch;
  }
  if (head) {
    const tip = bySeq.get(head.seq);
    if (last > head.seq) add('head-mismatch', `Batches after ${head.seq}, the last one the archive recorded, are in the bucket`, batchKey(chain, head.seq + 1));
    else if (tip && tip.batch.hash !== head.hash) add('head-mismatch', 'The last batch is not the one the archive recorded', tip.key);
  } else if (last > 0) {
    add('head-mismatch', 'The archive never recorded this chain, yet it has batches', batchKey(chain, 1));
  }

  const inTable = new Map(tableItems.map((item) => [eventKey(item), item]));
  for (const [id, { event, batch }] of chained) {
    const stored = inTable.get(id);
    if (!stored) add('missing-from-table', 'The chain holds an event the table does not', batch, eventName(event.item));
    else if (canonical(stored) !== canonical(event.item)) add('altered', 'The table\'s item differs from the chained one', batch, eventName(event.item));
  }
  for (const [id, item] of inTable) {
    if (!chained.has(id)) add('missing-from-chain', 'The table holds an event no batch holds', undefined, eventName(item));
  }
  return { chain, batches: bySeq.size, events: eventCount, tableEvents: tableItems.length, findings };
}
