/**
 * `npm start`'s demo reports: a year and a quarter of synthetic approved reviews (and some safety notices) in every active jurisdiction (many
 * in the large ones, a handful in the smallest, so the protected tables show suppressed cells), then the reports
 * workflow, run for the last complete quarter and the last complete month as the schedules would: so /reports has
 * linked releases (the quarter's and the month's share their year-to-date), their files, and their digest emails in
 * the local inbox.
 *
 * Idempotent: when any release is published already, nothing is seeded.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { periodCovering } from '#shared/reports/periods.ts';
import { ReportReleases } from '#shared/reports/store.ts';
import type { LocalStepFunctions } from './stepfunctions/service.ts';
import { writeSyntheticReviews } from './synthetic-reviews.ts';

/** Approved reviews a year per jurisdiction; the ones not listed get 12. */
export const YEARLY_DEMO_REVIEWS: Readonly<Record<string, number>> = {
  'il-dcfs': 220,
  'ky-dcbs': 160,
  'va-dss': 120,
  'ct-dcf': 90,
  'la-dcfs': 80,
  'oh-franklin-fccs': 60,
  'nm-cyfd': 40,
  'wv-bss': 30,
  'oh-cuyahoga-dcfs': 25,
};

export interface SeedReportsResult {
  reviews: number;
  releases: { cadence: string; periodId: string; status: string }[];
}

export async function seedDemoReports(client: DynamoDBDocumentClient, tableName: string, bucket: string, stepFunctions: LocalStepFunctions, now = new Date()): Promise<SeedReportsResult> {
  if ((await new ReportReleases(client, tableName, bucket).list()).length > 0) return { reviews: 0, releases: [] };
  const from = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth() - 3, 1));
  const months = (now.getTime() - from.getTime()) / (30.44 * 86_400_000);
  let reviews = 0;
  for (const j of (await new JurisdictionStore(tableName, client).list()).filter((x) => x.active)) {
    const count = Math.round(((YEARLY_DEMO_REVIEWS[j.id] ?? 12) * months) / 12);
    reviews += await writeSyntheticReviews(client, tableName, { jurisdictionId: j.id, count, from, to: now, seed: `demo-reports-${j.id}`, noticeEvery: 6 });
  }
  const arn = stepFunctions.byWorkflowId('reports').arn;
  const releases: SeedReportsResult['releases'] = [];
  // The quarter first, then the month: the month's year-to-date tables are audited against the quarter's.
  for (const cadence of ['quarterly', 'monthly'] as const) {
    const period = periodCovering(cadence, now);
    const execution = stepFunctions.startExecution(arn, JSON.stringify({ cadence, periodId: period.id }), `demo-${cadence}-${period.id}`);
    await execution.done;
    const status = stepFunctions.describeExecution(execution.executionArn).status;
    releases.push({ cadence, periodId: period.id, status });
  }
  return { reviews, releases };
}
