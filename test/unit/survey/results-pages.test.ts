import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { neutralizeCell, toCsv } from '#shared/csv.ts';
import type { GroupResult, ScaleComparison, ScaleTarget } from '#shared/survey/results/types.ts';
import { chartDescription } from '#shared/survey/web/charts.tsx';
import { partnershipCsv, waveResultsCsv } from '#shared/survey/web/results-csv.ts';
import { PartnershipResultsPage, WaveResultsPage } from '#shared/survey/web/results-pages.tsx';
import { partnershipView, waveResultsView } from '#shared/survey/web/results-view.ts';
import { shown, WAVE_1, WAVE_2, waveResults } from './results-fixtures.ts';

const JID = 'ky-dcbs';
const first = waveResults(JID, WAVE_1, { title: 'Fall 2026', closedOn: '2026-10-01', safetyClimate: 60.04 });
const current = waveResults(JID);
const targets: ScaleTarget[] = [{ scale: 'safety_climate', baseline: { kind: 'first_closed' }, measure: 'percent_positive', change: 10 }];
const comparisons: ScaleComparison[] = [
  { scale: 'safety_climate', baselineWaveId: WAVE_1, current: 71.43, baseline: 60.04, difference: 11.39, differenceCi: { low: -1.234, high: 23.456 }, target: { change: 10, status: 'met' } },
];
const trend = [first, current].map((w) => ({ waveId: w.waveId, closedOn: w.closedOn, title: w.waveTitle, scales: w.groups[0]!.scales }));
const view = waveResultsView({ jurisdictionName: 'Kentucky DCBS', current, closedWaves: [first, current], comparisons, targets, trend });
/** The text of HTML (attributes such as colspan are not shown numbers). */
const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
const rows = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

describe('wave results view', () => {
  it('rounds once (percent 1 digit, mean 2) and lists a rolled-up unit as combined with its first shown ancestor, without numbers', () => {
    const sc = view.scales.find((s) => s.scale === 'safety_climate')!;
    expect(sc.rows.map((r) => [r.label, r.numbers?.percentPositive.value, r.numbers?.mean.value, r.combinedWith])).toEqual([
      ['Kentucky DCBS', 71.4, 3.88, undefined],
      ['Intake', 65.2, 3.71, undefined],
      ['Family services', 79.1, 4.02, undefined],
      ['=Night shift', undefined, undefined, 'Intake'],
    ]);
    expect(view.groups[3]).toEqual({ groupId: `${JID}/night`, label: '=Night shift', level: 'unit', combinedWith: 'Intake' });
    expect(view.groups[0]!.responseRate).toEqual({ value: 68.3, low: 57.1, high: 77.9, digits: 1 });
    // A shown group's suppressed cell says why, with no number.
    const ps = view.scales.find((s) => s.scale === 'psychological_safety')!;
    expect(ps.rows[1]).toMatchObject({ label: 'Intake', note: 'too few answers to an item' });
    expect(ps.rows[1]!.numbers).toBeUndefined();
    expect(sc.comparison).toMatchObject({ measure: 'percent_positive', current: 71.4, baseline: 60, difference: { value: 11.4, low: -1.2, high: 23.5 }, target: { change: 10, status: 'met' } });
    expect(sc.comparison!.baselineWave).toEqual({ waveId: WAVE_1, title: 'Fall 2026', closedOn: '2026-10-01' });
    expect(ps.comparison).toBeUndefined();
    expect(sc.trend.map((t) => [t.title, t.current, t.numbers?.percentPositive.value])).toEqual([
      ['Fall 2026', false, 60],
      ['Spring 2027', true, 71.4],
    ]);
  });

  it('renders charts with role img, title and a description of every number, a table beside each, and a suppressed marker (no zero bar)', () => {
    const html = renderToString(h(WaveResultsPage, { view }));
    const charts = [...html.matchAll(/<svg[^>]*role="img"[^>]*aria-labelledby="([^" ]+) ([^"]+)"/g)];
    expect(charts.length).toBe(view.scales.length * 2);
    for (const [, title, desc] of charts) {
      expect(html).toContain(`<title id="${title}">`);
      expect(html).toContain(`<desc id="${desc}">`);
    }
    expect(html).toContain('Kentucky DCBS: 71.4% (95% CI 63.4 to 79.4).');
    expect(html).toContain('=Night shift: no number shown (combined with Intake).');
    expect(html).toContain('>suppressed</text>');
    expect(html).toContain('<caption id="scale-safety_climate-caption">Safety climate by group</caption>');
    expect(html).toContain('Combined with Intake');
    expect(html).toContain('+11.4 points (95% CI -1.2 to +23.5)');
    expect(html).toContain('>Met</span>');
    expect(html).toContain('href="/survey-waves/01JBBBBBBBBBBBBBBBBBBBBBBB/results.csv"');
  });

  it('shows no number of a suppressed group anywhere: not in the HTML, the SVG or the CSV', () => {
    const html = renderToString(h(WaveResultsPage, { view }));
    const csv = waveResultsCsv(view);
    for (const text of [html, csv]) {
      expect(text).not.toContain('1234');
      expect(text).not.toMatch(/98\.[78]|96\.5|99\.99/);
    }
    // The rolled-up unit's table rows and chart lines hold no digit at all.
    const nightRows = [...html.matchAll(/<tr><th scope="row" data-label="Group">=Night shift<\/th>(.*?)<\/tr>/g)];
    expect(nightRows.length).toBe(1 + view.scales.length);
    for (const [, cells] of nightRows) expect(textOf(cells!)).not.toMatch(/\d/);
    for (const r of rows(csv).filter((r) => r.group === "'=Night shift")) {
      expect(r.suppressed).toBe('combined with Intake');
      for (const column of ['respondents', 'staff', 'response_rate', 'percent_positive', 'percent_positive_ci_low', 'mean', 'mean_ci_high']) expect(r[column]).toBe('');
    }
    expect(chartDescription([{ label: 'x', note: 'suppressed' }], '%')).not.toMatch(/\d/);
  });

  it('writes exactly the shown numbers to the CSV, formula cells neutralized', () => {
    const parsed = rows(waveResultsCsv(view));
    const jurisdictionSc = parsed.find((r) => r.section === 'scale' && r.group === 'Kentucky DCBS' && r.scale === 'Safety climate')!;
    expect(jurisdictionSc).toMatchObject({ respondents: '41', percent_positive: '71.4', percent_positive_ci_low: '63.4', percent_positive_ci_high: '79.4', mean: '3.88', mean_ci_low: '3.57', mean_ci_high: '4.17', suppressed: '' });
    expect(parsed.find((r) => r.section === 'baseline')).toMatchObject({ baseline_wave_id: WAVE_1, baseline: '60.0', current: '71.4', difference: '11.4', difference_ci_low: '-1.2', target_change: '10', target_status: 'Met' });
    expect(parsed.filter((r) => r.section === 'trend').map((r) => r.wave_title)).toEqual(['Fall 2026', 'Spring 2027', 'Fall 2026', 'Spring 2027']);
    // The formula-looking unit name starts with an apostrophe; negative numbers stay numbers.
    expect(parsed.some((r) => r.group === "'=Night shift")).toBe(true);
    expect(parsed.some((r) => r.group === '=Night shift')).toBe(false);
  });
});

describe('partnership view', () => {
  const away = waveResults('oh-franklin-fccs', WAVE_1);
  away.groups[0] = { groupId: 'oh-franklin-fccs', level: 'jurisdiction', label: 'Franklin County', shown: false, reason: 'too_few_respondents', scales: [], respondents: 4 } as GroupResult;
  const pool: GroupResult = { groupId: 'partnership', level: 'partnership', label: 'All jurisdictions (pooled)', shown: true, respondents: 41, scales: [shown('safety_climate', 'Safety climate', 41, 71.43, 3.876)] };
  const pv = partnershipView({
    scales: [{ scale: 'safety_climate', label: 'Safety climate', pointsMin: 1, pointsMax: 5 }],
    jurisdictions: [
      { jurisdictionId: JID, name: 'Kentucky DCBS', latest: current, closedWaves: [first, current], comparisons },
      { jurisdictionId: 'oh-franklin-fccs', name: 'Franklin County', latest: away, closedWaves: [away], comparisons: [] },
      { jurisdictionId: 'nm-cyfd', name: 'New Mexico CYFD', closedWaves: [], comparisons: [] },
    ],
    pool,
    targets,
    minGroupSize: 5,
  });

  it('shows jurisdiction level only: no unit, a suppressed jurisdiction without a number, a jurisdiction with no wave said so', () => {
    const html = renderToString(h(PartnershipResultsPage, { view: pv, canManageTargets: false }));
    expect(html).not.toContain('Intake');
    expect(html).not.toContain('Family services');
    expect(pv.scales[0]!.rows.map((r) => [r.name, r.status, r.numbers?.percentPositive.value])).toEqual([
      ['Kentucky DCBS', 'shown', 71.4],
      ['Franklin County', 'suppressed', undefined],
      ['New Mexico CYFD', 'no_wave', undefined],
    ]);
    expect(pv.scales[0]!.pool.numbers?.respondents).toBe(41);
    const franklin = [...html.matchAll(/<tr><th scope="row" data-label="Jurisdiction">Franklin County<\/th>(.*?)<\/tr>/g)];
    expect(franklin.length).toBe(2);
    // Past the wave's name and date, no digit: no count, no rate, no score.
    for (const [, cells] of franklin) expect(textOf(cells!.replace(/<td data-label="Wave">.*?<\/td>/, ''))).not.toMatch(/\d/);
    expect(html).toContain('Franklin County: no number shown (too few respondents).');
    expect(html).not.toContain('Set the baselines and targets');
    expect(renderToString(h(PartnershipResultsPage, { view: pv, canManageTargets: true }))).toContain('href="/survey-targets"');
    const csv = rows(partnershipCsv(pv));
    expect(csv.map((r) => [r.section, r.group, r.percent_positive, r.suppressed])).toEqual([
      ['jurisdiction', 'Kentucky DCBS', '71.4', ''],
      ['jurisdiction', 'Franklin County', '', 'too few respondents'],
      ['pool', 'All jurisdictions (pooled)', '71.4', ''],
    ]);
  });
});

describe('the CSV writer', () => {
  it.each([
    ['=CMD()', "'=CMD()"],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\uFF1D1', "'\uFF1D1"],
    ['-3.5', '-3.5'],
    ['+2', '+2'],
    ['Intake', 'Intake'],
  ])('neutralizes %j as %j', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });

  it('leaves numbers and the header alone', () => {
    expect(toCsv([{ a: '=1', b: -2 }], ['a', 'b'])).toBe("a,b\n'=1,-2\n");
  });
});
