import { request } from 'node:http';
import { inject } from 'vitest';
import { signIn as signInAs, type Browser } from '../support/sign-in.ts';

/** What a stack trace leaves in a response: a frame (`at fn (/path/file.ts:1:2)`, `at node:internal/...:1:2`), a module path. */
export const STACK_TRACE = /\bat (?:async )?(?:\S+ \()?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+|node_modules|\.ts:\d+/;

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
  if (STACK_TRACE.test(text) || /Error:\s/.test(text)) throw new Error(`Response leaks internals: ${text.slice(0, 300)}`);
}

export { Browser } from '../support/sign-in.ts';

/** Signs a demo user (seed/users.json id) in through the local OpenID provider; the browser then holds the session. */
export const signIn = (userId: string, appUrl = baseUrl()): Promise<Browser> => signInAs(userId, appUrl);

/** Signs out as the pages do: the header's sign-out form, with the session's CSRF token from the home page. */
export async function signOut(browser: Browser, appUrl = baseUrl()): Promise<Response> {
  const home = await (await browser.go(`${appUrl}/`)).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(home)?.[1];
  if (!token) throw new Error('The home page has no sign-out form');
  return browser.go(`${appUrl}/auth/sign-out`, {
    method: 'POST',
    body: new URLSearchParams({ _csrf: token }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}
