import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { precheckNotice } from '#shared/notices/precheck.ts';
import type { PrecheckReport } from '#shared/notices/precheck-model.ts';
import { precheckAnchor, PrecheckFieldText, PrecheckSummary, PrecheckView } from '#shared/notices/web/precheck-view.tsx';

const SYSTEMIC = 'Maria Lopez called on March 3 and again on March 5.\nThe plan was <script>alert(1)</script> & never checked.';
const report: PrecheckReport = {
  fields: [
    { field: 'title', label: 'Title', text: 'Unsafe sleep', findings: [] },
    {
      field: 'systemic_issue',
      label: 'Systemic issue',
      text: SYSTEMIC,
      findings: [
        { kind: 'name', start: 0, end: 11, text: 'Maria Lopez' },
        { kind: 'date', start: 22, end: 29, text: 'March 3' },
        { kind: 'date', start: 43, end: 50, text: 'March 5' },
      ],
    },
    { field: 'actions[0].action', label: 'Action 1', text: 'Call 502-555-0123.', findings: [{ kind: 'phone', start: 5, end: 17, text: '502-555-0123' }] },
  ],
  findingCount: 4,
};
const field = (name: string) => report.fields.find((f) => f.field === name)!;

describe('the pre-publication check view', () => {
  it('wraps each finding in a mark naming its kind, in hidden text for screen readers and beside it', () => {
    const html = renderToString(h(PrecheckFieldText, { field: field('systemic_issue') }));
    expect(html).toContain(
      '<mark class="npcs-precheck" data-kind="name"><span class="usa-sr-only">possible name: </span>Maria Lopez<span class="npcs-precheck-kind" aria-hidden="true">name</span></mark> called on ',
    );
    expect([...html.matchAll(/<mark class="npcs-precheck" data-kind="([a-z_]+)">/g)].map((m) => m[1])).toEqual(['name', 'date', 'date']);
    expect(html).toContain('<span class="usa-sr-only">possible date: </span>March 5<');
    expect(html).toMatch(/^<section id="precheck-systemic_issue" class="margin-bottom-3"><h3>Systemic issue<\/h3><p class="npcs-answer-text">/);
  });

  it('escapes the text: a script in a notice is shown, never run', () => {
    const html = renderToString(h(PrecheckFieldText, { field: field('systemic_issue') }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script>alert(1)&lt;/script> &amp; never checked.');
  });

  it('keeps the text between and after the marks, line breaks included', () => {
    const html = renderToString(h(PrecheckFieldText, { field: field('systemic_issue') }));
    const paragraph = /<p class="npcs-answer-text">(.*)<\/p>/s.exec(html)![1]!;
    const visible = paragraph.replace(/<span class="(?:usa-sr-only|npcs-precheck-kind)"[^>]*>[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '');
    expect(visible).toBe(SYSTEMIC.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
  });

  it('summarises the counts of each field in a warning alert, with a link to each field that has findings', () => {
    const html = renderToString(h(PrecheckSummary, { report }));
    expect(html).toMatch(/^<div class="usa-alert usa-alert--warning margin-bottom-3" role="alert">/);
    expect(html).toContain('Check 4 passages before you approve');
    const items = [...html.matchAll(/<li><a class="usa-link" href="([^"]+)">([^<]+)<\/a>: ([^<]+)<\/li>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(items).toEqual([
      ['#precheck-systemic_issue', 'Systemic issue', '1 possible name, 2 possible dates'],
      ['#precheck-actions-0--action', 'Action 1', '1 possible phone number'],
    ]);
  });

  it('links to the id each field section carries, also for a field of a repeating group', () => {
    const html = renderToString(h(PrecheckView, { report }));
    for (const f of report.fields) expect(html).toContain(`<section id="${precheckAnchor(f.field)}"`);
    for (const [, href] of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${href}"`);
  });

  it('renders what precheckNotice found', () => {
    const found = precheckNotice([{ field: 'systemic_issue', label: 'Systemic issue', text: SYSTEMIC }]);
    const html = renderToString(h(PrecheckView, { report: found }));
    expect([...html.matchAll(/data-kind="([a-z_]+)"><span class="usa-sr-only">[^<]*<\/span>([^<]+)</g)].map((m) => `${m[1]}:${m[2]}`)).toEqual([
      'name:Maria Lopez',
      'date:March 3',
      'date:March 5',
    ]);
  });

  it('says, when nothing was found, that the check can miss things', () => {
    const clean: PrecheckReport = { fields: [field('title')], findingCount: 0 };
    const html = renderToString(h(PrecheckSummary, { report: clean }));
    expect(html).toContain('usa-alert--info');
    expect(html).toContain('The check found nothing to look at');
    expect(html).toContain('it can miss them');
    expect(html).not.toContain('<mark');
  });
});
