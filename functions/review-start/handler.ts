import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { sendTaskSuccess } from '#shared/review/handoff.ts';
import { ReviewStarter, submissionOfStreamRecord, startExecution } from '#shared/review/start.ts';

const starter = new ReviewStarter({
  client: documentClient,
  tableName: requiredEnv('TABLE_NAME'),
  stateMachineArn: requiredEnv('REVIEW_STATE_MACHINE_ARN'),
  start: startExecution,
  resume: sendTaskSuccess,
});

/**
 * The table's stream, filtered to new submission receipts (written in the submit's transaction): each starts its
 * record's review workflow, or resumes the execution that waits for this resubmission. A failed record is reported,
 * so the stream retries from it (and nothing after it is skipped).
 */
export const handler = middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    const submission = submissionOfStreamRecord(record);
    if (!submission) continue;
    try {
      await starter.handle(submission);
    } catch (error) {
      logger.error('Review start failed; the stream retries it', { error: (error as Error).name, jurisdictionId: submission.jurisdictionId, recordId: submission.recordId });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}).use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
