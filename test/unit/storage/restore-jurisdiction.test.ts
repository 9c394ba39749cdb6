import { describe, expect, it } from 'vitest';
import { keys, partitions } from '#shared/storage/keys.ts';
import { canonicalItem, kindOfPartition, ownsPartition } from '../../../scripts/lib/restore-jurisdiction.ts';

describe('restore of one jurisdiction: which partitions are its own', () => {
  it('owns the bare id and `<id>#...`, never a prefix sharer, another case, or a partnership item', () => {
    for (const pk of ['ky', 'ky#RECORDS', 'ky#REC#01J', 'ky#SURVEY#w1#STAFF', 'ky#AUDIT']) expect(ownsPartition('ky', pk), pk).toBe(true);
    for (const pk of ['ky-dcbs', 'ky-dcbs#RECORDS', 'kyx#AUDIT', 'k', 'KY#RECORDS', 'SESSION#abc', 'PARTNERSHIP#AUDIT', '', '#ky']) expect(ownsPartition('ky', pk), pk).toBe(false);
    expect(ownsPartition('ky-dcbs', 'ky#RECORDS')).toBe(false);
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
