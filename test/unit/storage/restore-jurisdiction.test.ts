import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys, partitions } from '#shared/storage/keys.ts';
import { pkBelongsTo } from '#shared/storage/scoped-table.ts';
import { canonicalItem, kindOfPartition, pointInTimeOf } from '../../../scripts/lib/restore-jurisdiction.ts';

describe('restore of one jurisdiction: which partitions are its own', () => {
  it('owns the bare id and `<id>#...`, never a prefix sharer, another case, or a partnership item', () => {
    for (const pk of ['ky', 'ky#RECORDS', 'ky#REC#01J', 'ky#SURVEY#w1#STAFF', 'ky#AUDIT']) expect(pkBelongsTo('ky', pk), pk).toBe(true);
    for (const pk of ['ky-dcbs', 'ky-dcbs#RECORDS', 'kyx#AUDIT', 'k', 'KY#RECORDS', 'SESSION#abc', 'PARTNERSHIP#AUDIT', '', '#ky']) expect(pkBelongsTo('ky', pk), pk).toBe(false);
    expect(pkBelongsTo('ky-dcbs', 'ky#RECORDS')).toBe(false);
  });

  it('classifies every partition the key registry builds as its own kind (a new kind needs no edit here)', () => {
    for (const [kind, build] of Object.entries(partitions)) {
      const suffix = typeof build === 'string' ? build : build('01JABCDEF');
      expect(kindOfPartition('ky-dcbs', keys.owned('ky-dcbs', suffix)), suffix).toBe(kind);
    }
    expect(kindOfPartition('ky', keys.jurisdictionProfile('ky').pk)).toBe('profile');
    expect(kindOfPartition('ky', 'ky#SOMETHING_NEW')).toBe('other');
  });

  it("refuses to classify another jurisdiction's partition", () => {
    expect(() => kindOfPartition('ky', 'ky-dcbs#RECORDS')).toThrow(/not a partition of ky/);
  });
});

describe('restore of one jurisdiction: comparing items', () => {
  it('ignores the order of attributes and of set members, and nothing else', () => {
    const a = { pk: { S: 'ky#RECORDS' }, sk: { S: 'REC#1' }, tags: { SS: ['b', 'a'] }, n: { N: '1' } };
    const b = { n: { N: '1' }, tags: { SS: ['a', 'b'] }, sk: { S: 'REC#1' }, pk: { S: 'ky#RECORDS' } };
    expect(canonicalItem(a)).toBe(canonicalItem(b));
    expect(canonicalItem({ ...a, n: { S: '1' } })).not.toBe(canonicalItem(a));
    expect(canonicalItem({ ...a, list: { L: [{ S: 'b' }, { S: 'a' }] } })).not.toBe(canonicalItem({ ...a, list: { L: [{ S: 'a' }, { S: 'b' }] } }));
    expect(canonicalItem({ ...a, bytes: { B: new Uint8Array([1, 2]) } })).not.toBe(canonicalItem({ ...a, bytes: { B: new Uint8Array([2, 1]) } }));
  });
});

describe('restore of one jurisdiction: the point in time of the restored copy', () => {
  const describing = (RestoreSummary?: { RestoreDateTime?: Date; RestoreInProgress?: boolean }) =>
    ({ send: async () => ({ Table: { TableName: 'copy', RestoreSummary } }) }) as unknown as DynamoDBClient;
  const T = new Date('2026-11-30T14:05:00.000Z');

  it("is the one DynamoDB recorded on the restored table; a given time must agree with it", async () => {
    expect(await pointInTimeOf(describing({ RestoreDateTime: T, RestoreInProgress: false }), 'copy')).toEqual(T);
    expect(await pointInTimeOf(describing({ RestoreDateTime: T, RestoreInProgress: false }), 'copy', new Date(T))).toEqual(T);
    await expect(pointInTimeOf(describing({ RestoreDateTime: T, RestoreInProgress: false }), 'copy', new Date('2026-11-30T14:06:00Z'))).rejects.toThrow(/restored to 2026-11-30T14:05:00.000Z, not 2026-11-30T14:06:00.000Z/);
  });

  it('must be given for a table without a restore summary, and waits for a restore in progress', async () => {
    await expect(pointInTimeOf(describing(), 'copy')).rejects.toThrow(/no restore summary: give the point in time/);
    expect(await pointInTimeOf(describing(), 'copy', T)).toEqual(T);
    await expect(pointInTimeOf(describing({ RestoreDateTime: T, RestoreInProgress: true }), 'copy')).rejects.toThrow(/still being restored/);
  });
});
