import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalHttpApi } from '#local/http/gateway.ts';
import { LocalStaticAssets } from '#local/http/static.ts';
import type { LambdaRuntime } from '#local/lambda/runtime.ts';

// What CloudFront sends for a behavior with compression on: br or gzip for compressible types the viewer accepts.
const css = Buffer.from(`.usa-button{color:#005ea2}\n`.repeat(200));
const png = Buffer.alloc(5000, 7);
const html = `<!doctype html><title>x</title>${'<p>Answer every question.</p>'.repeat(100)}`;

let server: Server;
let base: string;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'npcs-compress-'));
  mkdirSync(path.join(work, 'css'));
  writeFileSync(path.join(work, 'css', 'uswds.0123456789ab.css'), css);
  writeFileSync(path.join(work, 'css', 'tiny.css'), 'a{}');
  writeFileSync(path.join(work, 'logo.png'), png);
  const assets = new LocalStaticAssets([{ bucket: 'b', prefix: 'assets/', sourceDirs: [work] }]);
  const lambdas = {
    invoke: async (_id: string, event: { rawPath: string }) => ({
      ok: true,
      result:
        event.rawPath === '/json'
          ? { items: Array.from({ length: 100 }, (_, i) => ({ id: `jurisdiction-${i}` })) }
          : event.rawPath === '/encoded'
            ? { statusCode: 200, headers: { 'content-type': 'text/html', 'content-encoding': 'identity' }, body: html }
            : { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', vary: 'Cookie' }, body: html },
    }),
  } as unknown as LambdaRuntime;
  const api = new LocalHttpApi([{ routeKey: '$default', method: 'ANY', path: '$default', functionId: 'web' }], lambdas);
  server = createServer((req, res) => {
    if (assets.handle(req, res)) return void req.resume();
    req.resume();
    req.on('end', () => void api.handle(req, res, Buffer.alloc(0)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

/** A raw GET (fetch would decode the body and hide the encoding). */
function get(pathname: string, acceptEncoding?: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${base}${pathname}`, { method, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local CloudFront compression: static assets', () => {
  it('sends br when the browser accepts it, gzip when only that, and the bytes decode to the file', async () => {
    const br = await get('/assets/css/uswds.0123456789ab.css', 'gzip, deflate, br, zstd');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(css.length / 10);
    expect(brotliDecompressSync(br.body)).toEqual(css);

    const gzip = await get('/assets/css/uswds.0123456789ab.css', 'gzip, br;q=0');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body)).toEqual(css);
  });

  it('sends the file as it is without Accept-Encoding, for images, and under 1,000 bytes', async () => {
    const plain = await get('/assets/css/uswds.0123456789ab.css');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toEqual(css);
    const image = await get('/assets/logo.png', 'gzip, br');
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.body).toEqual(png);
    const tiny = await get('/assets/css/tiny.css', 'gzip, br');
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString()).toBe('a{}');
  });

  it('answers HEAD with the encoded length and no body', async () => {
    const head = await get('/assets/css/uswds.0123456789ab.css', 'br', 'HEAD');
    expect(head.headers['content-encoding']).toBe('br');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);
  });
});

describe('local CloudFront compression: what the functions return', () => {
  it('compresses pages in br and keeps their own Vary', async () => {
    const page = await get('/records', 'gzip, deflate, br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers.vary).toBe('Cookie, Accept-Encoding');
    expect(brotliDecompressSync(page.body).toString()).toBe(html);
  });

  it('compresses JSON in gzip when br is not accepted, and nothing without Accept-Encoding', async () => {
    const gzip = await get('/json', 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.body).toString()).items).toHaveLength(100);
    const plain = await get('/json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString()).items).toHaveLength(100);
  });

  it('leaves a response the function encoded itself alone', async () => {
    const encoded = await get('/encoded', 'br');
    expect(encoded.headers['content-encoding']).toBe('identity');
    expect(encoded.body.toString()).toBe(html);
  });
});
