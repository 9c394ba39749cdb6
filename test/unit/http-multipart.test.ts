import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { httpFunction, route, type UploadedFile } from '#shared/http/handler.ts';
import { json } from '#shared/http/response.ts';
import { CSRF_FIELD, csrfToken } from '#shared/web/csrf.ts';

// A made-up route, not in the route table: a public action so the stack accepts it.
vi.mock('#shared/auth/route-actions.ts', () => ({ actionForRoute: () => 'health:read' }));

const CSRF_SECRET = 'unit-test-csrf-secret-of-at-least-32-bytes!!';
beforeAll(() => {
  process.env.CSRF_SECRET = CSRF_SECRET;
});
const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

const seen: { body: unknown; files: Record<string, UploadedFile> }[] = [];
const handler = httpFunction({
  'POST /upload': route({
    form: true,
    multipart: { files: ['file'], maxBytes: 64 * 1024 },
    body: z.object({ list: z.optional(z.string()) }).strict(),
    handle: async ({ body, files }) => {
      seen.push({ body, files });
      return json(201, { ok: true });
    },
  }),
  'POST /plain': route({ form: true, body: z.object({ list: z.optional(z.string()) }).strict(), handle: async () => json(201, { ok: true }) }),
});

/** A multipart body as a browser sends it (the fetch API's own encoder). */
async function multipart(routeKey: string, form: FormData): Promise<APIGatewayProxyEventV2> {
  const request = new Request('http://x/', { method: 'POST', body: form });
  const bytes = Buffer.from(await request.arrayBuffer());
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': request.headers.get('content-type')! },
    requestContext: { http: { method, path }, requestId: 'r', routeKey } as APIGatewayProxyEventV2['requestContext'],
    body: bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

const invoke = async (e: APIGatewayProxyEventV2) => {
  const r = (await handler(e, context)) as { statusCode: number; body: string };
  return { statusCode: r.statusCode, json: JSON.parse(r.body) as { error?: { message: string } } };
};

const formWith = (fields: Record<string, string | Blob>) => {
  const form = new FormData();
  form.set(CSRF_FIELD, csrfToken(CSRF_SECRET, undefined));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
};

describe('multipart form posts (a file upload)', () => {
  it('gives the route its file as bytes (not decoded: Latin-1 stays Latin-1) and validates the text fields', async () => {
    seen.length = 0;
    const latin1 = new Uint8Array([0x72, 0x65, 0x6e, 0xe9]);
    const res = await invoke(await multipart('POST /upload', formWith({ list: 'typed', file: new File([latin1], 'staff.csv', { type: 'text/csv' }) })));
    expect(res.statusCode).toBe(201);
    expect(seen[0]!.body).toEqual({ list: 'typed' });
    expect(seen[0]!.files.file).toMatchObject({ filename: 'staff.csv', type: 'text/csv' });
    expect([...seen[0]!.files.file!.bytes]).toEqual([...latin1]);
  });

  it('leaves out an empty file input (no file chosen)', async () => {
    seen.length = 0;
    expect((await invoke(await multipart('POST /upload', formWith({ list: 'x', file: new File([], '') })))).statusCode).toBe(201);
    expect(seen[0]!.files).toEqual({});
  });

  it('refuses a file in a field that is not a file field, a body over the route limit, the CSRF token missing, multipart on a route without it', async () => {
    const notFile = await invoke(await multipart('POST /upload', formWith({ list: new File(['x'], 'a.csv') })));
    expect(notFile.statusCode).toBe(400);
    expect(notFile.json.error!.message).toContain('"list" cannot be a file');
    const big = await invoke(await multipart('POST /upload', formWith({ file: new File([new Uint8Array(70 * 1024)], 'big.csv') })));
    expect(big.statusCode).toBe(413);
    expect(big.json.error!.message).toContain('the limit is 64 KB');
    const noToken = new FormData();
    noToken.set('list', 'x');
    expect((await invoke(await multipart('POST /upload', noToken))).statusCode).toBe(403);
    const plain = await invoke(await multipart('POST /plain', formWith({ list: 'x' })));
    expect(plain.statusCode).toBe(415);
  });
});
