import type { Principal } from '#shared/auth/principal.ts';
import { SessionStore, sessionConfigFromEnv } from '#shared/auth/sessions.ts';
import { durationWords } from '#shared/policy.ts';
import { requiredEnv } from '#shared/config.ts';
import { dictionaryApi } from '#shared/forms/dictionary-api.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { surveyWavesApi } from '#shared/survey/api.ts';
import { surveyResultsApi } from '#shared/survey/results-api.ts';
import { webApi as api } from '#shared/site/api.ts';
import { reviewActionApi } from '#shared/review/api.ts';
import { reportsApi } from '#shared/reports/api.ts';
import { warehouseApi } from '#shared/warehouse/web/api.ts';
import { noticesApi } from '#shared/notices/web/api.ts';
import { errorPage, page, PAGE_CSP } from '#shared/web/components/page.tsx';
import type { PageInput } from '#shared/web/page-input.ts';
import type { BeforeDecision } from '#shared/records/web/record-flow.tsx';

const TABLE = requiredEnv('TABLE_NAME');
const sessions = SessionStore.fromEnv();
// What the help page says is what the session store enforces (the environment, or the policy defaults).
const sessionLengths = sessionConfigFromEnv();

// Each group of pages loads on its first request: a cold start reads and runs the HTTP stack and the pages it
// serves, not every page of the function (esbuild puts them in chunks of their own, infra/constructs/bundling.ts).
const homePage = () => import('#shared/site/home-page.tsx');
const recordFlow = () => import('#shared/records/web/record-flow.tsx');
const registryFlow = () => import('#shared/jurisdictions/web/registry-flow.tsx');
const surveyWaves = () => import('#shared/survey/web/admin-flow.tsx');
const surveyResults = () => import('#shared/survey/web/results-flow.tsx');
const auditFlow = () => import('#shared/audit/web/audit-flow.tsx');
const recordList = () => import('#shared/records/web/record-list.tsx');
const dictionaryPage = () => import('#shared/forms/web/dictionary-page.tsx');
const cspReports = () => import('#shared/http/csp-reports.ts');
const actionFlow = () => import('#shared/review/web/action-flow.tsx');
const reportPages = () => import('#shared/reports/web/report-flow.tsx');
// The published reports: the switch items in the table, their files in the exports bucket (shared/reports/store.ts).
const reports = () =>
  Promise.all([import('#shared/reports/store.ts'), import('#shared/reports/web/store-reader.ts'), import('#shared/aws/document-client.ts')]).then(([{ ReportReleases }, { reportsReader }, { documentClient }]) =>
    reportsReader(new ReportReleases(documentClient, TABLE, requiredEnv('EXPORTS_BUCKET'))),
  );
const noticePages = () => import('#shared/notices/web/flow.tsx');
const noticeLinks = () => import('#shared/notices/web/link-flow.tsx');
const noticeDeps = (i: PageInput) => import('#shared/notices/web/deps.ts').then(({ noticeDeps: deps }) => deps(i));
const warehousePages = () => import('#shared/warehouse/web/flow.tsx');
// The warehouse releases: the switch and entries in the table (shared/warehouse/store.ts).
const warehouseReleases = () =>
  Promise.all([import('#shared/warehouse/store.ts'), import('#shared/aws/document-client.ts')]).then(([{ WarehouseReleases }, { documentClient }]) => new WarehouseReleases(documentClient, TABLE));
const startWarehouse = (reason: string) => import('#shared/warehouse/start.ts').then(({ startWarehouseRelease }) => startWarehouseRelease(requiredEnv('WAREHOUSE_STATE_MACHINE_ARN'), reason));
const startRun = (cadence: string, periodId: string) => import('#shared/reports/start.ts').then(({ startReportRun }) => startReportRun(requiredEnv('REPORTS_STATE_MACHINE_ARN'), cadence, periodId));
// The review hand-off (records service, Step Functions client) loads with the first decision or link.
const review = () => import('#shared/review/http.ts');
// The safety notices' stored pre-publication check, shown to a reviewer above the decision forms (docs/notices.md).
const beforeDecision: BeforeDecision = async (table, record) => (await import('#shared/notices/web/precheck-section.tsx')).precheckBeforeDecision(table, record);

interface PageRequest {
  principal: Principal | undefined;
  event: PageInput['event'];
  csrfToken: () => Promise<string>;
  readerSession: string | undefined;
}

/** What every page renderer takes of a request, on a route open to everyone (readSession). */
async function openInput(i: PageRequest): Promise<PageInput<Principal | undefined>> {
  return { table: TABLE, principal: i.principal, event: i.event, csrf: await i.csrfToken(), readerSession: i.readerSession };
}

/** The same on a signed-in route: the stack has authenticated and authorized the principal already. */
async function input(i: PageRequest): Promise<PageInput> {
  return { ...(await openInput(i)), principal: i.principal! };
}

export const handler = httpFunction(
  {
    'GET /': route({
      ...api['GET /'],
      readSession: true,
      // The home page and its tasks per role: shared/site/home-page.tsx.
      handle: async (i) => (await homePage()).showHome(await openInput(i), i.query),
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
                <li>
                  A session ends after {durationWords(sessionLengths.idleMinutes)} without activity, and {durationWords(sessionLengths.absoluteHours * 60)} after sign-in at the latest.
                </li>
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
    // Every function's CSP reports here (shared/http/handler.ts); the body is one of two report formats, read there.
    'POST /api/csp-reports': route({
      ...api['POST /api/csp-reports'],
      ignoreBody: true,
      handle: async ({ event }) => (await cspReports()).receiveCspReports(event),
    }),
    // The jurisdiction's records with search and filters (shared/records/web/record-list.tsx).
    'GET /records': route({
      ...api['GET /records'],
      handle: async (i) => (await recordList()).showRecordList(await input(i), i.query),
    }),
    'POST /records': route({
      ...api['POST /records'],
      handle: async (i) => (await recordFlow()).startRecord(await input(i), i.body.formId),
    }),
    // The record form (shared/records/web/record-flow.tsx): always the principal's own jurisdiction (no jurisdiction in the path).
    'GET /records/{recordId}': route({
      ...api['GET /records/{recordId}'],
      handle: async (i) => (await recordFlow()).showRecord(await input(i), i.params.recordId, i.query, beforeDecision),
    }),
    'GET /records/{recordId}/sections/{sectionId}': route({
      ...api['GET /records/{recordId}/sections/{sectionId}'],
      handle: async (i) => (await recordFlow()).showSection(await input(i), i.params.recordId, i.params.sectionId, i.query),
    }),
    'POST /records/{recordId}/sections/{sectionId}': route({
      ...api['POST /records/{recordId}/sections/{sectionId}'],
      handle: async (i) => (await recordFlow()).saveSection(await input(i), i.params.recordId, i.params.sectionId, i.body),
    }),
    'GET /records/{recordId}/review': route({
      ...api['GET /records/{recordId}/review'],
      handle: async (i) => (await recordFlow()).showReview(await input(i), i.params.recordId),
    }),
    'POST /records/{recordId}/submit': route({
      ...api['POST /records/{recordId}/submit'],
      handle: async (i) => (await recordFlow()).submitRecord(await input(i), i.params.recordId, i.body),
    }),
    // A reviewer's decision on the read-only record page: the records service's transition, as in the JSON API.
    'POST /records/{recordId}/transitions': route({
      ...api['POST /records/{recordId}/transitions'],
      handle: async (i) => (await recordFlow()).moveRecord(
          await input(i),
          i.params.recordId,
          i.body,
          async (table, actor, recordId, move) => (await (await review()).reviewHandoff(TABLE)).decide(table, actor, recordId, move, 'web'),
          beforeDecision,
        ),
    }),
    // Approved records (reviewers and admins): the amendment, and the version history.
    'GET /records/{recordId}/amend': route({
      ...api['GET /records/{recordId}/amend'],
      handle: async (i) => (await recordFlow()).showAmend(await input(i), i.params.recordId),
    }),
    'POST /records/{recordId}/amend': route({
      ...api['POST /records/{recordId}/amend'],
      handle: async (i) => (await recordFlow()).amendRecord(await input(i), i.params.recordId, i.body),
    }),
    'GET /records/{recordId}/history': route({
      ...api['GET /records/{recordId}/history'],
      handle: async (i) => (await recordFlow()).showHistory(await input(i), i.params.recordId),
    }),
    // Emailed review links (docs/review.md): GET only shows what the link would do; the decision is a signed-in POST.
    'GET /actions/{actionId}': route({
      ...reviewActionApi['GET /actions/{actionId}'],
      readSession: true,
      handle: async (i) => (await actionFlow()).showAction(await openInput(i), i.params.actionId, (await import('#shared/review/web/action-deps.ts')).reviewActionDeps(TABLE)),
    }),
    'POST /actions/{actionId}': route({
      ...reviewActionApi['POST /actions/{actionId}'],
      handle: async (i) => (await actionFlow()).decideAction(await input(i), i.params.actionId, i.body, (await import('#shared/review/web/action-deps.ts')).reviewActionDeps(TABLE)),
    }),
    // The data dictionary, generated from the form definitions bundled here (the CSVs come from the dictionary function).
    'GET /dictionary': route({
      ...dictionaryApi['GET /dictionary'],
      readSession: true,
      handle: async (i) => (await dictionaryPage()).showDictionary(await openInput(i)),
    }),
    // Administrators: the audit log (no jurisdiction in the path: a jurisdiction admin reads their own only).
    'GET /audit': route({
      ...api['GET /audit'],
      handle: async (i) => (await auditFlow()).showAuditLog(await input(i), i.query),
    }),
    // Jurisdiction admins: survey waves of their own jurisdiction (shared/survey/web/admin-flow.tsx).
    'GET /survey-waves': route({
      ...surveyWavesApi['GET /survey-waves'],
      handle: async (i) => (await surveyWaves()).showWaves(await input(i), i.query),
    }),
    'POST /survey-waves': route({
      ...surveyWavesApi['POST /survey-waves'],
      handle: async (i) => (await surveyWaves()).openWave(await input(i), i.body),
    }),
    'POST /survey-waves/{waveId}/close': route({
      ...surveyWavesApi['POST /survey-waves/{waveId}/close'],
      handle: async (i) => (await surveyWaves()).closeWave(await input(i), i.params.waveId),
    }),
    'GET /survey-waves/{waveId}/staff': route({
      ...surveyWavesApi['GET /survey-waves/{waveId}/staff'],
      handle: async (i) => (await surveyWaves()).showStaffList(await input(i), i.params.waveId),
    }),
    'POST /survey-waves/{waveId}/staff': route({
      ...surveyWavesApi['POST /survey-waves/{waveId}/staff'],
      handle: async (i) => (await surveyWaves()).importStaffList(await input(i), i.params.waveId, i.body, i.files.file),
    }),
    // Survey results (shared/survey/web/results-flow.tsx): a wave's, for its own jurisdiction's admin; the
    // partnership's, for leads and platform admins; the baselines and targets, for platform admins.
    'GET /survey-waves/{waveId}/results': route({
      ...surveyResultsApi['GET /survey-waves/{waveId}/results'],
      handle: async (i) => (await surveyResults()).showWaveResults(await input(i), i.params.waveId),
    }),
    'GET /survey-waves/{waveId}/results.csv': route({
      ...surveyResultsApi['GET /survey-waves/{waveId}/results.csv'],
      handle: async (i) => (await surveyResults()).waveResultsCsvFile(await input(i), i.params.waveId),
    }),
    'GET /survey-results': route({
      ...surveyResultsApi['GET /survey-results'],
      handle: async (i) => (await surveyResults()).showPartnershipResults(await input(i)),
    }),
    'GET /survey-results.csv': route({
      ...surveyResultsApi['GET /survey-results.csv'],
      handle: async (i) => (await surveyResults()).partnershipCsvFile(await input(i)),
    }),
    'GET /survey-targets': route({
      ...surveyResultsApi['GET /survey-targets'],
      handle: async (i) => (await surveyResults()).showTargets(await input(i), i.query),
    }),
    'POST /survey-targets': route({
      ...surveyResultsApi['POST /survey-targets'],
      handle: async (i) => (await surveyResults()).saveTargets(await input(i), i.body),
    }),
    // Reports (shared/reports/web/report-flow.tsx): the partnership's protected releases, a jurisdiction's own, their
    // files (through here only: the bucket is never public), and the platform admins' run form.
    'GET /reports': route({
      ...reportsApi['GET /reports'],
      handle: async (i) => (await reportPages()).showReports(await input(i), await reports()),
    }),
    'GET /reports/runs': route({
      ...reportsApi['GET /reports/runs'],
      handle: async (i) => (await reportPages()).showRunForm(await input(i), await reports(), i.query),
    }),
    'POST /reports/runs': route({
      ...reportsApi['POST /reports/runs'],
      handle: async (i) => (await reportPages()).startRun(await input(i), await reports(), startRun, i.body),
    }),
    // Safety notices (shared/notices/web/flow.tsx): every partner's published notices, one notice, the issuer's withdrawal.
    'GET /notices': route({
      ...noticesApi['GET /notices'],
      handle: async (i) => {
        const page = await input(i);
        return (await noticePages()).showLibrary(page, await noticeDeps(page), i.query);
      },
    }),
    'GET /notices/{jurisdictionId}/{recordId}': route({
      ...noticesApi['GET /notices/{jurisdictionId}/{recordId}'],
      handle: async (i) => {
        const page = await input(i);
        return (await noticePages()).showNotice(page, await noticeDeps(page), i.params.jurisdictionId, i.params.recordId, i.query);
      },
    }),
    'POST /notice-answers/{issuerId}/{recordId}': route({
      ...noticesApi['POST /notice-answers/{issuerId}/{recordId}'],
      handle: async (i) => {
        const page = await input(i);
        return (await noticePages()).answer(page, await noticeDeps(page), i.params.issuerId, i.params.recordId, i.body);
      },
    }),
    'GET /notices/{jurisdictionId}/{recordId}/status': route({
      ...noticesApi['GET /notices/{jurisdictionId}/{recordId}/status'],
      handle: async (i) => {
        const page = await input(i);
        return (await noticePages()).showStatus(page, await noticeDeps(page), i.params.jurisdictionId, i.params.recordId);
      },
    }),
    'GET /notices/{jurisdictionId}/{recordId}/status.csv': route({
      ...noticesApi['GET /notices/{jurisdictionId}/{recordId}/status.csv'],
      handle: async (i) => {
        const page = await input(i);
        return (await noticePages()).statusCsv(page, await noticeDeps(page), i.params.jurisdictionId, i.params.recordId);
      },
    }),
    // A notice's emailed links (shared/notices/web/link-flow.tsx): GET only shows; acknowledging is a signed-in POST.
    'GET /notice-links/{actionId}': route({
      ...noticesApi['GET /notice-links/{actionId}'],
      readSession: true,
      handle: async (i) => {
        const page = await openInput(i);
        return (await noticeLinks()).showNoticeLink(page, i.params.actionId, (await import('#shared/notices/web/deps.ts')).noticeLinkDeps(page));
      },
    }),
    'POST /notice-links/{actionId}': route({
      ...noticesApi['POST /notice-links/{actionId}'],
      handle: async (i) => {
        const page = await input(i);
        return (await noticeLinks()).acknowledgeNoticeLink(page, i.params.actionId, (await import('#shared/notices/web/deps.ts')).noticeLinkDeps(page));
      },
    }),
    'POST /notices/{jurisdictionId}/{recordId}/withdraw': route({
      ...noticesApi['POST /notices/{jurisdictionId}/{recordId}/withdraw'],
      handle: async (i) => {
        const page = await input(i);
        return (await noticePages()).withdraw(page, await noticeDeps(page), i.params.jurisdictionId, i.params.recordId, i.body);
      },
    }),
    // The warehouse feed's releases and the platform admins' start form (shared/warehouse/web/flow.tsx).
    'GET /warehouse': route({
      ...warehouseApi['GET /warehouse'],
      handle: async (i) => (await warehousePages()).showWarehouse(await input(i), await warehouseReleases(), i.query),
    }),
    'POST /warehouse/releases': route({
      ...warehouseApi['POST /warehouse/releases'],
      handle: async (i) => (await warehousePages()).startRelease(await input(i), await warehouseReleases(), startWarehouse, i.body),
    }),
    'GET /reports/{cadence}/{periodId}': route({
      ...reportsApi['GET /reports/{cadence}/{periodId}'],
      handle: async (i) => (await reportPages()).showReport(await input(i), await reports(), i.params.cadence, i.params.periodId),
    }),
    'GET /reports/{cadence}/{periodId}/files/{fileName}': route({
      ...reportsApi['GET /reports/{cadence}/{periodId}/files/{fileName}'],
      handle: async (i) => (await reportPages()).reportFile(await input(i), await reports(), i.params.cadence, i.params.periodId, i.params.fileName),
    }),
    'GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}': route({
      ...reportsApi['GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}'],
      handle: async (i) => (await reportPages()).showOwnReport(await input(i), await reports(), i.params.cadence, i.params.periodId, i.params.jurisdictionId),
    }),
    'GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}/files/{fileName}': route({
      ...reportsApi['GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}/files/{fileName}'],
      handle: async (i) => (await reportPages()).ownReportFile(await input(i), await reports(), i.params.cadence, i.params.periodId, i.params.jurisdictionId, i.params.fileName),
    }),
    // Platform admins keep the registry (shared/jurisdictions/web/registry-flow.tsx, over shared/jurisdictions/admin.ts).
    'GET /registry': route({
      ...api['GET /registry'],
      handle: async (i) => (await registryFlow()).showRegistry(await input(i), i.query),
    }),
    'GET /registry/new': route({
      ...api['GET /registry/new'],
      handle: async (i) => (await registryFlow()).showAddForm(await input(i)),
    }),
    'POST /registry': route({
      ...api['POST /registry'],
      handle: async (i) => (await registryFlow()).addFromForm(await input(i), i.body),
    }),
    'GET /registry/{jurisdictionId}/edit': route({
      ...api['GET /registry/{jurisdictionId}/edit'],
      handle: async (i) => (await registryFlow()).showEditForm(await input(i), i.params.jurisdictionId),
    }),
    'POST /registry/{jurisdictionId}': route({
      ...api['POST /registry/{jurisdictionId}'],
      handle: async (i) => (await registryFlow()).editFromForm(await input(i), i.params.jurisdictionId, i.body),
    }),
  },
  { sessions, errorPage, contentSecurityPolicy: PAGE_CSP },
);
