import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { parse as parseContentType } from 'content-type';
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { BadRequestError, ForbiddenError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { optionalEnv } from '#shared/config.ts';
import { isLocalHttpOrigin, readCookie } from '#shared/auth/cookies.ts';
import { secret } from '#shared/secrets.ts';
import { CSRF_FIELD, csrfToken, csrfTokenMatches, sameOriginRequest } from '#shared/web/csrf.ts';
import { errorToResponse } from './errors-to-response.ts';
import { parseOrThrow, repeatedFieldError } from './validation.ts';
import { ORIGIN_HEADER, ORIGIN_KEYS_MAX_AGE_SECONDS, originVerified, parseOriginKeys } from './origin.ts';
import { CSP_REPORT_GROUP, CSP_REPORTS_PATH, HSTS } from './security-headers.ts';
import { authorize, isPublicAction } from '#shared/auth/policy.ts';
import { actAs, withActingScope } from '#shared/storage/acting-scope.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { actionForRoute } from '#shared/auth/route-actions.ts';
import type { SessionInfo, SessionStore } from '#shared/auth/sessions.ts';
import type { RouteContract } from './contract.ts';
import type { HttpResult } from './response.ts';

/** Who is signed in, for an error page: the header shows their name and sign-out, not "Sign in". */
export interface ErrorPageViewer {
  principal?: Principal | undefined;
  /** The session's CSRF token, for the header's sign-out form. */
  csrfToken?: string | undefined;
}

/** The principal the stack read for a request, so its error page knows who is signed in without a second read. */
const principalsRead = new WeakMap<APIGatewayProxyEventV2, Principal>();

/** Largest request body any route accepts; larger ones are refused before parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

/** A file of a multipart form post: its bytes as sent (the route decides what encoding it takes). */
export interface UploadedFile {
  filename: string;
  type: string;
  bytes: Uint8Array;
}

export interface RouteInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  /** The files of a multipart form post (routes whose contract declares `multipart`); empty otherwise. */
  files: Record<string, UploadedFile>;
  /** The signed-in principal; set on every non-public route (the stack has authorized it already). */
  principal: Principal | undefined;
  session: SessionInfo | undefined;
  /**
   * An opaque digest of the session (never its id, nor the key of its item), set when there is a session: what makes
   * a record read audited once per session (shared/records/service.ts).
   */
  readerSession: string | undefined;
  /** The CSRF token of this request's session, for the forms of a page (key: CSRF_SECRET). */
  csrfToken: () => Promise<string>;
  event: APIGatewayProxyEventV2;
  context: Context;
}

/** A route's contract (shared/http/contract.ts) plus its handler. A route with a body schema takes JSON; one without takes no body. */
export interface RouteDefinition<Q = unknown, P = unknown, B = unknown> extends Partial<RouteContract<Q, P, B>> {
  /** Skip body checks entirely (the not-found route answers 404/405 whatever was sent). */
  ignoreBody?: boolean;
  /** Reading the session slides its idle expiry, unless false (the session-status route the UI polls). */
  touchSession?: boolean;
  /** On a public route, read the session when there is one (pages that greet a signed-in person). */
  readSession?: boolean;
  handle: (input: RouteInput<Q, P, B>) => Promise<HttpResult>;
}

/** Declares one route's inputs (validated with zod) and its handler; types flow from the schemas. */
export function route<Q = Record<string, never>, P = Record<string, never>, B = undefined>(definition: RouteDefinition<Q, P, B>): RouteDefinition<Q, P, B> {
  return definition;
}

/**
 * The one middy stack of every HTTP function: logger context, header normalization, security headers, route
 * dispatch on API Gateway's routeKey, body and input validation, and typed errors mapped to HTTP last.
 */
// biome-ignore lint: the route table is heterogeneous by design
export function httpFunction(
  routes: Record<string, RouteDefinition<any, any, any>>,
  options: {
    contentSecurityPolicy?: Record<string, string>;
    /** Required when any route is not public: where sessions are read. */
    sessions?: SessionStore;
    /** Friendly HTML error pages for browsers (Accept prefers text/html; never under /api/). */
    errorPage?: (statusCode: number, requestId: string, message: string, viewer?: ErrorPageViewer) => HttpResult | Promise<HttpResult>;
  } = {},
) {
  // Fail at cold start, not on a request: every route must declare a known action, and non-public ones need sessions.
  for (const key of Object.keys(routes)) {
    if (key === '$default') continue;
    const action = actionForRoute(key);
    if (!action) throw new Error(`Route ${key} declares no action in shared/http/routes.ts`);
    if (!isPublicAction(action) && !options.sessions) throw new Error(`Route ${key} (${action}) needs a session store`);
  }

  // Bound to every HTTP function in the CDK app and locally (an infra test checks that none lacks it).
  const checksOrigin = optionalEnv('ORIGIN_SECRET') !== undefined || optionalEnv('ORIGIN_SECRET_ARN') !== undefined;

  // Each invocation acts for the principal it authorized, and for nothing else (shared/storage/acting-scope.ts).
  const core = (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResult> => withActingScope(() => serve(event, context));
  const serve = async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResult> => {
    if (checksOrigin && !originVerified(event.headers[ORIGIN_HEADER], parseOriginKeys(await secret('ORIGIN_SECRET', { maxAgeMs: ORIGIN_KEYS_MAX_AGE_SECONDS * 1000 })), new Date())) {
      throw new ForbiddenError('This address does not serve the platform directly: use the site address.');
    }
    const definition = routes[event.routeKey];
    if (!definition) throw new NotFoundError(`No handler for ${event.routeKey}`);
    logger.appendKeys({ routeKey: event.routeKey });
    const method = event.requestContext.http.method;
    // Cross-site requests never change anything: browsers say where a request comes from.
    if (method !== 'GET' && method !== 'HEAD' && !sameOriginRequest(event.headers, optionalEnv('APP_ORIGIN'))) {
      throw new ForbiddenError('This request came from another site and was refused.');
    }
    const { principal, session } = await authorizeRequest(event, definition, options.sessions);
    actAs(principal);
    const sessionCookie = () => (options.sessions ? readCookie(event.cookies ?? event.headers.cookie, options.sessions.cookieName) : undefined);
    const files: Record<string, UploadedFile> = {};
    const body = definition.ignoreBody
      ? undefined
      : definition.form
        ? await parseFormBody(event, sessionCookie(), definition.repeatable, definition.multipart, files)
        : definition.body
          ? parseJsonBody(event)
          : rejectUnexpectedBody(event);
    return definition.handle({
      query: validate(definition.query, event.queryStringParameters ?? {}, 'query string'),
      params: validate(definition.params, event.pathParameters ?? {}, 'path'),
      body: definition.body ? validate(definition.body, body, 'body') : definition.form ? body : undefined,
      files,
      principal,
      session,
      readerSession: session ? readerSessionOf(sessionCookie()) : undefined,
      csrfToken: async () => csrfToken(await secret('CSRF_SECRET'), sessionCookie()),
      event,
      context,
    });
  };

  return middy<APIGatewayProxyEventV2, HttpResult>(core)
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(
      httpSecurityHeaders({
        // Every CSP sends what it blocks to the one report route (report-uri for browsers without the Reporting API).
        contentSecurityPolicy: {
          ...(options.contentSecurityPolicy ? pageCsp(options.contentSecurityPolicy) : {}),
          'report-to': CSP_REPORT_GROUP,
          'report-uri': CSP_REPORTS_PATH,
        },
        reportingEndpoints: { [CSP_REPORT_GROUP]: CSP_REPORTS_PATH },
        // HSTS everywhere the app is served over https; never on http://localhost, where it would pin the dev host.
        strictTransportSecurity: isLocalHttpOrigin(optionalEnv('APP_ORIGIN') ?? '')
          ? false
          : { maxAge: HSTS.maxAgeSeconds, includeSubDomains: HSTS.includeSubDomains, preload: false },
      }),
    )
    .use({
      onError: async (request) => {
        const response = errorToResponse(request.error, request.context.awsRequestId);
        request.response =
          options.errorPage && prefersHtml(request.event)
            ? {
                ...(await options.errorPage(response.statusCode, request.context.awsRequestId, messageOf(response), await viewerOf(request.event, options.sessions))),
                headers: { ...response.headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
              }
            : response;
      },
    });
}

/**
 * Who is signed in, for an error page: the principal the stack already read, else the session (an error before
 * authorization, e.g. a body too large). Never fails: an error page without a name beats no error page.
 */
async function viewerOf(event: APIGatewayProxyEventV2, sessions: SessionStore | undefined): Promise<ErrorPageViewer> {
  if (!sessions) return {};
  try {
    const cookie = readCookie(event.cookies ?? event.headers.cookie, sessions.cookieName);
    const principal = principalsRead.get(event) ?? (await sessions.readSession(event.cookies ?? event.headers.cookie, { touch: false }))?.principal;
    if (!principal) return {};
    return { principal, csrfToken: csrfToken(await secret('CSRF_SECRET'), cookie) };
  } catch (error) {
    logger.warn('Error page without the signed-in header: the session could not be read', { error: (error as Error).name });
    return {};
  }
}

/**
 * A function's own CSP is merged over middy's defaults, two of which break pages: `sandbox` (an opaque origin: form
 * posts and our same-origin module script are blocked) and `upgrade-insecure-requests` (local http). They are unset
 * unless the function names them.
 */
function pageCsp(csp: Record<string, string>): Record<string, string> {
  return { sandbox: undefined, 'upgrade-insecure-requests': undefined, ...csp } as unknown as Record<string, string>;
}

/**
 * Authentication and authorization of every request, before its input is even parsed: the route's declared action,
 * the principal of the session cookie, and — when the path names a jurisdiction — that jurisdiction as the target,
 * so another jurisdiction's resources answer 404 as if they did not exist.
 */
async function authorizeRequest(
  event: APIGatewayProxyEventV2,
  definition: RouteDefinition<any, any, any>,
  sessions: SessionStore | undefined,
): Promise<{ principal?: Principal; session?: SessionInfo }> {
  if (event.routeKey === '$default') return {};
  const action = actionForRoute(event.routeKey)!;
  if (isPublicAction(action)) {
    if (!definition.readSession || !sessions) return {};
    const found = await sessions.readSession(event.cookies ?? event.headers.cookie, { touch: definition.touchSession !== false });
    if (found) principalsRead.set(event, found.principal);
    return found ?? {};
  }
  const found = await sessions!.readSession(event.cookies ?? event.headers.cookie, { touch: definition.touchSession !== false });
  if (found) principalsRead.set(event, found.principal);
  const jurisdictionId = event.pathParameters?.jurisdictionId;
  authorize(found?.principal, action, jurisdictionId ? { jurisdictionId } : undefined);
  if (found) logger.appendKeys({ role: found.principal.role, jurisdictionId: found.principal.jurisdictionId });
  return found ?? {};
}

function readerSessionOf(cookie: string | undefined): string | undefined {
  return cookie === undefined ? undefined : createHash('sha256').update(`npcs-reader-session\n${cookie}`, 'utf8').digest('base64url').slice(0, 32);
}

function bodyBytes(event: APIGatewayProxyEventV2, limit = MAX_BODY_BYTES): Buffer | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > limit) {
    throw new PayloadTooLargeError(`The request body is ${formatKb(bytes.length)}; the limit is ${formatKb(limit)}.`);
  }
  return bytes;
}

/**
 * The media type of a body, its charset checked: bodies are UTF-8 (JSON is by definition, forms are sent so by our
 * pages), and one declared otherwise would be misread, so it is refused rather than decoded as UTF-8.
 */
function mediaTypeOf(contentType: string, expected: string): string {
  let parsed: ReturnType<typeof parseContentType>;
  try {
    parsed = parseContentType(contentType);
  } catch {
    throw new UnsupportedMediaTypeError(`The Content-Type header is not a valid media type; send ${expected}.`);
  }
  const charset = parsed.parameters.charset;
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new UnsupportedMediaTypeError(`The body is declared in the "${charset.slice(0, 40)}" character set; send it as UTF-8 (${expected}; charset=utf-8).`);
  }
  return parsed.type;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text; bytes that are not UTF-8 are refused, never stored as U+FFFD. */
function utf8Text(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new BadRequestError('The request body is not valid UTF-8 text. Nothing was saved.');
  }
}

function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const bytes = bodyBytes(event);
  const contentType = event.headers['content-type'];
  if (!contentType || !/^application\/(?:[\w.+-]+\+)?json$/.test(mediaTypeOf(contentType, 'application/json'))) {
    throw new UnsupportedMediaTypeError(`Send the body as JSON with "Content-Type: application/json"${contentType ? `, not "${contentType.slice(0, 80)}"` : ''}.`);
  }
  if (!bytes) throw new BadRequestError('This request needs a JSON body, and none was sent.');
  const text = utf8Text(bytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    // Node's parser messages quote part of the body: say only where the problem is, never what was sent.
    const message = (e as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const where = position
      ? `the problem is at character ${Number(position) + 1}`
      : /end of (JSON|data)/i.test(message)
        ? 'it ends too early'
        : 'it has text outside quotes or a character JSON does not allow';
    throw new BadRequestError(`The request body is not valid JSON (${where}).`);
  }
}

/**
 * A browser form post: urlencoded UTF-8 fields, after its CSRF token is checked. A name sent more than once gives a
 * list; only the route's `repeatable` fields may be (checkboxes), any other repeated field is refused.
 */
async function parseFormBody(
  event: APIGatewayProxyEventV2,
  sessionCookie: string | undefined,
  repeatable: RouteContract['repeatable'],
  multipart: RouteContract['multipart'],
  files: Record<string, UploadedFile>,
): Promise<Record<string, string | string[]>> {
  const bytes = bodyBytes(event, multipart?.maxBytes);
  const contentType = event.headers['content-type'];
  const FORM = 'application/x-www-form-urlencoded';
  const MULTIPART = 'multipart/form-data';
  const type = bytes && contentType ? mediaTypeOf(contentType, FORM) : undefined;
  if (bytes && type !== FORM && !(multipart && type === MULTIPART)) {
    throw new UnsupportedMediaTypeError(`Send this form as "${FORM}"${multipart ? ` or "${MULTIPART}"` : ''}.`);
  }
  const pairs = type === MULTIPART ? await multipartPairs(bytes!, contentType!, multipart!.files, files) : urlencodedPairs(bytes ? utf8Text(bytes) : '');
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    if (k === '__proto__') continue;
    const had = Object.hasOwn(fields, k) ? fields[k] : undefined;
    fields[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const token = fields[CSRF_FIELD];
  if (!csrfTokenMatches(await secret('CSRF_SECRET'), sessionCookie, typeof token === 'string' ? token : undefined)) {
    throw new ForbiddenError('The form has expired or did not come from this site. Reload the page and send it again.');
  }
  delete fields[CSRF_FIELD];
  if (repeatable !== 'any') {
    const repeated = Object.keys(fields).find((k) => Array.isArray(fields[k]) && !repeatable?.includes(k));
    if (repeated !== undefined) throw repeatedFieldError(repeated);
  }
  return fields;
}

/**
 * Name/value pairs of a multipart body (the platform's runtime parser: the fetch API's FormData). Parts named in
 * `fileFields` go to `files` as bytes (an empty file input sends an empty part: left out); any other file part is
 * refused, and text parts must be UTF-8.
 */
async function multipartPairs(bytes: Buffer, contentType: string, fileFields: readonly string[], files: Record<string, UploadedFile>): Promise<[string, string][]> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new BadRequestError('The form upload is malformed (multipart/form-data). Nothing was saved. Send the form from the page again.');
  }
  const pairs: [string, string][] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      // An empty file input sent as an empty text part (some encoders leave out filename=""): no file.
      if (!(fileFields.includes(name) && value === '')) pairs.push([name, value]);
      continue;
    }
    if (!fileFields.includes(name)) throw new BadRequestError(`The form field "${name.slice(0, 100)}" cannot be a file.`);
    if (name in files) throw repeatedFieldError(name);
    if (value.size > 0 || value.name) files[name] = { filename: value.name.slice(0, 200), type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
  }
  return pairs;
}

/**
 * Name/value pairs of an urlencoded body. URLSearchParams would turn a malformed escape or percent-encoded bytes
 * that are not UTF-8 into U+FFFD; decodeURIComponent refuses them.
 */
function urlencodedPairs(text: string): [string, string][] {
  const decode = (s: string, name?: string) => {
    try {
      return decodeURIComponent(s.replaceAll('+', ' '));
    } catch {
      throw new BadRequestError(
        `The form ${name === undefined ? 'has a field name that' : `field "${name.slice(0, 100)}"`} is not valid UTF-8 percent-encoding. Nothing was saved. Send the form from the page again.`,
      );
    }
  };
  return text
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = decode(eq < 0 ? pair : pair.slice(0, eq));
      return [name, eq < 0 ? '' : decode(pair.slice(eq + 1), name)];
    });
}

/** Whether the client asked for a page (a browser navigating) rather than data; the JSON API always answers JSON. */
function prefersHtml(event: APIGatewayProxyEventV2 | undefined): boolean {
  if (!event || event.rawPath?.startsWith('/api/')) return false;
  const accept = event.headers?.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html >= 0 && (json < 0 || html < json);
}

function messageOf(response: HttpResult): string {
  try {
    return String(JSON.parse(String(response.body)).error?.message ?? '');
  } catch {
    return '';
  }
}

function rejectUnexpectedBody(event: APIGatewayProxyEventV2): undefined {
  if (bodyBytes(event)) throw new BadRequestError(`${event.requestContext.http.method} ${event.rawPath} takes no request body.`);
  return undefined;
}

function validate<T>(schema: z.core.$ZodType<T> | undefined, input: unknown, where: string): T {
  return schema ? parseOrThrow(schema, input, where) : ({} as T);
}

const formatKb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;
