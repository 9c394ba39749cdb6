import { describe, expect, it } from 'vitest';
import { dictionaryCsv, dictionaryRows } from '#shared/forms/dictionary.ts';
import { formRegistry } from '#shared/forms/registry.ts';
import { call } from './helpers.ts';

describe('the data dictionary served by the platform', () => {
  it('serves the same CSV that npm run dictionary writes, generated from every form version', async () => {
    const res = await call('GET', '/dictionary.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.text).toBe(dictionaryCsv(dictionaryRows(formRegistry.all())));
  });

  it('serves the HTML dictionary inside the site layout with the page CSP (no inline style)', async () => {
    const res = await call('GET', '/dictionary');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^<!DOCTYPE html>/i);
    for (const def of formRegistry.all()) expect(res.text).toContain(def.title);
    expect(res.text).toContain('<div class="data-dictionary">');
    expect(res.text).toContain('href="/dictionary.csv"');
    expect(res.text).toContain('aria-current="page"');
    expect(res.text).not.toMatch(/<style|\sstyle="/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('sha256-');
    expect(csp).not.toContain('unsafe-inline');
  });

  it('serves the changelog between versions', async () => {
    const res = await call('GET', '/dictionary/changelog.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('changelog');
  });
});
