import { ForbiddenError, NotFoundError, UnauthorizedError } from '#shared/errors.ts';

/**
 * The one authorization policy of the platform: role × action → scope. Handlers never test roles themselves; they
 * call `authorize(principal, action, target)` and this table decides. docs/auth.md shows the same table (a unit
 * test keeps the two in step).
 */

export const ROLES = ['submitter', 'reviewer', 'jurisdiction_admin', 'partnership_lead', 'platform_admin'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that act inside one jurisdiction: their principal always carries a jurisdiction id. */
export const JURISDICTION_ROLES = ['submitter', 'reviewer', 'jurisdiction_admin'] as const satisfies readonly Role[];

export const isJurisdictionRole = (role: Role): boolean => (JURISDICTION_ROLES as readonly Role[]).includes(role);

export const ROLE_LABELS: Record<Role, string> = {
  submitter: 'Submitter (agency staff)',
  reviewer: 'Reviewer (agency review lead)',
  jurisdiction_admin: 'Jurisdiction admin',
  partnership_lead: 'Partnership lead',
  platform_admin: 'Platform admin',
};

export const ACTIONS = [
  'health:read',
  'web:read',
  'web:report',
  'registry:read',
  'dictionary:read',
  'forms:read',
  'api-docs:read',
  'session:start',
  'session:end',
  'session:read',
  'registry:manage',
  'records:create',
  'records:read',
  'records:list',
  'records:save',
  'records:submit',
  'records:review',
  'records:amend',
  'records:history',
  'audit:read-jurisdiction',
  'audit:read-all',
  'aggregates:read',
  'reports:read-own',
  'reports:run',
  'warehouse:run',
  'notices:read',
  'notices:withdraw',
  'notices:answer',
  'notices:status',
  'notices:open-link',
  'survey:respond',
  'surveys:manage',
  'survey-results:read',
  'survey-results:read-all',
  'survey-targets:manage',
  'review:open-link',
  'review:decide',
] as const;
export type Action = (typeof ACTIONS)[number];

export const ACTION_DESCRIPTIONS: Record<Action, string> = {
  'health:read': 'whether the platform and its services answer',
  'web:read': 'the public web pages (home, help)',
  'web:report': "send the browser's reports of what a page's Content-Security-Policy blocked",
  'registry:read': 'the public jurisdictions registry',
  'dictionary:read': 'the data dictionary',
  'forms:read': 'form definitions (what a form asks)',
  'api-docs:read': 'the OpenAPI document of the API',
  'session:start': 'begin and complete sign-in',
  'session:end': 'sign out',
  'session:read': 'who am I, and how long until my session times out',
  'registry:manage': 'add and change jurisdictions of the registry',
  'records:create': 'start a new record (review, notice)',
  'records:read': 'open one record',
  'records:list': 'list records',
  'records:save': 'save a draft',
  'records:submit': 'submit a record for review',
  'records:review': 'move a record to in_review, returned or approved',
  'records:amend': 'amend an approved record: a new version with a reason, back to its author, reviewed again (audited)',
  'records:history': "read a record's version history and what changed between versions (answers included)",
  'audit:read-jurisdiction': "read one jurisdiction's audit log",
  'audit:read-all': 'read the audit log of every jurisdiction',
  'aggregates:read': "the partnership's published reports and their tables (small cells suppressed; never raw records)",
  'reports:read-own': "the jurisdiction's own report of a period, unsuppressed (its own counts only), with its tables",
  'reports:run': 'start a report run for a period now (besides the schedules)',
  'notices:read': "browse and read every partner's published safety notices (the de-identified copies; never a draft, its history or its reviewers)",
  'notices:answer': "answer a partner's published notice for the jurisdiction: acknowledged, action in progress, completed, or not applicable with a reason",
  'notices:status': "a published notice's status table: every partner jurisdiction's answer and days overdue, with CSV (the issuer's own notices; every notice for partnership leads and platform admins)",
  'notices:withdraw': "withdraw one of the jurisdiction's published safety notices, with a reason partners are told",
  'notices:open-link': "open a safety notice's emailed link: a signed-out person is sent to sign in and back; it shows the notice or the page that acknowledges it, and changes nothing",
  'warehouse:run': "see the warehouse feed's releases (which jurisdictions each carries, its k-anonymity figures) and start one now (besides the monthly schedule)",
  'survey:respond': 'answer the anonymous safety culture survey through a wave link (no sign-in)',
  'surveys:manage': "open and close the jurisdiction's survey waves",
  'survey-results:read': "read the frozen results of the jurisdiction's closed survey waves (protected: small groups show no number), with CSV",
  'survey-results:read-all': "read every jurisdiction's latest survey results at jurisdiction level, the partnership pool, baselines and targets, with CSV",
  'survey-targets:manage': "set the partnership's survey baselines and targets per scale (audited)",
  'review:open-link': 'open an emailed review link: a signed-out person is sent to sign in and back; the page shows only to the reviewer the link was sent to, and changes nothing',
  'review:decide': 'approve or return a record by confirming an emailed review link (the link must have been sent to this reviewer)',
};

/**
 * - `public`: anyone, signed in or not;
 * - `own-jurisdiction`: signed in, and only on targets of the principal's own jurisdiction;
 * - `all`: signed in, on any target (or a target that has no jurisdiction, such as one's own session).
 */
export const SCOPES = ['public', 'own-jurisdiction', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

/** Actions anyone may take without signing in. */
export const PUBLIC_ACTIONS = ['health:read', 'web:read', 'web:report', 'registry:read', 'dictionary:read', 'forms:read', 'api-docs:read', 'session:start', 'session:end', 'survey:respond', 'review:open-link', 'notices:open-link'] as const satisfies readonly Action[];

export const isPublicAction = (action: Action): boolean => (PUBLIC_ACTIONS as readonly Action[]).includes(action);

const publicRow = Object.fromEntries(PUBLIC_ACTIONS.map((a) => [a, 'public'])) as Record<(typeof PUBLIC_ACTIONS)[number], 'public'>;

/**
 * What each role may do beyond the public actions. An action missing from a role's row is denied.
 * Partnership leads get aggregates only: no raw record of any jurisdiction, not even by id.
 * Platform admins run the registry and read every audit log; records belong to jurisdictions, so they neither
 * read nor edit them.
 */
export const POLICY: Readonly<Record<Role, Readonly<Partial<Record<Action, Scope>>>>> = {
  submitter: {
    ...publicRow,
    'session:read': 'all',
    'records:create': 'own-jurisdiction',
    'records:read': 'own-jurisdiction',
    'records:list': 'own-jurisdiction',
    'records:save': 'own-jurisdiction',
    'records:submit': 'own-jurisdiction',
    'notices:read': 'all',
  },
  reviewer: {
    ...publicRow,
    'session:read': 'all',
    'records:read': 'own-jurisdiction',
    'records:list': 'own-jurisdiction',
    'records:review': 'own-jurisdiction',
    'records:amend': 'own-jurisdiction',
    'records:history': 'own-jurisdiction',
    'review:decide': 'own-jurisdiction',
    'aggregates:read': 'all',
    'reports:read-own': 'own-jurisdiction',
    'notices:read': 'all',
    'notices:withdraw': 'own-jurisdiction',
    'notices:answer': 'own-jurisdiction',
    'notices:status': 'own-jurisdiction',
  },
  jurisdiction_admin: {
    ...publicRow,
    'session:read': 'all',
    'records:read': 'own-jurisdiction',
    'records:list': 'own-jurisdiction',
    'records:amend': 'own-jurisdiction',
    'records:history': 'own-jurisdiction',
    'audit:read-jurisdiction': 'own-jurisdiction',
    'surveys:manage': 'own-jurisdiction',
    'survey-results:read': 'own-jurisdiction',
    'aggregates:read': 'all',
    'reports:read-own': 'own-jurisdiction',
    'notices:read': 'all',
    'notices:withdraw': 'own-jurisdiction',
    'notices:answer': 'own-jurisdiction',
    'notices:status': 'own-jurisdiction',
  },
  partnership_lead: {
    ...publicRow,
    'session:read': 'all',
    'aggregates:read': 'all',
    'survey-results:read-all': 'all',
    'notices:read': 'all',
    'notices:status': 'all',
  },
  platform_admin: {
    ...publicRow,
    'session:read': 'all',
    'registry:manage': 'all',
    'audit:read-jurisdiction': 'all',
    'audit:read-all': 'all',
    'survey-results:read-all': 'all',
    'survey-targets:manage': 'all',
    'reports:run': 'all',
    'warehouse:run': 'all',
    'notices:read': 'all',
    'notices:status': 'all',
  },
};

/** The scope a role has for an action; undefined = denied. */
export const scopeOf = (role: Role, action: Action): Scope | undefined => POLICY[role][action];

/** Who acts: the subset of a principal that the policy looks at. */
export interface Actor {
  role: Role;
  jurisdictionId?: string;
}

/** What is acted on; `jurisdictionId` is the owner of the record, audit log or list being touched. */
export interface Target {
  jurisdictionId?: string;
}

/**
 * Throws unless `principal` may take `action` on `target`:
 * - UnauthorizedError (401) when nobody is signed in and the action is not public;
 * - ForbiddenError (403) when the role never has the action;
 * - NotFoundError (404) when the target belongs to another jurisdiction, so the answer does not reveal that it
 *   exists. Without a target jurisdiction the caller must scope its query to `principal.jurisdictionId` itself.
 */
export function authorize(principal: Actor | undefined, action: Action, target?: Target): void {
  if (isPublicAction(action)) return;
  if (!principal) throw new UnauthorizedError('Sign in to do this.');
  const scope = scopeOf(principal.role, action);
  if (scope === undefined) throw new ForbiddenError('Your role does not allow this.');
  if (scope === 'own-jurisdiction') {
    // A jurisdiction role without a jurisdiction is a broken principal: deny rather than guess.
    if (!principal.jurisdictionId) throw new ForbiddenError('Your account is not linked to a jurisdiction.');
    if (target?.jurisdictionId !== undefined && target.jurisdictionId !== principal.jurisdictionId) {
      throw new NotFoundError('Not found.');
    }
  }
}

/** Whether `authorize` would let the principal through (for showing or hiding UI, never instead of authorize). */
export function isAllowed(principal: Actor | undefined, action: Action, target?: Target): boolean {
  try {
    authorize(principal, action, target);
    return true;
  } catch {
    return false;
  }
}

/** The policy as a markdown table (docs/auth.md embeds it). */
export function policyMarkdown(): string {
  const head = `| action | ${ROLES.join(' | ')} |`;
  const rule = `| --- | ${ROLES.map(() => '---').join(' | ')} |`;
  const rows = ACTIONS.map((a) => `| \`${a}\` | ${ROLES.map((r) => scopeOf(r, a) ?? '—').join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}
