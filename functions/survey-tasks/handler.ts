import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { secret } from '#shared/secrets.ts';
import { INVITE_SECRET_NAME } from '#shared/survey/invitations/tokens.ts';
import type { SurveyJob } from '#shared/survey/lifecycle/jobs.ts';
import { namedNetworkErrors } from '#shared/aws/network-errors.ts';

const TABLE = requiredEnv('TABLE_NAME');
const APP_ORIGIN = requiredEnv('APP_ORIGIN');

// Mail (nodemailer, MAIL_FROM) and the jobs load with the first step, not at every cold start.
let jobs: Promise<import('#shared/survey/lifecycle/jobs.ts').SurveyJobs> | undefined;
const surveyJobs = () =>
  (jobs ??= Promise.all([import('#shared/survey/lifecycle/jobs.ts'), import('#shared/mail/send.ts')]).then(
    ([{ SurveyJobs }, { sendMail }]) =>
      new SurveyJobs({ client: documentClient, tableName: TABLE, registry: new JurisdictionStore(TABLE), secret: () => secret(INVITE_SECRET_NAME), send: sendMail, appOrigin: APP_ORIGIN }),
  ));

const eventSchema = z.lazy(() =>
  z.discriminatedUnion('task', [
    // The daily run (scheduled: no input) plans from the execution's start time.
    z.object({ task: z.literal('daily-plan'), requestedAt: z.string() }),
    z.object({ task: z.literal('step'), state: z.object({ job: z.enum(['import', 'remind', 'close', 'daily']), done: z.boolean() }) }),
  ]),
);

/**
 * The survey workflows' tasks (infra/constructs/workflows/survey.ts): plan the daily run, and run one bounded step
 * of a job (shared/survey/lifecycle/jobs.ts). Errors propagate so that the state machine retries (mail outages by
 * name), then fails into its alarm.
 */
export const handler = middy(async (raw: unknown): Promise<unknown> => {
  const event = eventSchema.parse(raw);
  logger.appendKeys({ task: event.task });
  const j = await surveyJobs();
  if (event.task === 'daily-plan') return j.plan(new Date(event.requestedAt));
  logger.appendKeys({ job: event.state.job });
  // The state is the one this function returned last (the workflow passes it back unchanged).
  return j.step((raw as { state: SurveyJob }).state);
})
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  // A dropped connection is retried by the workflow like a throttled call (shared/aws/network-errors.ts).
  .use(namedNetworkErrors());
