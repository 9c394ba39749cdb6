import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { ownerOfPk, pkBelongsTo, scopedBuilders, scopedTable, ScopeViolationError, type ScopedTransactItem } from '#shared/storage/scoped-table.ts';
import { suffix, twoJurisdictions } from './arbitraries.ts';

const TABLE = 'Table';

/** Every pk anywhere in a built SDK input (keys, items, start keys, key-condition values, transaction items). */
function pksIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => pksIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'pk' || k === ':pk') && typeof v === 'string') out.push(v);
      pksIn(v, out);
    }
  }
  return out;
}

describe('pkBelongsTo', () => {
  it('takes the id itself or the id followed by #, nothing else', () => {
    expect(pkBelongsTo('ky', 'ky')).toBe(true);
    expect(pkBelongsTo('ky', 'ky#RECORDS')).toBe(true);
    expect(pkBelongsTo('ky', 'ky-dcbs')).toBe(false);
    expect(pkBelongsTo('ky', 'ky-dcbs#RECORDS')).toBe(false);
    expect(pkBelongsTo('ky-dcbs', 'ky#RECORDS')).toBe(false);
    expect(pkBelongsTo('ky', 'kyx#A')).toBe(false);
    expect(pkBelongsTo('ky', 'k')).toBe(false);
    expect(pkBelongsTo('ky', undefined)).toBe(false);
    expect(ownerOfPk('ky-dcbs#AUDIT')).toBe('ky-dcbs');
  });
});

describe('the scoped builders', () => {
  it("never produce a pk of another jurisdiction, whatever suffixes and keys are passed (property)", () => {
    fc.assert(
      fc.property(
        twoJurisdictions.chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), suffix(b), suffix(b), fc.string({ minLength: 1, maxLength: 20 }))),
        ([a, b, part, sk, text]) => {
          const { build } = scopedBuilders(TABLE, a);
          const attempts: (() => unknown)[] = [
            () => build.get({ partition: part, sk }),
            () => build.get({ sk }),
            () => build.put({ key: { partition: part, sk }, attributes: { text, gsi1pk: `${b}#X` } }),
            () => build.update({ key: { partition: part, sk }, update: { expression: 'SET #t = :t', names: { '#t': 'text' }, values: { ':t': text } } }),
            () => build.query({ partition: part, sk: { beginsWith: sk }, forward: false, limit: 5 }),
            () => build.query({ partition: part, startKey: { pk: `${b}#${part}`, sk } }),
            () => build.query({ startKey: { pk: b, sk } }),
            () => build.put({ key: { partition: part, sk }, attributes: { pk: `${b}#${part}` } }),
            () => build.put({ key: { partition: part, sk }, attributes: { jurisdictionId: b } }),
            () =>
              build.transactWrite([
                { put: { key: { partition: part, sk }, attributes: { text } } },
                { conditionCheck: { key: { partition: part, sk: `${sk}2` }, condition: { expression: 'attribute_exists(pk)' } } },
                { update: { key: { partition: part, sk: `${sk}3` }, update: { expression: 'SET #t = :t', names: { '#t': 'text' }, values: { ':t': 1 } } } },
              ]),
          ];
          // These carry b's key or owner outright: refused, not silently rewritten.
          for (const i of [5, 6, 7, 8]) expect(attempts[i]!).toThrow(ScopeViolationError);
          for (const attempt of attempts) {
            let built: unknown;
            try {
              built = attempt();
            } catch (e) {
              expect(e).toBeInstanceOf(ScopeViolationError);
              continue;
            }
            const pks = pksIn(built);
            expect(pks.length).toBeGreaterThan(0);
            for (const pk of pks) {
              expect(pkBelongsTo(a, pk), pk).toBe(true);
              expect(pkBelongsTo(b, pk), pk).toBe(false);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the guard refuses any raw input that carries another jurisdiction's pk (property)", () => {
    fc.assert(
      fc.property(
        twoJurisdictions.chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), fc.oneof(fc.constant(b), suffix(b).map((s) => `${b}#${s}`)))),
        ([a, , foreign]) => {
          const { guard } = scopedBuilders(TABLE, a);
          const refuses = (run: () => void) => expect(run).toThrow(ScopeViolationError);
          refuses(() => guard('get', { TableName: TABLE, Key: { pk: foreign, sk: 'X' } }));
          refuses(() => guard('put', { TableName: TABLE, Item: { pk: foreign, sk: 'X' } }));
          refuses(() => guard('update', { TableName: TABLE, Key: { pk: foreign, sk: 'X' }, UpdateExpression: 'SET a = :a' }));
          refuses(() =>
            guard('query', { TableName: TABLE, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':pk': foreign } }),
          );
          refuses(() =>
            guard('query', {
              TableName: TABLE,
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: { '#pk': 'pk' },
              ExpressionAttributeValues: { ':pk': `${a}#RECORDS` },
              ExclusiveStartKey: { pk: foreign, sk: 'X' },
            }),
          );
          for (const t of [
            { Put: { TableName: TABLE, Item: { pk: foreign, sk: 'X' } } },
            { Update: { TableName: TABLE, Key: { pk: foreign, sk: 'X' }, UpdateExpression: 'SET a = :a' } },
            { ConditionCheck: { TableName: TABLE, Key: { pk: foreign, sk: 'X' }, ConditionExpression: 'attribute_exists(pk)' } },
          ]) {
            refuses(() => guard('transactWrite', { TransactItems: [{ Put: { TableName: TABLE, Item: { pk: a, sk: 'ok' } } }, t] }));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses conditions and filters that compare pk, and updates of pk', () => {
    const { build } = scopedBuilders(TABLE, 'ky');
    const key = { partition: 'RECORDS', sk: 'REC#1' };
    expect(() => build.put({ key, attributes: {}, condition: { expression: 'pk = :other', values: { ':other': 'ky-dcbs#RECORDS' } } })).toThrow(ScopeViolationError);
    expect(() => build.put({ key, attributes: {}, condition: { expression: '#k = :o', names: { '#k': 'pk' }, values: { ':o': 'x' } } })).toThrow(ScopeViolationError);
    expect(() => build.put({ key, attributes: {}, condition: { expression: 'begins_with(pk, :o)', values: { ':o': 'ky-dcbs' } } })).toThrow(ScopeViolationError);
    expect(() => build.query({ partition: 'RECORDS', filter: { expression: 'pk <> :o', values: { ':o': 'x' } } })).toThrow(ScopeViolationError);
    expect(() => build.update({ key, update: { expression: 'SET #k = :v', names: { '#k': 'pk' }, values: { ':v': 'x' } } })).toThrow(ScopeViolationError);
    expect(() => build.update({ key, update: { expression: 'SET jurisdictionId = :v', values: { ':v': 'ky-dcbs' } } })).toThrow(ScopeViolationError);
    // Existence tests are fine, and a value or nested path named like pk is not the key.
    expect(() => build.put({ key, attributes: {}, condition: { expression: 'attribute_not_exists(pk)' } })).not.toThrow();
    expect(() => build.put({ key, attributes: {}, condition: { expression: 'attribute_exists(#k) AND a.pk = :pk2', names: { '#k': 'pk' }, values: { ':pk2': 1 } } })).not.toThrow();
  });

  it('refuses index queries, other tables, empty suffixes, key attributes and unknown transaction items', () => {
    const { build, guard } = scopedBuilders(TABLE, 'ky');
    expect(() => guard('query', { TableName: TABLE, IndexName: 'gsi1', KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':pk': 'ky' } })).toThrow(ScopeViolationError);
    expect(() => guard('get', { TableName: 'Other', Key: { pk: 'ky', sk: 'X' } })).toThrow(ScopeViolationError);
    expect(() => guard('query', { TableName: TABLE, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'ky' } })).toThrow(ScopeViolationError);
    expect(() => guard('transactWrite', { TransactItems: [{ Delete: { TableName: TABLE, Key: { pk: 'ky', sk: 'X' } } }] })).toThrow(ScopeViolationError);
    expect(() => build.get({ partition: '', sk: 'X' })).toThrow(ScopeViolationError);
    expect(() => build.get({ partition: 'A', sk: '' })).toThrow(ScopeViolationError);
    expect(() => build.put({ key: { sk: 'X' }, attributes: { sk: 'Y' } })).toThrow(ScopeViolationError);
    expect(() => build.transactWrite([{ delete: {} } as unknown as ScopedTransactItem])).toThrow(ScopeViolationError);
    expect(() => build.transactWrite([])).toThrow(ScopeViolationError);
    expect(() => scopedBuilders(TABLE, 'KY#x')).toThrow();
  });

  it('builds pk = <id>#<suffix>, or exactly the id without a suffix', () => {
    const { build } = scopedBuilders(TABLE, 'ky-dcbs');
    expect(build.get({ partition: 'RECORDS', sk: 'REC#1' }).Key).toEqual({ pk: 'ky-dcbs#RECORDS', sk: 'REC#1' });
    expect(build.get({ sk: 'PROFILE' }).Key).toEqual({ pk: 'ky-dcbs', sk: 'PROFILE' });
    const q = build.query({ partition: 'AUDIT', sk: { between: ['a', 'b'] }, forward: false, attributes: ['status'] });
    expect(q.KeyConditionExpression).toBe('#pk = :pk AND #sk BETWEEN :sk AND :sk2');
    expect(q.ExpressionAttributeValues).toEqual({ ':pk': 'ky-dcbs#AUDIT', ':sk': 'a', ':sk2': 'b' });
    expect(q.ProjectionExpression).toBe('#p0, #p1, #p2');
    expect(q.IndexName).toBeUndefined();
  });
});

describe('scopedTable', () => {
  const docClient = (marshallOptions = STORAGE_MARSHALL_OPTIONS) =>
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), {
      marshallOptions,
      unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS,
    });

  it('refuses a document client whose conversions differ from the storage codec', () => {
    expect(() => scopedTable(docClient({ removeUndefinedValues: false }), TABLE, 'ky')).toThrow(/STORAGE_MARSHALL_OPTIONS/);
    expect(() => scopedTable(docClient(), TABLE, 'ky')).not.toThrow();
  });

  it('sends only guarded commands, asks for consumed capacity when told to, and offers no scan or delete', async () => {
    const client = docClient();
    const send = vi.spyOn(client, 'send').mockResolvedValue({ ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 4 }] } as never);
    const seen: [string, number][] = [];
    const table = scopedTable(client, TABLE, 'ky', { onConsumedCapacity: (op, c) => seen.push([op, c[0]!.CapacityUnits!]) });
    await table.transactWrite([{ put: { key: { partition: 'RECORDS', sk: 'REC#1' }, attributes: { a: 1 } } }]);
    const command = send.mock.calls[0]![0] as { input: Record<string, unknown> };
    expect(command.input.ReturnConsumedCapacity).toBe('TOTAL');
    expect(pksIn(command.input)).toEqual(['ky#RECORDS']);
    expect(seen).toEqual([['TransactWriteItems', 4]]);
    expect(Object.keys(table).sort()).toEqual(['get', 'jurisdictionId', 'owns', 'pk', 'put', 'query', 'tableName', 'transactWrite', 'update']);
    await expect(table.get({ partition: 'RECORDS', sk: '' })).rejects.toThrow(ScopeViolationError);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
