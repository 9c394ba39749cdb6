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

  it('puts an audit event only as a new item, and never updates one, in or outside a transaction', () => {
    const { build, guard } = scopedBuilders(TABLE, 'ky');
    const key = { partition: 'AUDIT', sk: '2026-01-01T00:00:00.000Z#01J' };
    expect(() => build.put({ key, attributes: { kind: 'audit' } })).toThrow(/an audit event is put only as a new item/);
    expect(() => build.put({ key, attributes: {}, condition: { expression: 'attribute_exists(pk) OR attribute_not_exists(pk)' } })).toThrow(ScopeViolationError);
    expect(() => build.put({ key, attributes: {}, condition: { expression: 'attribute_not_exists(pk)' } })).not.toThrow();
    expect(() => build.update({ key, update: { expression: 'SET #a = :a', names: { '#a': 'action' }, values: { ':a': 'record.read' } } })).toThrow(/audit events are never updated/);
    const put = { TableName: TABLE, Item: { pk: 'ky#AUDIT', sk: key.sk } };
    expect(() => guard('transactWrite', { TransactItems: [{ Put: put }] })).toThrow(ScopeViolationError);
    expect(() => guard('transactWrite', { TransactItems: [{ Put: { ...put, ConditionExpression: 'attribute_not_exists(pk)' } }] })).not.toThrow();
    // Other partitions keep their own conditions (or none).
    expect(() => build.put({ key: { partition: 'RECORDS', sk: 'REC#1' }, attributes: {} })).not.toThrow();
  });

  it('refuses index queries, other tables, empty suffixes, key attributes and unknown transaction items', () => {
    const { build, guard } = scopedBuilders(TABLE, 'ky');
    expect(() => guard('query', { TableName: TABLE, IndexName: 'gsi1', KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':pk': 'ky' } })).toThrow(ScopeViolationError);
    expect(() => guard('get', { TableName: 'Other', Key: { pk: 'ky', sk: 'X' } })).toThrow(ScopeViolationError);
    expect(() => guard('query', { TableName: TABLE, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'ky' } })).toThrow(ScopeViolationError);
    // Deletes: only in a survey wave's staff list of this jurisdiction (as IAM allows).
    expect(() => guard('transactWrite', { TransactItems: [{ Delete: { TableName: TABLE, Key: { pk: 'ky', sk: 'X' } } }] })).toThrow(/deletes are for survey staff lists only/);
    expect(() => guard('transactWrite', { TransactItems: [{ Delete: { TableName: TABLE, Key: { pk: 'ky#RECORDS', sk: 'REC#1' } } }] })).toThrow(/deletes are for survey staff lists only/);
    expect(() => guard('delete', { TableName: TABLE, Key: { pk: 'ky#SURVEY#01JABC#STAFF#X', sk: 'INVITE#d' } })).toThrow(/deletes are for survey staff lists only/);
    expect(() => guard('delete', { TableName: TABLE, Key: { pk: 'oh#SURVEY#01JABC#STAFF', sk: 'INVITE#d' } })).toThrow(ScopeViolationError);
    expect(() => guard('delete', { TableName: TABLE, Key: { pk: 'ky#SURVEY#01JABC#STAFF', sk: 'INVITE#d' } })).not.toThrow();
    expect(() => guard('transactWrite', { TransactItems: [{ Delete: { TableName: TABLE, Key: { pk: 'ky#SURVEY#01JABC#STAFF', sk: 'INVITE#d' } } }] })).not.toThrow();
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

  it('sends only guarded commands, asks for consumed capacity when told to, and offers no scan (deletes: staff lists only)', async () => {
    const client = docClient();
    const send = vi.spyOn(client, 'send').mockResolvedValue({ ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 4 }] } as never);
    const seen: [string, number][] = [];
    const table = scopedTable(client, TABLE, 'ky', { onConsumedCapacity: (op, c) => seen.push([op, c[0]!.CapacityUnits!]) });
    await table.transactWrite([{ put: { key: { partition: 'RECORDS', sk: 'REC#1' }, attributes: { a: 1 } } }]);
    const command = send.mock.calls[0]![0] as { input: Record<string, unknown> };
    expect(command.input.ReturnConsumedCapacity).toBe('TOTAL');
    expect(pksIn(command.input)).toEqual(['ky#RECORDS']);
    expect(seen).toEqual([['TransactWriteItems', 4]]);
    expect(Object.keys(table).sort()).toEqual(['delete', 'get', 'jurisdictionId', 'owns', 'pk', 'put', 'query', 'tableName', 'transactWrite', 'update']);
    await expect(table.delete({ key: { partition: 'RECORDS', sk: 'REC#1' } })).rejects.toThrow(/deletes are for survey staff lists only/);
    await expect(table.get({ partition: 'RECORDS', sk: '' })).rejects.toThrow(ScopeViolationError);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('the scoped builders at their edges', () => {
  const { build, guard } = scopedBuilders(TABLE, 'ky');
  const key = { partition: 'RECORDS', sk: 'REC#1' };
  const refused = (run: () => unknown, what: RegExp) => {
    expect(run).toThrow(ScopeViolationError);
    expect(run).toThrow(what);
  };
  const query = (extra: Record<string, unknown> = {}) => ({
    TableName: TABLE,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': 'pk' },
    ExpressionAttributeValues: { ':pk': 'ky#RECORDS' },
    ...extra,
  });

  it('says what was refused and for which jurisdiction', () => {
    expect(() => build.get({ partition: 'A', sk: '' })).toThrow('Refused: a key needs a non-empty sk (handle of jurisdiction "ky")');
  });

  it('takes partition suffixes of 1 to 512 characters, and only strings', () => {
    expect(build.pk('x'.repeat(512))).toBe(`ky#${'x'.repeat(512)}`);
    expect(build.pk('A')).toBe('ky#A');
    expect(build.pk()).toBe('ky');
    refused(() => build.pk('x'.repeat(513)), /a partition suffix must be a non-empty string/);
    refused(() => build.pk(''), /partition suffix/);
    refused(() => build.pk(7 as unknown as string), /partition suffix/);
    refused(() => build.key({ sk: 5 } as unknown as { sk: string }), /non-empty sk/);
    expect(build.key({ sk: 'S' })).toEqual({ pk: 'ky', sk: 'S' });
  });

  it("accepts an owner attribute of its own jurisdiction and refuses pk, sk and another's", () => {
    expect(build.put({ key, attributes: { jurisdictionId: 'ky', a: 1 } }).Item).toEqual({ jurisdictionId: 'ky', a: 1, pk: 'ky#RECORDS', sk: 'REC#1' });
    refused(() => build.put({ key, attributes: { pk: 'ky#RECORDS' } }), /attributes may not set "pk"/);
    refused(() => build.put({ key, attributes: { sk: 'Y' } }), /attributes may not set "sk"/);
    refused(() => build.put({ key, attributes: { jurisdictionId: 'ky-dcbs' } }), /jurisdictionId attribute of another jurisdiction/);
    // The raw guard checks the owner attribute too.
    refused(() => guard('put', { TableName: TABLE, Item: { pk: 'ky#R', sk: 'X', jurisdictionId: 'oh' } }), /jurisdictionId attribute of another jurisdiction/);
    expect(() => guard('put', { TableName: TABLE, Item: { pk: 'ky#R', sk: 'X', jurisdictionId: 'ky' } })).not.toThrow();
    refused(() => guard('put', { TableName: TABLE, Item: { pk: 'ky#R', sk: 1 } }), /the item has no sk/);
    refused(() => guard('put', { TableName: TABLE }), /the item is missing/);
    refused(() => guard('get', { TableName: TABLE, Key: null }), /the key is missing/);
  });

  it('merges update and condition placeholders, refusing one placeholder with two meanings', () => {
    const merged = build.update({
      key,
      update: { expression: 'SET #s = :s', names: { '#s': 'status' }, values: { ':s': 'approved' } },
      condition: { expression: '#s = :was AND #v = :v', names: { '#s': 'status', '#v': 'version' }, values: { ':was': 'in_review', ':v': 3 } },
    });
    expect(merged.ExpressionAttributeNames).toEqual({ '#s': 'status', '#v': 'version' });
    expect(merged.ExpressionAttributeValues).toEqual({ ':s': 'approved', ':was': 'in_review', ':v': 3 });
    expect(merged.ConditionExpression).toBe('#s = :was AND #v = :v');
    const bare = build.update({ key, update: { expression: 'REMOVE draft' } });
    expect(bare.ExpressionAttributeNames).toBeUndefined();
    expect(bare.ExpressionAttributeValues).toBeUndefined();
    expect(bare.UpdateExpression).toBe('REMOVE draft');
    refused(
      () => build.update({ key, update: { expression: 'SET #s = :s', names: { '#s': 'status' }, values: { ':s': 1 } }, condition: { expression: '#s = :s', names: { '#s': 'pk' } } }),
      /placeholder #s means two different names/,
    );
    // The same placeholder with the same meaning on both sides is one placeholder.
    expect(build.update({ key, update: { expression: 'SET a = :s', values: { ':s': 1 } }, condition: { expression: 'b = :s', values: { ':s': 1 } } }).ExpressionAttributeValues).toEqual({ ':s': 1 });
    refused(
      () => build.update({ key, update: { expression: 'SET a = :s', values: { ':s': 1 } }, condition: { expression: 'b = :s', values: { ':s': 2 } } }),
      /placeholder :s has two different values/,
    );
  });

  it('refuses updates that name pk or jurisdictionId, in the expression or through a placeholder', () => {
    refused(() => build.update({ key, update: { expression: 'SET pk = :v', values: { ':v': 'x' } } }), /an update may not touch pk or jurisdictionId/);
    refused(() => build.update({ key, update: { expression: 'SET #j = :v', names: { '#j': 'jurisdictionId' }, values: { ':v': 'x' } } }), /may not touch/);
    refused(() => guard('update', { TableName: TABLE, Key: { pk: 'ky#R', sk: 'X' }, UpdateExpression: 'REMOVE jurisdictionId' }), /may not touch/);
    // A value placeholder, a name placeholder and a nested path that look like pk are not the key.
    expect(() => build.update({ key, update: { expression: 'SET a.pk = :pk, #pkx = :pk', names: { '#pkx': 'pkx' }, values: { ':pk': 1 } } })).not.toThrow();
  });

  it('lets conditions test that pk exists (any spacing, by name or placeholder) but not compare it', () => {
    const put = (expression: string, names?: Record<string, string>) => () => build.put({ key, attributes: {}, condition: { expression, names } });
    expect(put('attribute_not_exists ( pk )')).not.toThrow();
    expect(put('attribute_exists(#k)', { '#k': 'pk' })).not.toThrow();
    expect(put('#k = :v', { '#k': 'other' })).not.toThrow();
    expect(put('other = :pk')).not.toThrow();
    refused(put('size(pk) > :n'), /a condition may only use pk in attribute_exists\/attribute_not_exists/);
    refused(put('attribute_exists(pk) AND pk = :x'), /a condition may only use pk/);
    refused(put('attribute_type(#k, :t)', { '#k': 'pk' }), /a condition may only use pk/);
    refused(() => build.query({ partition: 'R', filter: { expression: '#k <> :o', names: { '#k': 'pk' } } }), /a filter may only use pk/);
  });

  it('checks every transaction item and the size of the transaction (1 to 100)', () => {
    const put = (i: number) => ({ Put: { TableName: TABLE, Item: { pk: 'ky#R', sk: `S${i}` } } });
    expect(() => guard('transactWrite', { TransactItems: Array.from({ length: 100 }, (_, i) => put(i)) })).not.toThrow();
    refused(() => guard('transactWrite', { TransactItems: Array.from({ length: 101 }, (_, i) => put(i)) }), /a transaction needs 1-100 items/);
    refused(() => guard('transactWrite', { TransactItems: [] }), /1-100 items/);
    refused(() => guard('transactWrite', {}), /1-100 items/);
    refused(
      () => guard('transactWrite', { TransactItems: [put(0), { ...put(1), Update: { TableName: TABLE, Key: { pk: 'ky#R', sk: 'X' }, UpdateExpression: 'SET a = :a' } }] }),
      /transaction item 1 must be one Put, Update, Delete or ConditionCheck/,
    );
    expect(() => guard('transactWrite', { TransactItems: [{ ...put(0), Update: undefined }] })).not.toThrow();
    const check = (c: Record<string, unknown>) => () => guard('transactWrite', { TransactItems: [{ ConditionCheck: { TableName: TABLE, Key: { pk: 'ky#R', sk: 'X' }, ConditionExpression: 'attribute_exists(pk)', ...c } }] });
    expect(check({})).not.toThrow();
    refused(check({ TableName: 'Other' }), /table "Other" is not the handle's table/);
    refused(check({ Key: { pk: 'oh#R', sk: 'X' } }), /transaction item 0 key has a pk outside the jurisdiction/);
    refused(check({ ConditionExpression: 'pk = :x' }), /a condition may only use pk/);
    refused(() => guard('transactWrite', { TransactItems: [{ Update: { TableName: TABLE, Key: { pk: 'ky#R', sk: 'X' }, UpdateExpression: 'SET pk = :a' } }] }), /may not touch pk/);
    const built = build.transactWrite([{ conditionCheck: { key, condition: { expression: 'attribute_exists(pk) AND #v = :v', names: { '#v': 'version' }, values: { ':v': 2 } } } }], 'token-1');
    expect(built).toEqual({
      ClientRequestToken: 'token-1',
      TransactItems: [
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: { pk: 'ky#RECORDS', sk: 'REC#1' },
            ConditionExpression: 'attribute_exists(pk) AND #v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': 2 },
          },
        },
      ],
    });
    refused(() => build.transactWrite([{ delete: {} } as unknown as ScopedTransactItem]), /a key needs a non-empty sk/);
    refused(() => build.transactWrite([{ unknown: {} } as unknown as ScopedTransactItem]), /unknown transaction item/);
    const update = build.transactWrite([{ update: { key, update: { expression: 'SET a = :a', values: { ':a': 1 } } } }]);
    expect(update.TransactItems).toEqual([{ Update: build.update({ key, update: { expression: 'SET a = :a', values: { ':a': 1 } } }) }]);
    expect(update.TransactItems![0]!.Update!.Key).toEqual({ pk: 'ky#RECORDS', sk: 'REC#1' });
  });

  it('refuses queries that do not fix the partition first, or continue from another partition', () => {
    expect(() => guard('query', query())).not.toThrow();
    expect(() => guard('query', query({ KeyConditionExpression: '#pk  =  :pk AND #sk = :sk' }))).not.toThrow();
    refused(() => guard('query', query({ KeyConditionExpression: '#sk = :sk AND #pk = :pk' })), /a query must fix the partition with #pk = :pk/);
    refused(() => guard('query', query({ ExpressionAttributeNames: { '#pk': 'gsi1pk' } })), /must fix the partition/);
    refused(() => guard('query', query({ ExpressionAttributeNames: undefined })), /must fix the partition/);
    refused(() => guard('query', query({ ExpressionAttributeValues: { ':pk': 'oh#RECORDS' } })), /the query partition is outside the jurisdiction/);
    expect(() => guard('query', query({ ExclusiveStartKey: { pk: 'ky#RECORDS', sk: 'A' } }))).not.toThrow();
    refused(() => guard('query', query({ ExclusiveStartKey: { pk: 'ky#AUDIT', sk: 'A' } })), /the start key belongs to another partition/);
    refused(() => guard('query', query({ ExclusiveStartKey: { pk: 'oh#RECORDS', sk: 'A' } })), /the start key has a pk outside/);
    refused(() => guard('query', query({ IndexName: 'gsi1' })), /index queries go through the platform-wide readers/);
    expect(() => guard('query', query({ IndexName: undefined }))).not.toThrow();
  });

  it('builds each sort-key condition, projection and paging option as asked', () => {
    const eq = build.query({ partition: 'R', sk: { equals: 'A' } });
    expect(eq.KeyConditionExpression).toBe('#pk = :pk AND #sk = :sk');
    expect(eq.ExpressionAttributeNames).toEqual({ '#pk': 'pk', '#sk': 'sk' });
    expect(eq.ExpressionAttributeValues).toEqual({ ':pk': 'ky#R', ':sk': 'A' });
    expect(eq.ScanIndexForward).toBe(true);
    const prefix = build.query({ partition: 'R', sk: { beginsWith: 'REC#' }, forward: false, limit: 7, consistent: true, startKey: { pk: 'ky#R', sk: 'REC#9' } });
    expect(prefix).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
      ExpressionAttributeValues: { ':pk': 'ky#R', ':sk': 'REC#' },
      ScanIndexForward: false,
      Limit: 7,
      ConsistentRead: true,
      ExclusiveStartKey: { pk: 'ky#R', sk: 'REC#9' },
    });
    const plain = build.query({ attributes: ['sk', 'status'], filter: { expression: '#st = :st', names: { '#st': 'status' }, values: { ':st': 'draft' } } });
    expect(plain).toMatchObject({
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#p0, #p1, #p2',
      FilterExpression: '#st = :st',
      ExpressionAttributeNames: { '#pk': 'pk', '#p0': 'pk', '#p1': 'sk', '#p2': 'status', '#st': 'status' },
      ExpressionAttributeValues: { ':pk': 'ky', ':st': 'draft' },
    });
    expect(build.query({}).ProjectionExpression).toBeUndefined();
    expect(build.query({}).ExpressionAttributeNames).toEqual({ '#pk': 'pk' });
    // Document paths: one placeholder per name, list indexes as they are.
    const nested = build.query({ attributes: ['status'], paths: [['answers', 'theme'], ['answers', 'items', 3, 'theme']] });
    expect(nested.ProjectionExpression).toBe('#p0, #p1, #p2, #p3.#p4, #p3.#p5[3].#p4');
    expect(nested.ExpressionAttributeNames).toEqual({ '#pk': 'pk', '#p0': 'pk', '#p1': 'sk', '#p2': 'status', '#p3': 'answers', '#p4': 'theme', '#p5': 'items' });
    expect(build.query({ paths: [['answers']] }).ProjectionExpression).toBe('#p0, #p1, #p2');
    refused(() => build.query({ paths: [[]] }), /starts with an attribute name/);
    refused(() => build.query({ paths: [[0, 'a']] }), /starts with an attribute name/);
    refused(() => build.query({ paths: [['a', -1]] }), /whole number/);
    refused(() => build.query({ paths: [['a', '']] }), /non-empty string/);
    for (const k of [':pk', ':sk', ':sk2']) refused(() => build.query({ filter: { expression: 'a = x', values: { [k]: 1 } } }), new RegExp(`filter placeholder ${k} is reserved`));
    for (const k of ['#pk', '#sk', '#p0', '#p12']) refused(() => build.query({ filter: { expression: 'a = x', names: { [k]: 'a' } } }), new RegExp(`filter placeholder ${k} is reserved`));
    expect(() => build.query({ filter: { expression: '#px = :p0', names: { '#px': 'a' }, values: { ':p0': 1 } } })).not.toThrow();
    // Only #p<digits> is the projection's: #p1x and #ap1 are the filter's to use.
    expect(() => build.query({ filter: { expression: '#p1x = #ap1', names: { '#p1x': 'a', '#ap1': 'b' } } })).not.toThrow();
    expect(build.get(key, { consistent: true })).toEqual({ TableName: TABLE, Key: { pk: 'ky#RECORDS', sk: 'REC#1' }, ConsistentRead: true });
  });

  it('names the owner of a pk as the part before the first #', () => {
    expect(ownerOfPk('ky')).toBe('ky');
    expect(ownerOfPk('ky#A#B')).toBe('ky');
  });
});

describe('scopedTable commands', () => {
  const docClient = (unmarshallOptions = STORAGE_UNMARSHALL_OPTIONS) =>
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), {
      marshallOptions: STORAGE_MARSHALL_OPTIONS,
      unmarshallOptions,
    });
  const key = { partition: 'RECORDS', sk: 'REC#1' };

  it('refuses a document client that wraps numbers', () => {
    expect(() => scopedTable(docClient({ wrapNumbers: true }), TABLE, 'ky')).toThrow(/STORAGE_UNMARSHALL_OPTIONS/);
  });

  it('returns what DynamoDB answered and reports the capacity of every command', async () => {
    const client = docClient();
    const answers: Record<string, unknown> = {
      GetCommand: { Item: { a: 1 }, ConsumedCapacity: { CapacityUnits: 1 } },
      QueryCommand: { Items: [{ a: 2 }], LastEvaluatedKey: { pk: 'ky#RECORDS', sk: 'S' }, ConsumedCapacity: { CapacityUnits: 2 } },
      PutCommand: { ConsumedCapacity: { CapacityUnits: 3 } },
      UpdateCommand: { Attributes: { a: 4 }, ConsumedCapacity: { CapacityUnits: 4 } },
      TransactWriteCommand: { ConsumedCapacity: [{ CapacityUnits: 5 }, { CapacityUnits: 6 }] },
    };
    const send = vi.spyOn(client, 'send').mockImplementation(async (command: { constructor: { name: string } }) => answers[command.constructor.name] as never);
    const seen: [string, number[]][] = [];
    const table = scopedTable(client, TABLE, 'ky', { onConsumedCapacity: (op, c) => seen.push([op, c.map((x) => x.CapacityUnits!)]) });
    expect(table.jurisdictionId).toBe('ky');
    expect(table.tableName).toBe(TABLE);
    expect(table.pk('AUDIT')).toBe('ky#AUDIT');
    expect(table.owns('ky#AUDIT')).toBe(true);
    expect(table.owns('ky-dcbs#AUDIT')).toBe(false);
    expect(await table.get(key)).toEqual({ a: 1 });
    expect(await table.query({ partition: 'RECORDS' })).toEqual({ items: [{ a: 2 }], lastKey: { pk: 'ky#RECORDS', sk: 'S' } });
    expect(await table.put({ key, attributes: {} })).toBeUndefined();
    expect(await table.update({ key, update: { expression: 'SET a = :a', values: { ':a': 4 } } })).toEqual({ a: 4 });
    await table.transactWrite([{ put: { key, attributes: {} } }], { clientRequestToken: 'tok' });
    expect(seen).toEqual([
      ['GetItem', [1]],
      ['Query', [2]],
      ['PutItem', [3]],
      ['UpdateItem', [4]],
      ['TransactWriteItems', [5, 6]],
    ]);
    const inputs = send.mock.calls.map((c) => (c[0] as unknown as { input: Record<string, unknown> }).input);
    for (const input of inputs) expect(input.ReturnConsumedCapacity).toBe('TOTAL');
    expect(inputs[3]!.ReturnValues).toBe('ALL_NEW');
    expect(inputs[4]!.ClientRequestToken).toBe('tok');
  });

  it('asks for no capacity without a listener, and gives an empty page when DynamoDB returns no items', async () => {
    const client = docClient();
    const send = vi.spyOn(client, 'send').mockResolvedValue({} as never);
    const table = scopedTable(client, TABLE, 'ky');
    expect(await table.query({})).toEqual({ items: [], lastKey: undefined });
    expect(await table.get(key)).toBeUndefined();
    const input = (send.mock.calls[0]![0] as unknown as { input: Record<string, unknown> }).input;
    expect(input).not.toHaveProperty('ReturnConsumedCapacity');
  });

  it('reports nothing when DynamoDB returns no capacity', async () => {
    const client = docClient();
    vi.spyOn(client, 'send').mockResolvedValue({} as never);
    const seen: string[] = [];
    await scopedTable(client, TABLE, 'ky', { onConsumedCapacity: (op) => seen.push(op) }).put({ key, attributes: {} });
    expect(seen).toEqual([]);
  });
});
