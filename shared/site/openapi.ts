import * as z from 'zod/mini';
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { SESSION_COOKIE, cookieName, isLocalHttpOrigin } from '#shared/auth/cookies.ts';
import { ACTION_DESCRIPTIONS, isPublicAction, ROLE_LABELS, ROLES, scopeOf, type Action } from '#shared/auth/policy.ts';
import { auditApi } from '#shared/audit/api.ts';
import { authApi } from '#shared/auth/api.ts';
import { dictionaryApi } from '#shared/forms/dictionary-api.ts';
import { healthApi } from '#shared/health-api.ts';
import { jurisdictionsApi, registryAdminApi } from '#shared/jurisdictions/api.ts';
import { recordsApi } from '#shared/records/api.ts';
import { surveyApi, surveyWavesApi } from '#shared/survey/api.ts';
import { surveyResultsApi } from '#shared/survey/results-api.ts';
import { reportsApi } from '#shared/reports/api.ts';
import { warehouseApi } from '#shared/warehouse/web/api.ts';
import { noticesApi } from '#shared/notices/web/api.ts';
import { reviewActionApi } from '#shared/review/api.ts';
import { webApi } from '#shared/site/api.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { resolved, withMeta } from '#shared/zod-config.ts';
import { contract, errorResponse, responsesOf, type ResponseSpec, type Responses, type RouteContract } from '#shared/http/contract.ts';
import { ROUTES, type RouteSpec } from '#shared/http/routes.ts';

const openapiApi = {
  'GET /api/openapi.json': contract({ responses: { 200: { description: 'This document (OpenAPI 3.1)' } } }),
};

/** Every route's contract, by route key; a route without one is a bug that the OpenAPI build reports. */
export const CONTRACTS: Record<string, RouteContract> = { ...healthApi, ...jurisdictionsApi, ...registryAdminApi, ...recordsApi, ...auditApi, ...dictionaryApi, ...authApi, ...openapiApi, ...webApi, ...surveyApi, ...surveyWavesApi, ...surveyResultsApi, ...reportsApi, ...warehouseApi, ...noticesApi, ...reviewActionApi };

export interface OpenApiOptions {
  /** The app's origin (APP_ORIGIN): the server a client calls, and whether the session cookie has the `__Host-` prefix. */
  appOrigin?: string;
}

/**
 * Answers the HTTP stack (shared/http/handler.ts) gives before a route's handler runs, so a client knows them too.
 * A route's own contract says it better where it names the same status.
 */
function stackResponses(r: RouteSpec, c: RouteContract): Responses {
  const error = (description: string): ResponseSpec => ({ description, schema: errorResponse() });
  const takesBody = Boolean(c.body || c.form);
  const isPublic = isPublicAction(r.action);
  const out: Responses = {};
  if (!takesBody) out[400] = error('A request body was sent: this route takes none');
  if (!isPublic) out[401] = error('Not signed in, or the session has ended');
  if (r.method !== 'GET') {
    out[403] = error(`${c.form ? 'The form token (_csrf) was missing or wrong, or the' : 'The'} request came from another site${isPublic ? '' : ', or your role does not allow this'}`);
  } else if (!isPublic) {
    out[403] = error('Your role does not allow this');
  }
  if (takesBody) {
    out[413] = error(`The body is larger than ${c.multipart ? `${Math.round(c.multipart.maxBytes / 1024 / 1024)} MB` : '256 KB'}`);
    out[415] = error(c.form ? `The body is not application/x-www-form-urlencoded${c.multipart ? ' or multipart/form-data' : ''}` : 'The body is not application/json');
  }
  if (c.query || c.params || c.body) out[422] = error('The path, query string or body has invalid fields (one entry per field)');
  return out;
}

/** Which action of the authorization policy a route needs, what it means and which roles have it (and where). */
function whoMay(action: Action): string {
  const what = `Action \`${action}\`: ${ACTION_DESCRIPTIONS[action]}.`;
  if (isPublicAction(action)) return `${what} Open to everyone.`;
  const roles = ROLES.flatMap((role) => {
    const scope = scopeOf(role, action);
    return scope ? [`${ROLE_LABELS[role]} (${scope === 'all' ? 'every jurisdiction' : 'own jurisdiction'})`] : [];
  });
  return `${what} Roles: ${roles.join(', ')}.`;
}

/** A form post's fields plus the CSRF token the HTTP stack checks and removes before the route sees them. */
function formBody(body: z.core.$ZodType | undefined): z.core.$ZodType {
  const token = { [CSRF_FIELD]: withMeta(z.string(), { description: "The CSRF token from the page's form: bound to the session cookie (or to no session), checked on every form post" }) };
  if (!body) return z.object(token);
  const fields = resolved(body);
  // A strict object with the token beside it would forbid the token: the token joins its fields instead.
  if (fields instanceof z.ZodMiniObject) {
    const meta = z.globalRegistry.get(fields);
    const extended = z.safeExtend(fields, token);
    return meta ? withMeta(extended, meta) : extended;
  }
  return z.intersection(body, z.object(token));
}

/** A multipart form's fields: the text fields and token of formBody, plus its file fields (binary). */
function multipartBody(body: z.core.$ZodType | undefined, files: readonly string[]): z.core.$ZodType {
  const file = () => withMeta(z.optional(z.string()), { description: 'A file (its bytes)', format: 'binary' });
  return z.intersection(formBody(body), z.object(Object.fromEntries(files.map((f) => [f, file()]))));
}

/** The OpenAPI 3.1 document of the platform's API, generated from the routes and their zod contracts. */
export function buildOpenApiDocument(options: OpenApiOptions = {}): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const r of ROUTES as readonly RouteSpec[]) {
    const key = `${r.method} ${r.path}`;
    const c = CONTRACTS[key];
    if (!c) throw new Error(`Route ${key} has no contract`);
    const responses = Object.fromEntries(
      Object.entries({ ...stackResponses(r, c), ...responsesOf(c) }).map(([status, spec]) => [
        status,
        {
          description: spec.description,
          ...(spec.schema || spec.contentType ? { content: { [spec.contentType ?? 'application/json']: spec.schema ? { schema: spec.schema } : {} } } : {}),
        },
      ]),
    );
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      summary: r.summary,
      description: whoMay(r.action),
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      // Public routes need no session (the cookie, when a browser sends one, only changes what a page shows).
      ...(isPublicAction(r.action) ? { security: [] } : {}),
      // Parameters are read from the objects' shapes: a contract's z.lazy is built here.
      ...(c.query || c.params ? { requestParams: { ...(c.query ? { query: resolved(c.query) } : {}), ...(c.params ? { path: resolved(c.params) } : {}) } } : {}),
      ...(c.form
        ? {
            requestBody: {
              required: true,
              content: {
                'application/x-www-form-urlencoded': { schema: formBody(c.body) },
                ...(c.multipart ? { 'multipart/form-data': { schema: multipartBody(c.body, c.multipart.files) } } : {}),
              },
            },
          }
        : c.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: c.body } } } }
          : {}),
      responses,
    };
  }
  const secureCookies = !(options.appOrigin && isLocalHttpOrigin(options.appOrigin));
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'NPCS safety platform API',
      version: '1',
      description:
        'Critical incident reviews, the safety culture survey and safety notices of the National Partnership for Child Safety. Errors always have the Error shape. ' +
        'Sign in in a browser at /auth/sign-in: the session is an HttpOnly cookie, so clients run in the signed-in browser, on this origin. ' +
        'Requests that change something are refused when the browser says they come from another site (Sec-Fetch-Site, Origin); ' +
        `HTML form posts also carry the page's CSRF token in the ${CSRF_FIELD} field.`,
    },
    servers: [{ url: options.appOrigin ?? '/', description: options.appOrigin ? 'This deployment' : 'The origin that serves this document' }],
    security: [{ session: [] }],
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: cookieName(SESSION_COOKIE, secureCookies),
          description: secureCookies
            ? `The session cookie that sign-in sets (HttpOnly, Secure, SameSite=Lax); named ${SESSION_COOKIE}, without the __Host- prefix, when the app runs on http://localhost. Idle and absolute timeouts apply.`
            : `The session cookie that sign-in sets (HttpOnly, SameSite=Lax); named __Host-${SESSION_COOKIE}, and Secure, outside http://localhost. Idle and absolute timeouts apply.`,
        },
      },
    },
    paths,
  });
}
