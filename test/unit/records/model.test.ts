import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { encodeFormRecord } from '#shared/forms/storage-codec.ts';
import type { Answers } from '#shared/forms/types.ts';
import { STORAGE_MARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { changedFieldNames } from '#shared/records/diff.ts';
import { staleVersion } from '#shared/records/errors.ts';
import { fromItem, listQuerySchema, parseInput, RECORD_STATUSES, recordSchema, SUMMARY_ATTRIBUTES, TRANSITIONS, toItem, type RecordView } from '#shared/records/model.ts';
import { built } from '#shared/zod-config.ts';

describe('changedFieldNames', () => {
  it('names added, removed and changed answers, sorted', () => {
    expect(changedFieldNames({ a: 'x', b: 1, c: ['p'] }, { a: 'x', b: 2, d: 'new' })).toEqual(['b', 'c', 'd']);
    expect(changedFieldNames({ a: ['p', 'q'] }, { a: ['p', 'q'] })).toEqual([]);
    expect(changedFieldNames({}, {})).toEqual([]);
  });

  it('names a repeating group and the fields that differ in any of its entries', () => {
    const before: Answers = { io: [{ io_theme: 'a', io_owner: 'X' }, { io_theme: 'b' }] };
    expect(changedFieldNames(before, { io: [{ io_theme: 'a', io_owner: 'Y' }, { io_theme: 'b' }] })).toEqual(['io', 'io_owner']);
    expect(changedFieldNames(before, { io: [{ io_theme: 'a', io_owner: 'X' }] })).toEqual(['io', 'io_theme']);
    expect(changedFieldNames({}, before)).toEqual(['io', 'io_owner', 'io_theme']);
  });

  it('names the fields of a group that is removed, from either side', () => {
    const before: Answers = { io: [{ io_theme: 'a' }, { io_owner: 'X' }] };
    expect(changedFieldNames(before, {})).toEqual(['io', 'io_owner', 'io_theme']);
    expect(changedFieldNames(before, { io: ['a'] } as unknown as Answers)).toEqual(['io', 'io_owner', 'io_theme']);
  });

  it('compares a list that is not made only of entries as one value, naming no fields inside it', () => {
    const mixed = (v: number) => ({ c: [{ a: v }, 'x'] }) as unknown as Answers;
    expect(changedFieldNames(mixed(1), mixed(2))).toEqual(['c']);
    const withNull = (v: number) => ({ c: [null, { a: v }] }) as unknown as Answers;
    expect(changedFieldNames(withNull(1), withNull(2))).toEqual(['c']);
    expect(changedFieldNames({ c: ['red'] }, { c: ['red', 'blue'] })).toEqual(['c']);
  });

  it('returns names only, never a value', () => {
    const review = sampleCriticalIncidentReview(3) as Answers;
    const names = changedFieldNames({}, review);
    const text = JSON.stringify(names);
    for (const value of ['CIR-2024-017', 'unsafe sleep', 'Intake program manager']) expect(text).not.toContain(value);
    expect(names).toContain('narrative');
    expect(names).toContain('io_description');
  });
});

describe('the life cycle', () => {
  it('locks approved records and leaves draft/returned -> submitted to submit', () => {
    expect(TRANSITIONS.approved).toEqual([]);
    for (const s of RECORD_STATUSES) {
      expect(TRANSITIONS[s]).not.toContain('draft');
      expect(TRANSITIONS[s]).not.toContain('submitted');
      expect(TRANSITIONS[s]).not.toContain(s);
    }
    expect(TRANSITIONS.draft).toEqual([]);
    expect(TRANSITIONS.returned).toEqual([]);
    expect(TRANSITIONS.in_review).toEqual(['returned', 'approved']);
  });
});

describe('the record item', () => {
  const record: RecordView = {
    jurisdictionId: 'ky',
    recordId: '01HZ0000000000000000000000',
    formId: 'critical_incident_review',
    formVersion: 1,
    status: 'draft',
    version: 3,
    answers: sampleCriticalIncidentReview(2) as Answers,
    createdBy: 'sub-1',
    createdAt: '2024-05-01T00:00:00.000Z',
    updatedBy: 'sub-1',
    updatedAt: '2024-05-01T00:00:00.000Z',
    submittedAt: undefined,
  };

  it('stores answers exactly as the form storage codec encodes them', () => {
    const stored = marshall(toItem(record), STORAGE_MARSHALL_OPTIONS);
    const codec = encodeFormRecord({ formId: record.formId, formVersion: record.formVersion }, record.answers);
    expect(stored.answers).toEqual(codec.answers);
    expect(stored.formId).toEqual(codec.formId);
    expect(stored.formVersion).toEqual(codec.formVersion);
  });

  it('round-trips through the item', () => {
    const { submittedAt: _s, ...clean } = record;
    expect(fromItem({ pk: 'ky#RECORDS', sk: `REC#${record.recordId}`, ...toItem(clean) })).toEqual({ ...clean, reference: 'CIR-2024-017' });
  });

  it('carries the review id as its reference and a normalized search name, which reads never return', () => {
    const item = toItem({ ...record, reference: 'stale' });
    expect(item.reference).toBe('CIR-2024-017');
    expect(item.searchName).toBe('cir2024017');
    expect(fromItem({ pk: 'ky#RECORDS', sk: `REC#${record.recordId}`, ...item })).not.toHaveProperty('searchName');
    const fresh = toItem({ ...record, answers: {} });
    expect(fresh).not.toHaveProperty('reference');
    expect(fresh).not.toHaveProperty('searchName');
  });
});

describe('inputs and messages', () => {
  it('reports list parameters field by field', () => {
    try {
      parseInput(listQuerySchema, { limit: 101, from: 'yesterday', status: 'closed' });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fieldErrors.map((f) => f.field).sort()).toEqual(['from', 'limit', 'status']);
    }
    expect(parseInput(listQuerySchema, {}).limit).toBe(25);
  });

  it('tells the second writer that nothing was lost', () => {
    const e = staleVersion(4, 3);
    expect(e.status).toBe(409);
    expect(e.message).toMatch(/someone else saved this record first/i);
    expect(e.message).toMatch(/nothing was lost/i);
    expect(e.details()).toEqual({ reason: 'stale_version', currentVersion: 4, expectedVersion: 3 });
  });
});

describe('SUMMARY_ATTRIBUTES (what a list reads of each record)', () => {
  it('is every attribute of the record schema but the answers', () => {
    const all = Object.keys(built(recordSchema).shape);
    expect([...SUMMARY_ATTRIBUTES].sort()).toEqual(all.filter((k) => k !== 'answers').sort());
  });
});
