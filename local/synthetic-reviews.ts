/**
 * Synthetic approved critical incident reviews, for the demo's published reports and the bench's 100,000: valid
 * answers of the form's first version (fictional: no real case), with skewed categories so that reports have large,
 * small and empty cells; and, when asked, safety notices of the notice's latest version (the one new notices use). Written straight into the records partition as the records service lays them out, as
 * approved records: going through the review workflow would start one execution and send emails per record.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CAUSE_CATEGORIES, CHILD_AGE_BANDS, EXTERNAL_PARTNERS, IMPROVEMENT_STATUS, RACE, THEMES } from '#forms/codes.ts';
import { timeSortableId } from '#shared/audit/ids.ts';
import { formRegistry } from '#shared/forms/registry.ts';
import { sampleCriticalIncidentReview, sampleSafetyNotice } from '#shared/forms/samples.ts';
import type { Answers } from '#shared/forms/types.ts';
import { toItem, type RecordView } from '#shared/records/model.ts';
import { keys } from '#shared/storage/keys.ts';
import { seededRandom } from './survey-demo-answers.ts';

type Random = () => number;

/** Picks from codes with weights falling off geometrically, so the first codes are common and the last rare. */
function skewed<T>(random: Random, items: readonly T[], ratio = 0.6): T {
  const weights = items.map((_, i) => ratio ** i);
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((r -= weights[i]!) <= 0) return items[i]!;
  return items[items.length - 1]!;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** One review's answers, approved at `approvedAt` (its dates fall in the weeks before). */
export function syntheticReviewAnswers(random: Random, approvedAt: Date, index: number): Answers {
  const base = sampleCriticalIncidentReview(0) as unknown as Answers;
  const review = addDays(approvedAt, -Math.floor(random() * 20));
  // Most reviews meet the 30-day standard; a tail does not.
  const notification = addDays(review, -(random() < 0.75 ? Math.floor(random() * 30) : 31 + Math.floor(random() * 60)));
  const incident = addDays(notification, -Math.floor(random() * 4));
  const races = random() < 0.12 ? ['black_african_american', 'white'] : [skewed(random, RACE.filter((r) => r.code !== 'declined').map((r) => r.code), 0.7)];
  const cause = skewed(random, CAUSE_CATEGORIES.map((c) => c.code).filter((c) => c !== 'other'), 0.7);
  const full = random() < 0.6;
  const opportunities = full ? Math.floor(random() * 4) : 0;
  const answers: Answers = {
    ...base,
    review_id: `SYN-${approvedAt.getUTCFullYear()}-${String(index).padStart(6, '0')}`,
    incident_type: random() < 0.55 ? 'fatality' : 'near_fatality',
    incident_date: day(incident),
    notification_date: day(notification),
    review_date: day(review),
    cause_category: cause,
    child_age_band: skewed(random, CHILD_AGE_BANDS.map((b) => b.code), 0.55),
    child_sex: random() < 0.5 ? 'female' : 'male',
    child_race: races,
    child_ethnicity: random() < 0.18 ? 'hispanic_latino' : random() < 0.95 ? 'not_hispanic_latino' : 'unknown',
    review_stage: full ? 'full_systems_analysis' : 'initial',
    debrief_date: day(addDays(notification, 5)),
    improvement_opportunities: Array.from({ length: opportunities }, (_, i) => {
      const external = random() < 0.4;
      return {
        io_theme: skewed(random, THEMES.map((t) => t.code), 0.8),
        io_partner_scope: external ? 'external' : 'internal',
        ...(external ? { io_external_partner: skewed(random, EXTERNAL_PARTNERS.map((p) => p.code), 0.7) } : {}),
        io_description: `Synthetic finding ${i + 1}.`,
        io_recommendation: 'A synthetic recommendation.',
        io_owner: 'Program manager',
        io_due_date: day(addDays(review, 180)),
        io_status: skewed(random, IMPROVEMENT_STATUS.map((s) => s.code), 0.7),
      };
    }),
  };
  if (!full) {
    // An initial review rates no systemic factors (their sections are asked in a full systems analysis only).
    for (const key of Object.keys(answers)) if (key.startsWith('sf_')) delete answers[key];
  }
  return answers;
}

/** The safety notice version synthetic notices are written with: the latest, as for any new notice. */
export const SYNTHETIC_NOTICE_VERSION = formRegistry.latestVersion('safety_notice');

/**
 * One approved safety notice's answers, of SYNTHETIC_NOTICE_VERSION (a theme from the shared list, skewed like the
 * reviews' themes; its deadlines in order after the notice date).
 */
export function syntheticNoticeAnswers(random: Random, jurisdictionId: string, approvedAt: Date, index: number): Answers {
  const noticeDate = addDays(approvedAt, -Math.floor(random() * 10));
  const actBy = addDays(noticeDate, 30 + Math.floor(random() * 150));
  return {
    ...(sampleSafetyNotice(jurisdictionId) as unknown as Answers),
    notice_date: day(noticeDate),
    theme: skewed(random, THEMES.map((t) => t.code), 0.75),
    title: `Synthetic notice ${index + 1} of ${jurisdictionId}`,
    acknowledge_by: day(addDays(noticeDate, 14)),
    act_by: day(actBy),
    review_by_date: day(addDays(actBy, 365)),
  };
}

export interface SyntheticSpec {
  jurisdictionId: string;
  /** How many approved reviews, and between which instants their approvals fall (uniformly). */
  count: number;
  from: Date;
  to: Date;
  /** Deterministic per seed. */
  seed: string;
  /** Approved safety notices too, one for about every `noticeEvery` reviews (none when absent). */
  noticeEvery?: number;
}

/** Writes `count` approved reviews of one jurisdiction (and notices, if asked) (BatchWrite, 25 at a time, unprocessed items retried). */
export async function writeSyntheticReviews(client: DynamoDBDocumentClient, tableName: string, spec: SyntheticSpec): Promise<number> {
  const random = seededRandom(spec.seed);
  const span = spec.to.getTime() - spec.from.getTime();
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    batch = [];
    for (let attempt = 0; requests.length > 0; attempt++) {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  };
  for (let i = 0; i < spec.count; i++) {
    const approvedAt = new Date(spec.from.getTime() + Math.floor(random() * span));
    const recordId = timeSortableId(approvedAt, Uint8Array.from({ length: 10 }, () => Math.floor(random() * 256)));
    const at = approvedAt.toISOString();
    const record: RecordView = {
      jurisdictionId: spec.jurisdictionId,
      recordId,
      formId: 'critical_incident_review',
      formVersion: 1,
      status: 'approved',
      version: 3,
      answers: syntheticReviewAnswers(random, approvedAt, i),
      createdBy: 'synthetic',
      createdAt: at,
      updatedBy: 'synthetic',
      updatedAt: at,
      submittedAt: at,
    };
    const key = keys.record(recordId);
    batch.push({ pk: keys.owned(spec.jurisdictionId, key.partition), sk: key.sk, ...toItem(record), approvedAt: at });
    if (batch.length === 25) await flush();
    if (spec.noticeEvery && random() < 1 / spec.noticeEvery) {
      const noticeId = timeSortableId(approvedAt, Uint8Array.from({ length: 10 }, () => Math.floor(random() * 256)));
      const notice: RecordView = {
        ...record,
        recordId: noticeId,
        formId: 'safety_notice',
        formVersion: SYNTHETIC_NOTICE_VERSION,
        answers: syntheticNoticeAnswers(random, spec.jurisdictionId, approvedAt, i),
      };
      const noticeKey = keys.record(noticeId);
      batch.push({ pk: keys.owned(spec.jurisdictionId, noticeKey.partition), sk: noticeKey.sk, ...toItem(notice), approvedAt: at });
      if (batch.length === 25) await flush();
    }
  }
  if (batch.length) await flush();
  return spec.count;
}
