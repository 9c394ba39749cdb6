import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileUswds } from '#infra/build-web-assets.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const SOURCES = ['shared', 'functions', 'web/src'];

/** Every class the pages write: the words of static class attributes and of class strings in the page code. */
function classesUsed(): Map<string, string> {
  const used = new Map<string, string>();
  for (const dir of SOURCES) {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
      if (!/\.(tsx?|js)$/.test(entry.name)) continue;
      const file = path.join(entry.parentPath, entry.name);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/class(?:Name)?=\{?["'`]([^"'`]*)["'`]/g)) {
        for (const word of m[1]!.split(/\s+/)) if (/^[a-z][\w:-]*$/.test(word) && !used.has(word)) used.set(word, path.relative(ROOT, file));
      }
      // USWDS classes built in code (modifiers chosen at render time, classList in the script).
      for (const m of text.matchAll(/\busa-[a-z0-9_-]*[a-z0-9]\b/g)) if (!used.has(m[0])) used.set(m[0], path.relative(ROOT, file));
    }
  }
  return used;
}

const selectorsOf = (css: string) => new Set([...css.matchAll(/\.((?:[\w-]|\\:)+)/g)].map((m) => m[1]!.replace(/\\:/g, ':')));

describe('the stylesheet built from USWDS Sass has every class the pages use', () => {
  it('each class of the pages that the complete USWDS stylesheet styles is in the one built from web/src/uswds.scss', () => {
    const uswds = path.join(ROOT, 'node_modules', '@uswds', 'uswds');
    const ours = selectorsOf(compileUswds(path.join(uswds, 'packages')));
    const complete = selectorsOf(readFileSync(path.join(uswds, 'dist', 'css', 'uswds.min.css'), 'utf8'));
    const used = classesUsed();
    // Guards the guard: the pages do use USWDS classes, and the extraction finds them.
    expect(used.has('usa-button') && used.has('usa-alert') && used.has('grid-row') && used.has('tablet:margin-top-0')).toBe(true);
    const missing = [...used].filter(([name]) => complete.has(name) && !ours.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  }, 120_000);

  it('is a fraction of the complete USWDS stylesheet', () => {
    const uswds = path.join(ROOT, 'node_modules', '@uswds', 'uswds');
    const ours = compileUswds(path.join(uswds, 'packages')).length;
    expect(ours).toBeLessThan(readFileSync(path.join(uswds, 'dist', 'css', 'uswds.min.css')).length / 2);
  }, 120_000);
});
