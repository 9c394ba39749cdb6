import { describe, expect, it } from 'vitest';
import type { PublishedNotice } from '#shared/notices/model.ts';
import { noticePath } from '#shared/notices/web/pages.tsx';
import { ALL, assembleDocuments, atomId, buildProtectionInput, cellIdOf, cultureRow, medianDays, noticePathOf, themeNoticesOf, TOTAL } from '#shared/reports/assemble.ts';
import { DATASETS } from '#shared/reports/datasets.ts';
import type { JurisdictionPartial, ReleaseCell, ReleaseDocument } from '#shared/reports/model.ts';
import { parsePeriod } from '#shared/reports/periods.ts';
import type { CellStatus, ProtectionResult, ProtectionTable } from '#shared/reports/protection/types.ts';
import { parseReportProtection } from '#shared/reports/settings.ts';
import type { FrozenWaveResults } from '#shared/survey/results/types.ts';
import { waveResults } from '../survey/results-fixtures.ts';

const period = parsePeriod('quarterly', '2026-Q2');
const settings = parseReportProtection('{"default":{"threshold":10,"minIntervalWidth":5},"safety_notices_by_theme":{"threshold":3}}');

function partial(jurisdictionId: string, name: string, counts: JurisdictionPartial['counts'], timelinessDays: JurisdictionPartial['timelinessDays'] = {}): JurisdictionPartial {
  return { jurisdictionId, name, state: 'KY', joinedYear: 2024, year: 2026, throughMonth: '2026-06', counts, timelinessDays, formVersions: { critical_incident_review: [1] }, itemsRead: 0, recordsCounted: 0 };
}

// Three jurisdictions, given out of order. Numbers chosen to be recognisable: 7 (a small count) must never leak.
const partials = [
  partial(
    'oh-cuyahoga',
    'Cuyahoga County',
    {
      reviews_by_incident_type: { '2026-01': { fatality: 20 }, '2026-05': { fatality: 7, near_fatality: 30 } },
      review_timeliness: { '2026-05': { within_standard: 25, over_standard: 12 } },
    },
    { '2026-05': [0, 0, 0, 10, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12] },
  ),
  partial(
    'ct-dcf',
    'Connecticut DCF',
    { reviews_by_incident_type: { '2026-04': { fatality: 40, near_fatality: 7 } }, review_timeliness: { '2026-04': { within_standard: 3, over_standard: 4 } } },
    { '2026-04': [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4] },
  ),
  partial('ky-dcbs', 'Kentucky DCBS', {}),
];

/** A hand-made engine result: every cell shown with its value, but the given ones suppressed. */
function resultOf(tables: ProtectionTable[], atoms: ReadonlyMap<string, number>, suppressed: Record<string, CellStatus>): ProtectionResult {
  const status = new Map<string, CellStatus>();
  const values = new Map<string, number>();
  for (const t of tables) {
    for (const cell of [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal]) {
      status.set(cell.id, suppressed[cell.id] ?? 'shown');
      values.set(cell.id, cell.atoms.reduce((n, a) => n + atoms.get(a)!, 0));
    }
  }
  return { status, values, audit: [], revised: [], unprotected: [], withheld: [], stats: { primary: 0, secondary: 0, linearPrograms: 0 } };
}

const t = (datasetId: string, span: 'period' | 'year_to_date') => `${datasetId}.${span}`;
const SUPPRESSED: Record<string, CellStatus> = {
  [cellIdOf(t('reviews_by_incident_type', 'period'), 'oh-cuyahoga', 'fatality')]: 'primary',
  [cellIdOf(t('reviews_by_incident_type', 'period'), 'ct-dcf', 'near_fatality')]: 'primary',
  [cellIdOf(t('reviews_by_incident_type', 'period'), 'oh-cuyahoga', 'near_fatality')]: 'secondary',
  [cellIdOf(t('reviews_by_incident_type', 'period'), 'ct-dcf', 'fatality')]: 'secondary',
  [cellIdOf(t('review_timeliness', 'period'), 'ct-dcf', 'within_standard')]: 'primary',
  [cellIdOf(t('review_timeliness', 'period'), 'ct-dcf', 'over_standard')]: 'primary',
  [cellIdOf(t('review_timeliness', 'period'), 'ct-dcf', 'total')]: 'primary',
};

/** A published notice as PublishedNotices.list() returns it; only what the reports read matters. */
function notice(issuerId: string, recordId: string, theme: string, firstPublishedAt: string, changes: Partial<PublishedNotice> = {}): PublishedNotice {
  return {
    issuerId,
    recordId,
    formVersion: 2,
    version: 1,
    status: 'active',
    firstPublishedAt,
    publishedAt: firstPublishedAt,
    level: 'advisory',
    theme,
    title: `Notice ${recordId.slice(-4)}`,
    noticeDate: firstPublishedAt.slice(0, 10),
    systemicIssue: 'A systemic issue.',
    actions: ['An action.'],
    audience: ['frontline'],
    reviewBy: '2027-01-01',
    contactMailbox: 'team@example.org',
    ...changes,
  };
}
const ISSUERS = new Map([
  ['ky-dcbs', 'Kentucky DCBS'],
  ['oh-cuyahoga', 'Cuyahoga County'],
]);
const NOTICES = [
  notice('oh-cuyahoga', '01JN00000000000000000000B1', 'safe_sleep', '2026-04-02T09:00:00.000Z', { status: 'withdrawn', version: 2, title: 'Bassinets <b>first</b> & "always"' }),
  // Published the moment the period ends: the next period's.
  notice('ky-dcbs', '01JN00000000000000000000C1', 'safe_sleep', '2026-07-01T00:00:00.000Z'),
  notice('ky-dcbs', '01JN00000000000000000000A1', 'safe_sleep', '2026-06-30T23:59:59.999Z'),
  // Before the period: published by its end all the same.
  notice('ky-dcbs', '01JN00000000000000000000E1', 'training', '2025-11-01T12:00:00.000Z'),
  // A theme the table does not list, by an issuer the registry no longer has.
  notice('gone-away', '01JN00000000000000000000D1', 'meteor', '2026-05-05T05:00:00.000Z'),
];

/** Every cell of a document, with where it is. */
function cellsOf(doc: ReleaseDocument): { where: string; cell: ReleaseCell }[] {
  return [
    ...doc.tables.flatMap((table) => table.rows.flatMap((r) => [...r.cells.map((cell, i) => ({ where: `${table.id}|${r.key}|${table.columns[i]!.key}`, cell })), { where: `${table.id}|${r.key}|total`, cell: r.total }])),
    ...doc.timeliness.flatMap((x) => x.rows.flatMap((r) => [{ where: `timeliness.${x.span}|${r.key}|within`, cell: r.withinStandard }, { where: `timeliness.${x.span}|${r.key}|over`, cell: r.overStandard }])),
    ...doc.culture.map((c) => ({ where: `culture|${c.jurisdictionId}`, cell: c.reviewsYearToDate })),
  ];
}

describe('the protection input', () => {
  const { tables, atoms } = buildProtectionInput(partials, period, settings);

  it('has every dataset in both spans, jurisdictions by id, and each cell the atoms of its months', () => {
    expect(tables.map((x) => x.id)).toEqual(DATASETS.flatMap((d) => [t(d.id, 'period'), t(d.id, 'year_to_date')]));
    const reviews = tables.find((x) => x.id === 'reviews_by_incident_type.period')!;
    expect(reviews.cells.map((row) => row[0]!.id)).toEqual(['ct-dcf', 'ky-dcbs', 'oh-cuyahoga'].map((j) => `reviews_by_incident_type.period|${j}|fatality`));
    expect(reviews.cells[2]![0]!.atoms).toEqual(['2026-04', '2026-05', '2026-06'].map((m) => atomId('reviews_by_incident_type', 'oh-cuyahoga', 'fatality', m)));
    expect(reviews.rowTotals[0]!.id).toBe('reviews_by_incident_type.period|ct-dcf|total');
    expect(reviews.rowTotals[0]!.atoms).toHaveLength(3 * 3); // fatality, near fatality, other x 3 months
    expect(reviews.columnTotals[1]!.id).toBe('reviews_by_incident_type.period|all|near_fatality');
    expect(reviews.grandTotal).toMatchObject({ id: 'reviews_by_incident_type.period|all|total' });
    expect(reviews.grandTotal.atoms).toHaveLength(3 * 3 * 3);
    expect(tables.find((x) => x.id === 'reviews_by_incident_type.year_to_date')!.grandTotal.atoms).toHaveLength(3 * 3 * 6);
    expect(reviews).toMatchObject({ threshold: 10, minIntervalWidth: 5 });
    expect(tables.find((x) => x.id === 'safety_notices_by_theme.period')).toMatchObject({ threshold: 3, minIntervalWidth: 1 });
  });

  it('gives every atom of the year to date its count, zeros included', () => {
    expect(atoms.get(atomId('reviews_by_incident_type', 'oh-cuyahoga', 'fatality', '2026-01'))).toBe(20);
    expect(atoms.get(atomId('reviews_by_incident_type', 'oh-cuyahoga', 'fatality', '2026-05'))).toBe(7);
    expect(atoms.get(atomId('reviews_by_incident_type', 'ky-dcbs', 'fatality', '2026-05'))).toBe(0);
    const cellsAtoms = new Set(tables.flatMap((x) => [...x.cells.flat(), ...x.rowTotals, ...x.columnTotals, x.grandTotal].flatMap((c) => c.atoms)));
    expect([...cellsAtoms].every((a) => atoms.has(a))).toBe(true);
    expect(atoms.size).toBe(cellsAtoms.size);
  });

  it('refuses partials of another span, duplicates, and categories a dataset has no column for', () => {
    expect(() => buildProtectionInput([{ ...partials[0]!, throughMonth: '2026-03' }], period, settings)).toThrow(/covers 2026 through 2026-03, not 2026 through 2026-06/);
    expect(() => buildProtectionInput([partials[0]!, partials[0]!], period, settings)).toThrow(/Two partial aggregates of oh-cuyahoga/);
    expect(() => buildProtectionInput([partial('x-y', 'X', { reviews_by_cause: { '2026-04': { meteor: 1 } } })], period, settings)).toThrow(/"meteor", which reviews_by_cause has no column/);
  });
});

describe('the release documents', () => {
  const { tables, atoms } = buildProtectionInput(partials, period, settings);
  const protection = resultOf(tables, atoms, SUPPRESSED);
  const culture = new Map<string, readonly FrozenWaveResults[]>([
    ['ct-dcf', [waveResults('ct-dcf', '01JAAAAAAAAAAAAAAAAAAAAAAA', { title: 'Spring 2026', closedOn: '2026-05-01', safetyClimate: 64.44 }), waveResults('ct-dcf', '01JBBBBBBBBBBBBBBBBBBBBBBB', { title: 'Autumn 2026', closedOn: '2026-10-01' })]],
  ]);
  const themeNotices = themeNoticesOf(NOTICES, period, ISSUERS);
  const { partnership, jurisdictions } = assembleDocuments({ partials, period, settings, protection, culture, runId: 'run-1', generatedAt: '2026-07-01T06:00:00.000Z', themeNotices });

  it('hold no number for a suppressed cell, anywhere', () => {
    const suppressedWhere = new Set(Object.keys(SUPPRESSED));
    const all = cellsOf(partnership);
    for (const { where, cell } of all) {
      if (suppressedWhere.has(where)) {
        expect(cell, where).toEqual({ shown: false, suppression: SUPPRESSED[where] });
        expect(Object.keys(cell), where).not.toContain('value');
      }
    }
    const reviews = partnership.tables.find((x) => x.id === 'reviews_by_incident_type.period')!;
    expect(reviews.rows.map((r) => r.key)).toEqual(['ct-dcf', 'ky-dcbs', 'oh-cuyahoga', ALL]);
    expect(reviews.rows[2]!.cells).toEqual([{ shown: false, suppression: 'primary' }, { shown: false, suppression: 'secondary' }, { shown: true, value: 0 }]);
    expect(reviews.rows[2]!.total).toEqual({ shown: true, value: 37 });
    expect(reviews.rows[3]!.total).toEqual({ shown: true, value: 84 });
    expect(reviews.threshold).toBe(10);
    // The timeliness rows carry the same cells, and no median where the count behind it is not shown.
    const timeliness = partnership.timeliness.find((x) => x.span === 'period')!;
    const ct = timeliness.rows.find((r) => r.key === 'ct-dcf')!;
    expect(ct).toEqual({ key: 'ct-dcf', label: 'Connecticut DCF', withinStandard: { shown: false, suppression: 'primary' }, overStandard: { shown: false, suppression: 'primary' } });
    expect(timeliness.rows.find((r) => r.key === 'oh-cuyahoga')).toMatchObject({ medianDays: 5, withinStandard: { shown: true, value: 25 } });
    // A count shown but not above the threshold gives no median either (Kentucky: 0 reviews).
    expect(timeliness.rows.find((r) => r.key === 'ky-dcbs')!.medianDays).toBeUndefined();
    // The total row: 44 reviews with dates, median of all of them.
    expect(timeliness.rows.find((r) => r.key === ALL)).toMatchObject({ medianDays: 5, withinStandard: { shown: true, value: 28 } });
    expect(partnership.timeliness.map((x) => x.standardDays)).toEqual([30, 30]);
  });

  it('state the headline figures as the protected tables show them', () => {
    expect(partnership.headline).toEqual([
      { label: 'Approved reviews, April to June 2026', value: '84' },
      { label: 'Approved reviews, January to June 2026', value: '104' },
      { label: 'Reviews within the 30-day standard, April to June 2026', value: '28' },
      { label: 'Improvement opportunities, April to June 2026', value: '0' },
      { label: 'Safety notices, April to June 2026', value: '0' },
    ]);
    const suppressedTotal = resultOf(tables, atoms, { [cellIdOf(t('reviews_by_incident_type', 'period'), ALL, TOTAL)]: 'secondary' });
    const doc = assembleDocuments({ partials, period, settings, protection: suppressedTotal, culture, runId: 'r', generatedAt: 'g', themeNotices: [] }).partnership;
    expect(doc.headline[0]).toEqual({ label: 'Approved reviews, April to June 2026', value: 'Not shown (protects small counts)' });
  });

  it("give each jurisdiction its own row only, unsuppressed", () => {
    expect(jurisdictions.map((d) => d.audience)).toEqual([
      { kind: 'jurisdiction', jurisdictionId: 'ct-dcf', name: 'Connecticut DCF' },
      { kind: 'jurisdiction', jurisdictionId: 'ky-dcbs', name: 'Kentucky DCBS' },
      { kind: 'jurisdiction', jurisdictionId: 'oh-cuyahoga', name: 'Cuyahoga County' },
    ]);
    const ct = jurisdictions[0]!;
    expect(ct.jurisdictions.map((j) => j.id)).toEqual(['ct-dcf']);
    for (const table of ct.tables) {
      expect(table.threshold).toBe(0);
      expect(table.rows.map((r) => r.key)).toEqual(['ct-dcf']);
    }
    expect(cellsOf(ct).every(({ cell }) => cell.shown)).toBe(true);
    const reviews = ct.tables.find((x) => x.id === 'reviews_by_incident_type.period')!;
    expect(reviews.rows[0]!.cells).toEqual([{ shown: true, value: 40 }, { shown: true, value: 7 }, { shown: true, value: 0 }]);
    expect(reviews.rows[0]!.total).toEqual({ shown: true, value: 47 });
    expect(ct.timeliness[0]!.rows).toEqual([{ key: 'ct-dcf', label: 'Connecticut DCF', medianDays: 40, withinStandard: { shown: true, value: 3 }, overStandard: { shown: true, value: 4 } }]);
    expect(ct.headline[0]).toEqual({ label: 'Approved reviews, April to June 2026', value: '47' });
    // Nothing of another jurisdiction: not its id, not its name; but the published notices, which every partner reads.
    expect(ct.themeNotices).toEqual(partnership.themeNotices);
    const text = JSON.stringify({ ...ct, themeNotices: [] });
    expect(text).not.toContain('oh-cuyahoga');
    expect(text).not.toContain('Cuyahoga');
    expect(text).not.toContain(ALL_LABEL_OF(partnership));
  });

  it("carry the same safety notices beside their themes, the partnership's and every jurisdiction's own, and no count of them", () => {
    expect(partnership.themeNotices).toEqual(themeNotices);
    expect(partnership.themeNotices.flatMap((x) => x.notices)).toHaveLength(4);
    for (const doc of jurisdictions) expect(doc.themeNotices).toEqual(partnership.themeNotices);
    const keysOf = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(keysOf) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keysOf(x)]) : []);
    expect(new Set(keysOf(partnership.themeNotices))).toEqual(new Set(['theme', 'label', 'notices', 'title', 'issuerId', 'issuerName', 'firstPublishedAt', 'status', 'path']));
  });

  it('join the culture: the latest wave closed by the period end, percent positive where the survey shows it, beside the reviews cell', () => {
    const ct = partnership.culture.find((c) => c.jurisdictionId === 'ct-dcf')!;
    // The autumn wave closed after the period: the spring one is the latest by its end.
    expect(ct).toEqual({
      jurisdictionId: 'ct-dcf',
      label: 'Connecticut DCF',
      waveTitle: 'Spring 2026',
      closedOn: '2026-05-01',
      scales: [
        { scale: 'safety_climate', label: 'Safety climate', percentPositive: 64.4 },
        { scale: 'psychological_safety', label: 'Psychological safety', percentPositive: 55.5 },
      ],
      reviewsYearToDate: { shown: true, value: 47 },
    });
    expect(partnership.culture.find((c) => c.jurisdictionId === 'ky-dcbs')).toEqual({ jurisdictionId: 'ky-dcbs', label: 'Kentucky DCBS', scales: [], reviewsYearToDate: { shown: true, value: 0 } });
    expect(jurisdictions[0]!.culture).toEqual([{ ...ct, reviewsYearToDate: { shown: true, value: 47 } }]);
  });

  it('say why a scale or a whole jurisdiction shows no culture figure, and carry a suppressed reviews cell as suppressed', () => {
    const wave = waveResults('ky-dcbs', '01JCCCCCCCCCCCCCCCCCCCCCCC', { closedOn: '2026-03-31' });
    wave.groups[0]!.scales[1] = { shown: false, scale: 'psychological_safety', label: 'Psychological safety', reason: 'too_few_item_answers' };
    const row = cultureRow({ id: 'ky-dcbs', name: 'Kentucky DCBS' }, [wave], period, { shown: false, suppression: 'secondary' });
    expect(row.scales[1]).toEqual({ scale: 'psychological_safety', label: 'Psychological safety', reason: 'Fewer than 5 answers to one of its items' });
    expect(row.reviewsYearToDate).toEqual({ shown: false, suppression: 'secondary' });

    const hidden = waveResults('ky-dcbs', '01JCCCCCCCCCCCCCCCCCCCCCCC', { closedOn: '2026-03-31' });
    hidden.groups[0] = { groupId: 'ky-dcbs', level: 'jurisdiction', label: 'Kentucky DCBS', shown: false, reason: 'too_few_respondents', scales: [] };
    const none = cultureRow({ id: 'ky-dcbs', name: 'Kentucky DCBS' }, [hidden], period, { shown: true, value: 3 });
    expect(none.scales.length).toBeGreaterThan(1);
    expect(none.scales.every((s) => s.reason === 'Fewer than 5 respondents' && s.percentPositive === undefined)).toBe(true);
    // Another jurisdiction's waves are never joined.
    expect(cultureRow({ id: 'ct-dcf', name: 'CT' }, [wave], period, { shown: true, value: 3 }).scales).toEqual([]);
  });
});

describe('the safety notices beside their themes', () => {
  it('lists every notice first published by the period end, under its theme in the table\'s column order, newest first', () => {
    const themes = themeNoticesOf(NOTICES, period, ISSUERS);
    expect(themes.map((x) => [x.theme, x.label])).toEqual([
      ['training', 'Training and skill building'],
      ['safe_sleep', 'Safe sleep and infant safety'],
      ['other', 'Other or not listed'],
    ]);
    expect(themes[1]!.notices).toEqual([
      { title: 'Notice 00A1', issuerId: 'ky-dcbs', issuerName: 'Kentucky DCBS', firstPublishedAt: '2026-06-30T23:59:59.999Z', status: 'active', path: '/notices/ky-dcbs/01JN00000000000000000000A1' },
      { title: 'Bassinets <b>first</b> & "always"', issuerId: 'oh-cuyahoga', issuerName: 'Cuyahoga County', firstPublishedAt: '2026-04-02T09:00:00.000Z', status: 'withdrawn', path: '/notices/oh-cuyahoga/01JN00000000000000000000B1' },
    ]);
    // An issuer the registry no longer names keeps its id.
    expect(themes[2]!.notices.map((n) => [n.issuerName, n.path])).toEqual([['gone-away', '/notices/gone-away/01JN00000000000000000000D1']]);
    // The same address as the notice library's links.
    for (const n of NOTICES) expect(noticePathOf(n)).toBe(noticePath(n));
    expect(themeNoticesOf(NOTICES, parsePeriod('monthly', '2025-10'), ISSUERS)).toEqual([]);
    expect(themeNoticesOf([], period, ISSUERS)).toEqual([]);
  });

});

describe('medianDays', () => {
  it('finds the median of histograms, the mean of the middle two for an even count', () => {
    expect(medianDays([])).toBeUndefined();
    expect(medianDays([[0, 0], undefined])).toBeUndefined();
    expect(medianDays([[0, 1, 0, 1]])).toBe(2);
    expect(medianDays([[0, 1], [0, 0, 0, 1, 1]])).toBe(3);
    expect(medianDays([[2, 0, 0, 0, 0, 1]])).toBe(0);
  });
});

function ALL_LABEL_OF(doc: ReleaseDocument): string {
  return doc.tables[0]!.rows.at(-1)!.label;
}
