import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { requiredEnv } from '#shared/config.ts';
import { exportRegistry, registryExportInputSchema, type RegistryExportResult } from '#shared/jurisdictions/registry-export.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { namedNetworkErrors } from '#shared/aws/network-errors.ts';

const store = new JurisdictionStore(requiredEnv('TABLE_NAME'));
const bucket = requiredEnv('EXPORTS_BUCKET');

/** Step Functions task of the registry-export state machine. Errors propagate so the state machine retries. */
export const handler = middy(async (event: unknown): Promise<RegistryExportResult> => {
  const input = registryExportInputSchema.parse(event);
  const result = await exportRegistry(store, bucket, input);
  logger.info('Registry snapshot written', { count: result.count });
  return result;
})
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  // A dropped connection is retried by the workflow like a throttled call (shared/aws/network-errors.ts).
  .use(namedNetworkErrors());
