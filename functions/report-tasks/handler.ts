import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { namedNetworkErrors } from '#shared/aws/network-errors.ts';

const TABLE = requiredEnv('TABLE_NAME');
const BUCKET = requiredEnv('EXPORTS_BUCKET');
const APP_ORIGIN = requiredEnv('APP_ORIGIN');

// The run, mail and (in publish) Vega load with the first step, not at every cold start.
let loading: Promise<import('#shared/reports/run.ts').ReportRun> | undefined;
const reportRun = () =>
  (loading ??= Promise.all([import('#shared/reports/run.ts'), import('#shared/mail/send.ts'), import('#shared/mail/templates/report.tsx')]).then(
    ([{ ReportRun }, { sendMail }, { reportPublishedMail }]) =>
      new ReportRun({
        client: documentClient,
        tableName: TABLE,
        bucket: BUCKET,
        appOrigin: APP_ORIGIN,
        send: sendMail,
        render: async (doc) => (await import('#shared/reports/render/report.tsx')).renderReportHtml(doc),
        compose: reportPublishedMail,
      }),
  ));

const taskSchema = z.lazy(() => z.object({ task: z.enum(['plan', 'aggregate', 'publish']) }));

/**
 * The reports workflow's tasks (infra/constructs/workflows/reports.ts; shared/reports/run.ts). Errors propagate, so
 * the workflow retries (one jurisdiction's aggregate by itself), then fails into its alarm without publishing.
 */
export const handler = middy(async (raw: unknown): Promise<unknown> => {
  const { task } = z.parse(taskSchema, raw);
  logger.appendKeys({ task });
  const run = await reportRun();
  if (task === 'plan') return run.plan(raw);
  if (task === 'aggregate') return run.aggregate(raw);
  return run.publish(raw);
})
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  // A dropped connection is retried by the workflow like a throttled call (shared/aws/network-errors.ts).
  .use(namedNetworkErrors());
