import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { ConflictError, ServiceUnavailableError } from '#shared/errors.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { originProof } from '#shared/http/origin.ts';
import { json } from '#shared/http/response.ts';
import { logger } from '#shared/logger.ts';

// These made-up routes are not in the route table: give them a public action so the stack accepts them.
vi.mock('#shared/auth/route-actions.ts', () => ({ actionForRoute: () => 'health:read' }));

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

function event(routeKey: string, init: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: { http: { method, path }, requestId: 'r', routeKey } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
    ...init,
  };
}

const stored: unknown[] = [];
const handler = httpFunction({
  'POST /things': route({
    body: z.object({ name: z.string().min(1, 'Give the thing a name').max(20), count: z.number().int().min(0) }).strict(),
    handle: async ({ body }) => {
      stored.push(body);
      return json(201, { ok: true });
    },
  }),
  'GET /things/{id}': route({
    params: z.object({ id: z.string().regex(/^t-\d+$/, 'A thing id looks like t-1') }),
    handle: async ({ params }) => {
      if (params.id === 't-409') throw new ConflictError('Someone else changed this thing; reload it.');
      if (params.id === 't-503') throw new ServiceUnavailableError('The store is not answering; try again.');
      if (params.id === 't-500') throw new Error('secret internal detail /var/task/index.mjs:1:2');
      return json(200, { id: params.id });
    },
  }),
});

const invoke = async (e: APIGatewayProxyEventV2) => {
  const r = (await handler(e, context)) as { statusCode: number; headers: Record<string, string>; body: string };
  return { ...r, json: JSON.parse(r.body) };
};

describe('the shared HTTP middleware stack', () => {
  it('parses, validates and hands a JSON body to the route', async () => {
    stored.length = 0;
    const r = await invoke(event('POST /things', { body: '{"name":"a","count":2}', headers: { 'content-type': 'application/json; charset=utf-8' } }));
    expect(r.statusCode).toBe(201);
    expect(stored).toEqual([{ name: 'a', count: 2 }]);
  });

  it('answers malformed JSON with 400 saying so, and stores nothing', async () => {
    stored.length = 0;
    const r = await invoke(event('POST /things', { body: '{"name": "a",', headers: { 'content-type': 'application/json' } }));
    expect(r.statusCode).toBe(400);
    expect(r.json.error.code).toBe('bad_request');
    expect(r.json.error.message).toMatch(/^The request body is not valid JSON \((the problem is at character \d+|it ends too early)\)\.$/);
    expect(r.body).not.toContain('"name"');
    // Node's parser quotes the body in its message: none of it may come back.
    const quoted = await invoke(event('POST /things', { body: '{"name": Jane Doe}', headers: { 'content-type': 'application/json' } }));
    expect(quoted.statusCode).toBe(400);
    expect(quoted.body).not.toContain('Jane');
    expect(stored).toEqual([]);
  });

  it('answers a wrong content type with 415 and a missing body with 400', async () => {
    const wrongType = await invoke(event('POST /things', { body: 'name=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json.error.message).toContain('Content-Type: application/json');
    const none = await invoke(event('POST /things', { headers: { 'content-type': 'application/json' } }));
    expect(none.statusCode).toBe(400);
    expect(none.json.error.message).toBe('This request needs a JSON body, and none was sent.');
  });

  it('answers a body over 256 KB with 413, counting decoded bytes of base64 bodies', async () => {
    const big = Buffer.alloc(257 * 1024, 'a');
    const r = await invoke(event('POST /things', { body: big.toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/json' } }));
    expect(r.statusCode).toBe(413);
    expect(r.json.error.message).toBe('The request body is 257 KB; the limit is 256 KB.');
    const small = await invoke(event('POST /things', { body: Buffer.from('{"name":"b","count":1}').toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/json' } }));
    expect(small.statusCode).toBe(201);
  });

  it('answers rule breaks with 422 and one error per field, unknown fields included', async () => {
    const r = await invoke(event('POST /things', { body: '{"name":"","count":-1,"colour":"red"}', headers: { 'content-type': 'application/json' } }));
    expect(r.statusCode).toBe(422);
    expect(r.json.error.errors).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'Give the thing a name' },
        expect.objectContaining({ field: 'count' }),
        { field: 'colour', message: 'Unknown body parameter: colour' },
      ]),
    );
    const badParam = await invoke(event('GET /things/{id}', { pathParameters: { id: 'x' } }));
    expect(badParam.statusCode).toBe(422);
    expect(badParam.json.error.errors).toEqual([{ field: 'id', message: 'A thing id looks like t-1' }]);
  });

  it('maps typed errors to their status and shows their message', async () => {
    const conflict = await invoke(event('GET /things/{id}', { pathParameters: { id: 't-409' } }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json.error).toEqual({ code: 'conflict', message: 'Someone else changed this thing; reload it.', requestId: 'req-1' });
    const unavailable = await invoke(event('GET /things/{id}', { pathParameters: { id: 't-503' } }));
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('5');
  });

  it('answers an unexpected error with a generic 500 that leaks nothing, and logs it', async () => {
    const spy = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const r = await invoke(event('GET /things/{id}', { pathParameters: { id: 't-500' } }));
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('secret internal detail');
    expect(r.body).not.toContain('index.mjs');
    expect(r.json.error.code).toBe('internal_error');
    expect(r.json.error.requestId).toBe('req-1');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('sets security and no-store headers on every answer', async () => {
    for (const e of [event('GET /things/{id}', { pathParameters: { id: 't-1' } }), event('POST /things', { body: '{' , headers: { 'content-type': 'application/json' } })]) {
      const r = await invoke(e);
      expect(r.headers['x-content-type-options'] ?? r.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('HSTS', () => {
  const hstsOf = async (appOrigin: string | undefined) => {
    vi.stubEnv('APP_ORIGIN', appOrigin);
    try {
      const fn = httpFunction({ 'GET /hsts': route({ handle: async () => json(200, {}) }) });
      const r = (await fn(event('GET /hsts'), context)) as { headers: Record<string, string> };
      return r.headers['Strict-Transport-Security'] ?? r.headers['strict-transport-security'];
    } finally {
      vi.unstubAllEnvs();
    }
  };

  it('is sent where the app is served over https, and never for an http://localhost origin', async () => {
    // What docs/web.md says is sent, and what CloudFront sends with the static assets (shared/http/security-headers.ts).
    expect(await hstsOf('https://safety.example.org')).toBe('max-age=15552000; includeSubDomains');
    expect(await hstsOf(undefined)).toMatch(/^max-age=\d{7,}/);
    expect(await hstsOf('http://127.0.0.1:3000')).toBeUndefined();
    expect(await hstsOf('http://localhost:3000')).toBeUndefined();
  });
});

describe('CSP reports', () => {
  it('every answer names the report route: report-to a Reporting-Endpoints group that exists, and report-uri', async () => {
    for (const fn of [handler, httpFunction({ 'GET /page': route({ handle: async () => json(200, {}) }) }, { contentSecurityPolicy: { 'default-src': "'none'" } })]) {
      const r = (await fn(event(fn === handler ? 'GET /things/{id}' : 'GET /page', { pathParameters: { id: 't-1' } }), context)) as { headers: Record<string, string> };
      const csp = r.headers['Content-Security-Policy']!;
      const group = /(?:^|; )report-to ([\w-]+)/.exec(csp)?.[1];
      expect(group).toBeDefined();
      expect(r.headers['Reporting-Endpoints']).toBe(`${group}="/api/csp-reports"`);
      expect(csp).toContain('report-uri /api/csp-reports');
    }
  });
});

describe('origin check', () => {
  it('refuses a request that did not pass CloudFront (no, stale or wrongly keyed origin proof) once ORIGIN_SECRET is bound', async () => {
    const key = 'the-origin-key-the-origin-key-the-origin-key';
    vi.stubEnv('ORIGIN_SECRET', JSON.stringify({ current: key }));
    try {
      const fn = httpFunction({ 'GET /origin': route({ handle: async () => json(200, { ok: true }) }) });
      const status = async (headers: Record<string, string>) => ((await fn(event('GET /origin', { headers }), context)) as { statusCode: number }).statusCode;
      expect(await status({})).toBe(403);
      expect(await status({ 'x-npcs-origin-verify': key })).toBe(403);
      expect(await status({ 'x-npcs-origin-verify': originProof(`${key}!`, new Date()) })).toBe(403);
      expect(await status({ 'x-npcs-origin-verify': originProof(key, new Date(Date.now() - 3_600_000)) })).toBe(403);
      expect(await status({ 'x-npcs-origin-verify': originProof(key, new Date()) })).toBe(200);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
