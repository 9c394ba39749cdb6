/**
 * One jurisdiction's partial aggregate (docs/reports.md): its records streamed through paged Queries of
 * `<jid>#RECORDS`, through its scoped table handle (nothing of another jurisdiction is reachable), projected to what
 * counting reads. Memory holds one page and the next being fetched, and counts bounded by datasets x 12 months x
 * categories: never the records.
 *
 * What counts: approved critical incident reviews and safety notices, in the month of their first approval
 * (`approvedAt`; records approved before it existed: `updatedAt`), January through the period's last month. A
 * record reopened by an amendment counts with its kept approved version (`VERSION#<amends.version>`) until it is
 * approved again, so a release made meanwhile does not lose it.
 */
import { approvedContent } from '#shared/records/approved.ts';
import { partitions, RECORD_SK_PREFIX } from '#shared/storage/keys.ts';
import type { Item, ScopedTable } from '#shared/storage/scoped-table.ts';
import {
  COUNTED_ANSWERS,
  COUNTED_GROUP,
  COUNTED_GROUP_FIELDS,
  countRecord,
  factorRatingFields,
  maxImprovementOpportunities,
  NOTICE_FORM_ID,
  REVIEW_FORM_ID,
  type DatasetId,
} from './datasets.ts';
import type { JurisdictionPartial, ReportPeriod } from './model.ts';
import { monthOf, yearToDate } from './periods.ts';

/** Days from notification to review past which the histogram keeps one last bucket ("this many or more"). */
export const TIMELINESS_HISTOGRAM_CAP = 365;

/** The record attributes counting reads (the answers are projected field by field: see `recordPaths`). */
const RECORD_ATTRIBUTES = ['recordId', 'formId', 'formVersion', 'status', 'approvedAt', 'updatedAt', 'amends'] as const;

let paths: (readonly (string | number)[])[] | undefined;
/**
 * The answer paths counting reads: the single answers, each factor rating, and four fields of each improvement
 * opportunity (never the free text around them, which is most of an item).
 */
export function recordPaths(): readonly (readonly (string | number)[])[] {
  if (!paths) {
    const single = [...new Set([...COUNTED_ANSWERS[REVIEW_FORM_ID], ...COUNTED_ANSWERS[NOTICE_FORM_ID], ...factorRatingFields()])];
    const rows = Array.from({ length: maxImprovementOpportunities() }, (_, i) => COUNTED_GROUP_FIELDS.map((f) => ['answers', COUNTED_GROUP, i, f] as const));
    paths = [...single.map((f) => ['answers', f] as const), ...rows.flat()];
  }
  return paths;
}

/**
 * Items a page reads. DynamoDB stops a page at 1 MB (~300 review items) anyway; without a Limit, DynamoDB Local reads
 * the rest of the partition for every page (pages took 3 s at 5,000 items, and it grows with the partition).
 */
export const DEFAULT_PAGE_SIZE = 250;

/** The query of the records partition the aggregation makes (the bench pages through the same one raw). */
export function recordsQuery(period: ReportPeriod, pageSize = DEFAULT_PAGE_SIZE) {
  const { start } = yearToDate(period);
  return {
    partition: partitions.records,
    sk: { beginsWith: RECORD_SK_PREFIX },
    attributes: RECORD_ATTRIBUTES,
    paths: recordPaths(),
    limit: pageSize,
    // Cuts what travels, not what is read: the code below decides again for every item.
    filter: {
      expression:
        '#f IN (:review, :notice) AND (#st = :approved OR attribute_exists(#am)) AND ((#ap >= :from AND #ap < :to) OR (attribute_not_exists(#ap) AND #up >= :from))',
      names: { '#f': 'formId', '#st': 'status', '#am': 'amends', '#ap': 'approvedAt', '#up': 'updatedAt' },
      values: { ':review': REVIEW_FORM_ID, ':notice': NOTICE_FORM_ID, ':approved': 'approved', ':from': start, ':to': period.end },
    },
  };
}

export interface JurisdictionRef {
  id: string;
  name: string;
  state: string;
  joinedYear: number;
}

export interface AggregateOptions {
  /** Items per Query page (default DEFAULT_PAGE_SIZE). */
  pageSize?: number;
}

/** The month a record counts in, and the answers it counts with; undefined when it does not count. */
async function countable(table: ScopedTable, item: Item): Promise<{ month: string; answers: Record<string, unknown> } | undefined> {
  const content = await approvedContent(table, item);
  const month = content && monthOf(content.approvedAt);
  return month ? { month, answers: content.answers } : undefined;
}

/** Aggregates one jurisdiction's records for the year through the period's last month. */
export async function aggregateJurisdiction(table: ScopedTable, jurisdiction: JurisdictionRef, period: ReportPeriod, options: AggregateOptions = {}): Promise<JurisdictionPartial> {
  if (table.jurisdictionId !== jurisdiction.id) throw new Error(`The table handle is of ${table.jurisdictionId}, not of ${jurisdiction.id}`);
  const ytd = yearToDate(period);
  const inSpan = new Set(ytd.months);
  const partial: JurisdictionPartial = {
    jurisdictionId: jurisdiction.id,
    name: jurisdiction.name,
    state: jurisdiction.state,
    joinedYear: jurisdiction.joinedYear,
    year: period.year,
    throughMonth: ytd.months.at(-1)!,
    counts: {},
    timelinessDays: {},
    formVersions: {},
    itemsRead: 0,
    recordsCounted: 0,
  };
  const versions = new Map<string, Set<number>>();
  const query = recordsQuery(period, options.pageSize);

  let month = '';
  const tally = (datasetId: DatasetId, category: string, n = 1) => {
    const byMonth = (partial.counts[datasetId] ??= {});
    const row = (byMonth[month] ??= {});
    row[category] = (row[category] ?? 0) + n;
  };

  // The next page is fetched while this one is counted: two pages at most in memory.
  let next: Promise<{ items: Item[]; lastKey?: Item }> | undefined = table.query(query);
  next.catch(() => undefined);
  while (next) {
    const page: { items: Item[]; lastKey?: Item } = await next;
    next = page.lastKey ? table.query({ ...query, startKey: page.lastKey }) : undefined;
    // Its failure is thrown where it is awaited; until then it must not count as unhandled.
    next?.catch(() => undefined);
    for (const item of page.items) {
      partial.itemsRead++;
      const found = await countable(table, item);
      if (!found || !inSpan.has(found.month)) continue;
      const formId = String(item.formId);
      const formVersion = Number(item.formVersion);
      month = found.month;
      const { timelinessDays } = countRecord({ formId, formVersion, answers: found.answers }, tally);
      if (timelinessDays !== undefined) {
        const histogram = (partial.timelinessDays[month] ??= []);
        const bucket = Math.min(timelinessDays, TIMELINESS_HISTOGRAM_CAP);
        while (histogram.length <= bucket) histogram.push(0);
        histogram[bucket]!++;
      }
      let seen = versions.get(formId);
      if (!seen) versions.set(formId, (seen = new Set()));
      seen.add(formVersion);
      partial.recordsCounted++;
    }
  }
  for (const [formId, seen] of [...versions].sort(([a], [b]) => a.localeCompare(b))) partial.formVersions[formId] = [...seen].sort((a, b) => a - b);
  return partial;
}
