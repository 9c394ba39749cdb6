/**
 * From the jurisdictions' partial aggregates to what is released (docs/reports.md): the protection engine's input
 * (every dataset x span as a two-way table with margins, each cell a sum of atoms), then, with its result, the
 * partnership's protected document and each jurisdiction's own unsuppressed one, with review timeliness, the
 * headline figures and the safety culture beside the incident findings. Pure: the publish task reads and writes.
 */
import { getForm } from '#shared/forms/registry.ts';
import type { PublishedNotice } from '#shared/notices/model.ts';
import { REVIEW_TIMELINESS_STANDARD_DAYS } from '#shared/policy.ts';
import type { FrozenWaveResults, SuppressionReason } from '#shared/survey/results/types.ts';
import { DATASETS, OTHER, TIMELINESS, type DatasetId } from './datasets.ts';
import type { CultureRow, JurisdictionPartial, ReleaseCell, ReleaseDocument, ReleaseRow, ReleaseTable, ReportPeriod, Span, ThemeNotices, TimelinessRow } from './model.ts';
import { SPANS } from './model.ts';
import { monthsOf, yearToDate } from './periods.ts';
import type { ProtectionCell, ProtectionResult, ProtectionTable } from './protection/types.ts';
import type { ReportProtectionSettings } from './settings.ts';

/** The total row and the total column of every table. */
export const ALL = 'all';
export const TOTAL = 'total';
const ALL_LABEL = 'All jurisdictions';

/** `<datasetId>|<jurisdictionId>|<categoryKey>|<YYYY-MM>`: the finest count, never published itself. */
export const atomId = (datasetId: string, jurisdictionId: string, category: string, month: string) => `${datasetId}|${jurisdictionId}|${category}|${month}`;
/** `<datasetId>.<span>`. */
export const tableIdOf = (datasetId: string, span: Span) => `${datasetId}.${span}`;
/** `<tableId>|<row: jurisdiction id or all>|<column: category key or total>`. */
export const cellIdOf = (tableId: string, row: string, column: string) => `${tableId}|${row}|${column}`;

/** The partials in the order every table lists them (by jurisdiction id: stable across releases), checked. */
export function orderedPartials(partials: readonly JurisdictionPartial[], period: ReportPeriod): JurisdictionPartial[] {
  const through = period.months.at(-1)!;
  const seen = new Set<string>();
  for (const p of partials) {
    if (p.jurisdictionId === ALL) throw new Error(`"${ALL}" is the total row, not a jurisdiction id`);
    if (seen.has(p.jurisdictionId)) throw new Error(`Two partial aggregates of ${p.jurisdictionId}`);
    seen.add(p.jurisdictionId);
    if (p.year !== period.year || p.throughMonth !== through) {
      throw new Error(`The partial of ${p.jurisdictionId} covers ${p.year} through ${p.throughMonth}, not ${period.year} through ${through}`);
    }
    for (const [datasetId, byMonth] of Object.entries(p.counts)) {
      const columns = new Set(DATASETS.find((d) => d.id === datasetId)?.columns.map((c) => c.key) ?? []);
      if (columns.size === 0) throw new Error(`The partial of ${p.jurisdictionId} counts an unknown dataset "${datasetId}"`);
      for (const row of Object.values(byMonth)) {
        for (const category of Object.keys(row)) if (!columns.has(category)) throw new Error(`The partial of ${p.jurisdictionId} counts "${category}", which ${datasetId} has no column for`);
      }
    }
  }
  return [...partials].sort((a, b) => (a.jurisdictionId < b.jurisdictionId ? -1 : a.jurisdictionId > b.jurisdictionId ? 1 : 0));
}

const countOf = (p: JurisdictionPartial, datasetId: string, category: string, months: readonly string[]) =>
  months.reduce((n, m) => n + (p.counts[datasetId]?.[m]?.[category] ?? 0), 0);

/**
 * The protection engine's input: per dataset and span, a table of jurisdictions x categories with its margins,
 * every cell the sum of its atoms over the span's months; the atoms' values for January through the period.
 */
export function buildProtectionInput(
  partials: readonly JurisdictionPartial[],
  period: ReportPeriod,
  settings: ReportProtectionSettings,
): { tables: ProtectionTable[]; atoms: Map<string, number> } {
  const ordered = orderedPartials(partials, period);
  const atoms = new Map<string, number>();
  const ytdMonths = yearToDate(period).months;
  for (const ds of DATASETS) {
    for (const p of ordered) {
      for (const column of ds.columns) for (const m of ytdMonths) atoms.set(atomId(ds.id, p.jurisdictionId, column.key, m), p.counts[ds.id]?.[m]?.[column.key] ?? 0);
    }
  }
  const tables: ProtectionTable[] = [];
  for (const ds of DATASETS) {
    const { threshold, minIntervalWidth } = settings.forDataset(ds.id);
    for (const span of SPANS) {
      const id = tableIdOf(ds.id, span);
      const months = monthsOf(period, span);
      const atomsOf = (jids: readonly string[], categories: readonly string[]) =>
        jids.flatMap((j) => categories.flatMap((c) => months.map((m) => atomId(ds.id, j, c, m))));
      const cell = (row: string, column: string, jids: readonly string[], categories: readonly string[]): ProtectionCell => ({ id: cellIdOf(id, row, column), atoms: atomsOf(jids, categories) });
      const jids = ordered.map((p) => p.jurisdictionId);
      const categories = ds.columns.map((c) => c.key);
      tables.push({
        id,
        threshold,
        minIntervalWidth,
        cells: jids.map((j) => categories.map((c) => cell(j, c, [j], [c]))),
        rowTotals: jids.map((j) => cell(j, TOTAL, [j], categories)),
        columnTotals: categories.map((c) => cell(ALL, c, jids, [c])),
        grandTotal: cell(ALL, TOTAL, jids, categories),
      });
    }
  }
  return { tables, atoms };
}

// ---------------------------------------------------------------------------------------------------
// Documents.

export interface AssembleInput {
  partials: readonly JurisdictionPartial[];
  period: ReportPeriod;
  settings: ReportProtectionSettings;
  /** The engine's result for the tables of buildProtectionInput(partials, period, settings). */
  protection: ProtectionResult;
  /** Each jurisdiction's closed survey waves (SurveyResults.listClosed()), by jurisdiction id. */
  culture: ReadonlyMap<string, readonly FrozenWaveResults[]>;
  runId: string;
  generatedAt: string;
  /** Tables held back whole (the engine's `withheld`): every cell of theirs is `withheld` in the protected document. */
  withheld?: ReadonlySet<string>;
  /** The published notices beside their themes (themeNoticesOf): the same in every document of the release. */
  themeNotices: readonly ThemeNotices[];
}

export interface AssembledDocuments {
  /** The partnership's protected report: a suppressed cell carries no number. */
  partnership: ReleaseDocument;
  /** Each jurisdiction's own report (its own row only, unsuppressed), in table order. */
  jurisdictions: ReleaseDocument[];
}

/** A cell of the protected release: a suppressed one carries no number. */
function protectedCell(result: ProtectionResult, id: string): ReleaseCell {
  const status = result.status.get(id);
  if (status === undefined) throw new Error(`The protection result has no status for cell ${id}`);
  if (status !== 'shown') return { shown: false, suppression: status };
  const value = result.values.get(id);
  if (value === undefined) throw new Error(`The protection result has no value for shown cell ${id}`);
  return { shown: true, value };
}

const shown = (value: number): ReleaseCell => ({ shown: true, value });

/**
 * The median of the days in histograms (index = days, last bucket = that many or more), or undefined when empty. An
 * even count takes the mean of the middle two; a median in the last bucket is that bucket's days.
 */
export function medianDays(histograms: readonly (readonly number[] | undefined)[]): number | undefined {
  const merged: number[] = [];
  for (const h of histograms) h?.forEach((n, i) => (merged[i] = (merged[i] ?? 0) + n));
  const total = merged.reduce((n, x) => n + (x ?? 0), 0);
  if (total === 0) return undefined;
  const at = (rank: number) => {
    let seen = 0;
    for (let i = 0; i < merged.length; i++) {
      seen += merged[i] ?? 0;
      if (seen > rank) return i;
    }
    return merged.length - 1;
  };
  return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

const SUPPRESSION_WORDS: Record<SuppressionReason, (minGroup: number) => string> = {
  too_few_respondents: (n) => `Fewer than ${n} respondents`,
  too_few_item_answers: (n) => `Fewer than ${n} answers to one of its items`,
  complement: () => 'Not shown, so that a smaller group cannot be worked out',
};

/** A jurisdiction's latest wave closed before the period's end (closing day < the day after the period), if any. */
export function latestClosedWave(results: readonly FrozenWaveResults[], jurisdictionId: string, period: ReportPeriod): FrozenWaveResults | undefined {
  let latest: FrozenWaveResults | undefined;
  for (const r of results) {
    if (r.jurisdictionId !== jurisdictionId || r.closedOn >= period.end) continue;
    if (!latest || r.closedOn > latest.closedOn || (r.closedOn === latest.closedOn && r.waveId > latest.waveId)) latest = r;
  }
  return latest;
}

/**
 * A jurisdiction's safety culture beside its incident findings: per scale of its latest closed wave, percent positive
 * where the survey's own protection shows it (the jurisdiction level), else why not; beside the given cell.
 */
export function cultureRow(
  jurisdiction: { id: string; name: string },
  results: readonly FrozenWaveResults[],
  period: ReportPeriod,
  reviewsYearToDate: ReleaseCell,
): CultureRow {
  const row: CultureRow = { jurisdictionId: jurisdiction.id, label: jurisdiction.name, scales: [], reviewsYearToDate };
  const wave = latestClosedWave(results, jurisdiction.id, period);
  if (!wave) return row;
  row.waveTitle = wave.waveTitle;
  row.closedOn = wave.closedOn;
  const group = wave.groups.find((g) => g.level === 'jurisdiction' && g.groupId === jurisdiction.id);
  const why = (reason: SuppressionReason) => SUPPRESSION_WORDS[reason](wave.minGroupSize);
  if (!group || !group.shown) {
    // A group not shown carries no scales: name them from the form version the wave used.
    const reason = why(group?.reason ?? 'too_few_respondents');
    row.scales = (getForm(wave.formId, wave.formVersion).scores ?? []).map((s) => ({ scale: s.name, label: s.label, reason }));
    return row;
  }
  row.scales = group.scales.map((s) =>
    s.shown ? { scale: s.scale, label: s.label, percentPositive: Math.round(s.percentPositive * 10) / 10 } : { scale: s.scale, label: s.label, reason: why(s.reason) },
  );
  return row;
}

// ---------------------------------------------------------------------------------------------------
// Safety notices beside their theme's improvement opportunities (docs/notices.md, "In the reports").

export const THEME_DATASET: DatasetId = 'improvement_opportunities_by_theme';

/**
 * A published notice's page (the route `GET /notices/{issuerId}/{recordId}`). Built here because the reports' model
 * may not import the notices' pages, where the library's `noticePath` lives; a unit test holds the two equal.
 */
export const noticePathOf = (n: Pick<PublishedNotice, 'issuerId' | 'recordId'>) => `/notices/${encodeURIComponent(n.issuerId)}/${encodeURIComponent(n.recordId)}`;

/**
 * The notices first published before the period's end (`end` is the day after it), whoever issued them (published
 * notices are read by every partner), under the column of the theme table their theme counts in (a theme it does not
 * list goes to `other`, as in `safety_notices_by_theme`), newest first. Themes without a notice are left out.
 */
export function themeNoticesOf(notices: readonly PublishedNotice[], period: ReportPeriod, issuerNames: ReadonlyMap<string, string>): ThemeNotices[] {
  const columns = DATASETS.find((d) => d.id === THEME_DATASET)!.columns;
  const columnOf = (theme: string) => (columns.some((c) => c.key === theme) ? theme : OTHER);
  // ISO timestamps against a `YYYY-MM-DD` day compare as strings: any moment of the day after sorts after it.
  const published = notices
    .filter((n) => n.firstPublishedAt < period.end)
    .toSorted((a, b) => b.firstPublishedAt.localeCompare(a.firstPublishedAt) || noticePathOf(a).localeCompare(noticePathOf(b)));
  return columns.flatMap((column) => {
    const ofTheme = published.filter((n) => columnOf(n.theme) === column.key);
    if (ofTheme.length === 0) return [];
    return [
      {
        theme: column.key,
        label: column.label,
        notices: ofTheme.map((n) => ({ title: n.title, issuerId: n.issuerId, issuerName: issuerNames.get(n.issuerId) ?? n.issuerId, firstPublishedAt: n.firstPublishedAt, status: n.status, path: noticePathOf(n) })),
      },
    ];
  });
}

const REVIEWS_DATASET: DatasetId = 'reviews_by_incident_type';
const TIMELINESS_DATASET: DatasetId = 'review_timeliness';

type CellOf = (datasetId: DatasetId, span: Span, row: string, column: string) => ReleaseCell;

function headline(cellOf: CellOf, row: string, period: ReportPeriod): { label: string; value: string }[] {
  const words = (c: ReleaseCell) => (c.shown ? c.value.toLocaleString('en-US') : 'Not shown (protects small counts)');
  const ytd = yearToDate(period);
  return [
    { label: `Approved reviews, ${period.label}`, value: words(cellOf(REVIEWS_DATASET, 'period', row, TOTAL)) },
    { label: `Approved reviews, ${ytd.label}`, value: words(cellOf(REVIEWS_DATASET, 'year_to_date', row, TOTAL)) },
    {
      label: `Reviews within the ${REVIEW_TIMELINESS_STANDARD_DAYS}-day standard, ${period.label}`,
      value: words(cellOf(TIMELINESS_DATASET, 'period', row, TIMELINESS.within)),
    },
    { label: `Improvement opportunities, ${period.label}`, value: words(cellOf('improvement_opportunities_by_theme', 'period', row, TOTAL)) },
    { label: `Safety notices, ${period.label}`, value: words(cellOf('safety_notices_by_theme', 'period', row, TOTAL)) },
  ];
}

function tablesOf(rows: readonly { key: string; label: string }[], cellOf: CellOf, threshold: (datasetId: string) => number): ReleaseTable[] {
  return DATASETS.flatMap((ds) =>
    SPANS.map((span) => ({
      id: tableIdOf(ds.id, span),
      datasetId: ds.id,
      span,
      title: ds.title,
      description: ds.description,
      counts: ds.counts,
      columnTitle: ds.columnTitle,
      columns: ds.columns.map((c) => ({ ...c })),
      rows: rows.map(
        (r): ReleaseRow => ({ key: r.key, label: r.label, cells: ds.columns.map((c) => cellOf(ds.id, span, r.key, c.key)), total: cellOf(ds.id, span, r.key, TOTAL) }),
      ),
      threshold: threshold(ds.id),
    })),
  );
}

/** The partnership's protected document and each jurisdiction's own. */
export function assembleDocuments(input: AssembleInput): AssembledDocuments {
  const { period, settings, protection, runId, generatedAt } = input;
  const ordered = orderedPartials(input.partials, period);
  const ytd = yearToDate(period);
  const yearToDateSpan = { start: ytd.start, end: ytd.end, label: ytd.label };
  const jurisdictionOf = (p: JurisdictionPartial) => ({ id: p.jurisdictionId, name: p.name, state: p.state, joinedYear: p.joinedYear });
  const histogramsOf = (ps: readonly JurisdictionPartial[], span: Span) => ps.flatMap((p) => monthsOf(period, span).map((m) => p.timelinessDays[m]));

  // The partnership's document: every cell as the engine decided.
  const protectedOf: CellOf = (datasetId, span, row, column) =>
    input.withheld?.has(tableIdOf(datasetId, span)) ? { shown: false, suppression: 'withheld' } : protectedCell(protection, cellIdOf(tableIdOf(datasetId, span), row, column));
  const rows = [...ordered.map((p) => ({ key: p.jurisdictionId, label: p.name })), { key: ALL, label: ALL_LABEL }];
  const timelinessThreshold = settings.forDataset(TIMELINESS_DATASET).threshold;
  const partnership: ReleaseDocument = {
    audience: { kind: 'partnership' },
    period,
    yearToDate: yearToDateSpan,
    runId,
    generatedAt,
    jurisdictions: ordered.map(jurisdictionOf),
    tables: tablesOf(rows, protectedOf, (id) => settings.forDataset(id).threshold),
    timeliness: SPANS.map((span) => ({
      standardDays: REVIEW_TIMELINESS_STANDARD_DAYS,
      span,
      rows: rows.map((r): TimelinessRow => {
        const count = protectedOf(TIMELINESS_DATASET, span, r.key, TOTAL);
        // A median stands for the reviews behind it: only where their count is shown and above the threshold.
        const median = count.shown && count.value > timelinessThreshold ? medianDays(histogramsOf(r.key === ALL ? ordered : ordered.filter((p) => p.jurisdictionId === r.key), span)) : undefined;
        return {
          key: r.key,
          label: r.label,
          ...(median === undefined ? {} : { medianDays: median }),
          withinStandard: protectedOf(TIMELINESS_DATASET, span, r.key, TIMELINESS.within),
          overStandard: protectedOf(TIMELINESS_DATASET, span, r.key, TIMELINESS.over),
        };
      }),
    })),
    culture: ordered.map((p) => cultureRow({ id: p.jurisdictionId, name: p.name }, input.culture.get(p.jurisdictionId) ?? [], period, protectedOf(REVIEWS_DATASET, 'year_to_date', p.jurisdictionId, TOTAL))),
    headline: headline(protectedOf, ALL, period),
    themeNotices: [...input.themeNotices],
  };

  // Each jurisdiction's own document: its own row, its own counts, nothing of another jurisdiction.
  const jurisdictions = ordered.map((p): ReleaseDocument => {
    const ownOf: CellOf = (datasetId, span, _row, column) => {
      const months = monthsOf(period, span);
      const ds = DATASETS.find((d) => d.id === datasetId)!;
      return shown(column === TOTAL ? ds.columns.reduce((n, c) => n + countOf(p, datasetId, c.key, months), 0) : countOf(p, datasetId, column, months));
    };
    const own = [{ key: p.jurisdictionId, label: p.name }];
    return {
      audience: { kind: 'jurisdiction', jurisdictionId: p.jurisdictionId, name: p.name },
      period,
      yearToDate: yearToDateSpan,
      runId,
      generatedAt,
      jurisdictions: [jurisdictionOf(p)],
      tables: tablesOf(own, ownOf, () => 0),
      timeliness: SPANS.map((span) => {
        const median = medianDays(histogramsOf([p], span));
        return {
          standardDays: REVIEW_TIMELINESS_STANDARD_DAYS,
          span,
          rows: own.map((r) => ({
            key: r.key,
            label: r.label,
            ...(median === undefined ? {} : { medianDays: median }),
            withinStandard: ownOf(TIMELINESS_DATASET, span, r.key, TIMELINESS.within),
            overStandard: ownOf(TIMELINESS_DATASET, span, r.key, TIMELINESS.over),
          })),
        };
      }),
      culture: [cultureRow({ id: p.jurisdictionId, name: p.name }, input.culture.get(p.jurisdictionId) ?? [], period, ownOf(REVIEWS_DATASET, 'year_to_date', p.jurisdictionId, TOTAL))],
      headline: headline(ownOf, p.jurisdictionId, period),
      themeNotices: [...input.themeNotices],
    };
  });
  return { partnership, jurisdictions };
}
