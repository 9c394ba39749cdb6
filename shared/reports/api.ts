import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { withMeta } from '#shared/zod-config.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });

// Loose on purpose: a malformed cadence or period answers the report pages' own 404, which says what an address
// looks like (shared/reports/web/report-flow.tsx), rather than a validation error page.
const cadence = withMeta(z.string().check(z.minLength(1), z.maxLength(32)), { description: '`monthly` or `quarterly`' });
const periodId = withMeta(z.string().check(z.minLength(1), z.maxLength(32)), { description: 'A month (`2026-03`) or a quarter (`2026-Q1`), matching the cadence' });
const fileName = withMeta(z.string().check(z.minLength(1), z.maxLength(160)), { description: '`manifest.json`, or a table file `<tableId>.csv`, `.json` or `.parquet` (the report page links each)' });
const release = z.lazy(() => z.strictObject({ cadence, periodId }));
const own = z.lazy(() => z.strictObject({ cadence, periodId, jurisdictionId: jurisdictionIdSchema }));
const file = z.lazy(() => z.strictObject({ cadence, periodId, fileName }));
const ownFile = z.lazy(() => z.strictObject({ cadence, periodId, jurisdictionId: jurisdictionIdSchema, fileName }));
const download = (description: string) => ({ description, contentType: 'application/octet-stream' });
const noRelease = html('No report published for this period, or the address is not a report (the page says what one looks like)');

/** The report pages (shared/reports/web/report-flow.tsx). */
export const reportsApi = {
  'GET /reports': contract({
    responses: {
      200: html("The partnership's published reports by period, newest first, monthly and quarterly; for jurisdiction admins and reviewers, their own jurisdiction's report of each period too"),
      403: html('Your role does not read the reports'),
    },
  }),
  'GET /reports/runs': contract({
    query: z.lazy(() => z.strictObject({ started: withMeta(z.optional(z.string().check(z.maxLength(40))), { description: 'The period whose run was just started (the form redirects here): the page says so' }) })),
    responses: { 200: html('The form that starts a report run for a cadence and period now, and the published periods (platform admins)'), 403: html('Only platform admins start report runs') },
  }),
  'POST /reports/runs': contract({
    form: true,
    body: z.lazy(() => withMeta(
      z.strictObject({
        cadence: withMeta(z.optional(z.string().check(z.maxLength(32))), { description: '`monthly` or `quarterly`' }),
        periodId: withMeta(z.optional(z.string().check(z.maxLength(32))), { description: 'The period to report: a month (`2026-03`) or a quarter (`2026-Q1`) that has ended' }),
      }),
      { description: 'The run form (platform admins)' },
    )),
    responses: {
      303: { description: 'The run started (Location header)' },
      403: html('The form token was missing or wrong, or the role does not start report runs'),
      422: html('The form again with the error summary: no such cadence, a period that does not match it or has not ended'),
    },
  }),
  'GET /reports/{cadence}/{periodId}': contract({
    params: release,
    responses: { 200: html("The period's protected report: headline figures, each table with its chart, timeliness, culture beside incidents; links to the table files and manifest"), 403: html('Your role does not read the reports'), 404: noRelease },
  }),
  'GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}': contract({
    params: own,
    responses: { 200: html("Your jurisdiction's own report of the period, unsuppressed (its own counts only), with its table files"), 404: html("No report for this period, or not your jurisdiction (another jurisdiction's report is not found either)") },
  }),
  'GET /reports/{cadence}/{periodId}/files/{fileName}': contract({
    params: file,
    responses: { 200: download("A file of the period's protected report, as an attachment: CSV (text/csv), JSON (application/json) or Parquet (application/vnd.apache.parquet)"), 404: noRelease },
  }),
  'GET /reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}/files/{fileName}': contract({
    params: ownFile,
    responses: { 200: download("A file of your jurisdiction's own report, as an attachment"), 404: html("No such file, or not your jurisdiction's") },
  }),
};
