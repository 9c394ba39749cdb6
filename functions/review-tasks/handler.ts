import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { recordService } from '#shared/records/http.ts';
import { parseState, ReviewTasks, type ResumeInput } from '#shared/review/tasks.ts';
import { PeopleDirectory } from '#shared/auth/people.ts';
import type { ReviewNotifier } from '#shared/review/notify.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { namedNetworkErrors } from '#shared/aws/network-errors.ts';

const TABLE = requiredEnv('TABLE_NAME');
let tasks: Promise<ReviewTasks> | undefined;
const reviewTasks = () =>
  (tasks ??= recordService(TABLE).then((records) => new ReviewTasks({ records, registry: new JurisdictionStore(TABLE), table: (id) => scopedTable(documentClient, TABLE, id) })));

let notifier: Promise<ReviewNotifier> | undefined;
// Mail (nodemailer, MAIL_FROM) loads with the first notice, not at every cold start.
const reviewNotifier = () =>
  (notifier ??= Promise.all([recordService(TABLE), import('#shared/review/notify.ts'), import('#shared/mail/send.ts'), import('#shared/notices/published.ts'), import('#shared/notices/answers.ts')]).then(
    ([records, { ReviewNotifier }, { sendMail }, { PublishedNotices }, { answersTo }]) =>
      new ReviewNotifier({
        records,
        registry: new JurisdictionStore(TABLE),
        people: new PeopleDirectory(documentClient, TABLE),
        table: (id) => scopedTable(documentClient, TABLE, id),
        send: sendMail,
        appOrigin: requiredEnv('APP_ORIGIN'),
        inboundDomain: requiredEnv('INBOUND_DOMAIN'),
        // The partners' notices the digest lists and the daily run escalates (docs/notices.md, "Follow-up").
        safetyNotices: { active: () => new PublishedNotices(documentClient, TABLE).list({ status: 'active' }), answersTo: (issuerId, recordId) => answersTo(documentClient, TABLE, issuerId, recordId) },
      }),
  ));

const resumeOf = (state: unknown): ResumeInput => {
  const at = (state as ResumeInput | undefined)?.resumeAt;
  return at === 'decision' || at === 'resubmission' ? { resumeAt: at } : {};
};

const eventSchema = z.lazy(() =>
  z.discriminatedUnion('task', [
    z.object({
      task: z.literal('begin'),
      input: z.object({
        jurisdictionId: z.string(),
        recordId: z.string(),
        submissionId: z.string(),
        resumeAt: z.optional(z.enum(['decision', 'resubmission'])),
        reminders: z.optional(z.number().check(z.int(), z.minimum(0))),
      }),
    }),
    z.object({ task: z.literal('wait'), kind: z.enum(['decision', 'resubmission']), token: z.string(), executionName: z.string(), state: z.unknown() }),
    z.object({ task: z.literal('remind'), state: z.unknown() }),
    z.object({ task: z.literal('apply-decision'), state: z.unknown() }),
    z.object({ task: z.literal('resubmitted'), state: z.unknown() }),
    z.object({ task: z.literal('end'), executionName: z.string(), state: z.unknown() }),
    z.object({ task: z.literal('notify'), kind: z.enum(['review_request', 'returned', 'approved']), resubmitted: z.optional(z.boolean()), state: z.unknown() }),
    z.object({ task: z.literal('daily-digest') }),
  ]),
);

/**
 * The review workflow's tasks (infra/constructs/workflows/review.ts) and the daily reminder digest (with the safety
 * notices' reminders and escalations), one function for all: they share the record
 * service and the table. Errors propagate so that the state machine retries, then fails into its alarm.
 */
export const handler = middy(async (raw: unknown): Promise<unknown> => {
  const event = eventSchema.parse(raw);
  const t = await reviewTasks();
  logger.appendKeys({ task: event.task });
  switch (event.task) {
    case 'begin':
      return t.begin(event.input);
    case 'wait':
      // A resumed review's first wait keeps its entry's due date (resumeAt is in the state until the next task's result).
      return t.wait({ token: event.token, kind: event.kind, executionName: event.executionName, state: { ...parseState(event.state), ...resumeOf(event.state) } });
    case 'remind': {
      // The count first (the state's), then its emails: a retry recomputes the same count and sends nothing twice.
      const next = await t.remind(parseState(event.state));
      await (await reviewNotifier()).reminded(next);
      return next;
    }
    case 'apply-decision':
      return t.applyDecision(parseState(event.state));
    case 'resubmitted':
      return t.resubmitted(parseState(event.state));
    case 'end':
      return t.end(parseState(event.state), event.executionName);
    case 'notify':
      return (await reviewNotifier()).notify(event.kind, parseState(event.state), { resubmitted: event.resubmitted ?? false });
    case 'daily-digest':
      return (await reviewNotifier()).dailyDigest();
  }
})
  .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
  // A dropped connection is retried by the workflow like a throttled call (shared/aws/network-errors.ts).
  .use(namedNetworkErrors());
