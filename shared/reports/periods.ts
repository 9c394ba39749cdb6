/**
 * Reporting periods (docs/reports.md): calendar months (`2026-03`) and quarters (`2026-Q1`) in UTC, the period a
 * scheduled run covers, and the year to date every release carries beside the period (January through the period's
 * last month). Period ids come from schedules and from a platform admin's on-demand run: parsed with zod.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import { CADENCES, type Cadence, type ReportPeriod } from './model.ts';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** Years a period may fall in: the partnership's first year up to a bound that catches a typo. */
export const FIRST_REPORT_YEAR = 2018;
export const LAST_REPORT_YEAR = 2100;

const MONTH_ID = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER_ID = /^(\d{4})-Q([1-4])$/;

const yearInRange = (id: string) => {
  const year = Number(id.slice(0, 4));
  return year >= FIRST_REPORT_YEAR && year <= LAST_REPORT_YEAR;
};
const yearMessage = `The year must be ${FIRST_REPORT_YEAR} to ${LAST_REPORT_YEAR}`;

export const periodIdSchemas = {
  monthly: z.lazy(() =>
    z.string({ error: 'A monthly period id is a text such as "2026-03"' }).check(
      z.regex(MONTH_ID, 'A monthly period id is a year and a month, such as "2026-03"'),
      z.refine(yearInRange, yearMessage),
    ),
  ),
  quarterly: z.lazy(() =>
    z.string({ error: 'A quarterly period id is a text such as "2026-Q1"' }).check(
      z.regex(QUARTER_ID, 'A quarterly period id is a year and a quarter, such as "2026-Q1"'),
      z.refine(yearInRange, yearMessage),
    ),
  ),
} as const satisfies Record<Cadence, z.core.$ZodType<string>>;

export const cadenceSchema = z.lazy(() => z.enum(CADENCES, { error: `The cadence is one of ${CADENCES.join(', ')}` }));

const pad2 = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM` of a year and a 1-based month. */
export const monthId = (year: number, month: number) => `${year}-${pad2(month)}`;
const firstDay = (year: number, month: number) => `${monthId(year, month)}-01`;
/** The first day of the month after (`month` 1-based; 12 rolls into January of the next year). */
const dayAfterMonth = (year: number, month: number) => (month === 12 ? firstDay(year + 1, 1) : firstDay(year, month + 1));

/** "March 2026"; "January to March 2026" for more than one month. */
export function spanLabel(year: number, firstMonth: number, lastMonth: number): string {
  return firstMonth === lastMonth ? `${MONTH_NAMES[firstMonth - 1]} ${year}` : `${MONTH_NAMES[firstMonth - 1]} to ${MONTH_NAMES[lastMonth - 1]} ${year}`;
}

function build(cadence: Cadence, year: number, firstMonth: number, lastMonth: number): ReportPeriod {
  const months: string[] = [];
  for (let m = firstMonth; m <= lastMonth; m++) months.push(monthId(year, m));
  const id = cadence === 'monthly' ? monthId(year, firstMonth) : `${year}-Q${(firstMonth + 2) / 3}`;
  return { cadence, id, year, months, start: firstDay(year, firstMonth), end: dayAfterMonth(year, lastMonth), label: spanLabel(year, firstMonth, lastMonth) };
}

/** The period of a cadence and an id; a ValidationError (422) naming `periodId` when the id is not one. */
export function parsePeriod(cadence: Cadence, periodId: unknown): ReportPeriod {
  const c = parseOrThrow(cadenceSchema, cadence, 'cadence', () => 'cadence');
  const id = parseOrThrow(periodIdSchemas[c], periodId, 'periodId', () => 'periodId');
  const year = Number(id.slice(0, 4));
  if (c === 'monthly') {
    const month = Number(id.slice(5, 7));
    return build(c, year, month, month);
  }
  const quarter = Number(id.slice(6));
  return build(c, year, quarter * 3 - 2, quarter * 3);
}

/**
 * The period a scheduled run at `at` covers: the last complete month or quarter before it (a run on 1 April covers
 * March, or the first quarter). A schedule firing twice covers the same period, so its second run replaces the first.
 */
export function periodCovering(cadence: Cadence, at: Date): ReportPeriod {
  if (Number.isNaN(at.getTime())) throw new Error('periodCovering needs a valid instant');
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + 1;
  if (cadence === 'monthly') return month === 1 ? build(cadence, year - 1, 12, 12) : build(cadence, year, month - 1, month - 1);
  const quarter = Math.ceil(month / 3);
  return quarter === 1 ? build(cadence, year - 1, 10, 12) : build(cadence, year, quarter * 3 - 5, quarter * 3 - 3);
}

/** The year to date through the period: January to the period's last month (what the linked tables cover). */
export function yearToDate(period: ReportPeriod): { start: string; end: string; label: string; months: string[] } {
  const last = Number(period.months.at(-1)!.slice(5, 7));
  const months = Array.from({ length: last }, (_, i) => monthId(period.year, i + 1));
  return { start: firstDay(period.year, 1), end: period.end, label: spanLabel(period.year, 1, last), months };
}

/** The months a span of the period covers. */
export const monthsOf = (period: ReportPeriod, span: 'period' | 'year_to_date'): string[] => (span === 'period' ? period.months : yearToDate(period).months);

/** `YYYY-MM` of an ISO date or date-time (UTC), or undefined when it is not one. */
export function monthOf(isoDate: unknown): string | undefined {
  if (typeof isoDate !== 'string') return undefined;
  const m = /^(\d{4})-(0[1-9]|1[0-2])-\d{2}/.exec(isoDate);
  return m ? `${m[1]}-${m[2]}` : undefined;
}
