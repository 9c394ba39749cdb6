import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleFunction } from '#infra/constructs/bundling.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * Vega and Vega-Lite (about 800 KB minified) draw the report's charts when a release is built; the web function
 * shows the stored fragment. They are imported in one module only, and never reach the web function's bundle.
 */
describe('where Vega is loaded', () => {
  it('only shared/reports/render/charts.ts imports vega or vega-lite, and only with await import()', () => {
    const importers: string[] = [];
    for (const dir of ['shared', 'functions']) {
      for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
        if (!/\.tsx?$/.test(e.name)) continue;
        const file = path.relative(ROOT, path.join(e.parentPath, e.name));
        const text = readFileSync(path.join(ROOT, file), 'utf8');
        if (/from\s+['"]vega(-lite)?['"]|import\(\s*['"]vega(-lite)?['"]\s*\)/.test(text)) importers.push(file);
        if (/^import\s[^;]*from\s+['"]vega(-lite)?['"]/m.test(text.replace(/^import type .*$/gm, ''))) importers.push(`${file} (static)`);
      }
    }
    expect(importers).toEqual(['shared/reports/render/charts.ts']);
  });

  it("the web function's bundle has none of them", () => {
    const out = mkdtempSync(path.join(tmpdir(), 'npcs-web-bundle-'));
    try {
      const { metafile } = bundleFunction('functions/web/handler.ts', out);
      const inputs = Object.keys(metafile.inputs);
      expect(inputs.some((i) => i.startsWith('shared/'))).toBe(true);
      expect(inputs.filter((i) => /node_modules\/vega|shared\/reports\/render\//.test(i))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
