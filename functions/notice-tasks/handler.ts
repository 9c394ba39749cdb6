import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { precheckSubmission, submittedVersionOf } from '#shared/notices/precheck-task.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';

const TABLE = requiredEnv('TABLE_NAME');

/**
 * The table's stream, filtered to new submission receipts: each submitted safety notice gets its pre-publication
 * check, stored for the reviewer's page (docs/notices.md). Other forms are skipped after one read. A failed record
 * is reported, so the stream retries from it. Logs carry ids and counts, never the notice's text.
 */
export const handler = middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    const submission = submittedVersionOf(record);
    if (!submission) continue;
    const ids = { jurisdictionId: submission.jurisdictionId, recordId: submission.recordId, version: submission.version };
    try {
      const result = await precheckSubmission(scopedTable(documentClient, TABLE, submission.jurisdictionId), submission);
      logger.info('Pre-publication check', { ...ids, ...result });
    } catch (error) {
      logger.error('Pre-publication check failed; the stream retries it', { ...ids, error: (error as Error).name });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}).use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
