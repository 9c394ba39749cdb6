import { describe, expect, it } from 'vitest';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { aggregateJurisdiction } from '#shared/reports/aggregate.ts';
import { parsePeriod } from '#shared/reports/periods.ts';
import { keys } from '#shared/storage/keys.ts';
import { tableOf, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';

/** One jurisdiction's partial aggregate from its records in DynamoDB Local: what counts, in which month, with which answers. */
const CIR = 'critical_incident_review' as const;
const period = parsePeriod('quarterly', '2026-Q2');
const ref = (id: string) => ({ id, name: `Agency ${id}`, state: 'KY', joinedYear: 2024 });

describe('aggregating one jurisdiction for a release', () => {
  it('counts approved reviews and notices in their month of approval, through the period; an amended record with its approved version', async () => {
    const jid = uniqueJurisdiction('ra');
    const other = uniqueJurisdiction('ra');
    const w = jurisdictionWorld(jid);
    const o = jurisdictionWorld(other);

    // Counted: in the period (May), earlier in the year (February), a notice (June).
    await w.record(CIR, w.review({ incident_type: 'near_fatality' }), '2026-05-01T10:00:00Z', '2026-05-10T10:00:00Z');
    await w.record(CIR, w.review({ incident_type: 'fatality', notification_date: '2024-03-04', review_date: '2024-05-04' }), '2026-02-01T10:00:00Z', '2026-02-03T10:00:00Z');
    await w.record('safety_notice', sampleSafetyNotice(jid) as Answers, '2026-06-01T10:00:00Z', '2026-06-01T11:00:00Z');
    // Not counted: approved after the period, approved the year before, submitted only.
    await w.record(CIR, w.review(), '2026-06-30T10:00:00Z', '2026-07-02T10:00:00Z');
    await w.record(CIR, w.review(), '2025-12-01T10:00:00Z', '2025-12-20T10:00:00Z');
    await w.record(CIR, w.review(), '2026-05-01T10:00:00Z');

    // Amended in May, under re-review: counts with its approved answers (drowning) in April, not with the new ones.
    const amended = await w.record(CIR, w.review({ cause_category: 'drowning' }), '2026-04-01T10:00:00Z', '2026-04-15T10:00:00Z');
    await w.amend(amended.recordId, amended.version, '2026-05-20T10:00:00Z', w.review({ cause_category: 'firearm' }));

    // Amended and approved again in June: keeps its first approval (March), counts with its new answers.
    const reapproved = await w.record(CIR, w.review({ cause_category: 'vehicle' }), '2026-03-01T08:00:00Z', '2026-03-01T10:00:00Z');
    const saved = await w.amend(reapproved.recordId, reapproved.version, '2026-06-01T10:00:00Z', w.review({ cause_category: 'neglect' }));
    const again = await w.resubmitAndApprove(reapproved.recordId, saved.version, '2026-06-10T10:00:00Z');
    expect(again).toMatchObject({ status: 'approved', approvedAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-06-10T10:00:00.000Z', amends: { version: reapproved.version } });

    // Approved before records kept approvedAt: its last change (April) dates it.
    const legacy = await w.record(CIR, w.review({ incident_type: 'fatality', cause_category: 'medical' }), '2026-04-02T09:00:00Z', '2026-04-02T10:00:00Z');
    await w.table.update({ key: keys.record(legacy.recordId), update: { expression: 'REMOVE approvedAt' } });

    // Another jurisdiction's approved review in the same months: never read.
    await o.record(CIR, o.review({ incident_type: 'fatality', cause_category: 'firearm' }), '2026-05-01T10:00:00Z', '2026-05-02T10:00:00Z');

    const partial = await aggregateJurisdiction(w.table, ref(jid), period, { pageSize: 2 });
    expect(partial).toMatchObject({ jurisdictionId: jid, name: `Agency ${jid}`, state: 'KY', joinedYear: 2024, year: 2026, throughMonth: '2026-06' });
    expect(partial.counts.reviews_by_incident_type).toEqual({
      '2026-02': { fatality: 1 },
      '2026-03': { near_fatality: 1 },
      '2026-04': { near_fatality: 1, fatality: 1 },
      '2026-05': { near_fatality: 1 },
    });
    expect(partial.counts.reviews_by_cause).toEqual({
      '2026-02': { sudden_unexpected_infant_death: 1 },
      '2026-03': { neglect: 1 },
      '2026-04': { drowning: 1, medical: 1 },
      '2026-05': { sudden_unexpected_infant_death: 1 },
    });
    expect(partial.counts.review_timeliness).toEqual({
      '2026-02': { over_standard: 1 },
      '2026-03': { within_standard: 1 },
      '2026-04': { within_standard: 2 },
      '2026-05': { within_standard: 1 },
    });
    expect(partial.timelinessDays['2026-02']![61]).toBe(1);
    expect(partial.timelinessDays['2026-04']![28]).toBe(2);
    // Two opportunities per review, the sample's cause for each but the amended ones.
    expect(partial.counts.improvement_opportunities_by_cause?.['2026-04']).toEqual({ drowning: 2, medical: 2 });
    expect(partial.counts.safety_notices_by_theme).toEqual({ '2026-06': { safe_sleep: 1 } });
    expect(partial.formVersions).toEqual({ critical_incident_review: [1], safety_notice: [2] });
    expect(partial.recordsCounted).toBe(6);
    // The query's filter sends only what may count: not the submitted one, nor those approved outside the year to date.
    expect(partial.itemsRead).toBe(6);

    // The other jurisdiction sees its own review only.
    const theirs = await aggregateJurisdiction(o.table, ref(other), period);
    expect(theirs.counts.reviews_by_cause).toEqual({ '2026-05': { firearm: 1 } });
    expect(theirs.recordsCounted).toBe(1);

    // A handle of one jurisdiction cannot aggregate another.
    await expect(aggregateJurisdiction(o.table, ref(jid), period)).rejects.toThrow(/handle is of/);

    // A month release of January of the next year starts a new year: nothing of 2026 counts.
    const next = await aggregateJurisdiction(w.table, ref(jid), parsePeriod('monthly', '2027-01'));
    expect(next).toMatchObject({ year: 2027, throughMonth: '2027-01', counts: {}, recordsCounted: 0 });
  });

  it('gives a jurisdiction with no records an empty partial', async () => {
    const jid = uniqueJurisdiction('ra');
    const partial = await aggregateJurisdiction(tableOf(jid), ref(jid), period);
    expect(partial).toEqual({
      jurisdictionId: jid,
      name: `Agency ${jid}`,
      state: 'KY',
      joinedYear: 2024,
      year: 2026,
      throughMonth: '2026-06',
      counts: {},
      timelinessDays: {},
      formVersions: {},
      itemsRead: 0,
      recordsCounted: 0,
    });
  });
});
