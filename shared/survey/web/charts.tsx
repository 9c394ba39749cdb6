/**
 * Accessible inline SVG charts of the results pages, drawn by hand (a linear scale is one line of arithmetic): a
 * horizontal bar per row with its 95% interval as a whisker. role="img" with a <title> and a <desc> that states every
 * number; the page puts a table with the same numbers beside each chart. A row without a number (suppressed, combined
 * with its parent) is drawn as a labelled "suppressed" marker, never as a zero bar. Colours are USWDS tokens with
 * at least 4.5:1 contrast on white (bars 7:1, text 17:1, marker text 6.9:1).
 */
import { estimateText, fixed, type Estimate } from './results-view.ts';

export interface ChartRow {
  label: string;
  estimate?: Estimate;
  /** Why there is no number (suppressed, combined with its parent). */
  note?: string;
}

const INK = '#1b1b1b';
const BAR = '#005ea2';
const MUTED = '#565c65';
const GRID = '#dfe1e2';

const WIDTH = 640;
const LABEL_W = 190;
// Room right of the plot for a value next to a whisker that ends at the maximum.
const RIGHT = 60;
const ROW_H = 30;
const TOP = 8;
const AXIS_H = 28;

const shorten = (label: string, max = 28) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);

/** The sentence of a chart's description: every row's number, or why it has none. */
export function chartDescription(rows: readonly ChartRow[], unit: string): string {
  return rows.map((r) => `${r.label}: ${r.estimate ? estimateText(r.estimate, unit) : `no number shown (${r.note ?? 'suppressed'})`}.`).join(' ');
}

export function BarChart(p: { id: string; title: string; rows: readonly ChartRow[]; min: number; max: number; ticks: readonly number[]; unit: string; intro?: string }) {
  const plotW = WIDTH - LABEL_W - RIGHT;
  const x = (v: number) => LABEL_W + ((Math.min(Math.max(v, p.min), p.max) - p.min) / (p.max - p.min)) * plotW;
  const height = TOP + p.rows.length * ROW_H + AXIS_H;
  const axisY = TOP + p.rows.length * ROW_H;
  const description = `${p.intro ? `${p.intro} ` : ''}${chartDescription(p.rows, p.unit)}`;
  return (
    <svg class="npcs-chart" role="img" aria-labelledby={`${p.id}-title ${p.id}-desc`} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet" font-family="Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif" font-size="13">
      <title id={`${p.id}-title`}>{p.title}</title>
      <desc id={`${p.id}-desc`}>{description}</desc>
      {p.ticks.map((t) => (
        <g>
          <line x1={x(t)} x2={x(t)} y1={TOP} y2={axisY} stroke={GRID} stroke-width="1" />
          <text x={x(t)} y={axisY + 18} text-anchor="middle" fill={INK}>
            {`${t}${p.unit}`}
          </text>
        </g>
      ))}
      <line x1={LABEL_W} x2={WIDTH - RIGHT} y1={axisY} y2={axisY} stroke={INK} stroke-width="1" />
      {p.rows.map((r, i) => {
        const y = TOP + i * ROW_H;
        const mid = y + ROW_H / 2;
        return (
          <g>
            <text x={LABEL_W - 8} y={mid + 4} text-anchor="end" fill={INK}>
              {shorten(r.label)}
            </text>
            {r.estimate ? (
              <>
                <rect x={x(p.min)} y={y + 7} width={Math.max(x(r.estimate.value) - x(p.min), 1)} height={ROW_H - 14} fill={BAR} />
                <line x1={x(r.estimate.low)} x2={x(r.estimate.high)} y1={mid} y2={mid} stroke={INK} stroke-width="2" />
                <line x1={x(r.estimate.low)} x2={x(r.estimate.low)} y1={mid - 6} y2={mid + 6} stroke={INK} stroke-width="2" />
                <line x1={x(r.estimate.high)} x2={x(r.estimate.high)} y1={mid - 6} y2={mid + 6} stroke={INK} stroke-width="2" />
                <text x={x(r.estimate.high) + 6} y={mid + 4} fill={INK} font-weight="bold">
                  {`${fixed(r.estimate.value, r.estimate.digits)}${p.unit}`}
                </text>
              </>
            ) : (
              <>
                <rect x={x(p.min) + 1} y={y + 6} width={96} height={ROW_H - 12} fill="none" stroke={MUTED} stroke-width="1" stroke-dasharray="4 3" />
                <text x={x(p.min) + 8} y={mid + 4} fill={MUTED} font-style="italic">
                  suppressed
                </text>
              </>
            )}
          </g>
        );
      })}
    </svg>
  );
}

/** Tick marks of a percentage axis and of a mean's scale range. */
export const PERCENT_TICKS = [0, 20, 40, 60, 80, 100] as const;
export const pointTicks = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);
