/**
 * The CSV downloads of the results pages: exactly the numbers the page shows (the view model's rounded values), one
 * row per group and scale, per baseline comparison and per trend point. A suppressed cell is empty, with `suppressed`
 * saying why; formula-looking text is neutralized by the one CSV writer (shared/csv.ts).
 */
import { toCsv } from '#shared/csv.ts';
import { fixed, STATUS_LABELS, type ComparisonView, type Estimate, type PartnershipView, type ShownNumbers, type WaveResultsView } from './results-view.ts';

export const WAVE_CSV_COLUMNS = [
  'section',
  'wave_id',
  'wave_title',
  'closed_on',
  'group',
  'level',
  'scale',
  'respondents',
  'staff',
  'response_rate',
  'response_rate_ci_low',
  'response_rate_ci_high',
  'percent_positive',
  'percent_positive_ci_low',
  'percent_positive_ci_high',
  'mean',
  'mean_ci_low',
  'mean_ci_high',
  'suppressed',
  'baseline_wave_id',
  'measure',
  'baseline',
  'current',
  'difference',
  'difference_ci_low',
  'difference_ci_high',
  'target_change',
  'target_status',
] as const;
type Row = Partial<Record<(typeof WAVE_CSV_COLUMNS)[number], string | number>>;

const est = (prefix: 'response_rate' | 'percent_positive' | 'mean' | 'difference', e: Estimate | undefined): Row =>
  e ? { [prefix]: fixed(e.value, e.digits), [`${prefix}_ci_low`]: fixed(e.low, e.digits), [`${prefix}_ci_high`]: fixed(e.high, e.digits) } : {};

const numbers = (n: ShownNumbers | undefined): Row => (n ? { respondents: n.respondents, ...est('percent_positive', n.percentPositive), ...est('mean', n.mean) } : {});

const comparison = (c: ComparisonView): Row => ({
  baseline_wave_id: c.baselineWave?.waveId ?? '',
  measure: c.measure,
  baseline: fixed(c.baseline, c.digits),
  current: fixed(c.current, c.digits),
  ...est('difference', c.difference),
  ...(c.target ? { target_change: String(c.target.change), target_status: STATUS_LABELS[c.target.status] } : {}),
});

export function waveResultsCsv(view: WaveResultsView): string {
  const wave = { wave_id: view.wave.waveId, wave_title: view.wave.title, closed_on: view.wave.closedOn };
  const rows: Row[] = [];
  for (const g of view.groups) {
    rows.push({
      section: 'group',
      ...wave,
      group: g.label,
      level: g.level,
      ...(g.combinedWith !== undefined || g.respondents === undefined ? { suppressed: g.combinedWith ? `combined with ${g.combinedWith}` : 'too few respondents' } : { respondents: g.respondents }),
      ...(g.staff !== undefined ? { staff: g.staff } : {}),
      ...est('response_rate', g.responseRate),
    });
  }
  for (const s of view.scales) {
    for (const r of s.rows) {
      rows.push({
        section: 'scale',
        ...wave,
        group: r.label,
        level: r.level,
        scale: s.label,
        ...numbers(r.numbers),
        ...(r.numbers ? {} : { suppressed: r.combinedWith ? `combined with ${r.combinedWith}` : (r.note ?? 'suppressed') }),
      });
    }
    if (s.comparison) rows.push({ section: 'baseline', ...wave, group: view.jurisdictionName, level: 'jurisdiction', scale: s.label, ...comparison(s.comparison) });
    for (const t of s.trend) {
      rows.push({
        section: 'trend',
        wave_id: t.waveId,
        wave_title: t.title,
        closed_on: t.closedOn,
        group: view.jurisdictionName,
        level: 'jurisdiction',
        scale: s.label,
        ...numbers(t.numbers),
        ...(t.numbers ? {} : { suppressed: t.note ?? 'suppressed' }),
      });
    }
  }
  return toCsv(rows, WAVE_CSV_COLUMNS);
}

export function partnershipCsv(view: PartnershipView): string {
  const rows: Row[] = [];
  for (const s of view.scales) {
    for (const r of [...s.rows, s.pool]) {
      if (r.status === 'no_wave') continue;
      rows.push({
        section: r === s.pool ? 'pool' : 'jurisdiction',
        wave_id: r.wave?.waveId ?? '',
        wave_title: r.wave?.title ?? '',
        closed_on: r.wave?.closedOn ?? '',
        group: r.name,
        level: r === s.pool ? 'partnership' : 'jurisdiction',
        scale: s.label,
        ...numbers(r.numbers),
        ...(r.numbers ? {} : { suppressed: r.note ?? 'suppressed' }),
        ...(r.comparison ? comparison(r.comparison) : {}),
      });
    }
  }
  return toCsv(rows, WAVE_CSV_COLUMNS);
}
