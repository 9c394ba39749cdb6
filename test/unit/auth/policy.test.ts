import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '#shared/errors.ts';
import {
  ACTION_DESCRIPTIONS,
  ACTIONS,
  authorize,
  isAllowed,
  isJurisdictionRole,
  isPublicAction,
  JURISDICTION_ROLES,
  POLICY,
  policyMarkdown,
  PUBLIC_ACTIONS,
  ROLE_LABELS,
  ROLES,
  scopeOf,
  type Action,
  type Role,
  type Scope,
} from '#shared/auth/policy.ts';

const P = 'public' as const;
const O = 'own-jurisdiction' as const;
const A = 'all' as const;
const _ = undefined;

/**
 * The expected policy, written out by hand: a change to POLICY must change this table too, on purpose.
 * Columns: submitter, reviewer, jurisdiction_admin, partnership_lead, platform_admin.
 */
const EXPECTED: Record<Action, [Scope | undefined, Scope | undefined, Scope | undefined, Scope | undefined, Scope | undefined]> = {
  'health:read': [P, P, P, P, P],
  'web:read': [P, P, P, P, P],
  'web:report': [P, P, P, P, P],
  'registry:read': [P, P, P, P, P],
  'dictionary:read': [P, P, P, P, P],
  'forms:read': [P, P, P, P, P],
  'api-docs:read': [P, P, P, P, P],
  'session:start': [P, P, P, P, P],
  'session:end': [P, P, P, P, P],
  'session:read': [A, A, A, A, A],
  'registry:manage': [_, _, _, _, A],
  'records:create': [O, _, _, _, _],
  'records:read': [O, O, O, _, _],
  'records:list': [O, O, O, _, _],
  'records:save': [O, _, _, _, _],
  'records:submit': [O, _, _, _, _],
  'records:review': [_, O, _, _, _],
  'records:amend': [_, O, O, _, _],
  'records:history': [_, O, O, _, _],
  'audit:read-jurisdiction': [_, _, O, _, A],
  'audit:read-all': [_, _, _, _, A],
  'aggregates:read': [_, A, A, A, _],
  'reports:read-own': [_, O, O, _, _],
  'reports:run': [_, _, _, _, A],
  'warehouse:run': [_, _, _, _, A],
  'notices:read': [A, A, A, A, A],
  'notices:withdraw': [_, O, O, _, _],
  'notices:answer': [_, O, O, _, _],
  'notices:status': [_, O, O, A, A],
  'notices:open-link': [P, P, P, P, P],
  'survey:respond': [P, P, P, P, P],
  'surveys:manage': [_, _, O, _, _],
  'survey-results:read': [_, _, O, _, _],
  'survey-results:read-all': [_, _, _, A, A],
  'survey-targets:manage': [_, _, _, _, A],
  'review:open-link': [P, P, P, P, P],
  'review:decide': [_, O, _, _, _],
};

const principalOf = (role: Role) => ({
  subject: `s-${role}`,
  role,
  jurisdictionId: ['submitter', 'reviewer', 'jurisdiction_admin'].includes(role) ? 'ky-dcbs' : undefined,
});

const errorOf = (f: () => void): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('the policy table', () => {
  it('has an expectation for every action, and no more', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    it.each(ROLES.map((role, i) => [role, i] as const))(`${action}: %s`, (role, i) => {
      expect(POLICY[role][action]).toBe(EXPECTED[action][i]);
    });
  }

  it('gives public actions to everyone and only public actions the public scope', () => {
    for (const action of ACTIONS) {
      for (const role of ROLES) expect(POLICY[role][action] === 'public').toBe(isPublicAction(action));
    }
  });

  it('never lets a partnership lead or platform admin touch a raw record', () => {
    const recordActions = ACTIONS.filter((a) => a.startsWith('records:'));
    for (const role of ['partnership_lead', 'platform_admin'] as const) {
      for (const a of recordActions) expect(isAllowed(principalOf(role), a, { jurisdictionId: 'ky-dcbs' })).toBe(false);
    }
  });
});

describe('authorize', () => {
  it('lets anyone, even nobody, take public actions', () => {
    for (const action of PUBLIC_ACTIONS) expect(() => authorize(undefined, action)).not.toThrow();
  });

  it('answers 401 without a principal for every other action', () => {
    for (const action of ACTIONS.filter((a) => !isPublicAction(a))) expect(errorOf(() => authorize(undefined, action))).toBeInstanceOf(UnauthorizedError);
  });

  it('answers every role × action: allowed, 403 for a role without the action', () => {
    for (const action of ACTIONS) {
      ROLES.forEach((role, i) => {
        const e = errorOf(() => authorize(principalOf(role), action, { jurisdictionId: 'ky-dcbs' }));
        if (EXPECTED[action][i] === undefined) expect(e, `${role} ${action}`).toBeInstanceOf(ForbiddenError);
        else expect(e, `${role} ${action}`).toBeUndefined();
      });
    }
  });

  it("answers 404 (not 403) on another jurisdiction's target, so its existence is not revealed", () => {
    const e = errorOf(() => authorize(principalOf('reviewer'), 'records:read', { jurisdictionId: 'oh-franklin-fccs' }));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(errorOf(() => authorize(principalOf('jurisdiction_admin'), 'audit:read-jurisdiction', { jurisdictionId: 'oh-franklin-fccs' }))).toBeInstanceOf(NotFoundError);
  });

  it('lets an all-scope role act on any jurisdiction', () => {
    expect(() => authorize(principalOf('platform_admin'), 'audit:read-jurisdiction', { jurisdictionId: 'oh-franklin-fccs' })).not.toThrow();
  });

  it('refuses a jurisdiction role that has lost its jurisdiction (403, not a free pass)', () => {
    expect(errorOf(() => authorize({ role: 'submitter' }, 'records:list'))).toBeInstanceOf(ForbiddenError);
  });

  it('lets an own-jurisdiction action through without a target (the caller scopes the query)', () => {
    expect(() => authorize(principalOf('submitter'), 'records:list')).not.toThrow();
  });

  it('checks the role before the target: a 403 does not depend on which jurisdiction was asked for', () => {
    expect(errorOf(() => authorize(principalOf('partnership_lead'), 'records:read', { jurisdictionId: 'ky-dcbs' }))).toBeInstanceOf(ForbiddenError);
    expect(errorOf(() => authorize(principalOf('partnership_lead'), 'records:read', { jurisdictionId: 'oh-franklin-fccs' }))).toBeInstanceOf(ForbiddenError);
  });
});

describe('roles and their words', () => {
  it('acts inside one jurisdiction as submitter, reviewer and jurisdiction admin only', () => {
    expect([...JURISDICTION_ROLES].sort()).toEqual(['jurisdiction_admin', 'reviewer', 'submitter']);
    for (const role of ROLES) expect(isJurisdictionRole(role), role).toBe(['submitter', 'reviewer', 'jurisdiction_admin'].includes(role));
    // Exactly the roles that have an own-jurisdiction scope somewhere are jurisdiction roles.
    for (const role of ROLES) expect(Object.values(POLICY[role]).includes('own-jurisdiction'), role).toBe(isJurisdictionRole(role));
  });

  it('names every role (the page header shows it) and describes every action, in distinct words', () => {
    for (const [words, keys] of [
      [ROLE_LABELS, ROLES],
      [ACTION_DESCRIPTIONS, ACTIONS],
    ] as const) {
      expect(Object.keys(words).sort()).toEqual([...keys].sort());
      const texts = Object.values(words);
      for (const text of texts) expect(text.trim().length).toBeGreaterThan(5);
      expect(new Set(texts).size).toBe(texts.length);
    }
    expect(ROLE_LABELS.platform_admin).toBe('Platform admin');
  });

  it('looks scopes up per role and action, undefined meaning denied', () => {
    expect(scopeOf('reviewer', 'records:review')).toBe('own-jurisdiction');
    expect(scopeOf('reviewer', 'records:create')).toBeUndefined();
    expect(scopeOf('platform_admin', 'audit:read-all')).toBe('all');
  });
});

describe('what a refusal says', () => {
  it('tells the user what is missing, and nothing about the target', () => {
    expect(errorOf(() => authorize(undefined, 'records:list'))).toMatchObject({ message: 'Sign in to do this.' });
    expect(errorOf(() => authorize(principalOf('reviewer'), 'records:create'))).toMatchObject({ message: 'Your role does not allow this.' });
    expect(errorOf(() => authorize({ role: 'reviewer' }, 'records:read', { jurisdictionId: 'ky-dcbs' }))).toMatchObject({ message: 'Your account is not linked to a jurisdiction.' });
    expect(errorOf(() => authorize(principalOf('reviewer'), 'records:read', { jurisdictionId: 'oh-franklin-fccs' }))).toMatchObject({ message: 'Not found.' });
  });

  it('decides the same way in isAllowed as in authorize', () => {
    for (const action of ACTIONS) {
      for (const role of ROLES) {
        for (const jurisdictionId of ['ky-dcbs', 'oh-franklin-fccs', undefined]) {
          const target = jurisdictionId ? { jurisdictionId } : undefined;
          expect(isAllowed(principalOf(role), action, target), `${role} ${action} ${jurisdictionId}`).toBe(errorOf(() => authorize(principalOf(role), action, target)) === undefined);
        }
      }
      expect(isAllowed(undefined, action)).toBe(isPublicAction(action));
    }
  });
});

describe('docs/auth.md', () => {
  it('shows the current policy table', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/auth.md'), 'utf8');
    expect(doc).toContain(policyMarkdown());
  });

  it('is a markdown table: a header of the roles, a rule, and one row per action', () => {
    const lines = policyMarkdown().split('\n');
    expect(lines).toHaveLength(ACTIONS.length + 2);
    expect(lines[0]).toBe('| action | submitter | reviewer | jurisdiction_admin | partnership_lead | platform_admin |');
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- |');
    expect(lines).toContain('| `records:review` | — | own-jurisdiction | — | — | — |');
  });
});
