import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { isJurisdictionRole, ROLE_LABELS, ROLES } from '#shared/auth/policy.ts';
import { CLAIMS, roleGroupName } from '#shared/auth/principal.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';

export const DEMO_USERS_FILE = path.resolve(import.meta.dirname, '..', '..', 'seed', 'users.json');

const demoUserSchema = z
  .object({
    sub: z.string().regex(/^[a-z0-9-]{3,64}$/, 'A demo user id is lowercase letters, digits and hyphens'),
    name: z.string().min(1).max(120),
    email: z.email(),
    role: z.enum(ROLES),
    jurisdictionId: z.optional(jurisdictionIdSchema),
  })
  .strict()
  .refine((u) => isJurisdictionRole(u.role) === (u.jurisdictionId !== undefined), {
    message: 'Submitters, reviewers and jurisdiction admins name their jurisdiction; partnership-wide roles do not',
    path: ['jurisdictionId'],
  });

export type DemoUser = z.infer<typeof demoUserSchema>;

const fileSchema = z.object({ $comment: z.string().optional(), users: z.array(demoUserSchema).min(1) }).strict();

/** The demo users of seed/users.json, validated; ids must be unique. */
export function loadDemoUsers(file = DEMO_USERS_FILE): DemoUser[] {
  const { users } = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const seen = new Set<string>();
  for (const u of users) {
    if (seen.has(u.sub)) throw new Error(`${file}: demo user id ${u.sub} appears twice`);
    seen.add(u.sub);
  }
  return users;
}

/** The claims a demo user's ID token carries: the names Cognito uses, so the app maps both issuers the same way. */
export function demoUserClaims(user: DemoUser): Record<string, unknown> {
  return {
    sub: user.sub,
    name: user.name,
    email: user.email,
    email_verified: true,
    [CLAIMS.groups]: [roleGroupName(user.role)],
    ...(user.jurisdictionId ? { [CLAIMS.jurisdiction]: user.jurisdictionId } : {}),
  };
}

/** One line per demo user, for the `npm start` banner. */
export function describeDemoUsers(users: readonly DemoUser[]): string[] {
  return users.map((u) => `${u.email.padEnd(44)} ${ROLE_LABELS[u.role].padEnd(30)} ${u.jurisdictionId ?? '(all jurisdictions)'}`);
}
