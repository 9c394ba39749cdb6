import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isJurisdictionRole, ROLES } from '#shared/auth/policy.ts';
import { loadDemoUsers } from '#local/oidc/users.ts';

const users = loadDemoUsers();
const registry = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../seed/jurisdictions.json'), 'utf8')) as {
  jurisdictions: { id: string; active: boolean }[];
};

describe('seed/users.json (demo users of the local provider)', () => {
  it('has every role', () => {
    expect(new Set(users.map((u) => u.role))).toEqual(new Set(ROLES));
  });

  it('has every jurisdiction role in at least three jurisdictions', () => {
    for (const role of ROLES.filter(isJurisdictionRole)) {
      expect(new Set(users.filter((u) => u.role === role).map((u) => u.jurisdictionId)).size, role).toBeGreaterThanOrEqual(3);
    }
  });

  it('uses active jurisdictions of the seeded registry', () => {
    const active = new Set(registry.jurisdictions.filter((j) => j.active).map((j) => j.id));
    for (const u of users.filter((x) => x.jurisdictionId)) expect(active.has(u.jurisdictionId!), u.sub).toBe(true);
  });

  it('uses example.org addresses only', () => {
    for (const u of users) expect(u.email).toMatch(/@([a-z0-9-]+\.)*example\.org$/);
  });

  it('is listed in docs/auth.md', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../../docs/auth.md'), 'utf8');
    for (const u of users) expect(doc).toContain(u.email);
  });
});
