import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { AwsChainStorage } from '#shared/audit/archive/storage.ts';
import { archiveStreamRecords } from '#shared/audit/archive/stream.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';

const storage = new AwsChainStorage(documentClient, requiredEnv('TABLE_NAME'), requiredEnv('AUDIT_ARCHIVE_BUCKET'));

/**
 * The table's stream, filtered to new audit items: each is appended to its jurisdiction's hash chain in the Object
 * Lock bucket (docs/audit.md). A failed record is reported, so the stream retries from it; after the retries Lambda
 * parks it in the dead-letter queue, which alarms. Logs carry chain ids, counts and error names, never an event.
 */
export const handler = middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const outcome = await archiveStreamRecords(storage, event.Records);
  for (const { chain, result } of outcome.appended) {
    logger.info('Audit events archived', { chain, batch: result.batch?.seq, events: result.batch?.events ?? 0, replayed: result.replayed, recovered: result.recovered });
  }
  if (outcome.failure) logger.error('Audit archive failed; the stream retries it', { sequenceNumber: outcome.failure.sequenceNumber, reason: outcome.failure.reason });
  return outcome.response;
}).use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
