import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { httpFunction, route } from '#shared/http/handler.ts';
import { json } from '#shared/http/response.ts';
import { CSRF_FIELD, csrfToken } from '#shared/web/csrf.ts';

// These made-up routes are not in the route table: give them a public action so the stack accepts them.
vi.mock('#shared/auth/route-actions.ts', () => ({ actionForRoute: () => 'health:read' }));

const CSRF_SECRET = 'unit-test-csrf-secret-of-at-least-32-bytes!!';
beforeAll(() => {
  process.env.CSRF_SECRET = CSRF_SECRET;
});

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

function event(routeKey: string, body: Buffer | string, contentType: string): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ') as [string, string];
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': contentType },
    requestContext: { http: { method, path }, requestId: 'r', routeKey } as APIGatewayProxyEventV2['requestContext'],
    // As API Gateway passes any body it does not treat as text: the bytes, base64-encoded.
    body: bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

const stored: unknown[] = [];
const handler = httpFunction({
  'POST /things': route({
    body: z.object({ name: z.string().max(200) }).strict(),
    handle: async ({ body }) => {
      stored.push(body);
      return json(201, { ok: true });
    },
  }),
  'POST /form': route({
    form: true,
    repeatable: ['colour'],
    body: z.object({ name: z.optional(z.string()), colour: z.optional(z.union([z.string(), z.array(z.string())])) }).strict(),
    handle: async ({ body }) => {
      stored.push(body);
      return json(201, { ok: true });
    },
  }),
});

const invoke = async (e: APIGatewayProxyEventV2) => {
  const r = (await handler(e, context)) as { statusCode: number; body: string };
  return { statusCode: r.statusCode, json: JSON.parse(r.body) as { error?: { message: string } } };
};
const token = () => encodeURIComponent(csrfToken(CSRF_SECRET, undefined));
const FORM = 'application/x-www-form-urlencoded';

/** Charsets a client may declare that are not UTF-8 (the declaration alone must refuse the body). */
const otherCharset = fc.constantFrom('iso-8859-1', 'latin1', 'windows-1252', 'utf-16', 'UTF-16LE', 'us-ascii', 'shift_jis', 'utf-7', '"koi8-r"');

describe('bodies are UTF-8 or refused, and nothing is stored', () => {
  it('accepts UTF-8 declared in any spelling, or no charset', async () => {
    for (const ct of ['application/json', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/json; charset=utf8']) {
      stored.length = 0;
      expect((await invoke(event('POST /things', '{"name":"Zoë"}', ct))).statusCode).toBe(201);
      expect(stored).toEqual([{ name: 'Zoë' }]);
    }
    stored.length = 0;
    expect((await invoke(event('POST /form', `${CSRF_FIELD}=${token()}&name=Zo%C3%AB`, `${FORM}; charset=UTF-8`))).statusCode).toBe(201);
    expect(stored).toEqual([{ name: 'Zoë' }]);
  });

  it('answers 415 naming the charset for JSON and form bodies declared in another charset', async () => {
    await fc.assert(
      fc.asyncProperty(otherCharset, fc.constantFrom('json', 'form'), async (charset, kind) => {
        stored.length = 0;
        const r =
          kind === 'json'
            ? await invoke(event('POST /things', '{"name":"a"}', `application/json; charset=${charset}`))
            : await invoke(event('POST /form', `${CSRF_FIELD}=${token()}&name=a`, `${FORM}; charset=${charset}`));
        expect(r.statusCode).toBe(415);
        expect(r.json.error?.message).toContain(charset.replaceAll('"', ''));
        expect(r.json.error?.message).toContain('UTF-8');
        expect(stored).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('answers 415 for a Content-Type header that does not parse', async () => {
    const r = await invoke(event('POST /things', '{"name":"a"}', 'application/json; charset'));
    expect(r.statusCode).toBe(415);
    expect(r.json.error?.message).toMatch(/not a valid media type/);
  });

  it('refuses JSON bytes that are not UTF-8 with 400, never storing U+FFFD', async () => {
    // Any byte sequence Node's decoder cannot read as UTF-8, placed inside a JSON string.
    const invalid = fc.uint8Array({ minLength: 1, maxLength: 12 }).filter((b) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b);
        return false;
      } catch {
        return true;
      }
    });
    await fc.assert(
      fc.asyncProperty(invalid, async (bad) => {
        stored.length = 0;
        const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bad), Buffer.from('"}')]);
        const r = await invoke(event('POST /things', body, 'application/json'));
        expect(r.statusCode).toBe(400);
        expect(r.json.error?.message).toMatch(/not valid UTF-8/);
        expect(stored).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses form fields whose percent-encoding is not UTF-8 (or malformed) with 400 naming the field', async () => {
    for (const value of ['%FF', '%C3', '%ED%A0%80', 'Zo%E', '%zz']) {
      stored.length = 0;
      const r = await invoke(event('POST /form', `${CSRF_FIELD}=${token()}&name=${value}`, FORM));
      expect(r.statusCode).toBe(400);
      expect(r.json.error?.message).toContain('"name"');
      expect(r.json.error?.message).toMatch(/not valid UTF-8/);
      expect(stored).toEqual([]);
    }
  });

  it('decodes any UTF-8 text a browser encodes exactly as typed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 60 }), async (text) => {
        stored.length = 0;
        const body = new URLSearchParams({ [CSRF_FIELD]: csrfToken(CSRF_SECRET, undefined), name: text }).toString();
        expect((await invoke(event('POST /form', body, FORM))).statusCode).toBe(201);
        expect(stored).toEqual([{ name: text }]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('repeated form fields', () => {
  it('refuses a single-value field sent twice with 400 naming it, and keeps lists for the fields that repeat', async () => {
    stored.length = 0;
    const twice = await invoke(event('POST /form', `${CSRF_FIELD}=${token()}&name=a&name=b`, FORM));
    expect(twice.statusCode).toBe(400);
    expect(twice.json.error?.message).toContain('"name" was sent more than once');
    expect(stored).toEqual([]);
    expect((await invoke(event('POST /form', `${CSRF_FIELD}=${token()}&colour=red&colour=blue`, FORM))).statusCode).toBe(201);
    expect(stored).toEqual([{ colour: ['red', 'blue'] }]);
  });
});
