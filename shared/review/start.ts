/**
 * Starting a submission's review (functions/review-start, from the table's stream): start the record's execution, or
 * resume the execution that waits for this resubmission. Both are idempotent, so a redelivered stream record changes
 * nothing: the execution's name comes from the submission (a second start is ExecutionAlreadyExists), and a token that
 * was resumed already is no longer waiting.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { ownerOfPk, scopedTable } from '#shared/storage/scoped-table.ts';
import { readWait, type ResumeTask } from './handoff.ts';
import { reviewExecutionName } from './model.ts';

export interface Submission {
  jurisdictionId: string;
  recordId: string;
  submissionId: string;
}

/** The submission a stream record announces: a new submission receipt (anything else: undefined). */
export function submissionOfStreamRecord(record: DynamoDBRecord): Submission | undefined {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return undefined;
  const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
  if (item.kind !== 'submission' || typeof item.pk !== 'string' || typeof item.recordId !== 'string' || typeof item.submissionId !== 'string') return undefined;
  return { jurisdictionId: ownerOfPk(item.pk), recordId: item.recordId, submissionId: item.submissionId };
}

/** StartExecution: true when started, false when an execution of that name exists already. */
export type StartExecution = (stateMachineArn: string, name: string, input: Record<string, unknown>) => Promise<boolean>;

export async function startExecution(stateMachineArn: string, name: string, input: Record<string, unknown>): Promise<boolean> {
  const { sfn } = await import('#shared/aws/sfn.ts');
  const { sdk, client } = await sfn();
  try {
    await client.send(new sdk.StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return true;
  } catch (e) {
    if ((e as Error).name === 'ExecutionAlreadyExists') return false;
    throw e;
  }
}

export class ReviewStarter {
  constructor(
    private readonly deps: { client: DynamoDBDocumentClient; tableName: string; stateMachineArn: string; start: StartExecution; resume: ResumeTask },
  ) {}

  async handle(s: Submission): Promise<'started' | 'resumed' | 'already'> {
    const table = scopedTable(this.deps.client, this.deps.tableName, s.jurisdictionId);
    const wait = await readWait(table, s.recordId);
    if (wait?.kind === 'decision') {
      // The record's review is alive between its steps (e.g. telling the author of a return): its next wait sees
      // this submission itself. A second execution would review the record twice.
      logger.info('Submission joins its running review', { jurisdictionId: s.jurisdictionId, recordId: s.recordId });
      return 'already';
    }
    if (wait?.kind === 'resubmission') {
      // A false answer: the wait timed out into a reminder meanwhile; the next wait sees the resubmission itself.
      const resumed = await this.deps.resume(wait.token, { submissionId: s.submissionId });
      logger.info('Resubmission handed to its review', { jurisdictionId: s.jurisdictionId, recordId: s.recordId, resumed });
      return 'resumed';
    }
    const started = await this.deps.start(this.deps.stateMachineArn, reviewExecutionName(s.jurisdictionId, s.recordId, s.submissionId), { ...s });
    logger.info(started ? 'Review started' : 'Review had started already', { jurisdictionId: s.jurisdictionId, recordId: s.recordId });
    return started ? 'started' : 'already';
  }
}
