import { requiredEnv } from '#shared/config.ts';
import { healthApi as api } from '#shared/health-api.ts';
import { checkHealth } from '#shared/health.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { json } from '#shared/http/response.ts';

const targets = {
  tableName: requiredEnv('TABLE_NAME'),
  bucketName: requiredEnv('EXPORTS_BUCKET'),
  stateMachineArn: requiredEnv('REGISTRY_EXPORT_STATE_MACHINE_ARN'),
};

export const handler = httpFunction({
  'GET /healthz': route({
    ...api['GET /healthz'],
    handle: async () => {
      const report = await checkHealth(targets);
      return json(report.status === 'ok' ? 200 : 503, report);
    },
  }),
});
