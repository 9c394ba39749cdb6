import { timingSafeEqual } from 'node:crypto';

/**
 * CloudFront adds this header, with the ORIGIN_SECRET value, to every request it forwards to the HTTP API (and
 * overwrites one a client sends). API Gateway's own execute-api address stays reachable on the internet; a request
 * there lacks the secret, so it never reaches a handler without passing CloudFront's WAF and geo restriction.
 * Locally the gateway (local/http/gateway.ts) plays CloudFront's part.
 */
export const ORIGIN_HEADER = 'x-npcs-origin-verify';

export function originVerified(sent: string | undefined, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
