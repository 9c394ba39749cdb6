import { changelogCsv, changelogRows, dictionaryCsv, dictionaryRows } from '#shared/forms/dictionary.ts';
import { dictionaryApi as api } from '#shared/forms/dictionary-api.ts';
import { formRegistry } from '#shared/forms/registry.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import type { HttpResult } from '#shared/http/response.ts';

// The dictionary is generated from the form definitions bundled into this function: the same code as
// `npm run dictionary`, so the served copy and the file never disagree.
const definitions = formRegistry.all();
let cache: { csv: string; changelog: string } | undefined;
const generated = () => {
  if (!cache) {
    const rows = dictionaryRows(definitions);
    const changes = changelogRows(definitions);
    cache = { csv: dictionaryCsv(rows), changelog: changelogCsv(changes) };
  }
  return cache;
};

const file = (contentType: string, body: string, filename?: string): HttpResult => ({
  statusCode: 200,
  headers: {
    'content-type': contentType,
    'cache-control': 'public, max-age=300',
    ...(filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {}),
  },
  body,
});

export const handler = httpFunction(
  {
    'GET /dictionary.csv': route({ ...api['GET /dictionary.csv'], handle: async () => file('text/csv; charset=utf-8', generated().csv, 'npcs-data-dictionary.csv') }),
    'GET /dictionary/changelog.csv': route({ ...api['GET /dictionary/changelog.csv'], handle: async () => file('text/csv; charset=utf-8', generated().changelog, 'npcs-data-dictionary-changelog.csv') }),
  },
  // The HTML page is served by the web function, in the site layout (functions/web/pages.tsx).
  {
    contentSecurityPolicy: { 'default-src': "'none'", 'base-uri': "'none'", 'form-action': "'none'", 'frame-ancestors': "'none'" },
  },
);
