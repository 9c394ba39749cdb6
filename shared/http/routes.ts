/**
 * The HTTP routes of the platform: declared once, here. The CDK app creates an API Gateway route for each and
 * points it at the named function; the local runtime serves what the synthesized template declares; the
 * not-found function uses this table to tell "no such path" (404) from "wrong method" (405).
 */
import type { Action } from '#shared/auth/policy.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Functions that serve HTTP routes, by id. The id names the folder under functions/. */
export type HttpFunctionId = 'health' | 'jurisdictions' | 'records' | 'audit' | 'dictionary' | 'openapi' | 'auth' | 'web' | 'survey' | 'not-found';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path template: literal segments and `{param}`. */
  path: string;
  function: HttpFunctionId;
  /** What the route does in the authorization policy (shared/auth/policy.ts); the HTTP stack enforces it. */
  action: Action;
  /** What the route does, for docs and the OpenAPI document. */
  summary: string;
}

export const ROUTES = [
  { method: 'GET', path: '/healthz', action: 'health:read', function: 'health', summary: 'Whether the platform and each service it depends on answer' },
  { method: 'GET', path: '/api/jurisdictions', action: 'registry:read', function: 'jurisdictions', summary: 'The partnership jurisdictions registry' },
  { method: 'GET', path: '/api/jurisdictions/{jurisdictionId}', action: 'registry:read', function: 'jurisdictions', summary: 'One jurisdiction of the registry' },
  { method: 'POST', path: '/api/jurisdictions', action: 'registry:manage', function: 'jurisdictions', summary: 'Adds a jurisdiction to the registry (platform admins)' },
  { method: 'GET', path: '/api/jurisdictions/{jurisdictionId}/profile', action: 'registry:manage', function: 'jurisdictions', summary: "A jurisdiction's whole profile, contacts included (platform admins)" },
  { method: 'PUT', path: '/api/jurisdictions/{jurisdictionId}', action: 'registry:manage', function: 'jurisdictions', summary: 'Edits a jurisdiction (platform admins); expectedVersion guards concurrent edits' },
  { method: 'POST', path: '/api/jurisdictions/{jurisdictionId}/records', action: 'records:create', function: 'records', summary: 'Starts a draft of a form' },
  { method: 'GET', path: '/api/jurisdictions/{jurisdictionId}/records', action: 'records:list', function: 'records', summary: "The jurisdiction's records by form, status and date, with an opaque cursor" },
  { method: 'GET', path: '/api/jurisdictions/{jurisdictionId}/records/{recordId}', action: 'records:read', function: 'records', summary: 'One record with its answers (reads of critical incident reviews are audited)' },
  { method: 'PUT', path: '/api/jurisdictions/{jurisdictionId}/records/{recordId}/answers', action: 'records:save', function: 'records', summary: "Saves a draft's answers (autosave); expectedVersion guards concurrent edits" },
  { method: 'POST', path: '/api/jurisdictions/{jurisdictionId}/records/{recordId}/submit', action: 'records:submit', function: 'records', summary: 'Submits a draft after full validation; idempotent per submissionId' },
  { method: 'POST', path: '/api/jurisdictions/{jurisdictionId}/records/{recordId}/transitions', action: 'records:review', function: 'records', summary: 'Moves a record through review: in review, returned, approved (locked)' },
  { method: 'POST', path: '/api/jurisdictions/{jurisdictionId}/records/{recordId}/amendments', action: 'records:amend', function: 'records', summary: 'Amends an approved record (reviewers, jurisdiction admins): a new version with a reason goes back to its author and through review again; the approved answers are kept' },
  { method: 'GET', path: '/api/jurisdictions/{jurisdictionId}/audit', action: 'audit:read-jurisdiction', function: 'audit', summary: "The jurisdiction's audit log, newest first" },
  { method: 'GET', path: '/api/audit', action: 'audit:read-all', function: 'audit', summary: "Every jurisdiction's audit log, newest first (platform admins)" },
  { method: 'POST', path: '/api/csp-reports', action: 'web:report', function: 'web', summary: "Takes browsers' reports of what a page's Content-Security-Policy blocked (logged without query strings; rate-limited)" },
  { method: 'GET', path: '/api/openapi.json', action: 'api-docs:read', function: 'openapi', summary: 'The OpenAPI 3.1 document of this API' },
  { method: 'GET', path: '/auth/sign-in', action: 'session:start', function: 'auth', summary: 'Starts sign-in at the identity provider (OIDC code flow with PKCE)' },
  { method: 'GET', path: '/auth/callback', action: 'session:start', function: 'auth', summary: "The identity provider's redirect back; opens a session" },
  { method: 'POST', path: '/auth/sign-out', action: 'session:end', function: 'auth', summary: 'Ends the session server-side and at the identity provider' },
  { method: 'GET', path: '/api/session', action: 'session:read', function: 'auth', summary: 'Who is signed in, and how long the session has left' },
  { method: 'GET', path: '/api/session/keep-alive', action: 'session:read', function: 'auth', summary: 'Slides the idle expiry of the session ("Stay signed in" of the timeout warning)' },
  { method: 'GET', path: '/dictionary', action: 'dictionary:read', function: 'web', summary: 'The data dictionary of every form version (HTML page in the site layout)' },
  { method: 'GET', path: '/dictionary.csv', action: 'dictionary:read', function: 'dictionary', summary: 'The data dictionary (CSV)' },
  { method: 'GET', path: '/dictionary/changelog.csv', action: 'dictionary:read', function: 'dictionary', summary: 'What changed between form versions (CSV)' },
  { method: 'GET', path: '/', action: 'web:read', function: 'web', summary: 'Home page (HTML): what the platform is, or your records by status' },
  { method: 'GET', path: '/sign-in-help', action: 'web:read', function: 'web', summary: 'How to sign in (HTML)' },
  { method: 'GET', path: '/records', action: 'records:list', function: 'web', summary: "Your jurisdiction's records (HTML): search by review id or title, filter by form, status and creation date; paged with a cursor" },
  { method: 'POST', path: '/records', action: 'records:create', function: 'web', summary: 'Starts a draft of a critical incident review or a safety notice from the home page (HTML form post)' },
  { method: 'GET', path: '/records/{recordId}', action: 'records:read', function: 'web', summary: 'A record of your jurisdiction (HTML): a draft opens at its first section, others read-only' },
  { method: 'GET', path: '/records/{recordId}/sections/{sectionId}', action: 'records:read', function: 'web', summary: 'One section of a draft as a form (HTML)' },
  { method: 'POST', path: '/records/{recordId}/sections/{sectionId}', action: 'records:save', function: 'web', summary: "Saves a section of a draft (HTML form post); expectedVersion guards concurrent edits" },
  { method: 'GET', path: '/records/{recordId}/review', action: 'records:read', function: 'web', summary: 'Every answer of a draft with Change links, and the submit form (HTML)' },
  { method: 'POST', path: '/records/{recordId}/submit', action: 'records:submit', function: 'web', summary: 'Submits a draft (HTML form post); idempotent per submissionId' },
  { method: 'POST', path: '/records/{recordId}/transitions', action: 'records:review', function: 'web', summary: "A reviewer's decision (HTML form post): start review, return for changes with a reason, approve; expectedVersion guards concurrent moves" },
  { method: 'GET', path: '/records/{recordId}/amend', action: 'records:amend', function: 'web', summary: 'The amendment page of an approved record (HTML): why it must change (required)' },
  { method: 'POST', path: '/records/{recordId}/amend', action: 'records:amend', function: 'web', summary: 'Amends an approved record (HTML form post): a new version with the reason, back to its author; expectedVersion guards concurrent changes' },
  { method: 'GET', path: '/records/{recordId}/history', action: 'records:history', function: 'web', summary: "A record's version history (HTML): who changed which fields, when, and why it was returned or amended" },
  { method: 'GET', path: '/audit', action: 'audit:read-jurisdiction', function: 'web', summary: 'The audit log (HTML): your jurisdiction, or every jurisdiction for platform admins; paged with a cursor' },
  { method: 'GET', path: '/registry', action: 'registry:manage', function: 'web', summary: 'The jurisdictions registry (HTML, platform admins)' },
  { method: 'GET', path: '/registry/new', action: 'registry:manage', function: 'web', summary: 'The form that adds a jurisdiction to the registry (HTML, platform admins)' },
  { method: 'POST', path: '/registry', action: 'registry:manage', function: 'web', summary: 'Adds a jurisdiction from the registry form (HTML form post, platform admins)' },
  { method: 'GET', path: '/registry/{jurisdictionId}/edit', action: 'registry:manage', function: 'web', summary: 'The form that edits a jurisdiction of the registry (HTML, platform admins)' },
  { method: 'POST', path: '/registry/{jurisdictionId}', action: 'registry:manage', function: 'web', summary: 'Saves a jurisdiction from the edit form (HTML form post, platform admins); expectedVersion guards concurrent edits' },
  { method: 'GET', path: '/survey-waves', action: 'surveys:manage', function: 'web', summary: "The jurisdiction's survey waves: open links or invitation counts (invited, sent, reminded, answered), response counts (HTML, jurisdiction admins)" },
  { method: 'POST', path: '/survey-waves', action: 'surveys:manage', function: 'web', summary: 'Opens a survey wave: one open link for all staff, or personal invitations with reminder days; open until its closing date (HTML form post)' },
  { method: 'POST', path: '/survey-waves/{waveId}/close', action: 'surveys:manage', function: 'web', summary: 'Closes a survey wave now: its links stop taking answers, its results are frozen once, its staff list is deleted (HTML form post)' },
  { method: 'GET', path: '/survey-waves/{waveId}/staff', action: 'surveys:manage', function: 'web', summary: "An invitation wave's staff list form: upload a CSV (email, unit) or type the list (HTML, jurisdiction admins)" },
  { method: 'POST', path: '/survey-waves/{waveId}/staff', action: 'surveys:manage', function: 'web', summary: "Imports an invitation wave's staff list, all or nothing, then emails each new person a personal link (HTML form post, CSV upload or typed)" },
  { method: 'GET', path: '/survey-waves/{waveId}/results', action: 'survey-results:read', function: 'web', summary: "A closed wave's frozen results (HTML, jurisdiction admins): per unit and scale with charts, against baseline and target, and the trend across waves" },
  { method: 'GET', path: '/survey-waves/{waveId}/results.csv', action: 'survey-results:read', function: 'web', summary: "A closed wave's results as shown on its page (CSV): suppressed cells are empty" },
  { method: 'GET', path: '/survey-results', action: 'survey-results:read-all', function: 'web', summary: "Every jurisdiction's latest closed wave at jurisdiction level, the partnership pool, against baseline and target (HTML, partnership leads and platform admins)" },
  { method: 'GET', path: '/survey-results.csv', action: 'survey-results:read-all', function: 'web', summary: 'The partnership survey results as shown on their page (CSV)' },
  { method: 'GET', path: '/survey-targets', action: 'survey-targets:manage', function: 'web', summary: "The partnership's survey baselines and targets per scale, and their changes (HTML, platform admins)" },
  { method: 'POST', path: '/survey-targets', action: 'survey-targets:manage', function: 'web', summary: 'Saves the survey baselines and targets (HTML form post, platform admins; audited); expectedVersion guards concurrent edits' },
  { method: 'GET', path: '/survey/{jurisdictionId}', action: 'survey:respond', function: 'survey', summary: "The survey's start page (HTML, no sign-in): the link's token follows # and never reaches the server until the person starts" },
  { method: 'POST', path: '/survey/{jurisdictionId}/start', action: 'survey:respond', function: 'survey', summary: 'Starts the survey with an open-link or personal token (HTML form post): the survey, or why it cannot be answered' },
  { method: 'POST', path: '/survey/{jurisdictionId}/answers', action: 'survey:respond', function: 'survey', summary: 'Sends anonymous survey answers with the token (HTML form post); a personal link answers once' },
  { method: 'GET', path: '/reports', action: 'aggregates:read', function: 'web', summary: "The partnership's published reports by period, newest first, monthly and quarterly, and your jurisdiction's own beside them (HTML)" },
  { method: 'GET', path: '/reports/runs', action: 'reports:run', function: 'web', summary: 'The form that starts a report run for a cadence and period now (HTML, platform admins)' },
  { method: 'POST', path: '/reports/runs', action: 'reports:run', function: 'web', summary: 'Starts a report run for a cadence and period (HTML form post, platform admins)' },
  { method: 'GET', path: '/notices', action: 'notices:read', function: 'web', summary: "The library of every partner's published safety notices, filtered by theme, level, issuer, date, status and words (HTML)" },
  { method: 'GET', path: '/notices/{jurisdictionId}/{recordId}', action: 'notices:read', function: 'web', summary: 'A published safety notice, read-only, with its versions (HTML)' },
  { method: 'POST', path: '/notice-answers/{issuerId}/{recordId}', action: 'notices:answer', function: 'web', summary: "Your jurisdiction's answer to a partner's notice: acknowledged, action in progress, completed, or not applicable with a reason (HTML form post)" },
  { method: 'GET', path: '/notices/{jurisdictionId}/{recordId}/status', action: 'notices:status', function: 'web', summary: "A notice's status table: every partner jurisdiction, its answer, days overdue (HTML)" },
  { method: 'GET', path: '/notices/{jurisdictionId}/{recordId}/status.csv', action: 'notices:status', function: 'web', summary: "A notice's status table as CSV (attachment)" },
  { method: 'GET', path: '/notice-links/{actionId}', action: 'notices:open-link', function: 'web', summary: "An emailed safety notice link (HTML): to the notice, or the page that acknowledges it for your jurisdiction; changes nothing" },
  { method: 'POST', path: '/notice-links/{actionId}', action: 'notices:answer', function: 'web', summary: "Acknowledges a partner's safety notice for your jurisdiction from its emailed link (HTML form post)" },
  { method: 'POST', path: '/notices/{jurisdictionId}/{recordId}/withdraw', action: 'notices:withdraw', function: 'web', summary: "Withdraws one of your jurisdiction's published notices with a reason (HTML form post)" },
  { method: 'GET', path: '/warehouse', action: 'warehouse:run', function: 'web', summary: "The warehouse feed's current release, which jurisdictions it carries and its k-anonymity figures, earlier releases, and the form that starts one now (HTML, platform admins)" },
  { method: 'POST', path: '/warehouse/releases', action: 'warehouse:run', function: 'web', summary: 'Starts a warehouse release now (HTML form post, platform admins)' },
  { method: 'GET', path: '/reports/{cadence}/{periodId}', action: 'aggregates:read', function: 'web', summary: "A period's protected report with its charts, tables and files (HTML)" },
  { method: 'GET', path: '/reports/{cadence}/{periodId}/files/{fileName}', action: 'aggregates:read', function: 'web', summary: "A file of a period's protected report: CSV, JSON, Parquet or the manifest (attachment)" },
  { method: 'GET', path: '/reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}', action: 'reports:read-own', function: 'web', summary: "Your jurisdiction's own report of a period, unsuppressed (HTML)" },
  { method: 'GET', path: '/reports/{cadence}/{periodId}/jurisdictions/{jurisdictionId}/files/{fileName}', action: 'reports:read-own', function: 'web', summary: "A file of your jurisdiction's own report (attachment)" },
  { method: 'GET', path: '/actions/{actionId}', action: 'review:open-link', function: 'web', summary: 'An emailed review link (HTML): the confirmation page of its decision; changes nothing' },
  { method: 'POST', path: '/actions/{actionId}', action: 'review:decide', function: 'web', summary: "Confirms an emailed review link's decision (HTML form post): uses the link up, then hands the decision to the review workflow" },
  { method: 'GET', path: '/survey/{jurisdictionId}/thanks', action: 'survey:respond', function: 'survey', summary: 'The thank-you page after answering the survey (HTML)' },
] as const satisfies readonly RouteSpec[];

export type RouteKey = `${(typeof ROUTES)[number]['method']} ${(typeof ROUTES)[number]['path']}`;

/**
 * Path parameters that are secrets: the ids of emailed links (`/actions/{actionId}`, `/notice-links/{actionId}`),
 * each enough to open its link. Access logs keep route templates, never paths; the WAF logs leave these paths out
 * (infra/constructs/api.ts). Other parameters (jurisdiction, record, wave ids) name things but open nothing alone.
 * Survey tokens never reach a path (after `#`, then in a form body); the sign-in callback's code and state are in
 * the query string, which no log keeps.
 */
export const SECRET_PATH_PARAMETERS = ['actionId'] as const;

/** The literal beginning of every path that carries a secret parameter, e.g. `/actions/`. */
export const SECRET_PATH_PREFIXES: readonly string[] = [
  ...new Set(
    ROUTES.flatMap((r) => {
      const at = SECRET_PATH_PARAMETERS.map((p) => r.path.indexOf(`{${p}}`)).filter((i) => i >= 0);
      return at.length ? [r.path.slice(0, Math.min(...at))] : [];
    }),
  ),
];

/** Requests that match no route go to this function (API Gateway's `$default` route). */
export const DEFAULT_ROUTE_FUNCTION: HttpFunctionId = 'not-found';

const segmentsOf = (path: string): string[] => path.split('/').filter(Boolean);

/** Whether a concrete path matches a route template (one segment per `{param}`). */
export function pathMatches(template: string, path: string): boolean {
  const t = segmentsOf(template);
  const p = segmentsOf(path);
  return t.length === p.length && t.every((seg, i) => (seg.startsWith('{') && seg.endsWith('}')) || seg === p[i]);
}

/** The methods declared for a concrete path, for the Allow header of a 405. */
export function methodsForPath(path: string): HttpMethod[] {
  return [...new Set(ROUTES.filter((r) => pathMatches(r.path, path)).map((r) => r.method))];
}
