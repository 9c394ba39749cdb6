import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod';
import type { ZodType } from 'zod';
import { BadRequestError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type FieldError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { errorToResponse } from './errors-to-response.ts';
import { authorize, isPublicAction } from '#shared/auth/policy.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { actionForRoute } from '#shared/auth/route-actions.ts';
import type { SessionInfo, SessionStore } from '#shared/auth/sessions.ts';
import type { RouteContract } from './contract.ts';
import type { HttpResult } from './response.ts';

/** Largest request body any route accepts; larger ones are refused before parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface RouteInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  /** The signed-in principal; set on every non-public route (the stack has authorized it already). */
  principal: Principal | undefined;
  session: SessionInfo | undefined;
  event: APIGatewayProxyEventV2;
  context: Context;
}

/** A route's contract (shared/http/contract.ts) plus its handler. A route with a body schema takes JSON; one without takes no body. */
export interface RouteDefinition<Q = unknown, P = unknown, B = unknown> extends Partial<RouteContract<Q, P, B>> {
  /** Skip body checks entirely (the not-found route answers 404/405 whatever was sent). */
  ignoreBody?: boolean;
  /** Reading the session slides its idle expiry, unless false (the session-status route the UI polls). */
  touchSession?: boolean;
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
  } = {},
) {
  // Fail at cold start, not on a request: every route must declare a known action, and non-public ones need sessions.
  for (const key of Object.keys(routes)) {
    if (key === '$default') continue;
    const action = actionForRoute(key);
    if (!action) throw new Error(`Route ${key} declares no action in shared/http/routes.ts`);
    if (!isPublicAction(action) && !options.sessions) throw new Error(`Route ${key} (${action}) needs a session store`);
  }

  const core = async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResult> => {
    const definition = routes[event.routeKey];
    if (!definition) throw new NotFoundError(`No handler for ${event.routeKey}`);
    logger.appendKeys({ routeKey: event.routeKey });
    const { principal, session } = await authorizeRequest(event, definition, options.sessions);
    const body = definition.ignoreBody ? undefined : definition.body ? parseJsonBody(event) : rejectUnexpectedBody(event);
    return definition.handle({
      query: validate(definition.query, event.queryStringParameters ?? {}, 'query string'),
      params: validate(definition.params, event.pathParameters ?? {}, 'path'),
      body: definition.body ? validate(definition.body, body, 'body') : undefined,
      principal,
      session,
      event,
      context,
    });
  };

  return middy<APIGatewayProxyEventV2, HttpResult>(core)
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders(options.contentSecurityPolicy ? { contentSecurityPolicy: options.contentSecurityPolicy } : {}))
    .use({
      onError: async (request) => {
        request.response = errorToResponse(request.error, request.context.awsRequestId);
      },
    });
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
  if (isPublicAction(action)) return {};
  const found = await sessions!.readSession(event.cookies ?? event.headers.cookie, { touch: definition.touchSession !== false });
  const jurisdictionId = event.pathParameters?.jurisdictionId;
  authorize(found?.principal, action, jurisdictionId ? { jurisdictionId } : undefined);
  if (found) logger.appendKeys({ role: found.principal.role, jurisdictionId: found.principal.jurisdictionId });
  return found ?? {};
}

function bodyBytes(event: APIGatewayProxyEventV2): Buffer | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The request body is ${formatKb(bytes.length)}; the limit is ${formatKb(MAX_BODY_BYTES)}.`);
  }
  return bytes;
}

function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const bytes = bodyBytes(event);
  const contentType = event.headers['content-type'];
  if (!contentType || !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(`Send the body as JSON with "Content-Type: application/json"${contentType ? `, not "${contentType.slice(0, 80)}"` : ''}.`);
  }
  if (!bytes) throw new BadRequestError('This request needs a JSON body, and none was sent.');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    // Node's message gives the position of the problem, never the body itself.
    throw new BadRequestError(`The request body is not valid JSON: ${(e as Error).message.replace(/ in JSON.*$/, '').slice(0, 120)}.`);
  }
}

function rejectUnexpectedBody(event: APIGatewayProxyEventV2): undefined {
  if (bodyBytes(event)) throw new BadRequestError(`${event.requestContext.http.method} ${event.rawPath} takes no request body.`);
  return undefined;
}

function validate<T>(schema: ZodType<T> | undefined, input: unknown, where: string): T {
  if (!schema) return {} as T;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : unrecognizedKeys(issue) ?? where,
    message: issue.code === 'unrecognized_keys' ? `Unknown ${where} parameter${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` : issue.message,
  }));
  throw new ValidationError(`The ${where} has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}.`, errors);
}

function unrecognizedKeys(issue: z.core.$ZodIssue): string | undefined {
  return issue.code === 'unrecognized_keys' ? issue.keys.join(',') : undefined;
}

const formatKb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;
