/**
 * What the report pages read of the published releases: the pages depend on this, not on where releases are kept.
 * The reports store (shared/reports/store.ts: the switch item per period and the exports bucket) implements it.
 */
import type { Cadence, ReportPeriod } from '#shared/reports/model.ts';

/** Whose report: the partnership's protected one, or a jurisdiction's own (its id). */
export type ReportAudience = 'partnership' | { jurisdictionId: string };

/** A published release of a period, as its switch item says (the run it points at). */
export interface ReportRelease {
  cadence: Cadence;
  period: ReportPeriod;
  runId: string;
  publishedAt: string;
  /** The headline figures, already protected. */
  headline: { label: string; value: string }[];
  /**
   * The release's downloadable files by name (the last segment of their key): `manifest.json` and each table's
   * `<tableId>.csv|json|parquet`. A jurisdiction's own report has files of the same names.
   */
  files: string[];
}

export interface ReportsReader {
  /** Every published release, newest period first. */
  list(): Promise<ReportRelease[]>;
  get(cadence: Cadence, periodId: string): Promise<ReportRelease | undefined>;
  /** The stored report fragment (report.html), or undefined when the audience has none in this release. */
  reportHtml(release: ReportRelease, audience: ReportAudience): Promise<string | undefined>;
  /** A file's bytes, or undefined when there is no such file for the audience. */
  file(release: ReportRelease, audience: ReportAudience, name: string): Promise<Uint8Array | undefined>;
}
