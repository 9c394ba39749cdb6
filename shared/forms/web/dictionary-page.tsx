/**
 * GET /dictionary behind the web route (functions/web): the data dictionary of every form version in the site
 * layout, generated from the form definitions bundled with the function (the CSVs come from functions/dictionary).
 */
import type { Principal } from '#shared/auth/principal.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { changelogRows, dictionaryRows } from '#shared/forms/dictionary.ts';
import { DictionaryBody } from '#shared/forms/dictionary-html.tsx';
import { formRegistry } from '#shared/forms/registry.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { page } from '#shared/web/components/page.tsx';

let rows: { rows: ReturnType<typeof dictionaryRows>; changelog: ReturnType<typeof changelogRows> } | undefined;
// The definitions are static: built once per container.
const dictionary = () => (rows ??= { rows: dictionaryRows(formRegistry.all()), changelog: changelogRows(formRegistry.all()) });

export function showDictionary(input: PageInput<Principal | undefined>): HttpResult {
  return page({
    title: 'Data dictionary',
    path: '/dictionary',
    principal: input.principal,
    csrfToken: input.csrf,
    children: (
      <>
        <h1>Data dictionary</h1>
        <p class="usa-intro">Every variable of every form version, generated from the form definitions. Codes are stable across versions; see each form's changelog.</p>
        <p>
          Download: <a class="usa-link" href="/dictionary.csv">the dictionary (CSV)</a> ·{' '}
          <a class="usa-link" href="/dictionary/changelog.csv">the changelog (CSV)</a>
        </p>
        <DictionaryBody rows={dictionary().rows} changelog={dictionary().changelog} />
      </>
    ),
  });
}
