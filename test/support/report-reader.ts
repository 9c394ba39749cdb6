/**
 * The report pages' reader over objects in memory (the reports store reads the switch items and the exports
 * bucket): releases, their fragments per audience, their files per audience.
 */
import type { Cadence, ReportPeriod } from '#shared/reports/model.ts';
import type { ReportAudience, ReportRelease, ReportsReader } from '#shared/reports/web/reader.ts';

const audienceKey = (a: ReportAudience) => (a === 'partnership' ? 'partnership' : `jurisdiction:${a.jurisdictionId}`);

export interface StoredRelease {
  release: ReportRelease;
  /** Fragments by audience key (`partnership`, `jurisdiction:<id>`). */
  html: Record<string, string>;
  /** Files by audience key, then name. */
  files: Record<string, Record<string, Uint8Array>>;
}

export function memoryReader(stored: readonly StoredRelease[]): ReportsReader {
  const find = (r: ReportRelease) => stored.find((s) => s.release.cadence === r.cadence && s.release.period.id === r.period.id);
  return {
    list: async () => [...stored.map((s) => s.release)].sort((a, b) => (a.period.end === b.period.end ? a.cadence.localeCompare(b.cadence) : a.period.end < b.period.end ? 1 : -1)),
    get: async (cadence: Cadence, periodId: string) => stored.find((s) => s.release.cadence === cadence && s.release.period.id === periodId)?.release,
    reportHtml: async (r, a) => find(r)?.html[audienceKey(a)],
    file: async (r, a, name) => find(r)?.files[audienceKey(a)]?.[name],
  };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A period as the aggregation makes them (calendar months and quarters, UTC). */
export function period(cadence: Cadence, id: string): ReportPeriod {
  const year = Number(id.slice(0, 4));
  const first = cadence === 'monthly' ? Number(id.slice(5)) : (Number(id.slice(6)) - 1) * 3 + 1;
  const count = cadence === 'monthly' ? 1 : 3;
  const months = Array.from({ length: count }, (_, i) => `${year}-${String(first + i).padStart(2, '0')}`);
  const after = first + count > 12 ? `${year + 1}-01-01` : `${year}-${String(first + count).padStart(2, '0')}-01`;
  return {
    cadence,
    id,
    year,
    months,
    start: `${months[0]}-01`,
    end: after,
    label: count === 1 ? `${MONTHS[first - 1]} ${year}` : `${MONTHS[first - 1]} to ${MONTHS[first + 1]} ${year}`,
  };
}

export const release = (cadence: Cadence, id: string, files: string[] = [], headline = [{ label: `Approved reviews in ${period(cadence, id).label}`, value: '127' }]): ReportRelease => ({
  cadence,
  period: period(cadence, id),
  runId: `01JQ${cadence === 'monthly' ? 'M' : 'Q'}${id.replace(/\D/g, '')}RUN`,
  publishedAt: `${period(cadence, id).end}T06:00:00.000Z`,
  headline,
  files,
});
