import { describe, expect, it } from 'vitest';
import type { DataSharing } from '#shared/jurisdictions/model.ts';
import { approvedInWindow, monthsBefore, warehouseWindow } from '#shared/warehouse/consent.ts';

const agreement = (over: Partial<DataSharing> = {}): { dataSharing: DataSharing } => ({
  dataSharing: { sharesWithWarehouse: true, since: '2020-07-01', lagMonths: 24, ...over },
});

describe('monthsBefore', () => {
  it('keeps the day of the month when the earlier month has it', () => {
    expect(monthsBefore('2026-12-03', 24)).toBe('2024-12-03');
    expect(monthsBefore('2026-12-03', 0)).toBe('2026-12-03');
    expect(monthsBefore('2026-01-15', 1)).toBe('2025-12-15');
    expect(monthsBefore('2026-03-15', 15)).toBe('2024-12-15');
    expect(monthsBefore('2026-12-31', 120)).toBe('2016-12-31');
  });

  it('turns a day the earlier month lacks into its last day', () => {
    expect(monthsBefore('2026-03-31', 1)).toBe('2026-02-28');
    expect(monthsBefore('2024-03-31', 1)).toBe('2024-02-29');
    expect(monthsBefore('2026-05-31', 1)).toBe('2026-04-30');
    expect(monthsBefore('2028-02-29', 12)).toBe('2027-02-28');
    expect(monthsBefore('2028-02-29', 48)).toBe('2024-02-29');
    expect(monthsBefore('2026-02-28', 24)).toBe('2024-02-28');
  });

  it('refuses a day that does not exist or is not written YYYY-MM-DD', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '2026-4-1', '2026-12-03T10:00:00Z', '']) {
      expect(() => monthsBefore(bad, 1), bad).toThrow(RangeError);
    }
  });
});

describe('warehouseWindow', () => {
  it('shares nothing without an agreement, or with one that says it does not share', () => {
    expect(warehouseWindow({}, '2026-12-03')).toEqual({ shares: false, reason: 'no agreement' });
    expect(warehouseWindow(agreement({ sharesWithWarehouse: false }), '2026-12-03')).toEqual({ shares: false, reason: 'not sharing' });
    // A jurisdiction that left the partnership shares nothing more, even with its agreement still on record.
    expect(warehouseWindow({ ...agreement(), active: false }, '2026-12-03')).toEqual({ shares: false, reason: 'inactive' });
    expect(warehouseWindow({ ...agreement(), active: true }, '2026-12-03')).toMatchObject({ shares: true });
  });

  it('opens at the agreement start and closes the lag before the release', () => {
    expect(warehouseWindow(agreement(), '2026-12-03')).toEqual({ shares: true, from: '2020-07-01', until: '2024-12-03' });
    expect(warehouseWindow(agreement({ lagMonths: 0 }), '2026-12-03')).toEqual({ shares: true, from: '2020-07-01', until: '2026-12-03' });
  });

  it('ends a month-end release window on the last day of the earlier month', () => {
    expect(warehouseWindow(agreement({ lagMonths: 1 }), '2026-03-31')).toEqual({ shares: true, from: '2020-07-01', until: '2026-02-28' });
    expect(warehouseWindow(agreement({ lagMonths: 24 }), '2026-02-28')).toEqual({ shares: true, from: '2020-07-01', until: '2024-02-28' });
    expect(warehouseWindow(agreement({ lagMonths: 25 }), '2026-03-31')).toEqual({ shares: true, from: '2020-07-01', until: '2024-02-29' });
  });

  it('shares nothing while the lag reaches back past the agreement start (or to it)', () => {
    // Signed mid-2025 with a 24-month lag: nothing approved since is old enough in 2026.
    expect(warehouseWindow(agreement({ since: '2025-07-01' }), '2026-12-03')).toEqual({ shares: false, reason: 'lag not passed' });
    // The release minus the lag falls exactly on the start: an empty window.
    expect(warehouseWindow(agreement({ since: '2024-12-03' }), '2026-12-03')).toEqual({ shares: false, reason: 'lag not passed' });
    // One day later it holds that one day.
    expect(warehouseWindow(agreement({ since: '2024-12-03' }), '2026-12-04')).toEqual({ shares: true, from: '2024-12-03', until: '2024-12-04' });
    // An agreement that starts after the release.
    expect(warehouseWindow(agreement({ since: '2027-01-01', lagMonths: 0 }), '2026-12-03')).toEqual({ shares: false, reason: 'lag not passed' });
  });

  it('refuses a release date that is not a day', () => {
    expect(() => warehouseWindow(agreement(), '2026-02-30')).toThrow('A release date is a day written YYYY-MM-DD');
    expect(() => warehouseWindow({}, 'soon')).toThrow(RangeError);
  });
});

describe('approvedInWindow', () => {
  const window = warehouseWindow(agreement(), '2026-12-03');

  it('includes the start day and excludes the end day, by the UTC day of the approval', () => {
    expect(approvedInWindow(window, '2020-06-30T23:59:59.999Z')).toBe(false);
    expect(approvedInWindow(window, '2020-07-01T00:00:00.000Z')).toBe(true);
    expect(approvedInWindow(window, '2024-12-02T23:59:59Z')).toBe(true);
    expect(approvedInWindow(window, '2024-12-03T00:00:00Z')).toBe(false);
    expect(approvedInWindow(window, '2024-12-02T20:00:00-05:00')).toBe(false);
    expect(approvedInWindow(window, '2022-05-10')).toBe(true);
  });

  it('is false for a closed window and for an approval time that cannot be read', () => {
    expect(approvedInWindow(warehouseWindow({}, '2026-12-03'), '2022-05-10T00:00:00Z')).toBe(false);
    expect(approvedInWindow(window, 'not a time')).toBe(false);
  });
});
