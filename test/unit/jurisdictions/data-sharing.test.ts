import { describe, expect, it } from 'vitest';
import { jurisdictionSchema, toPublicJurisdiction, type Jurisdiction } from '#shared/jurisdictions/model.ts';

const base: Jurisdiction = {
  id: 'ky-dcbs',
  name: 'Kentucky Department for Community Based Services',
  type: 'state',
  state: 'KY',
  units: [{ code: 'intake', label: 'Intake' }],
  contacts: [{ role: 'data-contact', name: 'Pat Doe', email: 'data@ky.example.org' }],
  active: true,
  joinedYear: 2021,
};
const sharing = { sharesWithWarehouse: true, since: '2021-07-01', lagMonths: 24 };

/** The issues of a jurisdiction with this dataSharing, as [path, message]. */
function issues(dataSharing: unknown): [string, string][] {
  const result = jurisdictionSchema.safeParse({ ...base, dataSharing });
  return result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]);
}

describe("a jurisdiction's data-sharing agreement", () => {
  it('is optional, and kept as given when valid (a withdrawn one too)', () => {
    expect(jurisdictionSchema.parse(base)).not.toHaveProperty('dataSharing');
    expect(jurisdictionSchema.parse({ ...base, dataSharing: sharing }).dataSharing).toEqual(sharing);
    expect(issues({ ...sharing, sharesWithWarehouse: false })).toEqual([]);
    expect(issues({ ...sharing, lagMonths: 0 })).toEqual([]);
    expect(issues({ ...sharing, lagMonths: 120 })).toEqual([]);
    expect(issues({ ...sharing, since: '2024-02-29' })).toEqual([]);
  });

  it('says what is wrong with each part', () => {
    expect(issues({ ...sharing, sharesWithWarehouse: 'yes' })).toEqual([['dataSharing.sharesWithWarehouse', 'Say whether the jurisdiction shares with the warehouse: true or false']]);
    const dateMessage = 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01';
    for (const since of ['2021-02-29', '2021-13-01', '07/01/2021', '2021-07-01T00:00:00Z', '', 20210701]) {
      expect(issues({ ...sharing, since }), String(since)).toEqual([['dataSharing.since', dateMessage]]);
    }
    expect(issues({ ...sharing, lagMonths: 1.5 })).toEqual([['dataSharing.lagMonths', 'The lag is a whole number of months']]);
    expect(issues({ ...sharing, lagMonths: -1 })).toEqual([['dataSharing.lagMonths', 'The lag cannot be negative: 0 months shares records as soon as they are approved']]);
    expect(issues({ ...sharing, lagMonths: 121 })).toEqual([['dataSharing.lagMonths', 'The lag is at most 120 months (10 years)']]);
    expect(issues({ ...sharing, lagMonths: '24' })).toEqual([['dataSharing.lagMonths', 'Give the lag in months as a whole number, such as 24']]);
  });

  it('names each missing part and refuses unknown ones', () => {
    expect(issues({})).toEqual([
      ['dataSharing.sharesWithWarehouse', 'Say whether the jurisdiction shares with the warehouse: true or false'],
      ['dataSharing.since', 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01'],
      ['dataSharing.lagMonths', 'Give the lag in months as a whole number, such as 24'],
    ]);
    expect(issues({ ...sharing, countyAllowed: true })).toEqual([['dataSharing', 'Unrecognized key: "countyAllowed"']]);
    expect(issues(true).map(([path]) => path)).toEqual(['dataSharing']);
  });

  it('is never in the public view, nor is anything else not listed as public', () => {
    const shown = toPublicJurisdiction({ ...base, dataSharing: sharing, review: { reminderHours: 48, escalateAfterReminders: 3 } });
    expect(Object.keys(shown).sort()).toEqual(['active', 'id', 'joinedYear', 'name', 'state', 'type', 'units']);
    // A field added to the profile later (here forced past the type) stays private until listed.
    const extra = toPublicJurisdiction({ ...base, internalNote: 'x' } as Jurisdiction);
    expect(extra).not.toHaveProperty('internalNote');
  });
});
