import { describe, expect, it } from 'vitest';
import { ACTIONS, isPublicAction, POLICY, ROLES } from '#shared/auth/policy.ts';
import { actionForRoute, routesWithoutAction } from '#shared/auth/route-actions.ts';
import { ROUTES } from '#shared/http/routes.ts';

describe('every route declares an action the policy knows', () => {
  it.each(ROUTES.map((r) => `${r.method} ${r.path}`))('%s', (routeKey) => {
    const action = actionForRoute(routeKey);
    expect(action, `${routeKey} has no action: declare it in shared/http/routes.ts`).toBeDefined();
    expect(ACTIONS).toContain(action);
    // Reachable by someone: public, or granted to at least one role.
    expect(isPublicAction(action!) || ROLES.some((role) => POLICY[role][action!] !== undefined)).toBe(true);
  });

  it('finds none missing', () => {
    expect(routesWithoutAction()).toEqual([]);
  });

  it('catches a route without an action, and one with an unknown action', () => {
    const routes = [...ROUTES, { method: 'DELETE', path: '/api/records/{recordId}' }, { method: 'GET', path: '/x', action: 'records:delete-all' }];
    expect(routesWithoutAction(routes)).toEqual(['DELETE /api/records/{recordId}', 'GET /x']);
  });

  it('reads the action a route declares', () => {
    expect(actionForRoute('GET /healthz', [{ method: 'GET', path: '/healthz', action: 'session:read' }])).toBe('session:read');
  });
});
