import { randomBytes, randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { isPublicAction, scopeOf, type Role } from '#shared/auth/policy.ts';
import { ROUTES } from '#shared/http/routes.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { Browser, STACK_TRACE, baseUrl, signIn } from './helpers.ts';
import { until } from '../support/until.ts';

/**
 * Every protected route × every role × own and another jurisdiction, through the local HTTP API with real sessions
 * from the local OpenID provider. Expected outcomes come from the policy table: no scope → 403; own-jurisdiction
 * scope → allowed at home, 404 elsewhere (indistinguishable from a record that does not exist); all → allowed.
 */
const HOME = 'ky-dcbs';
const AWAY = 'oh-franklin-fccs';
const USERS: Record<Role, string> = {
  submitter: 'demo-ky-dcbs-submitter',
  reviewer: 'demo-ky-dcbs-reviewer',
  jurisdiction_admin: 'demo-ky-dcbs-admin',
  partnership_lead: 'demo-partnership-lead',
  platform_admin: 'demo-platform-admin',
};

// Every protected route; those whose path names no jurisdiction run once per role (there is no "other" side).
const protectedRoutes = ROUTES.filter((r) => !isPublicAction(r.action));
const namesJurisdiction = (r: (typeof ROUTES)[number]) => r.path.includes('{jurisdictionId}');
const recordIds: Record<string, string> = {};
const browsers = {} as Record<Role, Browser>;
/** Each role's CSRF token: web form posts carry it, as the pages' forms do, so an allowed role reaches the handler. */
const csrfTokens = {} as Record<Role, string>;
const isWebForm = (r: (typeof ROUTES)[number]) => r.function === 'web' && r.method !== 'GET';

async function send(browser: Browser | undefined, method: string, path: string, body?: unknown, csrf?: string) {
  const fields = (b: unknown) => new URLSearchParams([['_csrf', csrf!], ...Object.entries((b ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)] as [string, string])]);
  const init: RequestInit =
    csrf !== undefined
      ? { method, body: fields(body), headers: { 'content-type': 'application/x-www-form-urlencoded' } }
      : body === undefined
        ? { method }
        : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const res = browser ? await browser.go(`${baseUrl()}${path}`, init) : await fetch(`${baseUrl()}${path}`, init);
  return { status: res.status, text: await res.text() };
}

/** A well-formed emailed-link id that was never issued (43 base64url characters). */
const UNKNOWN_ACTION_ID = randomBytes(32).toString('base64url');

/** The report period the report routes ask for: published in beforeAll, so an allowed role finds it. */
const REPORT_PERIOD = { cadence: 'monthly', periodId: '2018-12' };

function requestFor(route: (typeof ROUTES)[number], jurisdictionId: string, recordId: string) {
  const path = route.path
    .replace('{jurisdictionId}', jurisdictionId)
    .replace('{issuerId}', jurisdictionId)
    .replace('{recordId}', recordId)
    .replace('{sectionId}', 'incident')
    .replace('{actionId}', UNKNOWN_ACTION_ID)
    .replace('{cadence}', REPORT_PERIOD.cadence)
    .replace('{periodId}', REPORT_PERIOD.periodId)
    .replace('{fileName}', 'manifest.json');
  const body: Record<string, unknown> | undefined = {
    'records:create': { formId: 'critical_incident_review' },
    'records:save': { answers: {}, expectedVersion: 1 },
    'records:submit': { expectedVersion: 1, submissionId: randomUUID() },
    'records:review': { to: 'in_review', expectedVersion: 1 },
    'records:amend': { reason: 'Matrix test', expectedVersion: 1 },
    'registry:manage': route.method === 'POST' ? { id: `mx-${randomUUID().slice(0, 8)}` } : undefined,
  }[route.action as string];
  return { path, body: route.method === 'GET' ? undefined : body };
}

beforeAll(async () => {
  // A published report, so that the report routes answer an allowed role with the report, not "none published".
  const sfn = new SFNClient({ endpoint: inject('endpoints').stepFunctions, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: inject('stateMachineArns').reports!, name: `matrix-${randomUUID()}`, input: JSON.stringify(REPORT_PERIOD) }));
  const reported = until('the matrix report run', async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING' ? undefined : d.status;
  }, 240_000, 250);
  const users = await Promise.all((Object.keys(USERS) as Role[]).map(async (role) => [role, await signIn(USERS[role])] as const));
  for (const [role, browser] of users) browsers[role] = browser;
  for (const [role, browser] of users) csrfTokens[role] = /name="_csrf" value="([^"]+)"/.exec(await (await browser.go(`${baseUrl()}/`)).text())![1]!;
  // One draft in each jurisdiction, made by its own submitter.
  const away = await signIn('demo-oh-franklin-fccs-submitter');
  for (const [jid, browser] of [[HOME, browsers.submitter], [AWAY, away]] as const) {
    const made = await send(browser, 'POST', `/api/jurisdictions/${jid}/records`, { formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(1) });
    expect(made.status, made.text).toBe(201);
    recordIds[jid] = JSON.parse(made.text).recordId;
  }
  expect(await reported).toBe('SUCCEEDED');
}, 300_000);

describe('authorization matrix (routes × roles × jurisdictions)', () => {
  const cases = protectedRoutes.flatMap((route) =>
    (Object.keys(USERS) as Role[]).flatMap((role) =>
      (namesJurisdiction(route) ? (['own', 'other'] as const) : (['own'] as const)).map((where) => ({ route, role, where })),
    ),
  );

  it(`covers every protected route × ${Object.keys(USERS).length} roles × own and other jurisdiction`, () => {
    const withJurisdiction = protectedRoutes.filter(namesJurisdiction).length;
    expect(cases.length).toBe(withJurisdiction * 5 * 2 + (protectedRoutes.length - withJurisdiction) * 5);
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(13);
  });

  it.each(cases.map((c) => [`${c.route.method} ${c.route.path} as ${c.role} (${c.where})`, c] as const))('%s', async (_name, { route, role, where }) => {
    const jid = where === 'own' ? HOME : AWAY;
    const browser = browsers[role];
    const { path, body } = requestFor(route, jid, recordIds[jid]!);
    const csrf = isWebForm(route) ? csrfTokens[role] : undefined;
    const res = await send(browser, route.method, path, body, csrf);
    const scope = scopeOf(role, route.action);
    if (scope === undefined) {
      expect(res.status, res.text).toBe(403);
    } else if (scope === 'own-jurisdiction' && where === 'other') {
      expect(res.status, res.text).toBe(404);
      // The same answer as for a record that does not exist: nothing reveals the other jurisdiction's record.
      const missing = await send(browsers[role], route.method, requestFor(route, jid, '01JZZZZZZZZZZZZZZZZZZZZZZZ').path, body, csrf);
      expect(JSON.parse(missing.text).error.message).toBe(JSON.parse(res.text).error.message);
    } else if (route.path.startsWith('/notices/') || route.path.startsWith('/notice-answers/')) {
      // A notice route ran (authorized) for a draft, which is never published: the notices' own 404 page.
      expect(res.status, res.text).toBe(404);
      expect(res.text).toMatch(/No published notice here/);
    } else if (route.path.includes('{actionId}')) {
      // An emailed link's route (a review link's or a notice link's POST) ran, authorized, and answers for the link itself:
      // one that does not exist is its 404 page ("We could not find this link", "This link does not work").
      expect(res.status, res.text).toBe(404);
      expect(res.text).toMatch(/this link/i);
    } else {
      expect([401, 403, 404], `${res.status} ${res.text}`).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    }
    expect(res.text).not.toMatch(STACK_TRACE); // never a stack trace
  });

  it('answers 401 to every protected route without a session', async () => {
    for (const route of ROUTES.filter((r) => !isPublicAction(r.action))) {
      const { path, body } = requestFor(route, HOME, recordIds[HOME]!);
      const res = await send(undefined, route.method, path, body);
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });
});
