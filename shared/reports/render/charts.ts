/**
 * The report's charts: Vega-Lite specs compiled and drawn to an SVG string in Node (a vega View with the `none`
 * renderer, `toSVG()`), then made into an accessible image: the root `<svg>` gets role="img" and a `<title>` and
 * `<desc>` it is labelled by; every id inside is prefixed so that twenty charts can share a page. Vega's output
 * styles with presentation attributes only (no `style` attribute, no `<style>`), which the pages' CSP allows.
 *
 * A suppressed cell has no number (shared/reports/model.ts): it is drawn as a "suppressed" label at the axis, never
 * as a bar, not even one of zero length. Colours are USWDS tokens with at least 3:1 contrast on white for bars and
 * 4.5:1 for text. Vega and Vega-Lite are loaded on the first chart (`await import`): only the report-building task
 * bundles them, never the web function.
 */
import type { ReleaseCell } from '#shared/reports/model.ts';
import { count } from './cells.ts';

export const INK = '#1b1b1b';
export const MUTED = '#565c65';
const GRID = '#dfe1e2';
const AXIS = '#71767a';
/** blue-60v (7.0:1 on white) and red-warm-50v (4.6:1): told apart by colour and by the legend's order. */
export const SERIES_COLORS = ['#005ea2', '#c05600'] as const;
const FONT = 'Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif';
/** The label a suppressed cell gets in a chart: the table beside it says which kind. */
export const SUPPRESSED_MARK = 'suppressed';

const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  // The root <svg> is one image with its own title and description; the marks inside need no ARIA of their own.
  aria: false,
  view: { stroke: null },
  axis: { labelFontSize: 13, titleFontSize: 13, labelColor: INK, titleColor: INK, domainColor: AXIS, tickColor: AXIS, gridColor: GRID, titleFontWeight: 'bold', labelLimit: 220 },
  legend: { labelFontSize: 13, titleFontSize: 13, labelColor: INK, titleColor: INK, orient: 'bottom', direction: 'horizontal' },
  text: { fontSize: 13 },
} as const;

export interface ChartMeta {
  /** Unique in the page: the ids of the title, the description and any id inside the SVG start with it. */
  id: string;
  title: string;
  description: string;
}

/** A row of a bar chart. */
export interface BarRow {
  label: string;
  cell: ReleaseCell;
  /** A second series on the same row (timeliness: within and over the standard). */
  series?: string;
}

interface BarDatum {
  label: string;
  series: string;
  /** null: suppressed. */
  value: number | null;
  text: string;
}

const datum = (r: BarRow): BarDatum => ({ label: r.label, series: r.series ?? '', value: r.cell.shown ? r.cell.value : null, text: r.cell.shown ? count(r.cell.value) : SUPPRESSED_MARK });

/** The x domain: from 0 to a little past the largest count, so the value printed after a bar fits. */
function domainMax(values: readonly (number | null)[]): number {
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  return max === 0 ? 1 : Math.ceil(max * 1.15);
}

/** The three layers every bar chart has: bars for counts above 0, the count after each, "suppressed" at the axis. */
function barLayers(xTitle: string, max: number, grouped: boolean): unknown[] {
  const x = { field: 'value', type: 'quantitative', title: xTitle, scale: { domain: [0, max], nice: true }, axis: { tickMinStep: 1, format: 'd', grid: true } };
  const offset = grouped ? { yOffset: { field: 'series', type: 'nominal', sort: null } } : {};
  return [
    {
      transform: [{ filter: 'datum.value > 0' }],
      mark: { type: 'bar', ...(grouped ? {} : { color: SERIES_COLORS[0] }) },
      encoding: { x, ...offset, ...(grouped ? { color: { field: 'series', type: 'nominal', sort: null, title: null, scale: { range: [...SERIES_COLORS] } } } : {}) },
    },
    { transform: [{ filter: 'datum.value !== null' }], mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, color: INK }, encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'text' }, ...offset } },
    { transform: [{ filter: 'datum.value === null' }], mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, color: MUTED, fontStyle: 'italic' }, encoding: { x: { datum: 0, type: 'quantitative' }, text: { field: 'text' }, ...offset } },
  ];
}

/** Horizontal bars, one per row (or one per row and series), in the rows' order. */
export function barChartSpec(rows: readonly BarRow[], xTitle: string): object {
  const values = rows.map(datum);
  const grouped = rows.some((r) => r.series !== undefined);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // Narrow enough that a phone shrinks it little: its labels stay readable at 375 px.
    width: 300,
    height: { step: grouped ? 40 : 28 },
    data: { values },
    encoding: { y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelPadding: 6, ticks: false } } },
    layer: barLayers(xTitle, domainMax(values.map((v) => v.value)), grouped),
    config: CONFIG,
  };
}

/** Culture beside incidents: percent positive per scale (points) over the approved reviews (bars), per jurisdiction. */
export interface CultureChartRow {
  label: string;
  scales: { label: string; percentPositive?: number }[];
  reviews: ReleaseCell;
}

export function cultureChartSpec(rows: readonly CultureChartRow[], reviewsTitle: string): object {
  const points = rows.flatMap((r) => r.scales.flatMap((s) => (s.percentPositive === undefined ? [] : [{ label: r.label, scale: s.label, pct: s.percentPositive }])));
  const scaleNames = [...new Set(rows.flatMap((r) => r.scales.map((s) => s.label)))];
  const bars = rows.map((r) => datum({ label: r.label, cell: r.reviews }));
  // Every jurisdiction in both panels, those without a survey result too.
  const y = { field: 'label', type: 'nominal', sort: null, title: null, scale: { domain: rows.map((r) => r.label) } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // One panel above the other, each with the jurisdictions' names: side by side, a phone would shrink both to
    // unreadable text.
    spacing: 20,
    vconcat: [
      {
        width: 300,
        height: { step: 28 },
        data: { values: points.length ? points : [{ label: rows[0]?.label ?? '', scale: scaleNames[0] ?? '', pct: null }] },
        mark: { type: 'point', filled: true, size: 90, opacity: 1 },
        encoding: {
          y: { ...y, axis: { labelPadding: 6, ticks: false } },
          x: { field: 'pct', type: 'quantitative', title: 'Percent positive', scale: { domain: [0, 100] }, axis: { values: [0, 25, 50, 75, 100], format: 'd', grid: true } },
          color: { field: 'scale', type: 'nominal', sort: scaleNames, title: null, legend: { orient: 'top' }, scale: { domain: scaleNames, range: ['#005ea2', '#c05600', '#4d8055', '#8168b3', '#1b1b1b', '#936f38'] } },
          shape: { field: 'scale', type: 'nominal', sort: scaleNames, title: null, legend: { orient: 'top' }, scale: { domain: scaleNames, range: ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down'] } },
        },
      },
      {
        width: 300,
        height: { step: 28 },
        data: { values: bars },
        encoding: { y: { ...y, axis: { labelPadding: 6, ticks: false } } },
        layer: barLayers(reviewsTitle, domainMax(bars.map((b) => b.value)), false),
      },
    ],
    config: CONFIG,
  };
}

// ---------------------------------------------------------------------------------------------------
// Drawing.

type Vega = typeof import('vega');
/** vega-scenegraph's text measure, which vega re-exports (its typings leave it out). */
interface TextMetrics {
  width: (item: { text?: unknown; fontSize?: number; fontWeight?: unknown }, text?: unknown) => number;
}
type VegaLite = typeof import('vega-lite');
let libraries: Promise<{ vega: Vega; vl: VegaLite }> | undefined;
const load = () =>
  (libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => {
    // Without a canvas Vega guesses 0.8 em a character, which cuts "Franklin County Children Services" in half and
    // leaves room for twice its length. Source Sans Pro, the pages' font, is narrower: guess per kind of character
    // (a little wide, so nothing overlaps). Vega documents this hook for renderers without canvas.
    (vega as unknown as { textMetrics: TextMetrics }).textMetrics.width = (item, text) => textWidth(String(text ?? item.text ?? ''), item.fontSize ?? 11, item.fontWeight === 'bold');
    return { vega, vl };
  }));

/** The width of a line of Source Sans Pro, estimated from its characters (exported for its test). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += /[ijlt.,:;'!|()[\] ]/.test(ch) ? 0.3 : /[mwMW]/.test(ch) ? 0.82 : /[A-Z]/.test(ch) ? 0.62 : /[0-9%]/.test(ch) ? 0.53 : 0.5;
  return Math.ceil(em * fontSize * (bold ? 1.08 : 1));
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const xml = (s: string) => s.replace(/[&<>"]/g, (c) => XML_ESCAPES[c]!);

/**
 * The accessible SVG of a spec. The root element is rebuilt (role, labels, size, class); descendants lose the ARIA
 * roles and labels Vega may give marks (the image is one thing to a screen reader: its title and description), and
 * their ids are prefixed with the chart's.
 */
export async function renderChartSvg(spec: object, meta: ChartMeta): Promise<string> {
  const { vega, vl } = await load();
  const compiled = vl.compile(spec as Parameters<VegaLite['compile']>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return accessibleSvg(await view.toSVG(), meta);
  } finally {
    view.finalize();
  }
}

/** Vega's SVG string made into the page's image (exported for its test). */
export function accessibleSvg(svg: string, meta: ChartMeta): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open || !svg.endsWith('</svg>')) throw new Error('Vega returned something other than one <svg> element');
  const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(open[0])?.[1];
  const width = attr('width');
  const height = attr('height');
  const viewBox = attr('viewBox') ?? `0 0 ${width} ${height}`;
  const inner = svg
    .slice(open[0].length, -'</svg>'.length)
    .replace(/\s(?:role|aria-[a-z]+)="[^"]*"/g, '')
    .replace(/\sid="([^"]+)"/g, (_m, id: string) => ` id="${meta.id}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${meta.id}-${id})`)
    .replace(/(\s(?:xlink:)?href)="#([^"]+)"/g, (_m, a: string, id: string) => `${a}="#${meta.id}-${id}"`);
  const titleId = `${meta.id}-title`;
  const descId = `${meta.id}-desc`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="npcs-report-chart" role="img" aria-labelledby="${titleId} ${descId}" width="${width}" height="${height}" viewBox="${viewBox}">` +
    `<title id="${titleId}">${xml(meta.title)}</title><desc id="${descId}">${xml(meta.description)}</desc>${inner}</svg>`
  );
}
