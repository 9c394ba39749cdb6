import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { sendMail } from '#shared/mail/send.ts';
import { distributeNotice, publishedVersionOf, type DistributionDeps } from '#shared/notices/distribution.ts';
import { precheckSubmission, submittedVersionOf } from '#shared/notices/precheck-task.ts';
import { PublishedNotices } from '#shared/notices/published.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';

const TABLE = requiredEnv('TABLE_NAME');
const APP_ORIGIN = requiredEnv('APP_ORIGIN');

const registry = new JurisdictionStore(TABLE, documentClient);
const notices = new PublishedNotices(documentClient, TABLE);
const distribution: DistributionDeps = {
  registry: () => registry.list(),
  current: (issuerId, recordId) => notices.get(issuerId, recordId),
  tableFor: (jurisdictionId) => scopedTable(documentClient, TABLE, jurisdictionId),
  send: sendMail,
  appOrigin: APP_ORIGIN,
};

/** One stream record: a submission receipt gets its pre-publication check; a published version is distributed. */
async function handle(record: DynamoDBRecord): Promise<void> {
  const submission = submittedVersionOf(record);
  if (submission) {
    const ids = { jurisdictionId: submission.jurisdictionId, recordId: submission.recordId, version: submission.version };
    const result = await precheckSubmission(scopedTable(documentClient, TABLE, submission.jurisdictionId), submission).catch((error: unknown) => {
      logger.error('Pre-publication check failed; the stream retries it', { ...ids, error: (error as Error).name });
      throw error;
    });
    logger.info('Pre-publication check', { ...ids, ...result });
    return;
  }
  const notice = publishedVersionOf(record);
  if (notice) {
    const ids = { issuerId: notice.issuerId, recordId: notice.recordId, version: notice.version, status: notice.status };
    const result = await distributeNotice(distribution, notice).catch((error: unknown) => {
      logger.error('Notice distribution failed; the stream retries it (emails sent already are not sent again)', { ...ids, error: (error as Error).name });
      throw error;
    });
    logger.info('Notice distribution', { ...ids, ...result });
  }
}

/**
 * The table's stream, filtered to new submission receipts and to published notice versions (docs/notices.md): each
 * submitted safety notice gets its pre-publication check, each published version its emails to the partners. A
 * failed record is reported, so the stream retries from it. Logs carry ids and counts, never text or addresses.
 */
export const handler = middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    try {
      await handle(record);
    } catch {
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}).use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }));
