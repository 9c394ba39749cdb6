/**
 * Release documents made by hand for the report's renderer, pages and email tests: three jurisdictions and the
 * partnership's total row, two datasets with both spans, shown and suppressed cells (primary and complementary),
 * timeliness and culture rows. `P` is a primary suppression, `S` a complementary one, a number a shown count.
 */
import type { Category, ReleaseCell, ReleaseDocument, ReleaseRow, ReleaseTable, Span } from '#shared/reports/model.ts';

type Spec = number | 'P' | 'S';
const cell = (v: Spec): ReleaseCell => (typeof v === 'number' ? { shown: true, value: v } : { shown: false, suppression: v === 'P' ? 'primary' : 'secondary' });

export const JURISDICTIONS = [
  { id: 'ky-dcbs', name: 'Kentucky DCBS', state: 'KY', joinedYear: 2024 },
  { id: 'oh-franklin-fccs', name: 'Franklin County Children Services', state: 'OH', joinedYear: 2025 },
  { id: 'az-dcs', name: 'Arizona DCS', state: 'AZ', joinedYear: 2026 },
];

const INCIDENT_TYPES: Category[] = [
  { key: 'fatality', label: 'Fatality' },
  { key: 'near_fatality', label: 'Near fatality' },
  { key: 'serious_injury', label: 'Serious injury' },
  { key: 'other', label: 'Other or not listed' },
];
const NOTICE_THEMES: Category[] = [
  { key: 'safe_sleep', label: 'Safe sleep' },
  { key: 'water_safety', label: 'Water safety' },
  { key: 'firearms', label: 'Firearm storage' },
];

/** rows: one per jurisdiction, then the total row; each is [cells..., total]. */
function table(datasetId: string, span: Span, title: string, counts: string, columnTitle: string, columns: Category[], rows: Spec[][], threshold: number, labels = [...JURISDICTIONS.map((j) => [j.id, j.name]), ['all', 'All jurisdictions']]): ReleaseTable {
  return {
    id: `${datasetId}.${span}`,
    datasetId,
    span,
    title,
    description: `${title}: how many ${counts} each jurisdiction approved, by ${columnTitle.toLowerCase()}.`,
    counts,
    columnTitle,
    columns,
    threshold,
    rows: rows.map((r, i): ReleaseRow => ({ key: labels[i]![0]!, label: labels[i]![1]!, cells: r.slice(0, -1).map(cell), total: cell(r.at(-1)!) })),
  };
}

/** The partnership's protected report of March 2026 (threshold 10). */
export function partnershipDocument(): ReleaseDocument {
  const byType = (span: Span, rows: Spec[][]) => table('reviews_by_incident_type', span, 'Approved reviews by incident type', 'approved reviews', 'Incident type', INCIDENT_TYPES, rows, 10);
  const notices = (span: Span, rows: Spec[][]) => table('safety_notices_by_theme', span, 'Safety notices by theme', 'safety notices', 'Theme', NOTICE_THEMES, rows, 10);
  return {
    audience: { kind: 'partnership' },
    period: { cadence: 'monthly', id: '2026-03', year: 2026, months: ['2026-03'], start: '2026-03-01', end: '2026-04-01', label: 'March 2026' },
    yearToDate: { start: '2026-01-01', end: '2026-04-01', label: 'January to March 2026' },
    runId: '01JQ0000000000000000000RUN',
    generatedAt: '2026-04-01T06:12:00.000Z',
    jurisdictions: JURISDICTIONS,
    tables: [
      byType('period', [
        [23, 'P', 'S', 0, 41],
        [31, 17, 'P', 'S', 62],
        [0, 'S', 14, 'P', 'S'],
        [54, 44, 'S', 'S', 127],
      ]),
      byType('year_to_date', [
        [61, 22, 'P', 0, 94],
        [88, 40, 25, 'P', 165],
        [12, 'P', 33, 0, 'S'],
        [161, 70, 'S', 'S', 305],
      ]),
      notices('period', [
        ['P', 'S', 0, 'S'],
        [12, 0, 0, 12],
        ['S', 'P', 0, 'S'],
        [25, 13, 0, 38],
      ]),
      notices('year_to_date', [
        [19, 11, 0, 30],
        [27, 0, 0, 27],
        [14, 12, 0, 26],
        [60, 23, 0, 83],
      ]),
    ],
    timeliness: (['period', 'year_to_date'] as const).map((span) => ({
      standardDays: 30,
      span,
      rows: [
        { key: 'ky-dcbs', label: 'Kentucky DCBS', medianDays: 21, withinStandard: cell(span === 'period' ? 33 : 80), overStandard: cell(span === 'period' ? 'P' : 14) },
        { key: 'oh-franklin-fccs', label: 'Franklin County Children Services', medianDays: 26, withinStandard: cell(span === 'period' ? 48 : 130), overStandard: cell(span === 'period' ? 14 : 35) },
        { key: 'az-dcs', label: 'Arizona DCS', withinStandard: cell('P'), overStandard: cell('S') },
        { key: 'all', label: 'All jurisdictions', medianDays: 24, withinStandard: cell(span === 'period' ? 'S' : 231), overStandard: cell(span === 'period' ? 'S' : 74) },
      ],
    })),
    culture: [
      { jurisdictionId: 'ky-dcbs', label: 'Kentucky DCBS', waveTitle: 'Spring 2026', closedOn: '2026-03-20', scales: [{ scale: 'safety_climate', label: 'Safety climate', percentPositive: 71.4 }, { scale: 'teamwork', label: 'Teamwork', percentPositive: 64.2 }], reviewsYearToDate: cell(94) },
      { jurisdictionId: 'oh-franklin-fccs', label: 'Franklin County Children Services', waveTitle: 'Winter 2026', closedOn: '2026-02-02', scales: [{ scale: 'safety_climate', label: 'Safety climate', percentPositive: 58.9 }, { scale: 'teamwork', label: 'Teamwork', reason: 'fewer than 5 respondents' }], reviewsYearToDate: cell(165) },
      { jurisdictionId: 'az-dcs', label: 'Arizona DCS', scales: [], reviewsYearToDate: cell('S') },
    ],
    headline: [
      { label: 'Approved reviews in March 2026', value: '127' },
      { label: 'Approved reviews, January to March 2026', value: '305' },
      { label: 'Reviews within the 30-day standard, January to March 2026', value: '231 of 305 (76%)' },
      { label: 'Safety notices in March 2026', value: '38' },
    ],
    themeNotices: [],
  };
}

const OPPORTUNITY_THEMES: Category[] = [
  { key: 'training', label: 'Training and skill building' },
  { key: 'safe_sleep', label: 'Safe sleep and infant safety' },
  { key: 'other', label: 'Other or not listed' },
];

/**
 * The partnership's report with the improvement opportunities by theme (before the notices' table, as in a release)
 * and the safety notices of one of its themes: one active, one withdrawn whose title holds markup characters.
 */
export function themeNoticesDocument(): ReleaseDocument {
  const doc = partnershipDocument();
  const byTheme = (span: Span, rows: Spec[][]) => table('improvement_opportunities_by_theme', span, 'Improvement opportunities by theme', 'improvement opportunities', 'Theme', OPPORTUNITY_THEMES, rows, 10);
  const opportunities = [
    byTheme('period', [
      [12, 'P', 0, 'S'],
      [0, 15, 0, 15],
      ['P', 'S', 0, 'S'],
      [21, 24, 0, 45],
    ]),
    byTheme('year_to_date', [
      [30, 11, 0, 41],
      [0, 40, 0, 40],
      [14, 12, 0, 26],
      [44, 63, 0, 107],
    ]),
  ];
  return {
    ...doc,
    tables: [...doc.tables.slice(0, 2), ...opportunities, ...doc.tables.slice(2)],
    themeNotices: [
      {
        theme: 'safe_sleep',
        label: 'Safe sleep and infant safety',
        notices: [
          { title: 'Ask where the baby sleeps at every home visit', issuerId: 'oh-franklin-fccs', issuerName: 'Franklin County Children Services', firstPublishedAt: '2026-03-18T15:00:00.000Z', status: 'active', path: '/notices/oh-franklin-fccs/01JQ0000000000000000000NT1' },
          { title: 'Bassinets <b>first</b> & "always"', issuerId: 'ky-dcbs', issuerName: 'Kentucky DCBS', firstPublishedAt: '2025-11-02T10:00:00.000Z', status: 'withdrawn', path: '/notices/ky-dcbs/01JQ0000000000000000000NT2' },
        ],
      },
    ],
  };
}

/** Kentucky's own report of the same period: its row only, nothing suppressed (threshold 0). */
export function ownDocument(): ReleaseDocument {
  const p = partnershipDocument();
  const own = (t: ReleaseTable, values: Spec[]): ReleaseTable => ({ ...table(t.datasetId, t.span, t.title, t.counts, t.columnTitle, t.columns, [values], 0, [['ky-dcbs', 'Kentucky DCBS']]) });
  return {
    ...p,
    audience: { kind: 'jurisdiction', jurisdictionId: 'ky-dcbs', name: 'Kentucky DCBS' },
    jurisdictions: [JURISDICTIONS[0]!],
    tables: [own(p.tables[0]!, [23, 9, 9, 0, 41]), own(p.tables[1]!, [61, 22, 11, 0, 94]), own(p.tables[2]!, [3, 4, 0, 7]), own(p.tables[3]!, [19, 11, 0, 30])],
    timeliness: p.timeliness.map((t) => ({ ...t, rows: [{ key: 'ky-dcbs', label: 'Kentucky DCBS', medianDays: 21, withinStandard: cell(t.span === 'period' ? 33 : 80), overStandard: cell(t.span === 'period' ? 8 : 14) }] })),
    culture: [p.culture[0]!],
    headline: [
      { label: 'Approved reviews in March 2026', value: '41' },
      { label: 'Approved reviews, January to March 2026', value: '94' },
      { label: 'Safety notices in March 2026', value: '7' },
    ],
  };
}
