import { describe, expect, it } from 'vitest';
import { sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { extractJurisdiction } from '#shared/warehouse/extract.ts';
import { tableOf, uniqueJurisdiction } from './records/setup.ts';
import { jurisdictionWorld } from './records/world.ts';

/**
 * One jurisdiction's part of a warehouse release from its records in DynamoDB Local (shared/warehouse/extract.ts):
 * approved records whose first approval is in the consent window, reviews and notices, and an amended record as
 * approved: the kept version while it is reopened, the amendment once approved again.
 */
const CIR = 'critical_incident_review' as const;
const window = { shares: true, from: '2020-01-01', until: '2020-07-01' } as const;
const who = (id: string) => ({ id, state: 'KY' as const, type: 'state' as const });

describe('the warehouse extract of one jurisdiction', () => {
  it('carries approved records approved within the window (from inclusive, until exclusive), reviews and notices, as rows of their form version', { timeout: 60_000 }, async () => {
    const jid = uniqueJurisdiction('wx');
    const w = jurisdictionWorld(jid);
    const inside = await w.record(CIR, w.review({ cause_category: 'drowning' }), '2020-02-20T10:00:00Z', '2020-03-01T10:00:00Z');
    const first = await w.record(CIR, w.review(), '2019-12-20T10:00:00Z', '2020-01-01T00:00:00Z');
    await w.record(CIR, w.review(), '2019-12-20T10:00:00Z', '2019-12-31T23:59:59Z');
    await w.record(CIR, w.review(), '2020-06-20T10:00:00Z', '2020-07-01T00:00:00Z');
    const lastDay = await w.record(CIR, w.review(), '2020-06-20T10:00:00Z', '2020-06-30T23:59:59Z');
    // Submitted, never approved.
    await w.record(CIR, w.review(), '2020-03-01T10:00:00Z');
    const notice = await w.record('safety_notice', sampleSafetyNotice(jid) as Answers, '2020-02-01T10:00:00Z', '2020-02-01T11:00:00Z');

    const staged = await extractJurisdiction(tableOf(jid), who(jid), window);
    expect(staged.jurisdiction).toEqual({ id: jid, state: 'KY', type: 'state' });
    expect(staged.records.map((r) => r.recordId).sort()).toEqual([inside.recordId, first.recordId, lastDay.recordId, notice.recordId].sort());
    const review = staged.records.find((r) => r.recordId === inside.recordId)!;
    expect(review).toMatchObject({ formId: CIR, formVersion: 1 });
    expect(review.rows.main).toMatchObject({ record_id: inside.recordId, cause_category: 'drowning' });
    expect(staged.records.find((r) => r.recordId === notice.recordId)).toMatchObject({ formId: 'safety_notice', formVersion: 2 });

    // No window, nothing read; another jurisdiction's handle is refused.
    expect(await extractJurisdiction(tableOf(jid), who(jid), { shares: false, reason: 'not sharing' })).toEqual({ jurisdiction: who(jid), itemsRead: 0, records: [] });
    await expect(extractJurisdiction(tableOf(jid), who(uniqueJurisdiction('wy')), window)).rejects.toThrow(/table handle is of/);
  });

  it('carries an amended record as it was approved while the amendment is under review, and the amendment once it is approved again', { timeout: 60_000 }, async () => {
    const jid = uniqueJurisdiction('wa');
    const w = jurisdictionWorld(jid);
    const approved = await w.record(CIR, w.review({ cause_category: 'drowning' }), '2020-03-20T10:00:00Z', '2020-04-01T10:00:00Z');
    const cause = async () => (await extractJurisdiction(tableOf(jid), who(jid), window)).records.map((r) => r.rows.main.cause_category);
    expect(await cause()).toEqual(['drowning']);

    // Reopened (after the window: it still counts by its first approval) with a new cause, not yet approved.
    const saved = await w.amend(approved.recordId, approved.version, '2020-09-01T10:00:00Z', w.review({ cause_category: 'firearm' }));
    expect(await cause()).toEqual(['drowning']);

    await w.resubmitAndApprove(approved.recordId, saved.version, '2020-09-10T10:00:00Z');
    expect(await cause()).toEqual(['firearm']);
  });
});
