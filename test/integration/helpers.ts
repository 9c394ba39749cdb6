import { request } from 'node:http';
import { inject } from 'vitest';

export const baseUrl = () => inject('baseUrl');

interface Reply {
  status: number;
  headers: { get: (name: string) => string | undefined };
  text: string;
}

/** node:http rather than fetch: the tests also send what browsers refuse to (a GET with a body). */
function send(method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = request(`${baseUrl()}${path}`, { method, headers: { ...length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: { get: (name) => res.headers[name.toLowerCase()]?.toString() },
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function call(method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}) {
  const res = await send(method, path, init.body, init.headers ?? {});
  const text = res.text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, any> };
}

/** No answer of the platform may carry a stack trace or an internal path. */
export function expectNoInternals(text: string) {
  if (/\bat .+:\d+:\d+|node_modules|\.ts:\d+|Error:\s/.test(text)) throw new Error(`Response leaks internals: ${text.slice(0, 300)}`);
}
