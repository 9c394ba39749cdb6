/**
 * The report pages behind functions/web: the list of published releases, a period's protected report, a
 * jurisdiction's own report, their files (downloaded through the platform only, never from the bucket), and the
 * platform admins' run form. The stack has authorized each route's action already; a jurisdiction's own pages are
 * scoped by the path's jurisdiction (another jurisdiction's answers 404). Reports are read through a ReportsReader:
 * the page shows the fragment stored when the release was built, so no charting code runs here.
 */
import { isAllowed } from '#shared/auth/policy.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { CADENCES, type Cadence } from '#shared/reports/model.ts';
import { NothingHerePage } from '#shared/web/components/alerts.tsx';
import { page } from '#shared/web/components/page.tsx';
import type { PageInput } from '#shared/web/page-input.ts';
import { ValidationError } from '#shared/errors.ts';
import { CONTENT_TYPES } from '#shared/reports/store.ts';
import type { PostedFields } from '#shared/web/form-values.ts';
import { ownReportPath, ReportPage, ReportsListPage, reportPath, RunFormPage, type RunFormState } from './pages.tsx';
import type { ReportAudience, ReportRelease, ReportsReader } from './reader.ts';

const PERIOD_FORMAT: Record<Cadence, RegExp> = { monthly: /^\d{4}-(0[1-9]|1[0-2])$/, quarterly: /^\d{4}-Q[1-4]$/ };
/** Table files and the manifest: the last segment of a stored key, nothing that climbs out of the release. */
const FILE_NAME = /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*\.(csv|json|parquet)$/;

function notFound(i: PageInput, title: string, text: string): HttpResult {
  return page({ title, path: '/reports', principal: i.principal, csrfToken: i.csrf, children: <NothingHerePage title={title} text={text} back={{ href: '/reports', label: 'All reports' }} /> }, 404);
}

const ADDRESS_HELP = 'A report address is /reports/monthly/<month>, such as /reports/monthly/2026-03, or /reports/quarterly/<quarter>, such as /reports/quarterly/2026-Q1.';

/** The release a path names, or the 404 page that says why there is none. */
async function releaseOf(i: PageInput, reader: ReportsReader, cadence: string, periodId: string): Promise<{ release: ReportRelease } | { page: HttpResult }> {
  if (!(CADENCES as readonly string[]).includes(cadence) || !PERIOD_FORMAT[cadence as Cadence].test(periodId)) {
    return { page: notFound(i, 'This is not a report address', `"${cadence.slice(0, 20)}/${periodId.slice(0, 20)}" names no period. ${ADDRESS_HELP}`) };
  }
  const release = await reader.get(cadence as Cadence, periodId);
  if (!release) return { page: notFound(i, 'No report for this period', `No ${cadence} report of ${periodId} has been published. Reports are made after a period ends; the list of reports shows every one published.`) };
  return { release };
}

/** GET /reports */
export async function showReports(i: PageInput, reader: ReportsReader): Promise<HttpResult> {
  const jurisdictionId = i.principal.jurisdictionId;
  const readsOwn = jurisdictionId !== undefined && isAllowed(i.principal, 'reports:read-own', { jurisdictionId });
  const releases = await reader.list();
  return page({ title: 'Reports', path: '/reports', principal: i.principal, csrfToken: i.csrf, children: <ReportsListPage releases={releases} ownJurisdiction={readsOwn ? jurisdictionId : undefined} /> });
}

/** GET /reports/runs (platform admins): the form that starts a run; POST /reports/runs starts it. */
export async function showRunForm(i: PageInput, reader: ReportsReader, query: Record<string, string | undefined> = {}): Promise<HttpResult> {
  const started = query.started && /^[a-z0-9 -]{1,40}$/i.test(query.started) ? query.started : undefined;
  const state: RunFormState = started
    ? { alert: { type: 'success', text: `The run for ${started} has started. Its report replaces the published one when it has finished (a few minutes); the leads get its digest once per period.` } }
    : {};
  return runForm(i, reader, state, 200);
}

const runForm = async (i: PageInput, reader: ReportsReader, state: RunFormState, status: number) =>
  page({ title: 'Start a report run', path: '/reports/runs', principal: i.principal, csrfToken: i.csrf, children: <RunFormPage csrf={i.csrf} releases={await reader.list()} state={state} /> }, status);

/** POST /reports/runs: started (303 back to the form, which says so), or the form again naming what is wrong (422). */
export async function startRun(i: PageInput, reader: ReportsReader, start: (cadence: string, periodId: string) => Promise<{ period: { label: string } }>, posted: PostedFields): Promise<HttpResult> {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
  const values = { cadence: one(posted.cadence), periodId: one(posted.periodId).toUpperCase() };
  try {
    const { period } = await start(values.cadence, values.periodId);
    return { statusCode: 303, headers: { location: `/reports/runs?started=${encodeURIComponent(period.label)}`, 'cache-control': 'no-store' }, body: '' };
  } catch (error) {
    if (error instanceof ValidationError) return runForm(i, reader, { values, errors: error.fieldErrors }, 422);
    throw error;
  }
}

/** GET /reports/{cadence}/{periodId} */
export async function showReport(i: PageInput, reader: ReportsReader, cadence: string, periodId: string): Promise<HttpResult> {
  const found = await releaseOf(i, reader, cadence, periodId);
  if ('page' in found) return found.page;
  const { release } = found;
  const fragment = await reader.reportHtml(release, 'partnership');
  if (fragment === undefined) return notFound(i, 'No report for this period', `The ${release.period.label} release has no partnership report.`);
  const jurisdictionId = i.principal.jurisdictionId;
  const other = jurisdictionId && isAllowed(i.principal, 'reports:read-own', { jurisdictionId }) ? { href: ownReportPath(release, jurisdictionId), label: 'Your jurisdiction’s own report' } : undefined;
  return page({
    title: `Partnership report, ${release.period.label}`,
    path: '/reports',
    principal: i.principal,
    csrfToken: i.csrf,
    children: <ReportPage fragment={fragment} release={release} base={reportPath(release)} other={other} />,
  });
}

/** GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId} (the stack has checked it is the principal's own). */
export async function showOwnReport(i: PageInput, reader: ReportsReader, cadence: string, periodId: string, jurisdictionId: string): Promise<HttpResult> {
  const found = await releaseOf(i, reader, cadence, periodId);
  if ('page' in found) return found.page;
  const { release } = found;
  const fragment = await reader.reportHtml(release, { jurisdictionId });
  if (fragment === undefined) {
    return notFound(i, 'No report of your jurisdiction for this period', `The ${release.period.label} release has no report of your jurisdiction: it was not an active member of the partnership in that period.`);
  }
  return page({
    title: `Your jurisdiction's own report, ${release.period.label}`,
    path: '/reports',
    principal: i.principal,
    csrfToken: i.csrf,
    children: <ReportPage fragment={fragment} release={release} base={ownReportPath(release, jurisdictionId)} other={{ href: reportPath(release), label: 'The partnership report' }} own />,
  });
}

/** A file of a release as an attachment: bytes base64-encoded, which API Gateway turns back into bytes. */
async function download(i: PageInput, reader: ReportsReader, cadence: string, periodId: string, fileName: string, audience: ReportAudience): Promise<HttpResult> {
  const format = FILE_NAME.exec(fileName)?.[1];
  if (!format) return notFound(i, 'No such file', `"${fileName.slice(0, 60)}" is not a file of a report. The report page links each of its files.`);
  const found = await releaseOf(i, reader, cadence, periodId);
  if ('page' in found) return found.page;
  const { release } = found;
  const bytes = release.files.includes(fileName) ? await reader.file(release, audience, fileName) : undefined;
  if (!bytes) return notFound(i, 'No such file', `The ${release.period.label} report has no file "${fileName}". The report page links each of its files.`);
  const who = audience === 'partnership' ? 'partnership' : audience.jurisdictionId;
  return {
    statusCode: 200,
    headers: {
      'content-type': CONTENT_TYPES[format as 'csv' | 'json' | 'parquet'],
      'content-disposition': `attachment; filename="report-${cadence}-${periodId}-${who}-${fileName}"`,
      'cache-control': 'no-store',
    },
    body: Buffer.from(bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

/** GET /reports/{cadence}/{periodId}/files/{fileName} */
export const reportFile = (i: PageInput, reader: ReportsReader, cadence: string, periodId: string, fileName: string) => download(i, reader, cadence, periodId, fileName, 'partnership');

/** GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}/files/{fileName} */
export const ownReportFile = (i: PageInput, reader: ReportsReader, cadence: string, periodId: string, jurisdictionId: string, fileName: string) => download(i, reader, cadence, periodId, fileName, { jurisdictionId });
