import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { monthOf, parsePeriod, periodCovering, yearToDate } from '#shared/reports/periods.ts';

const fieldMessage = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ');
  }
  throw new Error('expected a ValidationError');
};

describe('report periods', () => {
  it('parses a month and a quarter into their months, bounds and labels', () => {
    expect(parsePeriod('monthly', '2026-03')).toEqual({
      cadence: 'monthly',
      id: '2026-03',
      year: 2026,
      months: ['2026-03'],
      start: '2026-03-01',
      end: '2026-04-01',
      label: 'March 2026',
    });
    expect(parsePeriod('quarterly', '2026-Q1')).toEqual({
      cadence: 'quarterly',
      id: '2026-Q1',
      year: 2026,
      months: ['2026-01', '2026-02', '2026-03'],
      start: '2026-01-01',
      end: '2026-04-01',
      label: 'January to March 2026',
    });
    expect(parsePeriod('monthly', '2026-12').end).toBe('2027-01-01');
    expect(parsePeriod('quarterly', '2026-Q4')).toMatchObject({ months: ['2026-10', '2026-11', '2026-12'], end: '2027-01-01', label: 'October to December 2026' });
  });

  it('refuses ids that are not of the cadence, with a message that shows a valid one', () => {
    expect(fieldMessage(() => parsePeriod('monthly', '2026-Q1'))).toBe('periodId: A monthly period id is a year and a month, such as "2026-03"');
    expect(fieldMessage(() => parsePeriod('quarterly', '2026-03'))).toBe('periodId: A quarterly period id is a year and a quarter, such as "2026-Q1"');
    for (const bad of ['2026-13', '2026-00', '2026-3', ' 2026-03', '2026-03-01']) expect(fieldMessage(() => parsePeriod('monthly', bad))).toMatch(/^periodId: A monthly period id/);
    for (const bad of ['2026-Q0', '2026-Q5', '2026-q1']) expect(fieldMessage(() => parsePeriod('quarterly', bad))).toMatch(/^periodId: A quarterly period id/);
    expect(fieldMessage(() => parsePeriod('monthly', '1999-03'))).toBe('periodId: The year must be 2018 to 2100');
    expect(fieldMessage(() => parsePeriod('monthly', 202603))).toMatch(/^periodId: /);
    expect(fieldMessage(() => parsePeriod('weekly' as never, '2026-03'))).toBe('cadence: The cadence is one of monthly, quarterly');
  });

  it('covers the last complete month or quarter before a run, across the turn of the year', () => {
    expect(periodCovering('monthly', new Date('2026-04-01T06:00:00Z')).id).toBe('2026-03');
    expect(periodCovering('monthly', new Date('2026-03-31T23:59:59.999Z')).id).toBe('2026-02');
    expect(periodCovering('monthly', new Date('2026-01-01T00:00:00Z')).id).toBe('2025-12');
    expect(periodCovering('quarterly', new Date('2026-04-01T06:00:00Z')).id).toBe('2026-Q1');
    expect(periodCovering('quarterly', new Date('2026-06-30T12:00:00Z')).id).toBe('2026-Q1');
    expect(periodCovering('quarterly', new Date('2026-07-01T00:00:00Z')).id).toBe('2026-Q2');
    expect(periodCovering('quarterly', new Date('2026-02-15T00:00:00Z'))).toMatchObject({ id: '2025-Q4', year: 2025, months: ['2025-10', '2025-11', '2025-12'] });
    expect(() => periodCovering('monthly', new Date('nonsense'))).toThrow(/valid instant/);
  });

  it('spans the year to date from January through the period', () => {
    expect(yearToDate(parsePeriod('quarterly', '2026-Q2'))).toEqual({
      start: '2026-01-01',
      end: '2026-07-01',
      label: 'January to June 2026',
      months: ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'],
    });
    expect(yearToDate(parsePeriod('monthly', '2026-01'))).toEqual({ start: '2026-01-01', end: '2026-02-01', label: 'January 2026', months: ['2026-01'] });
  });

  it('reads the month of a date or an ISO time, and nothing else', () => {
    expect(monthOf('2026-03-31T23:59:59.999Z')).toBe('2026-03');
    expect(monthOf('2026-03-01')).toBe('2026-03');
    expect(monthOf('2026-13-01')).toBeUndefined();
    expect(monthOf(undefined)).toBeUndefined();
    expect(monthOf(20260301)).toBeUndefined();
  });
});
