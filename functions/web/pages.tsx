import { isAllowed, scopeOf } from '#shared/auth/policy.ts';
import { listAllAudit, listJurisdictionAudit } from '#shared/audit/index.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { secret } from '#shared/secrets.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { AuditPage } from '#shared/web/admin-pages.tsx';
import { addFromForm, editFromForm, showAddForm, showEditForm, showRegistry, type RegistryFlowInput } from '#shared/web/registry-flow.tsx';
import { changelogRows, dictionaryRows } from '#shared/forms/dictionary.ts';
import { dictionaryApi } from '#shared/forms/dictionary-api.ts';
import { DictionaryBody } from '#shared/forms/dictionary-html.tsx';
import { formRegistry } from '#shared/forms/registry.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { SessionStore } from '#shared/auth/sessions.ts';
import { requiredEnv } from '#shared/config.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { closeWave, openWave, showWaves } from '#shared/survey/admin-flow.tsx';
import { surveyWavesApi } from '#shared/survey/api.ts';
import { webApi as api } from '#shared/web/api.ts';
import { errorPage, page, PAGE_CSP } from '#shared/web/page.tsx';
import { showHome } from '#shared/web/home-page.tsx';
import { moveRecord, saveSection, showRecord, showReview, showSection, startRecord, submitRecord, type FlowInput } from '#shared/web/record-flow.tsx';

const TABLE = requiredEnv('TABLE_NAME');
const sessions = SessionStore.fromEnv();
const registry = new JurisdictionStore(TABLE);
let dictionaryCache: { rows: ReturnType<typeof dictionaryRows>; changelog: ReturnType<typeof changelogRows> } | undefined;
const dictionary = () => (dictionaryCache ??= { rows: dictionaryRows(formRegistry.all()), changelog: changelogRows(formRegistry.all()) });

/** What the record form flow needs of a request (the stack has authorized the principal already). */
async function flow(i: { principal: Principal | undefined; event: FlowInput['event']; csrfToken: () => Promise<string> }): Promise<FlowInput> {
  return { table: TABLE, principal: i.principal!, event: i.event, csrf: await i.csrfToken() };
}

/** What the registry pages need of a request (platform admins; shared/web/registry-flow.tsx). */
async function registryFlow(i: { principal: Principal | undefined; event: FlowInput['event']; csrfToken: () => Promise<string> }): Promise<RegistryFlowInput> {
  return { store: registry, principal: i.principal!, requestId: i.event.requestContext.requestId, csrf: await i.csrfToken() };
}

export const handler = httpFunction(
  {
    'GET /': route({
      ...api['GET /'],
      readSession: true,
      // The home page and its tasks per role: shared/web/home-page.tsx.
      handle: async (i) => showHome({ table: TABLE, principal: i.principal, event: i.event, csrf: await i.csrfToken() }, i.query),
    }),
    'GET /sign-in-help': route({
      ...api['GET /sign-in-help'],
      readSession: true,
      handle: async ({ principal, csrfToken }) =>
        page({
          title: 'Help signing in',
          path: '/sign-in-help',
          principal,
          csrfToken: await csrfToken(),
          children: (
            <div class="usa-prose">
              <h1>Help signing in</h1>
              <p>Accounts are made by your jurisdiction's administrator; partnership staff get theirs from the platform team.</p>
              <ul>
                <li>Sign in with the e-mail address your agency registered, and the multi-factor code of your authenticator app.</li>
                <li>A session ends after 30 minutes without activity, and 12 hours after sign-in at the latest.</li>
                <li>If your jurisdiction has left the partnership, sign-in is refused.</li>
              </ul>
              <p>
                <a class="usa-button" href="/auth/sign-in?returnTo=/">
                  Sign in
                </a>
              </p>
            </div>
          ),
        }),
    }),
    'POST /records': route({
      ...api['POST /records'],
      handle: async (i) => startRecord(await flow(i), i.body.formId),
    }),
    // The record form (shared/web/record-flow.tsx): always the principal's own jurisdiction (no jurisdiction in the path).
    'GET /records/{recordId}': route({
      ...api['GET /records/{recordId}'],
      handle: async (i) => showRecord(await flow(i), i.params.recordId, i.query),
    }),
    'GET /records/{recordId}/sections/{sectionId}': route({
      ...api['GET /records/{recordId}/sections/{sectionId}'],
      handle: async (i) => showSection(await flow(i), i.params.recordId, i.params.sectionId, i.query),
    }),
    'POST /records/{recordId}/sections/{sectionId}': route({
      ...api['POST /records/{recordId}/sections/{sectionId}'],
      handle: async (i) => saveSection(await flow(i), i.params.recordId, i.params.sectionId, i.body),
    }),
    'GET /records/{recordId}/review': route({
      ...api['GET /records/{recordId}/review'],
      handle: async (i) => showReview(await flow(i), i.params.recordId),
    }),
    'POST /records/{recordId}/submit': route({
      ...api['POST /records/{recordId}/submit'],
      handle: async (i) => submitRecord(await flow(i), i.params.recordId, i.body),
    }),
    // A reviewer's decision on the read-only record page: the records service's transition, as in the JSON API.
    'POST /records/{recordId}/transitions': route({
      ...api['POST /records/{recordId}/transitions'],
      handle: async (i) => moveRecord(await flow(i), i.params.recordId, i.body),
    }),
    // The data dictionary, generated from the form definitions bundled here (the CSVs come from the dictionary function).
    'GET /dictionary': route({
      ...dictionaryApi['GET /dictionary'],
      readSession: true,
      handle: async ({ principal, csrfToken }) =>
        page({
          title: 'Data dictionary',
          path: '/dictionary',
          principal,
          csrfToken: await csrfToken(),
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
        }),
    }),
    // Administrators: the audit log (no jurisdiction in the path: a jurisdiction admin reads their own only).
    'GET /audit': route({
      ...api['GET /audit'],
      handle: async ({ principal, query, csrfToken }) => {
        const p = principal!;
        const all = scopeOf(p.role, 'audit:read-all') !== undefined;
        const cursorSecret = await secret('CURSOR_SECRET');
        const q = { limit: 25, cursor: query.cursor, cursorSecret };
        const found = all
          ? await listAllAudit(documentClient, TABLE, q)
          : await listJurisdictionAudit(scopedTable(documentClient, TABLE, p.jurisdictionId!), q);
        return page({
          title: 'Audit log',
          path: '/audit',
          principal: p,
          csrfToken: await csrfToken(),
          children: (
            <AuditPage
              events={found.items}
              allJurisdictions={all}
              jurisdictionId={p.jurisdictionId}
              linkRecords={!all && isAllowed(p, 'records:read', { jurisdictionId: p.jurisdictionId })}
              nextCursor={found.nextCursor}
              paged={query.cursor !== undefined}
            />
          ),
        });
      },
    }),
    // Jurisdiction admins: survey waves of their own jurisdiction (shared/survey/admin-flow.tsx).
    'GET /survey-waves': route({
      ...surveyWavesApi['GET /survey-waves'],
      handle: async (i) => showWaves({ table: TABLE, principal: i.principal!, event: i.event, csrf: await i.csrfToken() }, i.query),
    }),
    'POST /survey-waves': route({
      ...surveyWavesApi['POST /survey-waves'],
      handle: async (i) => openWave({ table: TABLE, principal: i.principal!, event: i.event, csrf: await i.csrfToken() }, i.body),
    }),
    'POST /survey-waves/{waveId}/close': route({
      ...surveyWavesApi['POST /survey-waves/{waveId}/close'],
      handle: async (i) => closeWave({ table: TABLE, principal: i.principal!, event: i.event, csrf: await i.csrfToken() }, i.params.waveId),
    }),
    // Platform admins keep the registry (shared/web/registry-flow.tsx, over shared/jurisdictions/admin.ts).
    'GET /registry': route({
      ...api['GET /registry'],
      handle: async (i) => showRegistry(await registryFlow(i), i.query),
    }),
    'GET /registry/new': route({
      ...api['GET /registry/new'],
      handle: async (i) => showAddForm(await registryFlow(i)),
    }),
    'POST /registry': route({
      ...api['POST /registry'],
      handle: async (i) => addFromForm(await registryFlow(i), i.body),
    }),
    'GET /registry/{jurisdictionId}/edit': route({
      ...api['GET /registry/{jurisdictionId}/edit'],
      handle: async (i) => showEditForm(await registryFlow(i), i.params.jurisdictionId),
    }),
    'POST /registry/{jurisdictionId}': route({
      ...api['POST /registry/{jurisdictionId}'],
      handle: async (i) => editFromForm(await registryFlow(i), i.params.jurisdictionId, i.body),
    }),
  },
  { sessions, errorPage, contentSecurityPolicy: PAGE_CSP },
);
