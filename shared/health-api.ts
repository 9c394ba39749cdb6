import * as z from 'zod';
import { contract } from '#shared/http/contract.ts';

// Apart from shared/health.ts so that the OpenAPI function does not load the SDK clients the checks use.
const healthReportSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    services: z.record(z.string(), z.enum(['ok', 'unavailable'])).meta({ description: 'dynamodb, s3, stepfunctions, mail' }),
  })
  .meta({ id: 'HealthReport' });

export const healthApi = {
  'GET /healthz': contract({
    responses: {
      200: { description: 'Every service answers', schema: healthReportSchema },
      503: { description: 'At least one service does not answer', schema: healthReportSchema },
    },
  }),
};
