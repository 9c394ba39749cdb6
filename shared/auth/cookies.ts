import { createHash, randomBytes } from 'node:crypto';

/**
 * Cookie plumbing shared by sessions and sign-in transactions: names, attributes, parsing, opaque ids.
 *
 * Cookies are Secure with the `__Host-` prefix (no Domain, Path=/, so a sibling subdomain cannot plant one)
 * everywhere except an http:// origin on this machine (localhost, 127.0.0.1), where browsers would drop Secure ones.
 */

/** `http://localhost:*`, `http://127.0.0.1:*`, `http://[::1]:*`: the only origins that get non-Secure cookies. */
export function isLocalHttpOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** The origin (scheme://host[:port]) of an absolute http(s) URL; throws on anything else. */
export function originOf(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Not an http(s) URL: ${value}`);
  if (url.protocol === 'http:' && !isLocalHttpOrigin(url.origin)) throw new Error(`Only local development may use http: ${url.origin}`);
  return url.origin;
}

export const cookieName = (base: string, secure: boolean): string => (secure ? `__Host-${base}` : base);

/** The session cookie's base name (shared/auth/sessions.ts); here so the OpenAPI document names it without the SDK. */
export const SESSION_COOKIE = 'npcs_session';

export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 clears the cookie. */
  maxAgeSeconds: number;
}

/** A Set-Cookie value: HttpOnly, SameSite=Lax (sent on the top-level redirect back from the identity provider), Path=/. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * Reads one cookie from a Cookie header (`a=1; b=2`) or API Gateway's `event.cookies` (`['a=1', 'b=2']`).
 * A name sent twice is ambiguous (a planted duplicate, say): then nothing is returned.
 */
export function readCookie(source: string | readonly string[] | undefined | null, name: string): string | undefined {
  if (!source) return undefined;
  const pairs = (typeof source === 'string' ? [source] : source).flatMap((s) => s.split(';'));
  const values: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values.length === 1 ? values[0] : undefined;
}

/** 256 random bits, base64url: the opaque id a cookie carries. */
export const newOpaqueId = (): string => randomBytes(32).toString('base64url');

/** Exactly what newOpaqueId makes: 43 base64url characters. Anything else is not worth a table read. */
export const isOpaqueId = (value: string | undefined): value is string => value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);

/** Only the hash of an opaque id is stored, so reading the table yields no usable cookie. */
export const hashOpaqueId = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');
