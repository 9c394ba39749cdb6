/**
 * The reports' shared shapes (docs/reports.md): periods, the per-jurisdiction partial aggregates the workflow's Map
 * writes to S3, and the release documents the combine step publishes and the pages and emails render. A protected
 * cell that is suppressed carries no number at all, so no page, chart or email can leak one by mistake.
 */
import type { NoticeStatus } from '#shared/notices/model.ts';

/** How often a release is made; each cadence has its own schedule (infra config `reportCadences`). */
export const CADENCES = ['monthly', 'quarterly'] as const;
/**
 * Key patterns of every published release file (`runPrefix` + `audienceFolder` in store.ts): all the web function
 * may read of the exports bucket. The ledger and the partial aggregates (unsuppressed counts) lie outside them.
 */
export const RELEASE_FILE_PATTERNS = CADENCES.flatMap((cadence) => [`reports/${cadence}/*/partnership/*`, `reports/${cadence}/*/jurisdictions/*`]);
export type Cadence = (typeof CADENCES)[number];

/** A reporting period: a calendar month (`2026-03`) or quarter (`2026-Q1`), in UTC. */
export interface ReportPeriod {
  cadence: Cadence;
  /** `2026-03` or `2026-Q1`. */
  id: string;
  year: number;
  /** The months it covers, `YYYY-MM`, in order. */
  months: string[];
  /** First day (inclusive) and the day after the last (exclusive), `YYYY-MM-DD`. */
  start: string;
  end: string;
  /** "March 2026", "January to March 2026". */
  label: string;
}

/** Which span a table of a release covers: the period itself, or the year to date through it (linked tables). */
export const SPANS = ['period', 'year_to_date'] as const;
export type Span = (typeof SPANS)[number];

/** A column (category) of a dataset. */
export interface Category {
  key: string;
  label: string;
}

/** A count table every release carries, per jurisdiction (rows) and category (columns), with margins. */
export interface DatasetDefinition {
  id: string;
  title: string;
  description: string;
  /** What is counted, plural ("approved reviews", "improvement opportunities"). */
  counts: string;
  /** The column dimension's name ("Incident type"). */
  columnTitle: string;
  columns: Category[];
}

/**
 * One jurisdiction's aggregate for one year through the period's last month: counts per dataset, month and
 * category. Bounded by datasets x 12 months x categories, whatever the number of records.
 */
export interface JurisdictionPartial {
  jurisdictionId: string;
  name: string;
  state: string;
  joinedYear: number;
  year: number;
  /** The last month counted (`YYYY-MM`). */
  throughMonth: string;
  /** counts[datasetId][month][categoryKey]: absent means 0. */
  counts: Record<string, Record<string, Record<string, number>>>;
  /**
   * Days from notification to the initial review, per month: a histogram (index = days, last bucket = that many or
   * more), so medians and the share within the standard can be computed without keeping records.
   */
  timelinessDays: Record<string, number[]>;
  /** The form versions read, per form id. */
  formVersions: Record<string, number[]>;
  /** Items read and records counted (for the manifest and the bench). */
  itemsRead: number;
  recordsCounted: number;
}

/** A cell as it is released. */
export type ReleaseCell =
  | { shown: true; value: number }
  /**
   * Primary: the count is 1 to the threshold. Secondary: hidden so that a primary cannot be worked out. Withheld: the
   * whole table is held back, because the rule itself would let a small count be narrowed down (docs/reports-protection.md).
   */
  | { shown: false; suppression: 'primary' | 'secondary' | 'withheld' };

export interface ReleaseRow {
  /** A jurisdiction id, or `all` for the partnership's total row. */
  key: string;
  label: string;
  cells: ReleaseCell[];
  total: ReleaseCell;
}

export interface ReleaseTable {
  /** `<datasetId>.<span>`. */
  id: string;
  datasetId: string;
  span: Span;
  title: string;
  description: string;
  counts: string;
  columnTitle: string;
  columns: Category[];
  /** One row per jurisdiction, then the total row (key `all`). */
  rows: ReleaseRow[];
  /** The suppression threshold applied (counts 1..threshold are primary); 0 in a jurisdiction's own report. */
  threshold: number;
}

/** A jurisdiction's safety culture beside its incident findings: its latest closed survey wave by the period's end. */
export interface CultureRow {
  jurisdictionId: string;
  label: string;
  waveTitle?: string;
  closedOn?: string;
  /** Per scale: percent positive when the survey's own protection shows it, else why not. */
  scales: { scale: string; label: string; percentPositive?: number; reason?: string }[];
  /** The same jurisdiction's approved reviews in the year to date, as the protected table shows them. */
  reviewsYearToDate: ReleaseCell;
}

export interface TimelinessRow {
  key: string;
  label: string;
  /** Shown only where at least the threshold's worth of reviews stand behind it (or in a jurisdiction's own report). */
  medianDays?: number;
  withinStandard: ReleaseCell;
  overStandard: ReleaseCell;
}

/**
 * A published safety notice beside its theme's improvement opportunities (docs/notices.md, "In the reports"): what the
 * release saw when it was published. Notices are already public to every partner, so both audiences carry the same
 * list; never a count of them per jurisdiction (counts are the tables', under small-cell protection).
 */
export interface ThemeNotice {
  /** Free text written by the issuing agency: rendered as text, never as markup. */
  title: string;
  issuerId: string;
  issuerName: string;
  firstPublishedAt: string;
  /** When the release was published (a later withdrawal shows on the notice's page, not in this release). */
  status: NoticeStatus;
  /** The notice's page, `/notices/<issuerId>/<recordId>`. */
  path: string;
}

/** The notices of one theme (a column of `improvement_opportunities_by_theme`), newest first. */
export interface ThemeNotices {
  theme: string;
  label: string;
  notices: ThemeNotice[];
}

/** What a published release holds: the protected (partnership) or a jurisdiction's own (unsuppressed) report. */
export interface ReleaseDocument {
  audience: { kind: 'partnership' } | { kind: 'jurisdiction'; jurisdictionId: string; name: string };
  period: ReportPeriod;
  /** Year to date: January through the period's last month. */
  yearToDate: { start: string; end: string; label: string };
  runId: string;
  generatedAt: string;
  jurisdictions: { id: string; name: string; state: string; joinedYear: number }[];
  tables: ReleaseTable[];
  /** Review timeliness against the standard (days from notification to the initial review). */
  timeliness: { standardDays: number; span: Span; rows: TimelinessRow[] }[];
  culture: CultureRow[];
  /** The headline figures the digest email states, already protected. */
  headline: { label: string; value: string }[];
  /**
   * The safety notices first published by the period's end, per theme of `improvement_opportunities_by_theme` that
   * has any (in the table's column order); empty when none has.
   */
  themeNotices: ThemeNotices[];
}
