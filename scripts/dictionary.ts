/**
 * Writes the data dictionary, generated from every version of every form:
 * dist/dictionary/dictionary.html, dictionary.csv and changelog.csv.   npx tsx scripts/dictionary.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { changelogCsv, changelogRows, dictionaryCsv, dictionaryRows } from '#shared/forms/dictionary.ts';
import { dictionaryHtmlDocument } from '#shared/forms/dictionary-html.tsx';
import { assertPlatformForms, formRegistry } from '#shared/forms/registry.ts';

const outDir = fileURLToPath(new URL('../dist/dictionary/', import.meta.url));
mkdirSync(outDir, { recursive: true });

assertPlatformForms();
const definitions = formRegistry.all();
const rows = dictionaryRows(definitions);
const changelog = changelogRows(definitions);

const files: [string, string, string][] = [
  ['dictionary.html', dictionaryHtmlDocument({ rows, changelog, title: 'NPCS data dictionary' }), `${rows.length} rows`],
  ['dictionary.csv', dictionaryCsv(rows), `${rows.length} rows`],
  ['changelog.csv', changelogCsv(changelog), `${changelog.length} rows`],
];
for (const [name, content, summary] of files) {
  const path = join(outDir, name);
  writeFileSync(path, content);
  console.log(`wrote ${path} (${summary}, ${Buffer.byteLength(content)} bytes)`);
}
console.log(`forms: ${formRegistry.formIds().map((id) => `${id} v${formRegistry.versions(id).map((d) => d.version).join(',')}`).join('; ')}`);
