import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authRoutes } from '#shared/auth/http.ts';
import { OidcClient, type OidcSettings } from '#shared/auth/oidc.ts';
import { SessionStore } from '#shared/auth/sessions.ts';
import { SignInTransactionStore } from '#shared/auth/transactions.ts';
import { ServiceUnavailableError, UnauthorizedError } from '#shared/errors.ts';
import { httpFunction } from '#shared/http/handler.ts';
import { csrfToken } from '#shared/web/csrf.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { startLocalOidcProvider, type LocalOidcProvider } from '#local/oidc/provider.ts';
import { freePort } from '#local/standins/ports.ts';
import { Browser } from './browser.ts';

const MIN = 60_000;

// The app under test is never listened on: the browser stops at the redirect URI and hands the URL over,
// as API Gateway would hand it to the callback route.
let appOrigin: string;
let redirectUri: string;
let op: LocalOidcProvider;
let otherOp: LocalOidcProvider;
let db: DynamoDBDocumentClient;
let tableName: string;
let now = Date.now();
const clock = () => now;

function settings(issuer: string): OidcSettings {
  return { issuer, clientId: op.clientId, redirectUri, postLogoutRedirectUri: `${appOrigin}/`, appOrigin };
}

function makeSessions(options: { idleMinutes?: number; absoluteHours?: number } = {}) {
  return new SessionStore(tableName, { client: db, clock, secureCookies: false, ...options });
}

function makeOidc(extra: { fetch?: typeof fetch; acceptJurisdiction?: (id: string) => Promise<boolean>; issuer?: string } = {}) {
  const transactions = new SignInTransactionStore(tableName, { secureCookies: false, client: db, clock });
  return new OidcClient(settings(extra.issuer ?? op.issuer), { transactions, fetch: extra.fetch, acceptJurisdiction: extra.acceptJurisdiction });
}

const pair = (setCookie: string) => setCookie.split(';')[0]!;

/** Begins a sign-in, drives the provider as the given demo user, and returns what the callback receives. */
async function signInAs(oidc: OidcClient, userSub: string, returnTo?: string) {
  const { authorizationUrl, transactionCookie } = await oidc.beginSignIn(returnTo);
  const { landedAt } = await new Browser().signIn(authorizationUrl, userSub, redirectUri);
  return { authorizationUrl: new URL(authorizationUrl), callbackUrl: landedAt, transactionCookie: pair(transactionCookie) };
}

/** Replaces the ID token of the token endpoint's answer, to see what openid-client makes of a foreign one. */
function swapIdToken(replace: (original: string) => Promise<string>): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(url, init);
    if (new URL(String(url)).pathname !== '/token' || !res.ok) return res;
    const body = (await res.json()) as Record<string, unknown>;
    body.id_token = await replace(String(body.id_token));
    return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
  }) as typeof fetch;
}

/** Expects an UnauthorizedError and returns what openid-client objected to (its innermost message). */
async function refusal(attempt: Promise<unknown>): Promise<string> {
  const e = await attempt.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UnauthorizedError);
  let cause = (e as Error).cause as Error | undefined;
  while ((cause?.cause as Error | undefined)?.message) cause = cause!.cause as Error;
  return `${(cause as { code?: string } | undefined)?.code ?? ''} ${cause?.message ?? ''}`;
}

beforeAll(async () => {
  appOrigin = `http://127.0.0.1:${await freePort()}`;
  redirectUri = `${appOrigin}/auth/callback`;
  const common = { redirectUris: [redirectUri], postLogoutRedirectUris: [`${appOrigin}/`] };
  [op, otherOp] = await Promise.all([startLocalOidcProvider({ port: await freePort(), ...common }), startLocalOidcProvider({ port: 0, ...common })]);
  tableName = inject('tableName');
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject('endpoints').dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
    { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS },
  );
});

afterAll(async () => {
  await Promise.all([op?.stop(), otherOp?.stop()]);
  db?.destroy();
});

describe('sign-in against the local OpenID provider (code flow + PKCE)', () => {
  it('signs a demo user in and starts a session that maps back to the same principal', async () => {
    const oidc = makeOidc();
    const { authorizationUrl, callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-oh-franklin-fccs-reviewer', '/records?status=in_review');
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizationUrl.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorizationUrl.searchParams.get('response_type')).toBe('code');
    expect(callbackUrl.searchParams.get('code')).toBeTruthy();

    const { principal, returnTo } = await oidc.completeSignIn(callbackUrl, transactionCookie);
    expect(principal).toEqual({ subject: 'demo-oh-franklin-fccs-reviewer', role: 'reviewer', jurisdictionId: 'oh-franklin-fccs', displayName: 'Jordan Okafor' });
    expect(returnTo).toBe('/records?status=in_review');

    const sessions = makeSessions();
    const { setCookie } = await sessions.createSession(principal);
    expect(setCookie).toMatch(/^npcs_session=[\w-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/);
    const found = await sessions.readSession([pair(setCookie)]);
    expect(found?.principal).toEqual(principal);
  });

  it('signs in partnership-wide roles without a jurisdiction', async () => {
    const oidc = makeOidc();
    const { callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-partnership-lead');
    expect((await oidc.completeSignIn(callbackUrl, transactionCookie)).principal).toEqual({ subject: 'demo-partnership-lead', role: 'partnership_lead', displayName: 'Alex Marchetti' });
  });

  it('keeps an unsafe returnTo from leaving the app', async () => {
    const oidc = makeOidc();
    const { callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-ky-dcbs-submitter', 'https://evil.example/phish');
    expect((await oidc.completeSignIn(callbackUrl, transactionCookie)).returnTo).toBe('/');
  });

  it('the provider refuses an authorization request without PKCE', async () => {
    const url = new URL(`${op.issuer}/auth`);
    url.search = new URLSearchParams({ client_id: op.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's', nonce: 'n' }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.href.startsWith(redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('uses a sign-in transaction once only (a replayed callback is refused)', async () => {
    const oidc = makeOidc();
    const { callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-ky-dcbs-submitter');
    await oidc.completeSignIn(callbackUrl, transactionCookie);
    await expect(oidc.completeSignIn(callbackUrl, transactionCookie)).rejects.toThrow(UnauthorizedError);
  });

  it("refuses a callback with another sign-in's transaction (state and PKCE do not match)", async () => {
    const oidc = makeOidc();
    const first = await signInAs(oidc, 'demo-ky-dcbs-submitter');
    const second = await oidc.beginSignIn('/');
    await expect(oidc.completeSignIn(first.callbackUrl, pair(second.transactionCookie))).rejects.toThrow(UnauthorizedError);
  });

  it('refuses a forged transaction cookie', async () => {
    const oidc = makeOidc();
    const { callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-ky-dcbs-submitter');
    const forged = transactionCookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    await expect(oidc.completeSignIn(callbackUrl, forged)).rejects.toThrow(/expired or was already used/);
    await expect(oidc.completeSignIn(callbackUrl, undefined)).rejects.toThrow(UnauthorizedError);
  });

  it('reports a cancelled sign-in as such', async () => {
    const oidc = makeOidc();
    const { authorizationUrl, transactionCookie } = await oidc.beginSignIn('/');
    const landedAt = await new Browser().cancelSignIn(authorizationUrl, redirectUri);
    expect(landedAt.searchParams.get('error')).toBe('access_denied');
    await expect(oidc.completeSignIn(landedAt, pair(transactionCookie))).rejects.toThrow('Sign-in was cancelled.');
  });

  it('refuses a user whose jurisdiction the registry does not accept', async () => {
    const oidc = makeOidc({ acceptJurisdiction: async (id) => id !== 'ky-dcbs' });
    const { callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-ky-dcbs-reviewer');
    await expect(oidc.completeSignIn(callbackUrl, transactionCookie)).rejects.toThrow(/not active/);
  });

  it('answers 503 when the provider cannot be reached', async () => {
    const oidc = makeOidc({ issuer: `http://127.0.0.1:${await freePort()}` });
    await expect(oidc.beginSignIn('/')).rejects.toThrow(ServiceUnavailableError);
  });
});

describe('ID tokens the client must refuse', () => {
  it('a genuine ID token of a different issuer (another provider instance, same client id and nonce)', async () => {
    let foreign: string | undefined;
    const oidc = makeOidc({ fetch: swapIdToken(async () => foreign!) });
    const { authorizationUrl, callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-ky-dcbs-reviewer');

    // The same user signs in at the other provider with the nonce of this sign-in: only the issuer (and its key) differ.
    const config = await client.discovery(new URL(otherOp.issuer), otherOp.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const nonce = authorizationUrl.searchParams.get('nonce')!;
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'x',
      nonce,
    });
    const other = await new Browser().signIn(url.href, 'demo-ky-dcbs-reviewer', redirectUri);
    const tokens = await client.authorizationCodeGrant(config, other.landedAt, { pkceCodeVerifier: verifier, expectedState: 'x', expectedNonce: nonce });
    foreign = tokens.id_token!;
    expect(tokens.claims()?.iss).toBe(otherOp.issuer);

    expect(await refusal(oidc.completeSignIn(callbackUrl, transactionCookie))).toMatch(/"iss" \(issuer\)/);
  });

  it("a token with the right issuer, audience, nonce and key id, but signed with someone else's key", async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const { keys } = (await (await fetch(`${op.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    let nonce = '';
    const oidc = makeOidc({
      fetch: swapIdToken(async () =>
        new SignJWT({ nonce, 'cognito:groups': ['role:platform_admin'] })
          .setProtectedHeader({ alg: 'RS256', kid: keys[0]!.kid })
          .setIssuer(op.issuer)
          .setAudience(op.clientId)
          .setSubject('demo-ky-dcbs-submitter')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey),
      ),
    });
    const { authorizationUrl, callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-ky-dcbs-submitter');
    nonce = authorizationUrl.searchParams.get('nonce')!;
    expect(await refusal(oidc.completeSignIn(callbackUrl, transactionCookie))).toMatch(/signature/i);
  });

  it('a token altered to name another audience', async () => {
    const original = { token: '' };
    const oidc = makeOidc({
      fetch: swapIdToken(async (idToken) => {
        original.token = idToken;
        // Re-signing is impossible without the provider's key; an unsigned change must fail too.
        const [h, p, s] = idToken.split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
        return `${h}.${Buffer.from(JSON.stringify({ ...claims, aud: 'another-client' })).toString('base64url')}.${s}`;
      }),
    });
    const { callbackUrl, transactionCookie } = await signInAs(oidc, 'demo-ky-dcbs-submitter');
    expect(await refusal(oidc.completeSignIn(callbackUrl, transactionCookie))).toMatch(/"aud" \(audience\)/);
    expect(original.token).toMatch(/^ey/);
  });
});

describe('sessions in DynamoDB', () => {
  const principal = { subject: 'demo-ky-dcbs-submitter', role: 'submitter' as const, jurisdictionId: 'ky-dcbs' };

  it('expire after the idle time without activity', async () => {
    const sessions = makeSessions({ idleMinutes: 30 });
    const cookie = pair((await sessions.createSession(principal)).setCookie);
    now += 29 * MIN;
    expect(await sessions.readSession(cookie)).toBeDefined(); // activity: slides the idle expiry
    now += 29 * MIN;
    expect(await sessions.readSession(cookie)).toBeDefined();
    now += 30 * MIN;
    expect(await sessions.readSession(cookie)).toBeUndefined();
  });

  it('expire at the absolute time however active', async () => {
    const sessions = makeSessions({ idleMinutes: 30, absoluteHours: 2 });
    const cookie = pair((await sessions.createSession(principal)).setCookie);
    for (let i = 0; i < 7; i++) {
      now += 17 * MIN;
      expect(await sessions.readSession(cookie), `after ${(i + 1) * 17} minutes`).toBeDefined();
    }
    now += 2 * 60 * MIN - 7 * 17 * MIN;
    expect(await sessions.readSession(cookie)).toBeUndefined();
  });

  it('refuse a forged or tampered cookie', async () => {
    const sessions = makeSessions();
    const cookie = pair((await sessions.createSession(principal)).setCookie);
    const id = cookie.split('=')[1]!;
    const tampered = `npcs_session=${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    expect(await sessions.readSession(tampered)).toBeUndefined();
    expect(await sessions.readSession('npcs_session=not-a-session')).toBeUndefined();
    expect(await sessions.readSession(`npcs_session=${'A'.repeat(43)}`)).toBeUndefined();
    expect(await sessions.readSession(cookie)).toBeDefined();
  });

  it('end on their next use once their jurisdiction is no longer active, and only then', async () => {
    let active = true;
    const sessions = new SessionStore(tableName, { client: db, clock, secureCookies: false, jurisdictionActive: async () => active });
    const cookie = pair((await sessions.createSession(principal)).setCookie);
    expect(await sessions.readSession(cookie)).toBeDefined();
    active = false;
    expect(await sessions.readSession(cookie)).toBeUndefined();
    active = true; // the session was removed, not merely refused
    expect(await sessions.readSession(cookie)).toBeUndefined();
    const lead = pair((await sessions.createSession({ subject: 'lead', role: 'partnership_lead' })).setCookie);
    active = false; // partnership-wide roles belong to no jurisdiction
    expect(await sessions.readSession(lead)).toBeDefined();
  });

  it('end server-side at sign-out: the old cookie is dead even if the browser kept it', async () => {
    const sessions = makeSessions();
    const cookie = pair((await sessions.createSession(principal)).setCookie);
    const { setCookie, ended } = await sessions.endSession(cookie);
    expect(ended).toBe(true);
    expect(setCookie).toMatch(/^npcs_session=; Path=\/; Max-Age=0;/);
    expect(await sessions.readSession(cookie)).toBeUndefined();
  });
});

describe('the auth routes (shared/auth/http.ts) end to end', () => {
  const context = { awsRequestId: 'req-auth', functionName: 'auth', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

  function event(routeKey: string, init: { query?: string; cookies?: string[]; form?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
    const [method, path] = routeKey.split(' ') as [string, string];
    const query = init.query ?? '';
    return {
      version: '2.0',
      routeKey,
      rawPath: path,
      rawQueryString: query,
      cookies: init.cookies,
      headers: init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      queryStringParameters: query ? Object.fromEntries(new URLSearchParams(query)) : undefined,
      requestContext: { http: { method, path }, requestId: 'r', routeKey } as APIGatewayProxyEventV2['requestContext'],
      isBase64Encoded: false,
    };
  }

  it('sign-in → callback → session → sign-out, with the old cookie refused afterwards', async () => {
    const sessions = makeSessions();
    const handler = httpFunction(authRoutes({ sessions, oidc: makeOidc() }), { sessions });
    const call = async (e: APIGatewayProxyEventV2) => (await handler(e, context)) as { statusCode: number; headers: Record<string, string>; cookies?: string[]; body: string };

    const start = await call(event('GET /auth/sign-in', { query: 'returnTo=%2Frecords' }));
    expect(start.statusCode).toBe(302);
    expect(start.headers.location!.startsWith(`${op.issuer}/auth?`)).toBe(true);
    const txCookie = pair(start.cookies![0]!);
    expect(txCookie).toMatch(/^npcs_signin=/);

    const { landedAt } = await new Browser().signIn(start.headers.location!, 'demo-tribal-cfs-admin', redirectUri);
    const back = await call(event('GET /auth/callback', { query: landedAt.search.slice(1), cookies: [txCookie] }));
    expect(back.statusCode).toBe(302);
    expect(back.headers.location).toBe('/records');
    expect(back.cookies![1]).toMatch(/^npcs_signin=; .*Max-Age=0/);
    const sessionCookie = pair(back.cookies![0]!);

    const me = await call(event('GET /api/session', { cookies: [sessionCookie] }));
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({
      principal: { role: 'jurisdiction_admin', jurisdictionId: 'demo-tribal-cfs', displayName: 'Jordan Haddad' },
      session: { secondsLeft: 1800, idleTimeoutSeconds: 1800 },
    });
    expect(me.headers['cache-control']).toBe('no-store');

    // Sign-out is a form post of the pages' header: it carries the session's CSRF token.
    process.env.CSRF_SECRET ??= 'test-csrf-secret';
    const token = csrfToken(process.env.CSRF_SECRET, sessionCookie.slice(sessionCookie.indexOf('=') + 1));
    const forged = await call(event('POST /auth/sign-out', { cookies: [sessionCookie] }));
    expect(forged.statusCode).toBe(403);
    const out = await call(event('POST /auth/sign-out', { cookies: [sessionCookie], form: { _csrf: token } }));
    expect(out.statusCode).toBe(303);
    const providerSignOut = new URL(out.headers.location!);
    expect(providerSignOut.href.startsWith(`${op.issuer}/session/end`)).toBe(true);
    expect(providerSignOut.searchParams.get('post_logout_redirect_uri')).toBe(`${appOrigin}/`);
    expect(out.cookies![0]).toMatch(/^npcs_session=; .*Max-Age=0/);

    const after = await call(event('GET /api/session', { cookies: [sessionCookie] }));
    expect(after.statusCode).toBe(401);
  });

  it('the callback answers 401 without its transaction cookie', async () => {
    const sessionStore = makeSessions();
    const handler = httpFunction(authRoutes({ sessions: sessionStore, oidc: makeOidc() }), { sessions: sessionStore });
    const res = (await handler(event('GET /auth/callback', { query: 'code=abc&state=def' }), context)) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toMatch(/abc|def/);
  });
});
