/**
 * What the reports count (docs/reports.md, "What is counted"): the datasets every release carries and what one
 * approved record adds to them. Pure: no storage, no clock. Columns come from the forms' code lists; a code a later
 * form version adds that a dataset does not list counts in its `other` column ("Other or not listed"), so every
 * review counts exactly once in each review table, whatever version it was written with.
 */
import {
  CAUSE_CATEGORIES,
  CHILD_AGE_BANDS,
  EXTERNAL_PARTNERS,
  IMPROVEMENT_STATUS,
  INCIDENT_TYPES,
  RACE,
  THEMES,
} from '#forms/codes.ts';
import { FORM_VERSIONS } from '#forms/index.ts';
import type { Choice, FormDefinition } from '#forms/types.ts';
import { REVIEW_TIMELINESS_STANDARD_DAYS } from '#shared/policy.ts';
import type { Category, DatasetDefinition } from './model.ts';

export const REVIEW_FORM_ID = 'critical_incident_review';
export const NOTICE_FORM_ID = 'safety_notice';
/** The forms the reports read. */
export const REPORT_FORMS = [REVIEW_FORM_ID, NOTICE_FORM_ID] as const;

/** The column of codes a dataset does not list (and of a list's own "other" code). */
export const OTHER = 'other';
const OTHER_LABEL = 'Other or not listed';

/** A code list's columns: its codes but `other`, then the one `other` column. */
function columnsOf(list: readonly Choice[], otherLabel = OTHER_LABEL): Category[] {
  return [...list.filter((c) => c.code !== OTHER).map((c) => ({ key: c.code, label: c.label })), { key: OTHER, label: otherLabel }];
}

export const RACE_CATEGORIES = {
  hispanic: 'hispanic_latino',
  twoOrMore: 'two_or_more',
  unknown: 'unknown',
} as const;
const RACE_NOT_GIVEN: ReadonlySet<string> = new Set(['unknown', 'declined']);
const RACES = RACE.filter((r) => !RACE_NOT_GIVEN.has(r.code));

/** The four systemic factor domains of the review form: the `factors_<domain>` sections. */
export const FACTOR_DOMAINS = [
  { key: 'family_case', label: 'Family and case' },
  { key: 'team_workforce', label: 'Team and workforce' },
  { key: 'organizational', label: 'Organization' },
  { key: 'external_community', label: 'Outside partners and community' },
] as const;
const FACTOR_SECTION_PREFIX = 'factors_';
/** Ratings from this point up mean "contributed" (2) or "contributed strongly" (3). */
export const CONTRIBUTED_RATING = 2;

export const TIMELINESS = { within: 'within_standard', over: 'over_standard' } as const;

export const DATASET_IDS = [
  'reviews_by_incident_type',
  'reviews_by_cause',
  'reviews_by_age_band',
  'reviews_by_race_ethnicity',
  'review_timeliness',
  'improvement_opportunities_by_theme',
  'improvement_opportunities_by_cause',
  'improvement_opportunities_by_partner',
  'improvement_opportunities_by_status',
  'systemic_factors_by_domain',
  'safety_notices_by_theme',
] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

const REVIEWS = 'approved reviews';
const OPPORTUNITIES = 'improvement opportunities';
const causeColumns = columnsOf(CAUSE_CATEGORIES);

/** Every dataset, in the order a release shows them. */
export const DATASETS: readonly (DatasetDefinition & { id: DatasetId })[] = [
  {
    id: 'reviews_by_incident_type',
    title: 'Approved reviews by incident type',
    description: 'Critical incident reviews approved in the span, by whether the child died or nearly died.',
    counts: REVIEWS,
    columnTitle: 'Incident type',
    columns: columnsOf(INCIDENT_TYPES),
  },
  {
    id: 'reviews_by_cause',
    title: 'Approved reviews by cause',
    description: 'Critical incident reviews approved in the span, by the cause of the fatality or near fatality.',
    counts: REVIEWS,
    columnTitle: 'Cause',
    columns: causeColumns,
  },
  {
    id: 'reviews_by_age_band',
    title: 'Approved reviews by age of the child',
    description: "Critical incident reviews approved in the span, by the child's age at the incident.",
    counts: REVIEWS,
    columnTitle: 'Age of the child',
    columns: columnsOf(CHILD_AGE_BANDS),
  },
  {
    id: 'reviews_by_race_ethnicity',
    title: 'Approved reviews by race and ethnicity of the child',
    description:
      'Critical incident reviews approved in the span, one category per child: Hispanic or Latino of any race; otherwise the one race selected, or "Two or more races" when more than one is selected (the federal rule); unknown or declined when no race is given.',
    counts: REVIEWS,
    columnTitle: 'Race and ethnicity',
    columns: [
      { key: RACE_CATEGORIES.hispanic, label: 'Hispanic or Latino (any race)' },
      ...RACES.map((r) => ({ key: r.code, label: `${r.label} alone` })),
      { key: RACE_CATEGORIES.twoOrMore, label: 'Two or more races' },
      { key: RACE_CATEGORIES.unknown, label: 'Unknown or declined' },
      { key: OTHER, label: OTHER_LABEL },
    ],
  },
  {
    id: 'review_timeliness',
    title: 'Review timeliness',
    description: `Critical incident reviews approved in the span, by the days from the agency's notification to the review, against the ${REVIEW_TIMELINESS_STANDARD_DAYS}-day standard. Reviews without both dates are not counted here.`,
    counts: REVIEWS,
    columnTitle: 'Days from notification to review',
    columns: [
      { key: TIMELINESS.within, label: `Within ${REVIEW_TIMELINESS_STANDARD_DAYS} days` },
      { key: TIMELINESS.over, label: `More than ${REVIEW_TIMELINESS_STANDARD_DAYS} days` },
    ],
  },
  {
    id: 'improvement_opportunities_by_theme',
    title: 'Improvement opportunities by theme',
    description: 'Improvement opportunities of the critical incident reviews approved in the span, by theme.',
    counts: OPPORTUNITIES,
    columnTitle: 'Theme',
    columns: columnsOf(THEMES),
  },
  {
    id: 'improvement_opportunities_by_cause',
    title: 'Improvement opportunities by incident cause',
    description: 'Improvement opportunities of the critical incident reviews approved in the span, by the cause of the incident their review is about.',
    counts: OPPORTUNITIES,
    columnTitle: 'Cause of the incident',
    columns: causeColumns,
  },
  {
    id: 'improvement_opportunities_by_partner',
    title: 'Improvement opportunities by partner',
    description: 'Improvement opportunities of the critical incident reviews approved in the span: inside the agency, or with which outside partner.',
    counts: OPPORTUNITIES,
    columnTitle: 'Where the change sits',
    columns: [{ key: 'internal', label: 'Inside the agency' }, ...columnsOf(EXTERNAL_PARTNERS, 'Other outside partner or not listed')],
  },
  {
    id: 'improvement_opportunities_by_status',
    title: 'Improvement opportunities by status',
    description: 'Improvement opportunities of the critical incident reviews approved in the span, by their status in the approved review.',
    counts: OPPORTUNITIES,
    columnTitle: 'Status',
    columns: columnsOf(IMPROVEMENT_STATUS),
  },
  {
    id: 'systemic_factors_by_domain',
    title: 'Systemic factors that contributed, by domain',
    description:
      'Systemic factor ratings of 2 (contributed) or 3 (contributed strongly) in the full systems analyses approved in the span, by domain; a review counts once per factor so rated.',
    counts: 'contributing factor ratings',
    columnTitle: 'Domain',
    columns: [...FACTOR_DOMAINS.map((d) => ({ key: d.key, label: d.label })), { key: OTHER, label: OTHER_LABEL }],
  },
  {
    id: 'safety_notices_by_theme',
    title: 'Safety notices by theme',
    description: 'Safety notices approved in the span, by the issuing jurisdiction and theme.',
    counts: 'safety notices',
    columnTitle: 'Theme',
    columns: columnsOf(THEMES),
  },
];

const BY_ID = new Map(DATASETS.map((d) => [d.id, d]));
export function dataset(id: string): DatasetDefinition & { id: DatasetId } {
  const found = BY_ID.get(id as DatasetId);
  if (!found) throw new Error(`Unknown dataset "${id}"; the datasets are ${DATASET_IDS.join(', ')}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------
// What one record adds.

/** A stored record as far as counting reads it (any form version; answers may be a projection). */
export interface CountableRecord {
  formId: string;
  formVersion: number;
  answers: Readonly<Record<string, unknown>>;
}

/** Adds `n` to a (dataset, category) count. */
export type Tally = (datasetId: DatasetId, category: string, n?: number) => void;

const listed = (list: readonly Choice[]) => new Set(list.map((c) => c.code).filter((c) => c !== OTHER));
const INCIDENT_CODES = listed(INCIDENT_TYPES);
const CAUSE_CODES = listed(CAUSE_CATEGORIES);
const AGE_CODES = listed(CHILD_AGE_BANDS);
const THEME_CODES = listed(THEMES);
const PARTNER_CODES = listed(EXTERNAL_PARTNERS);
const STATUS_CODES = listed(IMPROVEMENT_STATUS);
const RACE_CODES: ReadonlySet<string> = new Set(RACES.map((r) => r.code));

/** The column of a single-choice answer: its code when the list has it, else `other` (unanswered included). */
const columnOf = (codes: ReadonlySet<string>, value: unknown): string => (typeof value === 'string' && codes.has(value) ? value : OTHER);

/**
 * One category per child (the OMB 1997 standard as AFCARS and NCANDS tabulate it): Hispanic or Latino of any race;
 * otherwise the race selected alone, "two or more races" when more than one is selected; unknown or declined when no
 * race is given. A race code the list lacks counts as a race (so with another one it is "two or more").
 */
export function raceEthnicityCategory(race: unknown, ethnicity: unknown): string {
  if (ethnicity === 'hispanic_latino') return RACE_CATEGORIES.hispanic;
  const selected = typeof race === 'string' ? [race] : Array.isArray(race) ? race.filter((r): r is string => typeof r === 'string') : [];
  const races = new Set(selected.filter((r) => !RACE_NOT_GIVEN.has(r)));
  if (races.size > 1) return RACE_CATEGORIES.twoOrMore;
  if (races.size === 0) return RACE_CATEGORIES.unknown;
  const [only] = races;
  return RACE_CODES.has(only!) ? only! : OTHER;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Whole days from one `YYYY-MM-DD` to another, or undefined when either is not a date or the order is wrong. */
export function daysBetween(from: unknown, to: unknown): number | undefined {
  if (typeof from !== 'string' || typeof to !== 'string' || !ISO_DAY.test(from) || !ISO_DAY.test(to)) return undefined;
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
  return Number.isInteger(days) && days >= 0 ? days : undefined;
}

/**
 * Per version of the review form: rating field name -> domain column, from its `factors_<domain>` sections. Read
 * from the form definitions, so a version that adds a domain counts it in `other` instead of losing it.
 */
const domainCache = new WeakMap<FormDefinition, ReadonlyMap<string, string>>();
const DOMAIN_KEYS = new Set<string>(FACTOR_DOMAINS.map((d) => d.key));
function factorDomains(version: number, forms: readonly FormDefinition[]): ReadonlyMap<string, string> {
  const form = forms.find((f) => f.formId === REVIEW_FORM_ID && f.version === version);
  if (!form) throw new Error(`${REVIEW_FORM_ID} version ${version} is not in the form registry (forms/index.ts)`);
  let found = domainCache.get(form);
  if (!found) domainCache.set(form, (found = factorDomainsOf(form)));
  return found;
}
const reviewVersions = (): FormDefinition[] => FORM_VERSIONS.filter((f) => f.formId === REVIEW_FORM_ID);

/** A review form version's rating fields -> domain column: its `factors_<domain>` sections (`other` for a new domain). */
export function factorDomainsOf(form: FormDefinition): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const section of form.sections) {
    if (!section.id.startsWith(FACTOR_SECTION_PREFIX)) continue;
    const domain = section.id.slice(FACTOR_SECTION_PREFIX.length);
    for (const field of section.fields) if (field.type === 'rating') map.set(field.name, DOMAIN_KEYS.has(domain) ? domain : OTHER);
  }
  return map;
}

const GROUP = 'improvement_opportunities';
/** The answers counting reads: the projection of a records query (aggregate.ts) asks for these and no others. */
export const COUNTED_ANSWERS = {
  [REVIEW_FORM_ID]: ['incident_type', 'cause_category', 'child_age_band', 'child_race', 'child_ethnicity', 'notification_date', 'review_date'],
  [NOTICE_FORM_ID]: ['theme'],
} as const;
/** The fields of each improvement opportunity counting reads. */
export const COUNTED_GROUP_FIELDS = ['io_theme', 'io_partner_scope', 'io_external_partner', 'io_status'] as const;
export const COUNTED_GROUP = GROUP;

/** Every rating field of a factors section, across the review form's versions (for the projection). */
export function factorRatingFields(): string[] {
  return [...new Set(reviewVersions().flatMap((f) => [...factorDomainsOf(f).keys()]))];
}

/** The most improvement opportunities any version of the review form allows (the projection reads that many). */
export function maxImprovementOpportunities(): number {
  let max = 0;
  for (const form of reviewVersions()) {
    for (const section of form.sections) for (const field of section.fields) if (field.type === 'group' && field.name === GROUP) max = Math.max(max, field.maxItems);
  }
  return max;
}

/** The column of each of the review's improvement opportunities, in one dataset. */
function opportunityColumns(row: Record<string, unknown>, causeColumn: string): Record<Extract<DatasetId, `improvement_opportunities_${string}`>, string> {
  const scope = row.io_partner_scope;
  const partner = scope === 'internal' ? 'internal' : scope === 'external' ? columnOf(PARTNER_CODES, row.io_external_partner) : OTHER;
  return {
    improvement_opportunities_by_theme: columnOf(THEME_CODES, row.io_theme),
    improvement_opportunities_by_cause: causeColumn,
    improvement_opportunities_by_partner: partner,
    improvement_opportunities_by_status: columnOf(STATUS_CODES, row.io_status),
  };
}

const isRow = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What one approved record adds: calls `tally` once per (dataset, category) it counts in and returns the review's
 * days from notification to review (for the timeliness histogram) when it has both dates. The caller decides that
 * the record counts (approved, in the span) and in which month. A form the reports do not read adds nothing.
 */
export function countRecord(record: CountableRecord, tally: Tally, forms: readonly FormDefinition[] = FORM_VERSIONS): { timelinessDays?: number } {
  const a = record.answers;
  if (record.formId === NOTICE_FORM_ID) {
    tally('safety_notices_by_theme', columnOf(THEME_CODES, a.theme));
    return {};
  }
  if (record.formId !== REVIEW_FORM_ID) return {};

  const cause = columnOf(CAUSE_CODES, a.cause_category);
  tally('reviews_by_incident_type', columnOf(INCIDENT_CODES, a.incident_type));
  tally('reviews_by_cause', cause);
  tally('reviews_by_age_band', columnOf(AGE_CODES, a.child_age_band));
  tally('reviews_by_race_ethnicity', raceEthnicityCategory(a.child_race, a.child_ethnicity));

  const days = daysBetween(a.notification_date, a.review_date);
  if (days !== undefined) tally('review_timeliness', days <= REVIEW_TIMELINESS_STANDARD_DAYS ? TIMELINESS.within : TIMELINESS.over);

  const rows = a[GROUP];
  if (Array.isArray(rows)) {
    for (const row of rows) {
      if (!isRow(row)) continue;
      for (const [datasetId, column] of Object.entries(opportunityColumns(row, cause))) tally(datasetId as DatasetId, column);
    }
  }

  for (const [field, domain] of factorDomains(record.formVersion, forms)) {
    const rating = a[field];
    if (typeof rating === 'number' && rating >= CONTRIBUTED_RATING) tally('systemic_factors_by_domain', domain);
  }
  return days === undefined ? {} : { timelinessDays: days };
}

/** What one record adds, as `{datasetId: {category: n}}` (tests, and whoever wants the counts of one record). */
export function countsOf(record: CountableRecord, forms: readonly FormDefinition[] = FORM_VERSIONS): { counts: Partial<Record<DatasetId, Record<string, number>>>; timelinessDays?: number } {
  const counts: Partial<Record<DatasetId, Record<string, number>>> = {};
  const { timelinessDays } = countRecord(record, (datasetId, category, n = 1) => {
    const row = (counts[datasetId] ??= {});
    row[category] = (row[category] ?? 0) + n;
  }, forms);
  return timelinessDays === undefined ? { counts } : { counts, timelinessDays };
}
