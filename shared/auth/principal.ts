import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { UnauthorizedError } from '#shared/errors.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { isJurisdictionRole, ROLES, type Role } from './policy.ts';

/** Who is signed in. `displayName` is for the UI only: never log it (nor the subject's email). */
export interface Principal {
  /** The issuer's stable user id (`sub`). */
  subject: string;
  role: Role;
  /** Set for submitters, reviewers and jurisdiction admins; never for partnership-wide roles. */
  jurisdictionId?: string;
  displayName?: string;
}

export const principalSchema = z.lazy(() => z
  .strictObject({
    subject: z.string().check(z.minLength(1), z.maxLength(255)),
    role: z.enum(ROLES),
    jurisdictionId: z.optional(jurisdictionIdSchema),
    displayName: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  })
  .check(
    z.refine((p) => isJurisdictionRole(p.role) === (p.jurisdictionId !== undefined), {
      message: 'Jurisdiction roles carry a jurisdiction id, partnership-wide roles none',
      path: ['jurisdictionId'],
    }),
  ));

/**
 * ID-token claims that carry role and jurisdiction. Cognito names them; the local provider emits the same names,
 * so one mapping serves both issuers.
 */
export const CLAIMS = {
  groups: 'cognito:groups',
  jurisdiction: 'custom:jurisdiction',
  /** Cognito sets this for users who signed in through a federated (SAML / OIDC) identity provider. */
  identities: 'identities',
} as const;

/** A role is granted by membership of the group `role:<role>`. */
export const ROLE_GROUP_PREFIX = 'role:';
export const roleGroupName = (role: Role): string => `${ROLE_GROUP_PREFIX}${role}`;

const claimsSchema = z.lazy(() => z.looseObject({
  sub: z.string().check(z.minLength(1), z.maxLength(255)),
  [CLAIMS.groups]: z.optional(z.union([z.array(z.string()), z.string()])),
  [CLAIMS.jurisdiction]: z.optional(z.string()),
  [CLAIMS.identities]: z.optional(z.unknown()),
  name: z.optional(z.string()),
  given_name: z.optional(z.string()),
  family_name: z.optional(z.string()),
}));

const identitySchema = z.lazy(() => z.looseObject({ providerName: z.string(), providerType: z.string() }));

/**
 * Maps verified ID-token claims to a principal, or throws UnauthorizedError when they do not name exactly one known
 * role, or a jurisdiction role comes without a well-formed jurisdiction. Messages never echo claim values.
 *
 * Federation: an agency's own identity provider is registered in the user pool under the agency's jurisdiction id
 * as its provider name (docs/auth.md). Its users belong to that jurisdiction and nowhere else, whatever attribute
 * the agency sends, and cannot hold a partnership-wide role.
 */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) throw new UnauthorizedError('The sign-in token does not identify a user.');
  const c = parsed.data;

  const groups = typeof c[CLAIMS.groups] === 'string' ? [c[CLAIMS.groups] as string] : ((c[CLAIMS.groups] as string[] | undefined) ?? []);
  // Other groups (Cognito's own per-provider groups, for one) are not roles.
  const roleGroups = [...new Set(groups.filter((g) => g.startsWith(ROLE_GROUP_PREFIX)))];
  if (roleGroups.length === 0) throw new UnauthorizedError('Your account has no role on the platform yet. Ask your jurisdiction admin to assign one.');
  if (roleGroups.length > 1) throw new UnauthorizedError('Your account has more than one role. Ask your jurisdiction admin to keep only one.');
  const role = roleGroups[0]!.slice(ROLE_GROUP_PREFIX.length);
  if (!(ROLES as readonly string[]).includes(role)) throw new UnauthorizedError('Your account has a role the platform does not know.');

  const federatedProvider = federatedProviderOf(c[CLAIMS.identities]);
  let jurisdictionId = c[CLAIMS.jurisdiction]?.trim() || undefined;
  if (federatedProvider !== undefined) {
    if (!isJurisdictionRole(role as Role)) throw new UnauthorizedError('Partnership-wide roles sign in with a platform account, not through an agency.');
    if (jurisdictionId !== undefined && jurisdictionId !== federatedProvider) {
      throw new UnauthorizedError('Your agency sign-in does not match your jurisdiction.');
    }
    jurisdictionId = federatedProvider;
  }

  const displayName = c.name?.trim() || [c.given_name, c.family_name].filter(Boolean).join(' ').trim() || undefined;
  const principal: Principal = { subject: c.sub, role: role as Role, displayName: displayName?.slice(0, 200) };
  if (isJurisdictionRole(role as Role)) {
    if (jurisdictionId === undefined) throw new UnauthorizedError('Your account is not linked to a jurisdiction. Ask your jurisdiction admin.');
    if (!jurisdictionIdSchema.safeParse(jurisdictionId).success) throw new UnauthorizedError('Your account is linked to a jurisdiction the platform does not know.');
    principal.jurisdictionId = jurisdictionId;
  }
  // A partnership-wide role ignores any jurisdiction attribute: its scope is all or nothing, never one agency.
  if (principal.displayName === undefined) delete principal.displayName;
  return principal;
}

/** The provider name of a SAML/OIDC federated identity in Cognito's `identities` claim (a JSON array, or its string form). */
function federatedProviderOf(value: unknown): string | undefined {
  let list = value;
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      throw new UnauthorizedError('The sign-in token does not identify a user.');
    }
  }
  if (list === undefined || list === null) return undefined;
  const entries = z.array(identitySchema).safeParse(Array.isArray(list) ? list : [list]);
  if (!entries.success) throw new UnauthorizedError('The sign-in token does not identify a user.');
  const federated = entries.data.filter((i) => i.providerType === 'SAML' || i.providerType === 'OIDC');
  if (federated.length === 0) return undefined;
  const names = new Set(federated.map((i) => i.providerName));
  if (names.size > 1) throw new UnauthorizedError('Your account is linked to more than one agency sign-in.');
  return federated[0]!.providerName;
}
