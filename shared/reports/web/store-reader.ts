import { ReportReleases, type Audience, type PublishedRelease } from '#shared/reports/store.ts';
import type { ReportAudience, ReportRelease, ReportsReader } from './reader.ts';

/**
 * The store as the report pages read it (shared/reports/web/reader.ts): files by their last name segment (`manifest.json`,
 * `<tableId>.csv|json|parquet`), the HTML fragment per audience; a jurisdiction not in the release has no report.
 */
export function reportsReader(releases: ReportReleases): ReportsReader {
  const published = new Map<string, PublishedRelease>();
  const toReader = (r: PublishedRelease): ReportRelease => {
    published.set(`${r.cadence}/${r.periodId}/${r.runId}`, r);
    return {
      cadence: r.cadence,
      period: r.period,
      runId: r.runId,
      publishedAt: r.publishedAt,
      headline: r.headline,
      // The manifest lists every other file; it is one of the files a reader can download too.
      files: ['manifest.json', ...r.files.filter((f) => f.name.startsWith('tables/')).map((f) => f.name.slice(f.name.lastIndexOf('/') + 1))],
    };
  };
  const back = (r: ReportRelease) => published.get(`${r.cadence}/${r.period.id}/${r.runId}`);
  const audienceOf = (a: ReportAudience): Audience => a;
  return {
    list: async () => (await releases.list()).map(toReader),
    get: async (cadence, periodId) => {
      const r = await releases.get(cadence, periodId);
      return r ? toReader(r) : undefined;
    },
    reportHtml: async (release, audience) => {
      const r = back(release);
      if (!r || (audience !== 'partnership' && !r.jurisdictions.includes(audience.jurisdictionId))) return undefined;
      return releases.reportHtml(r, audienceOf(audience));
    },
    file: async (release, audience, name) => {
      const r = back(release);
      if (!r) return undefined;
      const relative = name === 'manifest.json' ? name : `tables/${name}`;
      return (await releases.file(r, audienceOf(audience), relative))?.body;
    },
  };
}

