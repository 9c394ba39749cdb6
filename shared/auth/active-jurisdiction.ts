import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/aws/document-client.ts';
import { keys } from '#shared/storage/keys.ts';

const TTL_MS = 60_000;

/**
 * Whether a jurisdiction is still an active member of the partnership, cached per container for a minute: a
 * jurisdiction taken out of the registry (or deactivated) stops its users' sessions within a minute, at the cost of
 * one GetItem per jurisdiction per minute.
 */
export function activeJurisdictionCheck(
  lookup: (id: string) => Promise<{ active: boolean } | undefined>,
  now: () => number = Date.now,
): (jurisdictionId: string) => Promise<boolean> {
  const cache = new Map<string, { active: boolean; until: number }>();
  return async (jurisdictionId) => {
    const hit = cache.get(jurisdictionId);
    if (hit && hit.until > now()) return hit.active;
    const active = (await lookup(jurisdictionId))?.active === true;
    cache.set(jurisdictionId, { active, until: now() + TTL_MS });
    return active;
  };
}

/**
 * The check against the registry: only the profile's `active` flag is read (a projection), not the whole profile
 * with its contacts, and no profile schema is needed, so functions that only read sessions do not bundle one.
 */
export const registryActiveCheck = (tableName: string, client: DynamoDBDocumentClient = documentClient) =>
  activeJurisdictionCheck(async (id) => {
    const out = await client.send(new GetCommand({ TableName: tableName, Key: keys.jurisdictionProfile(id), ProjectionExpression: 'active', ConsistentRead: true }));
    return out.Item ? { active: out.Item.active === true } : undefined;
  });
