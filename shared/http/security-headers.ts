/**
 * Security headers that the functions (shared/http/handler.ts, through middy) and CloudFront's static assets
 * (infra/constructs/api.ts, a response-headers policy) both send: declared once so the two cannot differ.
 */

/** Strict-Transport-Security: 180 days with subdomains. No `preload`: the preload list needs a year and a submission. */
export const HSTS = { maxAgeSeconds: 180 * 24 * 60 * 60, includeSubDomains: true } as const;

/** Where browsers send what a page's CSP blocked (shared/http/csp-reports.ts; served by the web function). */
export const CSP_REPORTS_PATH = '/api/csp-reports';

/** The Reporting-Endpoints group that every CSP's `report-to` names (middy's default CSP names `default`). */
export const CSP_REPORT_GROUP = 'default';
