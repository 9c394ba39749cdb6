import { describe, expect, it } from 'vitest';
import type { PeopleDirectory, Person } from '#shared/auth/people.ts';
import { reviewExecutionName } from '#shared/review/model.ts';
import { resumedExecutionName } from '#local/review-resume.ts';
import { DEMO_REVIEWS, localResume, seedDemoPeople } from '#local/seed-reviews.ts';
import { StepFunctionsApiError } from '#local/stepfunctions/service.ts';
import { loadDemoUsers } from '#local/oidc/users.ts';

describe('resumed review executions (local restart)', () => {
  it('take the review name with a restart counter, counting on from the last one', () => {
    const name = reviewExecutionName('ky-dcbs', '01JD5X0R7Q8ZK2V3W4Y5A6B7C8', 'sub-1');
    expect(resumedExecutionName(name)).toBe(`${name}-r1`);
    expect(resumedExecutionName(`${name}-r1`)).toBe(`${name}-r2`);
    expect(resumedExecutionName(`${name}-r9`)).toBe(`${name}-r10`);
    // Still a valid Step Functions name (at most 80 of [A-Za-z0-9_-]) after many restarts.
    expect(resumedExecutionName(`${name}-r999`)).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});

describe('localResume', () => {
  const fake = (error?: string) => ({
    sendTaskSuccess: (token: string, output: string) => {
      if (error) throw new StepFunctionsApiError(error, 'no');
      expect([token, JSON.parse(output)]).toEqual(['t', { version: 2 }]);
    },
  });
  it('answers true when the task was waiting, false for a token that no longer waits, and passes other errors on', async () => {
    expect(await localResume(fake())('t', { version: 2 })).toBe(true);
    for (const closed of ['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']) expect(await localResume(fake(closed))('t', {})).toBe(false);
    await expect(localResume(fake('ValidationException'))('t', {})).rejects.toThrow('no');
  });
});

describe('the demo people and reviews', () => {
  it('puts each demo user of a jurisdiction role, and each partnership lead, in the directory once, as their sign-in would, and nobody else', async () => {
    const people = new Map<string, Person>();
    const directory = {
      person: async (jid: string, subject: string) => people.get(`${jid}/${subject}`),
      partnershipLeads: async () => [...people.entries()].filter(([k]) => k.startsWith('PARTNERSHIP/')).map(([, p]) => p),
      signedIn: async (p: { subject: string; role: Person['role']; jurisdictionId?: string; displayName?: string }, email: string, at: Date) => {
        people.set(`${p.jurisdictionId ?? 'PARTNERSHIP'}/${p.subject}`, { subject: p.subject, role: p.role, email, lastSignInAt: at.toISOString(), ...(p.displayName ? { name: p.displayName } : {}) });
      },
    } as unknown as PeopleDirectory;
    const users = loadDemoUsers();
    const expected = users.filter((u) => u.jurisdictionId || u.role === 'partnership_lead');
    expect(await seedDemoPeople(directory, users)).toEqual({ added: expected.length, existing: 0 });
    expect(people.get('ky-dcbs/demo-ky-dcbs-reviewer')).toMatchObject({ role: 'reviewer', email: 'review-lead@ky-dcbs.example.org', name: 'Riley Haddad' });
    expect(people.get('PARTNERSHIP/demo-partnership-lead')).toMatchObject({ role: 'partnership_lead', email: 'lead@partnership.example.org' });
    // Platform admins get no digest: they are in no directory.
    expect([...people.values()].some((p) => p.role === 'platform_admin')).toBe(false);
    expect(await seedDemoPeople(directory, users)).toEqual({ added: 0, existing: expected.length });
  });

  it('cover each state of a review, each named once', () => {
    expect(new Set(DEMO_REVIEWS.map((r) => r.state))).toEqual(new Set(['awaiting_decision', 'in_review', 'returned', 'resubmitted', 'approved']));
    expect(new Set(DEMO_REVIEWS.map((r) => r.reference)).size).toBe(DEMO_REVIEWS.length);
  });
});
