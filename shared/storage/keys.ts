import * as z from 'zod/mini';
import '#shared/zod-config.ts';

/**
 * Key design of the one table (see docs/architecture.md):
 * - every jurisdiction-owned item: pk = `<jurisdictionId>` or `<jurisdictionId>#<kind>...`, so an IAM policy with
 *   dynamodb:LeadingKeys = [`<id>`, `<id>#*`] confines a credential to one jurisdiction;
 * - partnership-wide listings go through gsi1 under a `REGISTRY#...` partition.
 * Jurisdiction ids are lowercase slugs without `#`, so no id is a prefix-with-separator of another.
 */
export const jurisdictionIdSchema = z
  .string()
  .check(
    z.minLength(2, 'A jurisdiction id has at least 2 characters'),
    z.maxLength(40, 'A jurisdiction id has at most 40 characters'),
    z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'A jurisdiction id is lowercase letters, digits and single hyphens, such as "ky-dcbs"'),
  );

export type JurisdictionId = z.infer<typeof jurisdictionIdSchema>;

export const keys = {
  jurisdictionProfile: (id: JurisdictionId) => ({ pk: id, sk: 'PROFILE' }) as const,
  /** gsi1 partition that lists every jurisdiction of the registry. */
  registryPartition: 'REGISTRY#JURISDICTION',
};
