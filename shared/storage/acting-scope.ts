/**
 * Who a request acts for, and so which jurisdictions' credentials it may ask for (shared/storage/jurisdiction-credentials.ts).
 *
 * The HTTP stack opens a scope per invocation (`withActingScope`) and records the authorized principal in it
 * (`actAs`); a route that has proved an emailed link records the link's jurisdiction (`actForLink`). Storage reads the
 * scope when a jurisdiction's handle sends a command: no scope, or a jurisdiction the scope does not reach, and the
 * command is refused before any credential is requested. The scope is a mutable object inside AsyncLocalStorage, so
 * what a middleware records is seen by everything the invocation runs afterwards.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '#shared/auth/principal.ts';
import type { PolicyAccess } from './session-policy.ts';

interface ActingScope {
  principal?: Principal;
  /** Jurisdictions of emailed links this request has proved (a review or notice link names its jurisdiction's item). */
  links: Set<string>;
}

const scopes = new AsyncLocalStorage<ActingScope>();

export function withActingScope<T>(run: () => Promise<T>): Promise<T> {
  return scopes.run({ links: new Set() }, run);
}

export function actAs(principal: Principal | undefined): void {
  const scope = scopes.getStore();
  if (scope && principal) scope.principal = principal;
}

/** After a route has matched an emailed link's id to its stored digest: the link's jurisdiction may be served. */
export function actForLink(jurisdictionId: string): void {
  scopes.getStore()?.links.add(jurisdictionId);
}

/**
 * The credential a request may use in a jurisdiction, or undefined: its own people write there (and so does the
 * holder of one of its emailed links); platform admins keep the registry of every jurisdiction; partnership leads
 * read what partnership-wide work reads. Nothing else.
 */
export function accessFor(jurisdictionId: string): PolicyAccess | undefined {
  const scope = scopes.getStore();
  if (!scope) return undefined;
  if (scope.links.has(jurisdictionId)) return 'write';
  const principal = scope.principal;
  if (!principal) return undefined;
  if (principal.jurisdictionId !== undefined) return principal.jurisdictionId === jurisdictionId ? 'write' : undefined;
  if (principal.role === 'platform_admin') return 'registry';
  if (principal.role === 'partnership_lead') return 'partnership';
  return undefined;
}
