import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToChain, ChainConflictError } from '#shared/audit/archive/archive.ts';
import { batchKey, canonical, GENESIS_HASH, hashOfBatch, parseBatch, PARTNERSHIP_CHAIN, sealBatch, serializeBatch, type AuditBatch, type StoredItem } from '#shared/audit/archive/chain.ts';
import { archiveStreamRecords, chainedEventOf } from '#shared/audit/archive/stream.ts';
import { verifyChain, type FindingKind } from '#shared/audit/archive/verify.ts';
import { auditItem, chainedEvent, MemoryChainStorage, STREAM, streamRecord } from './archive-support.ts';

const J = 'ky-dcbs';

/** A chain of `sizes.length` batches of J's events 1..n, appended as the stream function appends them. */
async function built(sizes: readonly number[]) {
  const storage = new MemoryChainStorage();
  let n = 0;
  for (const size of sizes) {
    const events = Array.from({ length: size }, () => chainedEvent(J, ++n));
    await appendToChain(storage, J, events);
  }
  const table = Array.from({ length: n }, (_, i) => auditItem(J, i + 1));
  return { storage, table };
}

const kinds = (report: ReturnType<typeof verifyChain>) => report.findings.map((f) => f.kind);
const read = (storage: MemoryChainStorage, seq: number) => (parseBatch(storage.objects.get(batchKey(J, seq))!) as { batch: AuditBatch }).batch;
const write = (storage: MemoryChainStorage, batch: AuditBatch) => storage.objects.set(batchKey(J, batch.seq), serializeBatch(batch));
const verify = (storage: MemoryChainStorage, table: StoredItem[]) => verifyChain(J, storage.chainObjects(J), table, storage.heads.get(J));

describe('audit chain: building', () => {
  it('links each batch to the one before, from the genesis hash, and the head records the last', async () => {
    const { storage, table } = await built([3, 1, 2]);
    const batches = [1, 2, 3].map((s) => read(storage, s));
    expect(batches.map((b) => b.events.length)).toEqual([3, 1, 2]);
    expect(batches[0]!.previousHash).toBe(GENESIS_HASH);
    expect(batches[1]!.previousHash).toBe(batches[0]!.hash);
    expect(batches[2]!.previousHash).toBe(batches[1]!.hash);
    for (const b of batches) expect(hashOfBatch(b)).toBe(b.hash);
    expect(storage.heads.get(J)).toMatchObject({ seq: 3, hash: batches[2]!.hash, sequenceNumber: chainedEvent(J, 6).sequenceNumber });
    expect(batchKey(J, 3)).toBe('audit-chain/ky-dcbs/000000000003.json');
    expect(verify(storage, table).findings).toEqual([]);
  });

  it('the hash is over canonical JSON: the same batch with its keys in another order hashes the same', () => {
    const batch = sealBatch({ chain: J, seq: 1, previousHash: GENESIS_HASH, events: [chainedEvent(J, 1)] });
    const reordered = JSON.parse(JSON.stringify({ hash: batch.hash, events: batch.events, previousHash: batch.previousHash, seq: 1, chain: J, format: 1 })) as AuditBatch;
    expect(hashOfBatch(reordered)).toBe(batch.hash);
    expect(canonical({ b: 1, a: [2, { d: 1, c: 0 }] })).toBe('{"a":[2,{"c":0,"d":1}],"b":1}');
  });

  it('a replayed delivery chains nothing twice (same events, or a tail of them with new ones)', async () => {
    const { storage } = await built([3]);
    const again = await appendToChain(storage, J, [chainedEvent(J, 1), chainedEvent(J, 2), chainedEvent(J, 3)]);
    expect(again).toEqual({ replayed: 3, recovered: 0 });
    const overlap = await appendToChain(storage, J, [chainedEvent(J, 3), chainedEvent(J, 4)]);
    expect(overlap).toMatchObject({ batch: { seq: 2, events: 1 }, replayed: 1 });
    expect(verify(storage, [1, 2, 3, 4].map((n) => auditItem(J, n))).findings).toEqual([]);
  });

  it('a crash between the batch\'s put and the head\'s move is recovered on the retry: the batch is adopted, not written again', async () => {
    const { storage } = await built([2]);
    storage.failNextHeadMove = true;
    await expect(appendToChain(storage, J, [chainedEvent(J, 3), chainedEvent(J, 4)])).rejects.toThrow('crash');
    expect(storage.heads.get(J)?.seq).toBe(1);
    const writes = storage.writes;
    // Lambda retries the same records (or, after bisecting, fewer of them).
    expect(await appendToChain(storage, J, [chainedEvent(J, 3)])).toEqual({ replayed: 1, recovered: 1 });
    expect(storage.writes).toBe(writes);
    expect(storage.heads.get(J)?.seq).toBe(2);
    expect(verify(storage, [1, 2, 3, 4].map((n) => auditItem(J, n))).findings).toEqual([]);
  });

  it('refuses to continue from an object at the next number that does not continue the chain', async () => {
    const { storage } = await built([1]);
    write(storage, sealBatch({ chain: J, seq: 2, previousHash: 'f'.repeat(64), events: [chainedEvent(J, 9)] }));
    await expect(appendToChain(storage, J, [chainedEvent(J, 2)])).rejects.toBeInstanceOf(ChainConflictError);
  });
});

describe('audit chain: the stream delivery', () => {
  it('groups records per chain (jurisdictions and the partnership), one batch each', async () => {
    const storage = new MemoryChainStorage();
    const partnership = { stream: STREAM, sequenceNumber: '000000000000000002002', item: { ...auditItem('x', 0), pk: { S: 'PARTNERSHIP#AUDIT' }, kind: { S: 'partnership_audit' } } };
    const records = [chainedEvent(J, 1), chainedEvent('ky', 2), partnership, chainedEvent(J, 3)].map((e) => streamRecord(e));
    const outcome = await archiveStreamRecords(storage, records);
    expect(outcome.response.batchItemFailures).toEqual([]);
    expect(outcome.appended.map((a) => [a.chain, a.result.batch?.events])).toEqual([[J, 2], ['ky', 1], [PARTNERSHIP_CHAIN, 1]]);
  });

  it.each([
    ['a MODIFY', streamRecord(chainedEvent(J, 2), 'MODIFY')],
    ['an audit kind outside an audit partition', streamRecord({ ...chainedEvent(J, 2), item: { ...auditItem(J, 2), pk: { S: `${J}#RECORDS` } } })],
    ['a partnership event in a jurisdiction partition', streamRecord({ ...chainedEvent(J, 2), item: { ...auditItem(J, 2), kind: { S: 'partnership_audit' } } })],
    ['a record without its image', { ...streamRecord(chainedEvent(J, 2)), dynamodb: { SequenceNumber: '1' } }],
  ])('%s is not archivable: reported as the first failure, the records before it archived', async (_name, bad) => {
    const storage = new MemoryChainStorage();
    const records = [streamRecord(chainedEvent(J, 1)), bad, streamRecord(chainedEvent(J, 3))];
    expect('problem' in chainedEventOf(bad)).toBe(true);
    const outcome = await archiveStreamRecords(storage, records);
    expect(outcome.response.batchItemFailures).toEqual([{ itemIdentifier: bad.dynamodb?.SequenceNumber ?? '' }]);
    expect(outcome.failure?.reason).toMatch(/^not archivable/);
    expect(storage.heads.get(J)?.seq).toBe(1);
    expect(read(storage, 1).events.map((e) => e.item.sk)).toEqual([auditItem(J, 1).sk]);
  });

  it("a chain that cannot be appended to fails from its first record; other chains' records are archived and skipped on the retry", async () => {
    const storage = new MemoryChainStorage();
    storage.objects.set(batchKey('ky', 1), serializeBatch(sealBatch({ chain: 'ky', seq: 1, previousHash: 'f'.repeat(64), events: [chainedEvent('ky', 9)] })));
    const records = [chainedEvent(J, 1), chainedEvent('ky', 2), chainedEvent(J, 3)].map((e) => streamRecord(e));
    const outcome = await archiveStreamRecords(storage, records);
    expect(outcome.response.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect(outcome.failure?.reason).toBe('chain ky: ChainConflictError');
    const retry = await archiveStreamRecords(storage, records.slice(1));
    expect(retry.appended.find((a) => a.chain === J)?.result).toEqual({ replayed: 1, recovered: 0 });
  });
});

describe('audit chain: the verifier names every tampering', () => {
  const cases: [string, FindingKind[], (s: MemoryChainStorage, table: StoredItem[]) => void][] = [
    ['an edited event (hash left as it was)', ['tampered', 'altered'], (s) => {
      const b = read(s, 2);
      b.events[0]!.item.action = { S: 'record.read' };
      write(s, b);
    }],
    ['an edited event, rehashed', ['broken-link', 'altered'], (s) => {
      const b = read(s, 2);
      b.events[0]!.item.action = { S: 'record.read' };
      write(s, sealBatch(b));
    }],
    ['a dropped event (rehashed)', ['broken-link', 'missing-from-chain'], (s) => {
      const b = read(s, 2);
      write(s, sealBatch({ ...b, events: b.events.slice(1) }));
    }],
    ['two events swapped (rehashed)', ['broken-link', 'reordered'], (s) => {
      const b = read(s, 1);
      write(s, sealBatch({ ...b, events: [b.events[1]!, b.events[0]!, ...b.events.slice(2)] }));
    }],
    ['a changed previous hash', ['tampered', 'broken-link'], (s) => {
      const b = read(s, 3);
      write(s, { ...b, previousHash: 'a'.repeat(64) });
    }],
    ['a changed previous hash, rehashed', ['broken-link', 'broken-link'], (s) => {
      const b = read(s, 2);
      write(s, sealBatch({ ...b, previousHash: 'a'.repeat(64) }));
    }],
    ['a deleted batch', ['missing-batch', 'missing-from-chain', 'missing-from-chain'], (s) => {
      s.objects.delete(batchKey(J, 2));
    }],
    ['the last batch deleted', ['missing-batch', 'missing-from-chain'], (s) => {
      s.objects.delete(batchKey(J, 3));
    }],
    ['a batch inserted at the end, well linked', ['head-mismatch', 'missing-from-table'], (s) => {
      write(s, sealBatch({ chain: J, seq: 4, previousHash: read(s, 3).hash, events: [chainedEvent(J, 99)] }));
    }],
    // Renumbering changes what the moved batches hash; the inserted event is out of stream order.
    ['a batch inserted in the middle (the later ones renumbered)', ['broken-link', 'head-mismatch', 'missing-from-table', 'tampered', 'tampered', 'reordered'], (s) => {
      const [b2, b3] = [read(s, 2), read(s, 3)];
      write(s, sealBatch({ chain: J, seq: 2, previousHash: read(s, 1).hash, events: [chainedEvent(J, 99)] }));
      write(s, { ...b2, seq: 3 });
      write(s, { ...b3, seq: 4 });
    }],
    ['two batches swapped', ['broken-link', 'broken-link', 'reordered', 'head-mismatch', 'tampered', 'tampered'], (s) => {
      const [b2, b3] = [read(s, 2), read(s, 3)];
      write(s, { ...b3, seq: 2 });
      write(s, { ...b2, seq: 3 });
    }],
    ['an event deleted from the table', ['missing-from-table'], (_s, table) => {
      table.splice(1, 1);
    }],
    ['an event edited in the table', ['altered'], (_s, table) => {
      table[4] = { ...table[4]!, requestId: { S: 'other' } };
    }],
    ['an event added to the table behind the stream', ['missing-from-chain'], (_s, table) => {
      table.push(auditItem(J, 50));
    }],
    ['an event chained twice', ['tampered', 'duplicated', 'reordered'], (s) => {
      const b = read(s, 3);
      write(s, { ...b, events: [...b.events, read(s, 1).events[0]!] });
    }],
    ['an object that is not JSON', ['malformed', 'missing-batch', 'missing-from-chain'], (s) => {
      s.objects.set(batchKey(J, 3), 'not json');
    }],
  ];

  it.each(cases)('%s', async (_name, expected, tamper) => {
    const { storage, table } = await built([3, 2, 1]);
    tamper(storage, table);
    const report = verify(storage, table);
    expect(kinds(report).sort()).toEqual([...expected].sort());
    for (const f of report.findings) {
      expect(f.chain).toBe(J);
      expect(f.batch ?? f.event, `${f.kind} names a batch or an event`).toBeTruthy();
    }
  });

  it('names the batch and the event', async () => {
    const { storage, table } = await built([3, 2, 1]);
    const b = read(storage, 2);
    b.events[1]!.item.action = { S: 'record.read' };
    write(storage, b);
    const altered = verify(storage, table).findings.find((f) => f.kind === 'altered');
    expect(altered).toMatchObject({ batch: batchKey(J, 2), event: `${J}#AUDIT ${auditItem(J, 5).sk!.S}` });
  });

  it('events in the table with no chain at all are all missing from it', () => {
    const report = verifyChain(J, [], [auditItem(J, 1), auditItem(J, 2)], undefined);
    expect(kinds(report)).toEqual(['missing-from-chain', 'missing-from-chain']);
  });
});

describe('audit chain: properties', () => {
  const sizes = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 });

  it('a chain built from any sequence of deliveries, with replays, verifies clean', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, fc.array(fc.nat(), { maxLength: 4 }), async (batchSizes, replays) => {
        const storage = new MemoryChainStorage();
        let n = 0;
        for (const size of batchSizes) {
          const events = Array.from({ length: size }, () => chainedEvent(J, ++n));
          await appendToChain(storage, J, events);
          // A replay of some earlier record range changes nothing.
          for (const r of replays) await appendToChain(storage, J, [chainedEvent(J, 1 + (r % n))]);
        }
        const report = verify(storage, Array.from({ length: n }, (_, i) => auditItem(J, i + 1)));
        return report.findings.length === 0 && report.events === n;
      }),
      { numRuns: 100 },
    );
  });

  type Tamper = { kind: 'edit' | 'drop' | 'swap' | 'relink' | 'delete' | 'insert' | 'table-delete' | 'table-edit'; at: number; rehash: boolean };
  const tamper: fc.Arbitrary<Tamper> = fc.record({
    kind: fc.constantFrom('edit', 'drop', 'swap', 'relink', 'delete', 'insert', 'table-delete', 'table-edit'),
    at: fc.nat(),
    rehash: fc.boolean(),
  });

  it('any single tampering of the chain or the table is found', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, tamper, async (batchSizes, t) => {
        const { storage, table } = await built(batchSizes);
        const seq = 1 + (t.at % batchSizes.length);
        const batch = read(storage, seq);
        const reseal = (b: AuditBatch) => (t.rehash ? sealBatch(b) : b);
        const i = t.at % batch.events.length;
        switch (t.kind) {
          case 'edit':
            batch.events[i]!.item.requestId = { S: 'forged' };
            write(storage, reseal(batch));
            break;
          case 'drop':
            write(storage, reseal({ ...batch, events: batch.events.filter((_, k) => k !== i) }));
            break;
          case 'swap': {
            if (batch.events.length < 2) return true;
            const events = [...batch.events];
            [events[i], events[(i + 1) % events.length]] = [events[(i + 1) % events.length]!, events[i]!];
            write(storage, reseal({ ...batch, events }));
            break;
          }
          case 'relink':
            write(storage, reseal({ ...batch, previousHash: 'b'.repeat(64) }));
            break;
          case 'delete':
            storage.objects.delete(batchKey(J, seq));
            break;
          case 'insert':
            write(storage, sealBatch({ chain: J, seq: batchSizes.length + 1, previousHash: read(storage, batchSizes.length).hash, events: [chainedEvent(J, 999)] }));
            break;
          case 'table-delete':
            table.splice(t.at % table.length, 1);
            break;
          case 'table-edit':
            table[t.at % table.length] = { ...table[t.at % table.length]!, action: { S: 'record.read' } };
            break;
        }
        const report = verify(storage, table);
        return report.findings.length > 0 && report.findings.every((f) => f.chain === J && Boolean(f.batch ?? f.event));
      }),
      { numRuns: 300 },
    );
  });
});
