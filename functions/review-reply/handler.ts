import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '#shared/aws/document-client.ts';
import { s3 } from '#shared/aws/s3.ts';
import { requiredEnv } from '#shared/config.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { processInbound, receiptsOf, type InboundDeps, type InboundResult } from '#shared/review/inbound.ts';

const TABLE = requiredEnv('TABLE_NAME');
const BUCKET = requiredEnv('INBOUND_BUCKET');
const PREFIX = requiredEnv('INBOUND_PREFIX');
const INBOUND_DOMAIN = requiredEnv('INBOUND_DOMAIN');
const registry = new JurisdictionStore(TABLE);

// The reply's own work (the MIME and quote parsers, the hand-off with its record service and forms, nodemailer)
// loads with the first message, not at every cold start; as in functions/review-tasks/handler.ts.
let flow: Promise<InboundDeps['handle']> | undefined;
const replyFlow = () =>
  (flow ??= Promise.all([import('#shared/review/reply-flow.ts'), import('#shared/review/reply-deps.ts')]).then(([{ handleReply }, { replyHandOff }]) => {
    const { roundOf, decide } = replyHandOff(TABLE);
    return (message, requestId) => handleReply(message, { client: documentClient, tableName: TABLE, inboundDomain: INBOUND_DOMAIN, roundOf, decide, requestId });
  }));

const deps: InboundDeps = {
  client: documentClient,
  tableName: TABLE,
  inboundDomain: INBOUND_DOMAIN,
  appOrigin: requiredEnv('APP_ORIGIN'),
  // The size from a HEAD first: a message over the limit is refused without being read.
  fetchRaw: async (messageId) => {
    const { sdk, client } = await s3();
    const Key = `${PREFIX}${messageId}`;
    const head = await client.send(new sdk.HeadObjectCommand({ Bucket: BUCKET, Key }));
    return {
      size: head.ContentLength ?? 0,
      read: async () => (await client.send(new sdk.GetObjectCommand({ Bucket: BUCKET, Key }))).Body!.transformToByteArray(),
    };
  },
  handle: async (message, requestId) => (await replyFlow())(message, requestId),
  send: async (message) => (await import('#shared/mail/send.ts')).sendMail(message),
  jurisdictionName: async (id) => (await registry.get(id))?.name,
};

/**
 * SES's receipt rule stores each reply in the inbound bucket, then invokes this function (asynchronously) with the
 * receipt: one message per record. A failure is thrown, so Lambda retries the event (processInbound makes a retry
 * safe) and gives it up to the dead-letter queue, which alarms. The results (codes only) are returned for the
 * local stand-in's tests; SES ignores them.
 */
export const handler = middy(async (event: unknown): Promise<InboundResult[]> => {
  const results: InboundResult[] = [];
  for (const receipt of receiptsOf(event)) {
    logger.appendKeys({ sesMessageId: receipt.messageId });
    results.push(await processInbound(receipt, deps));
  }
  return results;
}).use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
