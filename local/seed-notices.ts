/**
 * `npm start`'s demo answers to the demo safety notice (docs/notices.md, "Answers"): the notice Kentucky's demo review
 * approves (local/seed-reviews.ts) is published to every partner; three partners answer it here, through the same
 * function the answer form calls, so its status table (/notices/ky-dcbs/<id>/status) shows every kind of row:
 * completed, in progress, not applicable with a reason, and the partners that have not answered.
 *
 * Idempotent: a jurisdiction that answered already is left as it is.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#shared/errors.ts';
import { answerNotice, currentAnswer, type AnswerStatus } from '#shared/notices/answers.ts';
import { PublishedNotices } from '#shared/notices/published.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { DEMO_REVIEW_JURISDICTION, DEMO_REVIEWS } from './seed-reviews.ts';

const ANSWERS: readonly { jurisdictionId: string; name: string; steps: readonly { status: AnswerStatus; reason?: string }[] }[] = [
  { jurisdictionId: 'oh-franklin-fccs', name: 'Casey Delgado', steps: [{ status: 'acknowledged' }, { status: 'in_progress' }] },
  { jurisdictionId: 'il-dcfs', name: 'Morgan Reyes (demo)', steps: [{ status: 'acknowledged' }, { status: 'in_progress' }, { status: 'completed', reason: 'Home visit checklist updated; supervisors briefed in every region.' }] },
  { jurisdictionId: 'ct-dcf', name: 'Jordan Avery (demo)', steps: [{ status: 'not_applicable', reason: 'Our home visit protocol already asks about sleep arrangements at every visit (policy 22-3).' }] },
];

export async function seedDemoNoticeAnswers(client: DynamoDBDocumentClient, tableName: string): Promise<{ answered: number; noticeId?: string }> {
  const title = DEMO_REVIEWS.find((r) => r.formId === 'safety_notice')?.reference;
  const notice = (await new PublishedNotices(client, tableName).list({ issuerId: DEMO_REVIEW_JURISDICTION })).find((n) => n.title === title);
  if (!notice) return { answered: 0 };
  let answered = 0;
  for (const a of ANSWERS) {
    const table = scopedTable(client, tableName, a.jurisdictionId);
    if (await currentAnswer(table, notice.issuerId, notice.recordId)) continue;
    const actor = { subject: `demo-seed-${a.jurisdictionId}`, role: 'jurisdiction_admin', jurisdictionId: a.jurisdictionId, requestId: 'demo-seed', displayName: a.name };
    try {
      for (const step of a.steps) await answerNotice(table, actor, notice, step);
      answered++;
    } catch (e) {
      // Another start answered at the same moment: its answer stands.
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  return { answered, noticeId: notice.recordId };
}
