import { ROUTES } from '#shared/http/routes.ts';
import { ACTIONS, type Action } from './policy.ts';

/**
 * Every route declares its action in shared/http/routes.ts (typed as Action, so an unknown one fails the
 * typecheck); test/unit/auth/route-actions.test.ts enumerates the routes and fails on one the policy cannot serve.
 */
interface RouteLike {
  method: string;
  path: string;
  action?: string;
}

/** The action a route key performs, or undefined when none is declared (a bug: see routesWithoutAction). */
export function actionForRoute(routeKey: string, routes: readonly RouteLike[] = ROUTES): Action | undefined {
  const declared = routes.find((r) => `${r.method} ${r.path}` === routeKey)?.action;
  return declared !== undefined && (ACTIONS as readonly string[]).includes(declared) ? (declared as Action) : undefined;
}

/** Route keys of `routes` that declare no known action. */
export function routesWithoutAction(routes: readonly RouteLike[] = ROUTES): string[] {
  return routes.map((r) => `${r.method} ${r.path}`).filter((key) => actionForRoute(key, routes) === undefined);
}
