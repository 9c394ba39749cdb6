import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { requiredEnv } from '#shared/config.ts';
import { ServiceUnavailableError } from '#shared/errors.ts';
import { route } from '#shared/http/handler.ts';
import { json, type HttpResult } from '#shared/http/response.ts';
import { logger } from '#shared/logger.ts';
import { authApi as api } from './api.ts';
import { OidcClient, oidcSettingsFromEnv, type OidcClientOptions } from './oidc.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { PeopleDirectory } from './people.ts';
import { SessionStore } from './sessions.ts';
import { SignInTransactionStore } from './transactions.ts';

/**
 * The HTTP side of sign-in and sessions: the routes of the `auth` function. Every other route is authenticated and
 * authorized by the HTTP stack (shared/http/handler.ts) before its handler runs.
 */

export interface AuthDeps {
  sessions: SessionStore;
  oidc: OidcClient;
  /** Who the platform may email, updated at each sign-in (absent: not kept). */
  people?: PeopleDirectory;
}

/** Sessions and the OIDC client from the environment (TABLE_NAME, APP_ORIGIN, OIDC_*, SESSION_*). */
export function authFromEnv(options: Pick<OidcClientOptions, 'acceptJurisdiction'> = {}): AuthDeps {
  const sessions = SessionStore.fromEnv();
  const transactions = new SignInTransactionStore(requiredEnv('TABLE_NAME'), { secureCookies: sessions.config.secureCookies });
  return { sessions, oidc: new OidcClient(oidcSettingsFromEnv(), { ...options, transactions }), people: new PeopleDirectory(documentClient, requiredEnv('TABLE_NAME')) };
}

/** The cookies of a request: API Gateway v2 puts them in `event.cookies`; a v1-style Cookie header also works. */
const cookiesOf = (event: APIGatewayProxyEventV2): readonly string[] | string | undefined => event.cookies ?? event.headers?.cookie;

const redirect = (location: string, cookies: string[], status = 302): HttpResult => ({
  statusCode: status,
  headers: { location, 'cache-control': 'no-store' },
  cookies,
  body: '',
});

/** Route definitions of the `auth` function: `httpFunction(authRoutes(authFromEnv()))`. */
export function authRoutes(deps: AuthDeps) {
  const { sessions, oidc } = deps;
  return {
    /** Redirects to the identity provider; `returnTo` is where to land afterwards (same-origin paths only). */
    'GET /auth/sign-in': route({
      ...api['GET /auth/sign-in'],
      handle: async ({ query }) => {
        const { authorizationUrl, transactionCookie } = await oidc.beginSignIn(query.returnTo);
        return redirect(authorizationUrl, [transactionCookie]);
      },
    }),

    /** The provider's redirect back: code exchange, ID token checks, a new session, then on to returnTo. */
    'GET /auth/callback': route({
      ...api['GET /auth/callback'],
      handle: async ({ event }) => {
        // Built from the registered redirect URI, never from the Host header.
        const callbackUrl = new URL(oidc.settings.redirectUri);
        callbackUrl.search = event.rawQueryString ?? '';
        const { principal, returnTo, email } = await oidc.completeSignIn(callbackUrl, cookiesOf(event));
        // Signing in again replaces the browser's session: the old one ends server-side, not just in the cookie.
        await sessions.endSession(cookiesOf(event));
        const { setCookie } = await sessions.createSession(principal);
        logger.info('Signed in', { role: principal.role, jurisdictionId: principal.jurisdictionId });
        // Who the review emails reach; a failure here must not fail the sign-in (the next one writes it again).
        await deps.people?.signedIn(principal, email, new Date()).catch((e: unknown) => logger.warn('People directory not updated', { error: (e as Error).name }));
        return redirect(returnTo, [setCookie, oidc.clearTransactionCookie()]);
      },
    }),

    /** Ends the session server-side, clears the cookie, then signs out at the provider when it supports that. */
    'POST /auth/sign-out': route({
      ...api['POST /auth/sign-out'],
      handle: async ({ event }) => {
        const { setCookie, ended } = await sessions.endSession(cookiesOf(event));
        if (ended) logger.info('Signed out');
        const providerSignOut = await oidc.signOutUrl().catch((e: unknown) => {
          if (e instanceof ServiceUnavailableError) return undefined;
          throw e;
        });
        return redirect(providerSignOut ?? '/', [setCookie], 303);
      },
    }),

    /** "Stay signed in" of the timeout warning: reading the session slides its idle expiry (the stack touches it). */
    'GET /api/session/keep-alive': route({
      ...api['GET /api/session/keep-alive'],
      handle: async ({ principal: signedIn, session: current }) =>
        json(200, {
          principal: { role: signedIn!.role, jurisdictionId: signedIn!.jurisdictionId, displayName: signedIn!.displayName },
          session: current!,
        }),
    }),

    /** Who is signed in and how long the session has left. Does not slide the idle expiry (the UI polls it). */
    'GET /api/session': route({
      ...api['GET /api/session'],
      touchSession: false,
      handle: async ({ principal: signedIn, session: current }) => {
        // The HTTP stack has authenticated and authorized 'session:read' already.
        const principal = signedIn!;
        const session = current!;
        return json(200, {
          principal: { role: principal.role, jurisdictionId: principal.jurisdictionId, displayName: principal.displayName },
          session,
        });
      },
    }),
  };
}
