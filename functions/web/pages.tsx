import { isAllowed, scopeOf } from '#shared/auth/policy.ts';
import { listAllAudit, listJurisdictionAudit } from '#shared/audit/index.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { secret } from '#shared/secrets.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { AuditPage, RegistryPage } from '#shared/web/admin-pages.tsx';
import { changelogRows, dictionaryRows } from '#shared/forms/dictionary.ts';
import { dictionaryApi } from '#shared/forms/dictionary-api.ts';
import { DictionaryBody } from '#shared/forms/dictionary-html.tsx';
import { formRegistry, getForm, latestVersion } from '#shared/forms/registry.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { SessionStore } from '#shared/auth/sessions.ts';
import { requiredEnv } from '#shared/config.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { RECORD_STATUSES, type RecordStatus } from '#shared/records/model.ts';
import type { RecordSummary } from '#shared/records/index.ts';
import { recordService, requestScope } from '#shared/records/http.ts';
import { webApi as api } from '#shared/web/api.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { errorPage, page, PAGE_CSP } from '#shared/web/page.tsx';
import { saveSection, showRecord, showReview, showSection, submitRecord, type FlowInput } from '#shared/web/record-flow.tsx';
import { recordPath, sectionPath } from '#shared/web/record-pages.tsx';

const TABLE = requiredEnv('TABLE_NAME');
const sessions = SessionStore.fromEnv();
const registry = new JurisdictionStore(TABLE);
let dictionaryCache: { rows: ReturnType<typeof dictionaryRows>; changelog: ReturnType<typeof changelogRows> } | undefined;
const dictionary = () => (dictionaryCache ??= { rows: dictionaryRows(formRegistry.all()), changelog: changelogRows(formRegistry.all()) });
const REVIEW_FORM = 'critical_incident_review';
const REVIEW_FIRST_SECTION = getForm(REVIEW_FORM, latestVersion(REVIEW_FORM)).sections[0]!.id;

/** What the record form flow needs of a request (the stack has authorized the principal already). */
async function flow(i: { principal: Principal | undefined; event: FlowInput['event']; csrfToken: () => Promise<string> }): Promise<FlowInput> {
  return { table: TABLE, principal: i.principal!, event: i.event, csrf: await i.csrfToken() };
}

const STATUS_LABELS: Record<RecordStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  in_review: 'In review',
  returned: 'Returned for changes',
  approved: 'Approved',
};
const FORM_LABELS: Record<string, string> = {
  critical_incident_review: 'Critical incident review',
  safety_notice: 'Safety notice',
  safety_culture_survey: 'Safety culture survey',
};

function SignedOut() {
  return (
    <div class="usa-prose">
      <h1>Learning from critical incidents, together</h1>
      <p class="usa-intro">
        The National Partnership for Child Safety is a partnership of state, county and tribal child welfare agencies that apply safety science to child fatalities and
        near fatalities.
      </p>
      <p>Agency staff use this site to complete critical incident reviews and safety notices for their own jurisdiction; review leads return or approve them.</p>
      <p>
        <a class="usa-button" href="/auth/sign-in?returnTo=/">
          Sign in
        </a>
      </p>
      <p>
        <a class="usa-link" href="/sign-in-help">
          Help signing in
        </a>
      </p>
    </div>
  );
}

function SignedIn({ principal, records, csrf, started, saved }: { principal: Principal; records: RecordSummary[] | undefined; csrf: string; started?: string | undefined; saved?: string | undefined }) {
  const counts = new Map<RecordStatus, number>(RECORD_STATUSES.map((s) => [s, 0]));
  for (const r of records ?? []) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return (
    <>
      <h1>{principal.jurisdictionId ? `Records of ${principal.jurisdictionId}` : 'Welcome'}</h1>
      {started ? (
        <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">Started critical incident review {started} as a draft.</p>
          </div>
        </div>
      ) : null}
      {saved ? (
        <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">
              Saved draft {saved}. Find it under Recent records to carry on: <a class="usa-link" href={recordPath(saved)}>continue draft {saved}</a>.
            </p>
          </div>
        </div>
      ) : null}
      {records ? (
        <>
          <h2>By status</h2>
          <ul class="usa-list">
            {RECORD_STATUSES.map((s) => (
              <li>
                {STATUS_LABELS[s]}: <span class="npcs-status-count">{counts.get(s)}</span>
              </li>
            ))}
          </ul>
          <h2>Recent records</h2>
          {records.length === 0 ? (
            <p>There are no records yet.</p>
          ) : (
            <div class="usa-table-container--scrollable" tabindex={0} role="region" aria-label="Recent records">
              <table class="usa-table usa-table--borderless usa-table--stacked">
                <caption class="usa-sr-only">The jurisdiction's most recent records, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Record</th>
                    <th scope="col">Form</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last changed</th>
                  </tr>
                </thead>
                <tbody>
                  {records.map((r) => (
                    <tr>
                      <th scope="row" data-label="Record">
                        <a class="usa-link" href={recordPath(r.recordId)}>
                          {r.status === 'draft' || r.status === 'returned' ? <span class="usa-sr-only">Continue </span> : null}
                          {r.recordId}
                        </a>
                      </th>
                      <td data-label="Form">{FORM_LABELS[r.formId] ?? r.formId}</td>
                      <td data-label="Status">{STATUS_LABELS[r.status]}</td>
                      <td data-label="Last changed">{r.updatedAt.slice(0, 10)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : (
        <p>Your role sees aggregates, not the records of jurisdictions.</p>
      )}
      {isAllowed(principal, 'records:create', { jurisdictionId: principal.jurisdictionId }) ? (
        <form class="usa-form margin-top-4" method="post" action="/reviews">
          <h2>Start a critical incident review</h2>
          <p>A new draft review of a child fatality or near fatality, for your jurisdiction. You can save it and come back.</p>
          <input type="hidden" name={CSRF_FIELD} value={csrf} />
          <button class="usa-button" type="submit">
            Start a critical incident review
          </button>
        </form>
      ) : null}
    </>
  );
}

export const handler = httpFunction(
  {
    'GET /': route({
      ...api['GET /'],
      readSession: true,
      handle: async ({ principal, query, event, csrfToken }) => {
        const csrf = await csrfToken();
        if (!principal) return page({ title: 'Home', path: '/', children: <SignedOut /> });
        let records: RecordSummary[] | undefined;
        if (principal.jurisdictionId && isAllowed(principal, 'records:list', { jurisdictionId: principal.jurisdictionId })) {
          const { table, actor } = requestScope(TABLE, principal.jurisdictionId, principal, event);
          records = (await (await recordService(TABLE)).list(table, actor, {})).items;
        }
        return page({
          title: 'Home',
          path: '/',
          principal,
          csrfToken: csrf,
          children: <SignedIn principal={principal} records={records} csrf={csrf} started={query.started} saved={query.saved} />,
        });
      },
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
    'POST /reviews': route({
      ...api['POST /reviews'],
      form: true,
      handle: async ({ principal, event }) => {
        const jurisdictionId = principal!.jurisdictionId!;
        const { table, actor } = requestScope(TABLE, jurisdictionId, principal!, event);
        const { record } = await (await recordService(TABLE)).createDraft(table, actor, { formId: REVIEW_FORM });
        const first = REVIEW_FIRST_SECTION;
        return { statusCode: 303, headers: { location: `${sectionPath(record.recordId, first)}?notice=started`, 'cache-control': 'no-store' }, body: '' };
      },
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
      form: true,
      handle: async (i) => saveSection(await flow(i), i.params.recordId, i.params.sectionId, i.body),
    }),
    'GET /records/{recordId}/review': route({
      ...api['GET /records/{recordId}/review'],
      handle: async (i) => showReview(await flow(i), i.params.recordId),
    }),
    'POST /records/{recordId}/submit': route({
      ...api['POST /records/{recordId}/submit'],
      form: true,
      handle: async (i) => submitRecord(await flow(i), i.params.recordId, i.body),
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
    'GET /registry': route({
      ...api['GET /registry'],
      handle: async ({ principal, csrfToken }) =>
        page({
          title: 'Jurisdictions registry',
          path: '/registry',
          principal,
          csrfToken: await csrfToken(),
          children: <RegistryPage jurisdictions={await registry.list()} />,
        }),
    }),
  },
  { sessions, errorPage, contentSecurityPolicy: PAGE_CSP },
);
