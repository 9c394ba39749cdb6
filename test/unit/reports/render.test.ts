import { describe, expect, it } from 'vitest';
import type { ReleaseCell, ReleaseDocument, ReleaseTable } from '#shared/reports/model.ts';
import { accessibleSvg } from '#shared/reports/render/charts.ts';
import { renderReportHtml } from '#shared/reports/render/report.tsx';
import { ownDocument, partnershipDocument, themeNoticesDocument } from '../../support/report-fixtures.ts';

/** The fragment's charts by id: each `<svg>` element whole. */
function charts(html: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of html.matchAll(/<svg\b[^>]*>[\s\S]*?<\/svg>/g)) found.set(/aria-labelledby="([^ "]+)-title /.exec(m[0])![1]!, m[0]);
  return found;
}
/** The marks of one layer of a chart (Vega names each layer's group `layer_<n>_marks`). */
const layer = (svg: string, n: number): string => new RegExp(`<g class="mark-[a-z]+ role-mark layer_${n}_marks">([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? '';
const textsOf = (svgPart: string) => [...svgPart.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const chartedRow = (t: ReleaseTable) => t.rows.find((r) => r.key === 'all') ?? t.rows[0]!;
const shownPositive = (cells: readonly ReleaseCell[]) => cells.filter((c) => c.shown && c.value > 0);
/** Text of HTML, tags out. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ');

const rendered = new Map<ReleaseDocument['audience']['kind'], Promise<string>>();
const partnership = () => rendered.get('partnership') ?? rendered.set('partnership', renderReportHtml(partnershipDocument())).get('partnership')!;

describe('the report fragment', () => {
  it('has every section, in order: headline figures, each dataset with both spans, timeliness, culture', async () => {
    const html = await partnership();
    const h2 = [...html.matchAll(/<h2 id="([^"]+)"[^>]*>([^<]*)/g)].map((m) => m[2]);
    expect(h2).toEqual(['Contents', 'Headline figures', 'Approved reviews by incident type', 'Safety notices by theme', 'Median days to the initial review', 'Safety culture beside incidents']);
    expect(textOf(html)).toContain('Approved reviews, January to March 2026');
    expect(textOf(html)).toContain('231 of 305 (76%)');
    const h3 = [...html.matchAll(/<h3 id="[^"]+">([^<]*)<\/h3>/g)].map((m) => m[1]);
    expect(h3).toEqual(['This period: March 2026', 'Year to date: January to March 2026', 'This period: March 2026', 'Year to date: January to March 2026', 'This period: March 2026', 'Year to date: January to March 2026']);
  });

  it('gives every chart role img, a title and a description it is labelled by, and ids unique in the fragment', async () => {
    const html = await partnership();
    const svgs = charts(html);
    // One per table, one per timeliness span, one for culture.
    expect(svgs.size).toBe(4 + 2 + 1);
    for (const [id, svg] of svgs) {
      expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" class="npcs-report-chart" role="img" aria-labelledby="${id}-title ${id}-desc" width="\\d+" height="\\d+" viewBox="0 0 \\d+ \\d+">`));
      expect(svg).toMatch(new RegExp(`<title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`));
      // One image to a screen reader: no role or ARIA label of Vega's inside it.
      expect(svg.slice(svg.indexOf('>') + 1)).not.toMatch(/\s(role|aria-[a-z]+)=/);
    }
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows a withheld table as a notice only: no chart, no data table of "Withheld" cells', async () => {
    const doc = partnershipDocument();
    const held = doc.tables.find((t) => t.datasetId === 'safety_notices_by_theme' && t.span === 'year_to_date')!;
    for (const row of held.rows) {
      row.cells = row.cells.map(() => ({ shown: false, suppression: 'withheld' }));
      row.total = { shown: false, suppression: 'withheld' };
    }
    const html = await renderReportHtml(doc);
    const svgs = charts(html);
    expect(svgs.size).toBe(4 + 2 + 1 - 1);
    expect([...svgs.keys()].some((id) => id === 'chart-safety_notices_by_theme-year_to_date')).toBe(false);
    expect(textOf(html).replace(/\s+/g, ' ')).toContain('Withheld this time: safety notices by theme, January to March 2026, is held back whole');
    expect(html).not.toContain('Safety notices by theme, January to March 2026: safety notices by jurisdiction');
    // The period's table of the same dataset is still there, chart and all.
    expect([...svgs.keys()].some((id) => id === 'chart-safety_notices_by_theme-period')).toBe(true);
  });

  it('obeys the pages\' CSP: no style attribute or element, no script, no event handler, nothing fetched', async () => {
    const html = await partnership();
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/<style|<script|<img|<image|<foreignObject/i);
    // Links go to the fragment's own sections only, and to the notices' pages of the platform.
    expect([...html.matchAll(/href="([^"]*)"/g)].every((m) => m[1]!.startsWith('#'))).toBe(true);
    const withNotices = await renderReportHtml(themeNoticesDocument());
    expect([...withNotices.matchAll(/href="([^"]*)"/g)].every((m) => m[1]!.startsWith('#') || /^\/notices\/[a-z0-9-]+\/[0-9A-Z]{26}$/.test(m[1]!))).toBe(true);
    expect(withNotices).not.toMatch(/\sstyle=|<script|\son[a-z]+="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
  });

  it('draws a bar for each shown count above zero and none for a suppressed cell: a "suppressed" label at the axis instead', async () => {
    const doc = partnershipDocument();
    const svgs = charts(await partnership());
    for (const t of doc.tables) {
      const svg = svgs.get(`chart-${t.id.replace(/\./g, '-')}`)!;
      const row = chartedRow(t);
      const bars = [...layer(svg, 0).matchAll(/<path\b/g)].length;
      expect(bars, t.id).toBe(shownPositive(row.cells).length);
      // The count after each shown cell, in the order of the columns; one label per suppressed cell.
      expect(textsOf(layer(svg, 1)), t.id).toEqual(row.cells.flatMap((c) => (c.shown ? [String(c.value)] : [])));
      expect(textsOf(layer(svg, 2)), t.id).toEqual(row.cells.filter((c) => !c.shown).map(() => 'suppressed'));
    }
    // The fixture does chart suppressed cells (its total row has two in the period's incident types).
    expect(textsOf(layer(svgs.get('chart-reviews_by_incident_type-period')!, 2))).toHaveLength(2);
  });

  it('bars are as long as their counts (one scale per chart): the lengths are in the counts\' ratio', async () => {
    const svg = charts(await partnership()).get('chart-reviews_by_incident_type-year_to_date')!;
    const widths = [...layer(svg, 0).matchAll(/d="M0,[\d.]+h([\d.]+)v/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]! / widths[1]!).toBeCloseTo(161 / 70, 2);
  });

  it('puts the data table right after each chart, with every cell: counts, or the kind of suppression, and explains the labels', async () => {
    const html = await partnership();
    const doc = partnershipDocument();
    for (const t of doc.tables) {
      const id = t.id.replace(/\./g, '-');
      const pair = new RegExp(`<div class="npcs-chart-pair"><div class="npcs-report-figure"><svg[^>]*aria-labelledby="chart-${id}-title[\\s\\S]*?</svg></div><div class="usa-table-container--scrollable" tabindex="0" role="region" aria-labelledby="${id}-caption">([\\s\\S]*?)</table>`).exec(html);
      expect(pair, t.id).not.toBeNull();
      const cells = [...pair![1]!.matchAll(/<td data-label="[^"]*" class="[^"]*">([^<]*)<\/td>/g)].map((m) => m[1]);
      const expected = t.rows.flatMap((r) => [...r.cells, r.total].map((c) => (c.shown ? String(c.value) : c.suppression === 'primary' ? 'Suppressed (1–10)' : 'Suppressed (complementary)')));
      expect(cells, t.id).toEqual(expected);
    }
    expect(html).toContain('Suppressed (1–10): a count from 1 to 10, not shown so that no child or family can be identified. Suppressed (complementary): a larger count');
  });

  it('states every number of a chart in its description, and a suppressed cell by its label', async () => {
    const svg = charts(await partnership()).get('chart-reviews_by_incident_type-period')!;
    expect(/<desc[^>]*>([^<]*)</.exec(svg)![1]).toBe(
      'Approved reviews by incident type, all jurisdictions, March 2026. Fatality: 54. Near fatality: 44. Serious injury: Suppressed (complementary). Other or not listed: Suppressed (complementary). Total: 127.',
    );
    const timeliness = charts(await partnership()).get('chart-timeliness-period')!;
    expect(/<desc[^>]*>([^<]*)</.exec(timeliness)![1]).toContain('Arizona DCS: within Suppressed (1–10), over Suppressed (complementary).');
    const culture = charts(await partnership()).get('chart-culture')!;
    expect(/<desc[^>]*>([^<]*)</.exec(culture)![1]).toContain('Franklin County Children Services: Safety climate 58.9%, Teamwork not shown (fewer than 5 respondents); approved reviews 165.');
  });

  it('prints no number a suppressed cell stands for: a count shown in one document is nowhere in the one where it is suppressed', async () => {
    const canary = 8_642;
    const reveal = (doc: ReleaseDocument): ReleaseDocument => {
      const tables = doc.tables.map((t) => ({ ...t, rows: t.rows.map((r) => ({ ...r, cells: r.cells.map((c) => (c.shown ? c : { shown: true as const, value: canary })) })) }));
      return { ...doc, tables };
    };
    const shown = await renderReportHtml(reveal(partnershipDocument()));
    expect(shown).toContain('8,642');
    const html = await partnership();
    expect(html).not.toMatch(/8,?642/);
  });

  it("a jurisdiction's own report shows every count, says it is unsuppressed, and charts its own row", async () => {
    const html = await renderReportHtml(ownDocument());
    expect(textOf(html)).toContain('Kentucky DCBS: own report');
    expect(html).toContain('Nothing is suppressed here');
    expect(html).not.toContain('Suppressed (');
    const svg = charts(html).get('chart-reviews_by_incident_type-period')!;
    expect(/<title[^>]*>([^<]*)</.exec(svg)![1]).toBe('Approved reviews by incident type: Kentucky DCBS, March 2026');
    expect(textsOf(layer(svg, 1))).toEqual(['23', '9', '9', '0']);
    expect([...layer(svg, 0).matchAll(/<path\b/g)]).toHaveLength(3);
  });

  it('a period with nothing to count still renders: no bar, zeros in the table, no division by zero in the scale', async () => {
    const doc = partnershipDocument();
    const zero = (t: ReleaseTable): ReleaseTable => ({ ...t, rows: t.rows.map((r) => ({ ...r, cells: r.cells.map(() => ({ shown: true as const, value: 0 })), total: { shown: true, value: 0 } })) });
    const html = await renderReportHtml({ ...doc, tables: doc.tables.map(zero), timeliness: [], culture: [], headline: [] });
    expect(html).toContain('No headline figures for this period.');
    for (const svg of charts(html).values()) expect(layer(svg, 0)).not.toMatch(/<path\b/);
    expect(html).not.toMatch(/NaN|Infinity|undefined/);
  });

  it("lists each theme's safety notices right after the improvement opportunities by theme: title links, issuer, date, a withdrawn one marked", async () => {
    const html = await renderReportHtml(themeNoticesDocument());
    const opportunities = html.slice(html.indexOf('<section id="dataset-improvement_opportunities_by_theme"'), html.indexOf('<section id="dataset-safety_notices_by_theme"'));
    // Inside that dataset's section, after both of its tables; not in any other section.
    const part = /<section id="theme-notices"[\s\S]*?<\/section>/.exec(html)![0];
    expect(opportunities.lastIndexOf('improvement_opportunities_by_theme-year_to_date-caption')).toBeLessThan(opportunities.indexOf('<section id="theme-notices"'));
    expect(opportunities).toContain(part);
    expect(html.match(/id="theme-notices"/g)).toHaveLength(1);
    expect(part).toMatch(/<h3 id="theme-notices-heading">Safety notices on these themes<\/h3>/);
    // One entry per theme that has notices: the theme label, then a list of links.
    expect([...part.matchAll(/<h4 id="([^"]+)">([^<]*)<\/h4>/g)].map((m) => [m[1], m[2]])).toEqual([['theme-notices-safe_sleep', 'Safe sleep and infant safety']]);
    const items = [...part.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    expect(items).toEqual([
      '<a class="usa-link" href="/notices/oh-franklin-fccs/01JQ0000000000000000000NT1">Ask where the baby sleeps at every home visit</a>, Franklin County Children Services, first published March 18, 2026',
      '<a class="usa-link" href="/notices/ky-dcbs/01JQ0000000000000000000NT2">Bassinets &lt;b>first&lt;/b> &amp; &quot;always&quot;</a>, Kentucky DCBS, first published November 2, 2025 <span class="usa-tag">Withdrawn</span>',
    ]);
    // The agency's title is text, never markup.
    expect(html).not.toContain('<b>first</b>');
    // Nothing for the themes without notices.
    expect(part).not.toContain('Training and skill building');
    expect(part).not.toContain('Other or not listed');
  });

  it('has no notices section when no theme has a notice', async () => {
    const html = await partnership();
    expect(html).not.toContain('Safety notices on these themes');
    expect(html).not.toContain('theme-notices');
  });

  it('prefixes the ids inside a chart and the references to them', () => {
    const svg = accessibleSvg('<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="10" height="20" viewBox="0 0 10 20"><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)" role="graphics-object" aria-label="x"></g></svg>', {
      id: 'c',
      title: 'A <b> & "c"',
      description: 'd',
    });
    expect(svg).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" class="npcs-report-chart" role="img" aria-labelledby="c-title c-desc" width="10" height="20" viewBox="0 0 10 20"><title id="c-title">A &lt;b&gt; &amp; &quot;c&quot;</title><desc id="c-desc">d</desc><defs><clipPath id="c-clip1"><rect/></clipPath></defs><g clip-path="url(#c-clip1)"></g></svg>',
    );
    expect(() => accessibleSvg('<div></div>', { id: 'c', title: 't', description: 'd' })).toThrow('one <svg> element');
  });
});
