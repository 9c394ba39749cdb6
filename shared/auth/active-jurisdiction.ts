import { JurisdictionStore } from '#shared/jurisdictions/store.ts';

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

export const registryActiveCheck = (tableName: string) => {
  const registry = new JurisdictionStore(tableName);
  return activeJurisdictionCheck((id) => registry.get(id));
};
