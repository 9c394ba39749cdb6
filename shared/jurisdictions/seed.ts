import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { jurisdictionSchema } from './model.ts';
import type { JurisdictionStore } from './store.ts';

const seedFileSchema = z.object({ $comment: z.optional(z.string()), jurisdictions: z.array(jurisdictionSchema).check(z.minLength(1)) });

/** Reads and validates a registry seed file (seed/jurisdictions.json); a bad entry stops the seed with its index. */
export function readJurisdictionSeed(file: string) {
  const parsed = seedFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`Invalid seed file ${file}:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data.jurisdictions;
}

/** Adds the seed's jurisdictions that are missing; existing ones (perhaps edited since) are left alone. */
export async function seedJurisdictions(store: JurisdictionStore, file: string): Promise<{ added: number; existing: number }> {
  let added = 0;
  let existing = 0;
  for (const j of readJurisdictionSeed(file)) {
    if (await store.create(j)) added++;
    else existing++;
  }
  return { added, existing };
}
