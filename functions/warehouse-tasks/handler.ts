import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { WarehouseRun } from '#shared/warehouse/run.ts';
import { releaseSettingsFromEnv } from '#shared/warehouse/settings.ts';
import { namedNetworkErrors } from '#shared/aws/network-errors.ts';

const run = new WarehouseRun({
  client: documentClient,
  tableName: requiredEnv('TABLE_NAME'),
  bucket: requiredEnv('EXPORTS_BUCKET'),
  // A bad k fails the cold start, never a release made with a weaker one.
  settings: releaseSettingsFromEnv(),
});

const taskSchema = z.lazy(() => z.object({ task: z.enum(['plan', 'extract', 'publish']) }));

/**
 * The warehouse workflow's tasks (infra/constructs/workflows/warehouse.ts; shared/warehouse/run.ts). Errors
 * propagate, so the workflow retries (one jurisdiction's extract by itself), then fails into its alarm without
 * switching the release.
 */
export const handler = middy(async (raw: unknown): Promise<unknown> => {
  const { task } = z.parse(taskSchema, raw);
  logger.appendKeys({ task });
  if (task === 'plan') return run.plan(raw);
  if (task === 'extract') return run.extract(raw);
  return run.publish(raw);
})
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  // A dropped connection is retried by the workflow like a throttled call (shared/aws/network-errors.ts).
  .use(namedNetworkErrors());
