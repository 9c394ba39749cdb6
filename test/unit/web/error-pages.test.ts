import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import type { SessionStore } from '#shared/auth/sessions.ts';
import { ForbiddenError, NotFoundError } from '#shared/errors.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { errorPage } from '#shared/web/components/page.tsx';

// Made-up routes: a public action, so the stack reads the session only where the route asks or an error page needs it.
vi.mock('#shared/auth/route-actions.ts', () => ({ actionForRoute: () => 'web:read' }));
process.env.CSRF_SECRET = 'unit-csrf-secret-0123456789abcdef0123456789';

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const morgan: Principal = { subject: 'sub-1', role: 'submitter', jurisdictionId: 'ky-dcbs', displayName: 'Morgan Ellery' };
let signedIn: Principal | undefined;
let reads = 0;
const sessions = {
  cookieName: 'npcs_session',
  readSession: async () => {
    reads += 1;
    return signedIn ? { principal: signedIn, session: { createdAt: '', idleExpiresAt: '', absoluteExpiresAt: '' } } : undefined;
  },
} as unknown as SessionStore;

const handler = httpFunction(
  {
    'GET /boom': route({ readSession: true, handle: async () => { throw new Error('internal detail'); } }),
    'GET /missing': route({ handle: async () => { throw new NotFoundError('There is nothing here.'); } }),
    'GET /refused': route({ readSession: true, handle: async () => { throw new ForbiddenError('Not for you.'); } }),
    'POST /big': route({ form: true, handle: async () => { throw new Error('not reached'); } }),
  },
  { sessions, errorPage },
);

const get = async (routeKey: string, init: Partial<APIGatewayProxyEventV2> = {}) => {
  const [method, path] = routeKey.split(' ') as [string, string];
  const e = {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { accept: 'text/html', cookie: 'npcs_session=abc', 'sec-fetch-site': 'same-origin' },
    requestContext: { http: { method, path }, requestId: 'r', routeKey },
    isBase64Encoded: false,
    ...init,
  } as APIGatewayProxyEventV2;
  return (await handler(e, context)) as { statusCode: number; body: string };
};

const SIGN_IN_BUTTON = 'class="usa-button margin-0" href="/auth/sign-in';

describe('error pages know who is signed in', () => {
  it('show the signed-in header (name, role, sign-out with its token) on 403, 404, 413 and 500, never "Sign in"', async () => {
    signedIn = morgan;
    const big = { body: 'a='.padEnd(300 * 1024, 'x'), headers: { accept: 'text/html', cookie: 'npcs_session=abc', 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' } };
    for (const [key, status, init] of [['GET /boom', 500, {}], ['GET /missing', 404, {}], ['GET /refused', 403, {}], ['POST /big', 413, big]] as const) {
      const r = await get(key, init);
      expect(r.statusCode, key).toBe(status);
      expect(r.body, key).toContain('Morgan Ellery · Submitter');
      expect(r.body, key).toContain('action="/auth/sign-out"');
      expect(r.body, key).toMatch(/name="_csrf" value="[^"]+"/);
      expect(r.body, key).not.toContain(SIGN_IN_BUTTON);
      expect(r.body, key).not.toContain('internal detail');
    }
  });

  it('reads the session once when the route already did, and shows "Sign in" to nobody signed in', async () => {
    signedIn = morgan;
    reads = 0;
    await get('GET /boom');
    expect(reads).toBe(1);
    signedIn = undefined;
    const r = await get('GET /missing');
    expect(r.statusCode).toBe(404);
    expect(r.body).toContain(SIGN_IN_BUTTON);
    expect(r.body).not.toContain('action="/auth/sign-out"');
  });
});
