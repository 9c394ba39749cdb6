import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Principal } from '#shared/auth/principal.ts';

/**
 * What every page renderer takes of a request; the web function builds it once per request. On signed-in routes
 * the HTTP stack has authenticated and authorized the principal already; pages open to everyone (the home page,
 * the data dictionary) take `PageInput<Principal | undefined>`.
 */
export interface PageInput<P extends Principal | undefined = Principal> {
  /** The table's name (TABLE_NAME). */
  table: string;
  principal: P;
  event: APIGatewayProxyEventV2;
  /** The session's CSRF token, for the page's forms (and the layout's sign-out form). */
  csrf: string;
  /** The session's opaque digest, never its id (audited reads count once per session: docs/records.md). */
  readerSession?: string | undefined;
}
