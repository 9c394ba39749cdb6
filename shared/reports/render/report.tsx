/**
 * The report of a release as an HTML fragment (the body of its page), rendered once when the release is built and
 * stored beside it (report.html); the web pages put the stored fragment in the site layout. Sections: the headline
 * figures, each dataset's tables (the period and the year to date) each with its chart beside its data table, review
 * timeliness, and safety culture beside the incident findings; the safety notices of each theme follow the improvement
 * opportunities by theme (links to the notices' pages, the one kind of link that leaves the fragment). Only the
 * numbers a release document carries are printed: a suppressed cell has none (shared/reports/model.ts).
 */
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { DatasetId } from '#shared/reports/datasets.ts';
import type { CultureRow, ReleaseCell, ReleaseDocument, ReleaseTable, Span, ThemeNotices, TimelinessRow } from '#shared/reports/model.ts';
import { cellText, count, suppressionNote } from './cells.ts';
import { barChartSpec, cultureChartSpec, renderChartSvg, type BarRow, type ChartMeta } from './charts.ts';

/** The table the notices of each theme follow (assemble.ts `THEME_DATASET`; not imported, to keep the forms out of the renderer). */
const THEME_DATASET: DatasetId = 'improvement_opportunities_by_theme';

const SPAN_NAMES: Record<Span, string> = { period: 'This period', year_to_date: 'Year to date' };

/** Ids in the fragment: letters, digits, `-` and `_` only. */
const slug = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-');

const spanLabel = (doc: ReleaseDocument, span: Span) => (span === 'period' ? doc.period.label : doc.yearToDate.label);

/** The row a table's chart shows: the partnership's total row, or the jurisdiction's own row. */
const chartedRow = (t: ReleaseTable) => t.rows.find((r) => r.key === 'all') ?? t.rows[0];

const described = (rows: readonly { label: string; cell: ReleaseCell }[], threshold: number) => rows.map((r) => `${r.label}: ${cellText(r.cell, threshold)}.`).join(' ');

interface Chart {
  meta: ChartMeta;
  spec: object;
}

/** A table held back whole this time (docs/reports.md, "Withheld tables"): nothing of it is drawn or listed. */
const isWithheld = (t: ReleaseTable) => t.rows.length > 0 && t.rows.every((r) => [...r.cells, r.total].every((c) => !c.shown && c.suppression === 'withheld'));

function tableChart(doc: ReleaseDocument, t: ReleaseTable): Chart | undefined {
  const row = chartedRow(t);
  if (!row || t.columns.length === 0 || isWithheld(t)) return undefined;
  const rows: BarRow[] = t.columns.map((c, i) => ({ label: c.label, cell: row.cells[i]! }));
  const who = row.key === 'all' ? 'all jurisdictions' : row.label;
  const title = `${t.title}: ${who}, ${spanLabel(doc, t.span)}`;
  return {
    meta: { id: `chart-${slug(t.id)}`, title, description: `${t.counts[0]!.toUpperCase()}${t.counts.slice(1)} by ${t.columnTitle.toLowerCase()}, ${who}, ${spanLabel(doc, t.span)}. ${described(rows, t.threshold)} Total: ${cellText(row.total, t.threshold)}.` },
    spec: barChartSpec(rows, `Number of ${t.counts}`),
  };
}

/** The threshold behind a timeliness or culture cell: the one of the tables it comes from (the largest, if unsure). */
const thresholdOf = (doc: ReleaseDocument, match: (t: ReleaseTable) => boolean) => (doc.tables.find(match) ?? doc.tables.reduce<ReleaseTable | undefined>((a, t) => (a && a.threshold >= t.threshold ? a : t), undefined))?.threshold ?? 0;
const timelinessThreshold = (doc: ReleaseDocument) => thresholdOf(doc, (t) => t.datasetId.includes('timeliness'));
const cultureThreshold = (doc: ReleaseDocument) => thresholdOf(doc, (t) => t.span === 'year_to_date');

const withinLabel = (days: number) => `Within ${days} days`;
const overLabel = (days: number) => `Over ${days} days`;

function timelinessChart(doc: ReleaseDocument, t: ReleaseDocument['timeliness'][number]): Chart | undefined {
  if (t.rows.length === 0) return undefined;
  const threshold = timelinessThreshold(doc);
  const rows: BarRow[] = t.rows.flatMap((r) => [
    { label: r.label, series: withinLabel(t.standardDays), cell: r.withinStandard },
    { label: r.label, series: overLabel(t.standardDays), cell: r.overStandard },
  ]);
  return {
    meta: {
      id: `chart-timeliness-${t.span}`,
      title: `Review timeliness against the ${t.standardDays}-day standard, ${spanLabel(doc, t.span)}`,
      description: `Approved reviews by days from notification to the initial review, within or over the ${t.standardDays}-day standard, ${spanLabel(doc, t.span)}. ${t.rows
        .map((r) => `${r.label}: within ${cellText(r.withinStandard, threshold)}, over ${cellText(r.overStandard, threshold)}.`)
        .join(' ')}`,
    },
    spec: barChartSpec(rows, 'Number of approved reviews'),
  };
}

function cultureChart(doc: ReleaseDocument): Chart | undefined {
  if (doc.culture.length === 0) return undefined;
  const threshold = cultureThreshold(doc);
  return {
    meta: {
      id: 'chart-culture',
      title: `Safety culture beside approved reviews, by jurisdiction, ${doc.yearToDate.label}`,
      description: `Percent positive per survey scale in each jurisdiction's latest closed wave, beside its approved reviews in the year to date. ${doc.culture
        .map((c) => `${c.label}: ${c.scales.map((s) => `${s.label} ${s.percentPositive !== undefined ? `${s.percentPositive}%` : `not shown (${s.reason ?? 'no result'})`}`).join(', ') || 'no survey results'}; approved reviews ${cellText(c.reviewsYearToDate, threshold)}.`)
        .join(' ')}`,
    },
    spec: cultureChartSpec(
      doc.culture.map((c) => ({ label: c.label, scales: c.scales.map((s) => ({ label: s.label, ...(s.percentPositive !== undefined ? { percentPositive: s.percentPositive } : {}) })), reviews: c.reviewsYearToDate })),
      'Approved reviews, year to date',
    ),
  };
}

// ---------------------------------------------------------------------------------------------------
// Markup. The fragment imports no page component (a domain's renderer is below the pages): its tables are the
// USWDS stacked tables the pages' DataTable makes.

const Svg = ({ svg }: { svg: string | undefined }) => (svg ? <div class="npcs-report-figure" dangerouslySetInnerHTML={{ __html: svg }} /> : null);

function Cell({ cell, threshold, label }: { cell: ReleaseCell; threshold: number; label: string }) {
  return (
    <td data-label={label} class={cell.shown ? 'npcs-count' : 'npcs-suppressed'}>
      {cellText(cell, threshold)}
    </td>
  );
}

function Table({ id, caption, columns, children, extraClass }: { id: string; caption: string; columns: readonly string[]; children: ComponentChildren; extraClass?: string }) {
  return (
    <div class="usa-table-container--scrollable" tabindex={0} role="region" aria-labelledby={id}>
      <table class={`usa-table usa-table--borderless usa-table--stacked npcs-report-table${extraClass ? ` ${extraClass}` : ''}`}>
        <caption id={id}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function ReleaseTableView({ doc, t, svg }: { doc: ReleaseDocument; t: ReleaseTable; svg: string | undefined }) {
  const id = slug(t.id);
  const protectedTable = t.rows.some((r) => [...r.cells, r.total].some((c) => !c.shown));
  if (isWithheld(t)) {
    return (
      <section class="npcs-report-part" aria-labelledby={`${id}-heading`}>
        <h3 id={`${id}-heading`}>
          {SPAN_NAMES[t.span]}: {spanLabel(doc, t.span)}
        </h3>
        <div class="usa-alert usa-alert--info usa-alert--slim usa-alert--no-icon npcs-report-withheld">
          <div class="usa-alert__body">
            <p class="usa-alert__text">
              Withheld this time: {t.title.toLowerCase()}, {spanLabel(doc, t.span)}, is held back whole, because its small counts could not be protected
              otherwise (from the table itself, or from it together with the releases published before it). It returns in a later release when the counts
              allow.
            </p>
          </div>
        </div>
      </section>
    );
  }
  return (
    <section class="npcs-report-part" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>
        {SPAN_NAMES[t.span]}: {spanLabel(doc, t.span)}
      </h3>
      <div class="npcs-chart-pair">
        <Svg svg={svg} />
        <Table id={`${id}-caption`} caption={`${t.title}, ${spanLabel(doc, t.span)}: ${t.counts} by jurisdiction and ${t.columnTitle.toLowerCase()}`} columns={['Jurisdiction', ...t.columns.map((c) => c.label), 'Total']}>
          {t.rows.map((r) => (
            <tr class={r.key === 'all' ? 'npcs-total-row' : undefined}>
              <th scope="row" data-label="Jurisdiction">
                {r.label}
              </th>
              {r.cells.map((c, i) => (
                <Cell cell={c} threshold={t.threshold} label={t.columns[i]!.label} />
              ))}
              <Cell cell={r.total} threshold={t.threshold} label="Total" />
            </tr>
          ))}
        </Table>
      </div>
      {protectedTable ? <p class="usa-hint npcs-report-note">{suppressionNote(t.threshold)}</p> : null}
    </section>
  );
}

function TimelinessTable({ doc, t }: { doc: ReleaseDocument; t: ReleaseDocument['timeliness'][number] }) {
  const threshold = timelinessThreshold(doc);
  const median = (r: TimelinessRow) => (r.medianDays !== undefined ? `${count(r.medianDays)} days` : 'Not shown (too few reviews)');
  return (
    <Table id={`timeliness-${t.span}-caption`} caption={`Review timeliness, ${spanLabel(doc, t.span)}: days from notification to the initial review`} columns={['Jurisdiction', 'Median', withinLabel(t.standardDays), overLabel(t.standardDays)]}>
      {t.rows.map((r) => (
        <tr class={r.key === 'all' ? 'npcs-total-row' : undefined}>
          <th scope="row" data-label="Jurisdiction">
            {r.label}
          </th>
          <td data-label="Median" class={r.medianDays !== undefined ? 'npcs-count' : 'npcs-suppressed'}>
            {median(r)}
          </td>
          <Cell cell={r.withinStandard} threshold={threshold} label={withinLabel(t.standardDays)} />
          <Cell cell={r.overStandard} threshold={threshold} label={overLabel(t.standardDays)} />
        </tr>
      ))}
    </Table>
  );
}

function CultureTable({ doc }: { doc: ReleaseDocument }) {
  const threshold = cultureThreshold(doc);
  const scales = [...new Map(doc.culture.flatMap((c) => c.scales.map((s) => [s.scale, s.label] as const))).entries()];
  // Why a result is not shown, once under the table: a letter in each cell keeps the wide table readable.
  const reasons = [...new Set(doc.culture.flatMap((c) => c.scales.filter((s) => s.percentPositive === undefined).map((s) => s.reason ?? (c.waveTitle ? 'No result' : 'No closed wave'))))];
  const letter = (reason: string) => String.fromCharCode(97 + reasons.indexOf(reason));
  const scaleCell = (c: CultureRow, scale: string, label: string) => {
    const s = c.scales.find((x) => x.scale === scale);
    const shown = s?.percentPositive !== undefined;
    const reason = s?.reason ?? (c.waveTitle ? 'No result' : 'No closed wave');
    return (
      <td data-label={`${label} (percent positive)`} class={shown ? 'npcs-count' : 'npcs-suppressed'}>
        {shown ? `${s!.percentPositive}%` : `Not shown (${letter(reason)})`}
      </td>
    );
  };
  const legend = reasons.length ? (
    <ul class="usa-list usa-list--unstyled usa-hint npcs-report-note">
      {reasons.map((r) => (
        <li>
          ({letter(r)}) {r}.
        </li>
      ))}
    </ul>
  ) : null;
  return (
    <>
    <Table
      id="culture-caption"
      extraClass="npcs-culture-table"
      caption={`Safety culture (each jurisdiction's latest closed survey wave by the end of ${doc.period.label}) beside approved reviews, ${doc.yearToDate.label}`} columns={['Jurisdiction', 'Survey wave', ...scales.map(([, l]) => `${l} (percent positive)`), 'Approved reviews, year to date']}>
      {doc.culture.map((c) => (
        <tr>
          <th scope="row" data-label="Jurisdiction">
            {c.label}
          </th>
          <td data-label="Survey wave">{c.waveTitle ? `${c.waveTitle}${c.closedOn ? `, closed ${c.closedOn}` : ''}` : 'No closed wave'}</td>
          {scales.map(([scale, label]) => scaleCell(c, scale, label))}
          <Cell cell={c.reviewsYearToDate} threshold={threshold} label="Approved reviews, year to date" />
        </tr>
      ))}
    </Table>
    {legend}
    </>
  );
}

/**
 * The safety notices of each theme that has any, right after that theme's improvement opportunities (docs/notices.md,
 * "In the reports"). Titles are the issuers' free text: Preact escapes them as children.
 */
function ThemeNoticesPart({ themes }: { themes: readonly ThemeNotices[] }) {
  return (
    <section id="theme-notices" class="npcs-report-part" aria-labelledby="theme-notices-heading">
      <h3 id="theme-notices-heading">Safety notices on these themes</h3>
      <p>Safety notices partner jurisdictions published on these themes by the end of the period, newest first, as they stood when this report was published.</p>
      {themes.map((t) => (
        <>
          <h4 id={`theme-notices-${slug(t.theme)}`}>{t.label}</h4>
          <ul class="usa-list">
            {t.notices.map((n) => (
              <li>
                <a class="usa-link" href={n.path}>
                  {n.title}
                </a>
                , {n.issuerName}, first published {LONG_DATE.format(new Date(n.firstPublishedAt))}
                {n.status === 'withdrawn' ? (
                  <>
                    {' '}
                    <span class="usa-tag">Withdrawn</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ))}
    </section>
  );
}

interface Dataset {
  id: string;
  title: string;
  description: string;
  tables: ReleaseTable[];
}

const datasetsOf = (doc: ReleaseDocument): Dataset[] => {
  const byId = new Map<string, Dataset>();
  for (const t of doc.tables) {
    const d = byId.get(t.datasetId) ?? { id: t.datasetId, title: t.title, description: t.description, tables: [] };
    d.tables.push(t);
    byId.set(t.datasetId, d);
  }
  return [...byId.values()];
};

const LONG_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

function Report({ doc, svgs }: { doc: ReleaseDocument; svgs: ReadonlyMap<string, string> }) {
  const datasets = datasetsOf(doc);
  const own = doc.audience.kind === 'jurisdiction' ? doc.audience : undefined;
  const threshold = Math.max(0, ...doc.tables.map((t) => t.threshold));
  const contents = [
    ['headline', 'Headline figures'],
    ...datasets.map((d) => [`dataset-${slug(d.id)}`, d.title]),
    ...(doc.timeliness.length ? [['timeliness', 'Median days to the initial review']] : []),
    ...(doc.culture.length ? [['culture', 'Safety culture beside incidents']] : []),
  ] as [string, string][];
  return (
    <article class="npcs-report" aria-labelledby="report-title">
      <h1 id="report-title">
        {own ? `${own.name}: own report` : 'Partnership report'}
        <span class="display-block font-sans-md text-normal">{doc.period.label}</span>
      </h1>
      {own ? (
        <p class="usa-intro">
          Your jurisdiction's own counts of approved critical incident reviews and safety notices for {doc.period.label}, with the year to date ({doc.yearToDate.label}). Nothing is suppressed here: small counts are shown, so keep
          this report inside your agency. The partnership's report, which every jurisdiction reads, suppresses them.
        </p>
      ) : (
        <p class="usa-intro">
          Approved critical incident reviews and safety notices of the partnership's jurisdictions for {doc.period.label}, with the year to date ({doc.yearToDate.label}). Counts from 1 to {threshold} are suppressed, and some
          larger ones with them, so that no child or family can be identified from this report or from comparing it with earlier ones.
        </p>
      )}
      <p class="npcs-report-meta">
        Published {LONG_DATE.format(new Date(doc.generatedAt))}. Jurisdictions: {doc.jurisdictions.length}. Run {doc.runId}.
      </p>
      <nav class="npcs-no-print" aria-labelledby="report-contents">
        <h2 id="report-contents" class="font-sans-md">
          Contents
        </h2>
        <ul class="usa-list">
          {contents.map(([id, label]) => (
            <li>
              <a class="usa-link" href={`#${id}`}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section id="headline" class="npcs-report-section" aria-labelledby="headline-heading">
        <h2 id="headline-heading">Headline figures</h2>
        {doc.headline.length ? (
          <dl class="npcs-headline">
            {doc.headline.map((h) => (
              <div>
                <dt>{h.label}</dt>
                <dd>{h.value}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p>No headline figures for this period.</p>
        )}
      </section>
      {datasets.map((d) => (
        <section id={`dataset-${slug(d.id)}`} class="npcs-report-section" aria-labelledby={`dataset-${slug(d.id)}-heading`}>
          <h2 id={`dataset-${slug(d.id)}-heading`}>{d.title}</h2>
          <p>{d.description}</p>
          {d.tables.map((t) => (
            <ReleaseTableView doc={doc} t={t} svg={svgs.get(`chart-${slug(t.id)}`)} />
          ))}
          {d.id === THEME_DATASET && doc.themeNotices.length ? <ThemeNoticesPart themes={doc.themeNotices} /> : null}
        </section>
      ))}
      {doc.timeliness.length ? (
        <section id="timeliness" class="npcs-report-section" aria-labelledby="timeliness-heading">
          <h2 id="timeliness-heading">Median days to the initial review</h2>
          <p>
            Days from the notification of an incident to its initial review, against the {doc.timeliness[0]!.standardDays}-day standard. A median is shown only where enough reviews stand behind it.
          </p>
          {doc.timeliness.map((t) => (
            <section class="npcs-report-part" aria-labelledby={`timeliness-${t.span}-heading`}>
              <h3 id={`timeliness-${t.span}-heading`}>
                {SPAN_NAMES[t.span]}: {spanLabel(doc, t.span)}
              </h3>
              <div class="npcs-chart-pair">
                <Svg svg={svgs.get(`chart-timeliness-${t.span}`)} />
                <TimelinessTable doc={doc} t={t} />
              </div>
              {t.rows.some((r) => !r.withinStandard.shown || !r.overStandard.shown) ? <p class="usa-hint npcs-report-note">{suppressionNote(timelinessThreshold(doc))}</p> : null}
            </section>
          ))}
        </section>
      ) : null}
      {doc.culture.length ? (
        <section id="culture" class="npcs-report-section" aria-labelledby="culture-heading">
          <h2 id="culture-heading">Safety culture beside incidents</h2>
          <p>
            Each jurisdiction's latest closed safety culture survey wave by the end of the period, at jurisdiction level (percent positive per scale, where the survey's own protection shows it), beside the same jurisdiction's
            approved reviews in the year to date.
          </p>
          <div class="npcs-chart-pair">
            <Svg svg={svgs.get('chart-culture')} />
            <CultureTable doc={doc} />
          </div>
          {doc.culture.some((c) => !c.reviewsYearToDate.shown) ? <p class="usa-hint npcs-report-note">{suppressionNote(cultureThreshold(doc))}</p> : null}
        </section>
      ) : null}
    </article>
  );
}

/** The report's body fragment: every chart drawn to SVG now, so the page that shows it runs no charting code. */
export async function renderReportHtml(doc: ReleaseDocument): Promise<string> {
  const charts = [...doc.tables.map((t) => tableChart(doc, t)), ...doc.timeliness.map((t) => timelinessChart(doc, t)), cultureChart(doc)].filter((c): c is Chart => c !== undefined);
  const svgs = new Map<string, string>();
  // One at a time: each view is small, and the task's memory stays flat whatever the number of tables.
  for (const c of charts) svgs.set(c.meta.id, await renderChartSvg(c.spec, c.meta));
  return renderToString(<Report doc={doc} svgs={svgs} />);
}
