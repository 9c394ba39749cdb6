import type { DynamoDBRecord } from 'aws-lambda';
import { ChainConflictError, ChainHeadMovedError, type ChainHead, type ChainStorage } from '#shared/audit/archive/archive.ts';
import type { ChainedEvent, StoredItem } from '#shared/audit/archive/chain.ts';

export const STREAM = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000';

/** An audit item as auditPut stores it (attribute values), for a jurisdiction and a number. */
export function auditItem(jurisdictionId: string, n: number, extra: StoredItem = {}): StoredItem {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
  const eventId = `01J${String(n).padStart(10, '0')}`;
  return {
    pk: { S: `${jurisdictionId}#AUDIT` },
    sk: { S: `${at}#${eventId}` },
    kind: { S: 'audit' },
    eventId: { S: eventId },
    at: { S: at },
    action: { S: 'record.saved' },
    actor: { M: { subject: { S: 'sub-1' }, role: { S: 'submitter' }, jurisdictionId: { S: jurisdictionId } } },
    requestId: { S: `req-${n}` },
    recordVersion: { N: String(n) },
    changedFields: { L: [{ S: 'a' }, { S: 'b' }] },
    ...extra,
  };
}

export function chainedEvent(jurisdictionId: string, n: number): ChainedEvent {
  return { stream: STREAM, sequenceNumber: String(1000 + n).padStart(21, '0'), item: auditItem(jurisdictionId, n) };
}

export function streamRecord(event: ChainedEvent, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT'): DynamoDBRecord {
  return {
    eventName,
    eventSourceARN: event.stream,
    dynamodb: { SequenceNumber: event.sequenceNumber, NewImage: event.item as never, Keys: { pk: event.item.pk, sk: event.item.sk } as never },
  };
}

/** Chain storage in memory, as AWS behaves: a conditional head, objects that are never overwritten. */
export class MemoryChainStorage implements ChainStorage {
  readonly heads = new Map<string, ChainHead>();
  readonly objects = new Map<string, string>();
  /** Fails the next head move once (a crash between the object's put and the head's). */
  failNextHeadMove = false;
  writes = 0;

  async head(chain: string) {
    const h = this.heads.get(chain);
    return h ? { ...h } : undefined;
  }

  async moveHead(chain: string, next: ChainHead, expectedSeq: number) {
    if (this.failNextHeadMove) {
      this.failNextHeadMove = false;
      throw new Error('crash');
    }
    if ((this.heads.get(chain)?.seq ?? 0) !== expectedSeq) throw new ChainHeadMovedError(chain);
    this.heads.set(chain, { ...next });
  }

  async readBatch(key: string) {
    return this.objects.get(key);
  }

  async writeBatch(key: string, body: string) {
    if (this.objects.has(key)) throw new ChainConflictError(key);
    this.writes++;
    this.objects.set(key, body);
  }

  /** The objects under a chain's prefix, as the verifier reads them. */
  chainObjects(chain: string) {
    return [...this.objects].filter(([k]) => k.startsWith(`audit-chain/${chain}/`)).map(([key, body]) => ({ key, body }));
  }
}
