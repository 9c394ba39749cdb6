import { describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { aggregateJurisdiction, recordPaths, recordsQuery } from '#shared/reports/aggregate.ts';
import { parsePeriod } from '#shared/reports/periods.ts';
import { scopedBuilders, type Item, type ScopedQuery, type ScopedTable } from '#shared/storage/scoped-table.ts';

/** The aggregation's paging and its reading of amended records, on a table handle that serves pages from memory. */
const period = parsePeriod('monthly', '2026-03');
const ref = { id: 'ky-dcbs', name: 'Kentucky DCBS', state: 'KY', joinedYear: 2024 };

function fakeTable(items: Item[], kept: Record<string, Item> = {}) {
  const queries: ScopedQuery[] = [];
  const table = {
    jurisdictionId: 'ky-dcbs',
    async query(q: ScopedQuery) {
      queries.push(q);
      const from = q.startKey ? Number(q.startKey.sk) : 0;
      const to = Math.min(items.length, from + (q.limit ?? items.length));
      return { items: items.slice(from, to), ...(to < items.length ? { lastKey: { pk: 'ky-dcbs#RECORDS', sk: String(to) } } : {}) };
    },
    async get(key: { partition?: string; sk: string }) {
      return kept[`${key.partition}/${key.sk}`];
    },
  } as unknown as ScopedTable;
  return { table, queries };
}

const approved = (month: string, changes: Item = {}): Item => ({
  recordId: `01J${month}`,
  formId: 'critical_incident_review',
  formVersion: 1,
  status: 'approved',
  approvedAt: `${month}-10T10:00:00.000Z`,
  updatedAt: `${month}-10T10:00:00.000Z`,
  answers: sampleCriticalIncidentReview(0),
  ...changes,
});

describe('aggregateJurisdiction (paging and amendments)', () => {
  it('reads every page, continuing from the last key, and counts only the year through the period', async () => {
    const items = [approved('2026-01'), approved('2026-02'), approved('2026-03'), approved('2026-04'), approved('2025-12'), approved('2026-03', { status: 'in_review', approvedAt: undefined })];
    const { table, queries } = fakeTable(items);
    const partial = await aggregateJurisdiction(table, ref, period, { pageSize: 2 });
    expect(queries.map((q) => q.startKey?.sk)).toEqual([undefined, '2', '4']);
    expect(partial.itemsRead).toBe(6);
    expect(partial.recordsCounted).toBe(3);
    expect(Object.keys(partial.counts.reviews_by_incident_type!).sort()).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('counts a record under re-review with its kept approved version, and fails loudly when that version is missing', async () => {
    const reopened = approved('2026-02', { recordId: '01JREOPENED', status: 'returned', amends: { version: 3 }, answers: { ...sampleCriticalIncidentReview(0), incident_type: 'fatality' } });
    const keptAnswers = { ...sampleCriticalIncidentReview(0), incident_type: 'near_fatality' };
    const { table } = fakeTable([reopened], { 'REC#01JREOPENED/VERSION#000000003': { answers: keptAnswers, at: '2026-02-20T00:00:00.000Z' } });
    const partial = await aggregateJurisdiction(table, ref, period);
    expect(partial.counts.reviews_by_incident_type).toEqual({ '2026-02': { near_fatality: 1 } });
    // Approved before approvedAt existed: the amendment's time is the latest it can have been approved by.
    const legacy = { ...reopened, approvedAt: undefined, updatedAt: '2026-04-01T00:00:00.000Z' };
    const { table: old } = fakeTable([legacy], { 'REC#01JREOPENED/VERSION#000000003': { answers: keptAnswers, at: '2026-02-20T00:00:00.000Z' } });
    expect((await aggregateJurisdiction(old, ref, period)).counts.reviews_by_incident_type).toEqual({ '2026-02': { near_fatality: 1 } });
    await expect(aggregateJurisdiction(fakeTable([reopened]).table, ref, period)).rejects.toThrow(/amends version 3, but that version is not kept/);
  });

  it('asks only for what counting reads, in a projection DynamoDB accepts', () => {
    const q = recordsQuery(period);
    const built = scopedBuilders('table', 'ky-dcbs').build.query(q);
    expect(built.ProjectionExpression!.length).toBeLessThan(4096);
    const paths = recordPaths().map((p) => p.join('.'));
    expect(paths).toContain('answers.improvement_opportunities.24.io_theme');
    expect(paths).toContain('answers.sf_workload');
    expect(paths.some((p) => /narrative|description|recommendation|rationale|review_id/.test(p))).toBe(false);
    expect(q.attributes).not.toContain('answers');
  });
});
