/**
 * Reviews survive a local restart (docs/review.md, "Local restart"). The local Step Functions keep executions in
 * memory, so after a restart the records whose review waits (`<jid>#REC#<rid>` / `REVIEW#WAIT`, kind `decision` or
 * `resubmission`) have no live execution and a token that no longer exists. On start, each such review gets a new
 * execution that begins at the wait it was in (`resumeAt` in the input, read by the state machine's Resume choice):
 * no email is sent again, and its wait task stores a new token where the hand-off and review-start read it. In AWS
 * executions outlive restarts; this is local-only.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import type { RecordSummary } from '#shared/records/model.ts';
import { RecordService } from '#shared/records/service.ts';
import { readWait } from '#shared/review/handoff.ts';
import type { ReviewWait } from '#shared/review/model.ts';
import { systemActor, type ResumeInput } from '#shared/review/tasks.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import type { LocalStepFunctions } from './stepfunctions/service.ts';

/** The record statuses each wait belongs to; a wait whose record moved on was cut short mid-step by the stop. */
const WAITING_STATUSES: Record<'decision' | 'resubmission', readonly RecordSummary['status'][]> = {
  decision: ['submitted', 'in_review'],
  resubmission: ['returned'],
};

/**
 * The name of a review's next resumed execution: the review's own name and a restart counter (`-r<n>`), unique
 * among the executions of this process and readable in the local Step Functions' listing.
 */
export function resumedExecutionName(executionName: string): string {
  const match = /^(.*)-r(\d+)$/.exec(executionName);
  return match ? `${match[1]}-r${Number(match[2]) + 1}` : `${executionName}-r1`;
}

export interface ResumeReviewsDeps {
  client: DynamoDBDocumentClient;
  tableName: string;
  stepFunctions: Pick<LocalStepFunctions, 'byWorkflowId' | 'startExecution'>;
  log: (line: string) => void;
}

/** Starts an execution at its wait for every waiting review of every jurisdiction; answers how many were resumed. */
export async function resumeReviews(deps: ResumeReviewsDeps): Promise<{ resumed: number; skipped: number }> {
  const machine = deps.stepFunctions.byWorkflowId('review');
  // Lists only: the cursor secret seals list cursors of this process.
  const records = new RecordService({ cursorSecret: randomBytes(48).toString('base64url') });
  let resumed = 0;
  let skipped = 0;
  for (const jurisdiction of await new JurisdictionStore(deps.tableName, deps.client).list()) {
    const table = scopedTable(deps.client, deps.tableName, jurisdiction.id);
    const actor = systemActor(jurisdiction.id);
    let cursor: string | undefined;
    do {
      const page = await records.list(table, actor, { status: ['submitted', 'in_review', 'returned'], limit: 100, ...(cursor ? { cursor } : {}) });
      for (const record of page.items) {
        const wait = await readWait(table, record.recordId);
        if (!wait || wait.kind === 'ended') continue;
        if (!WAITING_STATUSES[wait.kind].includes(record.status)) {
          skipped++;
          deps.log(`review of a ${record.status} record in ${jurisdiction.id} was stopped between two steps (it waited for a ${wait.kind}): not resumed`);
          continue;
        }
        deps.stepFunctions.startExecution(machine.arn, JSON.stringify(resumeInput(jurisdiction.id, record, wait)), resumedExecutionName(wait.executionName));
        resumed++;
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return { resumed, skipped };
}

function resumeInput(jurisdictionId: string, record: RecordSummary, wait: ReviewWait): Record<string, unknown> & ResumeInput {
  return { jurisdictionId, recordId: record.recordId, submissionId: record.submissionId ?? '', resumeAt: wait.kind as 'decision' | 'resubmission', reminders: wait.reminders };
}
