import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';

// Apart from shared/health.ts so that the OpenAPI function does not load the SDK clients the checks use.
let reportSchema: z.core.$ZodType | undefined;
const healthReportSchema = () =>
  (reportSchema ??= withMeta(
    z.object({
      status: z.enum(['ok', 'degraded']),
      services: withMeta(z.record(z.string(), z.enum(['ok', 'unavailable'])), { description: 'dynamodb, s3, stepfunctions, mail' }),
    }),
    { id: 'HealthReport' },
  ));

export const healthApi = {
  'GET /healthz': contract({
    // For the OpenAPI document only (a function, so that the health function never builds them).
    responses: () => ({
      200: { description: 'Every service answers', schema: healthReportSchema() },
      503: { description: 'At least one service does not answer', schema: healthReportSchema() },
    }),
  }),
};
