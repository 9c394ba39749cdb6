import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens of the web pages' forms: HMAC-SHA256 (key: the CSRF_SECRET secret) of the session cookie's value, so a
 * token is bound to one session and useless in any other, needs no storage, and cannot be computed without both the
 * HttpOnly cookie and the key. Requests without a session get the token of "no session" (they have nothing to protect).
 * The HTTP stack verifies it on every form post (shared/http/handler.ts), together with Origin / Sec-Fetch-Site.
 */
export const CSRF_FIELD = '_csrf';

export function csrfToken(key: string, sessionCookie: string | undefined): string {
  return createHmac('sha256', key).update(`npcs-csrf:v1:${sessionCookie ?? ''}`).digest('base64url');
}

export function csrfTokenMatches(key: string, sessionCookie: string | undefined, sent: string | undefined): boolean {
  if (!sent) return false;
  const expected = Buffer.from(csrfToken(key, sessionCookie));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Whether a state-changing request comes from our own pages: a browser that says the request is cross-site (or
 * same-site from a sibling host) is refused, and so is an Origin other than the app's. Clients that send neither
 * header (curl, SDKs) are judged by the CSRF token (forms) or cannot carry a browser's cookies cross-site at all.
 */
export function sameOriginRequest(headers: Record<string, string | undefined>, appOrigin: string | undefined): boolean {
  // Fetch metadata is authoritative when the browser sends it: with our Referrer-Policy no-referrer, Chromium sends
  // `Origin: null` on same-origin form posts, so Origin alone cannot decide.
  const site = headers['sec-fetch-site'];
  if (site) return site === 'same-origin' || site === 'none';
  const origin = headers.origin;
  if (origin === 'null') return false;
  if (origin && appOrigin && origin !== appOrigin) return false;
  return true;
}
