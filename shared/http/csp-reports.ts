import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { RateLimiterMemory as RateLimiter } from 'rate-limiter-flexible';
// The memory limiter alone: the package's index loads every store (Redis, Mongo, SQL, ...) into the bundle.
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory.js';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { BadRequestError, PayloadTooLargeError, TooManyRequestsError, UnsupportedMediaTypeError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { HttpResult } from './response.ts';

/**
 * Reports of what a page's Content-Security-Policy blocked, sent by browsers to the route every function's CSP names
 * (`report-to`, through the `Reporting-Endpoints` header; `report-uri` for browsers without the Reporting API).
 * Only three facts are kept: the directive, the blocked resource's origin and path, and the document's path; query
 * strings and fragments never (they can carry tokens, survey links or record ids), nor the sample of blocked code.
 */

/** Reports are small (a few hundred bytes each, a browser batches a few): anything larger is not a report. */
export const MAX_CSP_REPORT_BYTES = 16 * 1024;

/** Report requests one container takes per minute; more are refused (429). WAF limits each client address too. */
export const CSP_REPORTS_PER_MINUTE = 60;

// Per container (module scope): a page that violates its CSP on every load cannot flood the logs.
const limiter: RateLimiter = new RateLimiterMemory({ points: CSP_REPORTS_PER_MINUTE, duration: 60 });

/** The report route: rate limit, parse, log each violation (stripped), answer 204 with no body. */
export async function receiveCspReports(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  try {
    await limiter.consume('container');
  } catch {
    throw new TooManyRequestsError('Too many reports from this site at the moment; they are sampled, so nothing more is needed.');
  }
  const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  const violations = parseCspReports(event.headers['content-type'], body);
  for (const v of violations) logger.warn('Content Security Policy violation', { csp: v });
  return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
}

export interface CspViolation {
  directive: string;
  /** Origin + path of the blocked URL, or the browser's keyword for what was blocked (`inline`, `eval`, ...). */
  blocked: string;
  /** Path of the document the violation happened in. */
  documentPath: string;
}

const text = z.optional(z.string().check(z.maxLength(4096)));

// The Reporting API (application/reports+json): a list of reports; only csp-violation bodies are read.
const reportingApiSchema = z.lazy(() =>
  z.array(
    z.object({
      type: z.string(),
      body: z.optional(z.object({ documentURL: text, blockedURL: text, effectiveDirective: text, violatedDirective: text })),
    }),
  ).check(z.maxLength(100)),
);

// The older report-uri format (application/csp-report): one report per request.
const reportUriSchema = z.lazy(() =>
  z.object({
    'csp-report': z.object({ 'document-uri': text, 'blocked-uri': text, 'effective-directive': text, 'violated-directive': text }),
  }),
);

/**
 * Reads the body of a report request: 415 for another content type, 413 over the limit, 400 for a body that is not
 * such a report. Returns the violations with every URL stripped to what may be logged.
 */
export function parseCspReports(contentType: string | undefined, body: Buffer | undefined): CspViolation[] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/reports+json' && type !== 'application/csp-report') {
    throw new UnsupportedMediaTypeError(`Send reports as "application/reports+json" or "application/csp-report"${type ? `, not "${type.slice(0, 80)}"` : ''}.`);
  }
  if (body && body.length > MAX_CSP_REPORT_BYTES) {
    throw new PayloadTooLargeError(`The report is ${Math.ceil(body.length / 1024)} KB; the limit is ${MAX_CSP_REPORT_BYTES / 1024} KB.`);
  }
  if (!body || body.length === 0) throw new BadRequestError('The report request has no body.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequestError('The report is not valid JSON.');
  }
  if (type === 'application/reports+json') {
    const reports = z.safeParse(reportingApiSchema, parsed);
    if (!reports.success) throw new BadRequestError('The body is not a list of reports (the Reporting API format).');
    return reports.data
      .filter((r) => r.type === 'csp-violation' && r.body)
      .map(({ body: b }) => violation(b!.effectiveDirective ?? b!.violatedDirective, b!.blockedURL, b!.documentURL));
  }
  const report = z.safeParse(reportUriSchema, parsed);
  if (!report.success) throw new BadRequestError('The body is not a CSP report (an object with "csp-report").');
  const r = report.data['csp-report'];
  return [violation(r['effective-directive'] ?? r['violated-directive'], r['blocked-uri'], r['document-uri'])];
}

function violation(directive: string | undefined, blocked: string | undefined, documentUrl: string | undefined): CspViolation {
  return { directive: directiveName(directive), blocked: blockedResource(blocked), documentPath: pathOf(documentUrl) };
}

/** The directive's name only (older browsers send the whole directive with its sources). */
function directiveName(value: string | undefined): string {
  const name = (value ?? '').trim().split(/\s+/)[0] ?? '';
  return /^[a-z-]{1,40}$/.test(name) ? name : 'unknown';
}

/** Origin and path of a URL, without query string or fragment; a keyword (`inline`, `eval`, `data`) as it is. */
export function blockedResource(value: string | undefined): string {
  const v = (value ?? '').trim();
  if (/^[a-z-]{1,40}$/.test(v)) return v;
  const url = parseUrl(v);
  if (!url) return 'unknown';
  // data:, blob: and the like carry content, not a place: the scheme says enough.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return url.protocol.replace(/:$/, '');
  return `${url.origin}${url.pathname}`;
}

/** The path of a URL, without query string or fragment. */
export function pathOf(value: string | undefined): string {
  const url = parseUrl((value ?? '').trim());
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.pathname : 'unknown';
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
