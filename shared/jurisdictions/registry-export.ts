import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { s3 } from '#shared/aws/s3.ts';
import { toCsv } from '#shared/csv.ts';
import { toPublicJurisdiction } from './model.ts';
import type { JurisdictionStore } from './store.ts';

export const registryExportInputSchema = z.object({
  requestedAt: z.iso.datetime({ offset: true }),
  executionId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/)),
});

export type RegistryExportInput = z.infer<typeof registryExportInputSchema>;

export interface RegistryExportResult {
  count: number;
  keys: { json: string; csv: string };
}

const CSV_COLUMNS = ['id', 'name', 'type', 'state', 'county', 'active', 'joinedYear', 'unitCount'] as const;

/**
 * Writes the registry (public fields only: no contacts) as JSON and CSV under registry/<date>/<execution>.
 * Keyed by execution so a retried task overwrites its own files instead of adding a second snapshot.
 */
export async function exportRegistry(store: JurisdictionStore, bucket: string, input: RegistryExportInput): Promise<RegistryExportResult> {
  const jurisdictions = (await store.list()).map(toPublicJurisdiction);
  const prefix = `registry/${input.requestedAt.slice(0, 10)}/${input.executionId}`;
  const keys = { json: `${prefix}.json`, csv: `${prefix}.csv` };
  const csv = toCsv(
    jurisdictions.map((j) => ({ ...j, county: j.county ?? '', unitCount: j.units.length })),
    CSV_COLUMNS,
  );
  const { sdk, client } = await s3();
  await Promise.all([
    client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket,
        Key: keys.json,
        ContentType: 'application/json',
        Body: JSON.stringify({ generatedAt: input.requestedAt, count: jurisdictions.length, jurisdictions }, null, 2),
      }),
    ),
    client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: keys.csv, ContentType: 'text/csv; charset=utf-8', Body: csv })),
  ]);
  return { count: jurisdictions.length, keys };
}
