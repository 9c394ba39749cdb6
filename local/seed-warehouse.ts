/**
 * `npm start`'s demo warehouse release (docs/warehouse.md, "The pipeline"). The demo agreements (seed/jurisdictions.json)
 * share records 24 months after approval, and the reports' demo reviews are all younger than that, so the older
 * records of the jurisdictions that share are seeded here: two years of approved reviews (and some safety notices)
 * approved 48 to 24 months ago. Then the warehouse workflow runs once, as the monthly schedule would: its files are
 * under warehouse/ of the exports bucket, /warehouse shows its consent and k-anonymity figures, and
 * `npm run warehouse` can query a copy of them.
 *
 * Idempotent: when a release is current already, nothing is seeded.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { WarehouseReleases } from '#shared/warehouse/store.ts';
import type { LocalStepFunctions } from './stepfunctions/service.ts';
import { writeSyntheticReviews } from './synthetic-reviews.ts';
import { YEARLY_DEMO_REVIEWS } from './seed-reports.ts';

export interface SeedWarehouseResult {
  reviews: number;
  status?: string;
}

export async function seedDemoWarehouse(client: DynamoDBDocumentClient, tableName: string, stepFunctions: LocalStepFunctions, now = new Date()): Promise<SeedWarehouseResult> {
  if (await new WarehouseReleases(client, tableName).current()) return { reviews: 0 };
  const from = new Date(Date.UTC(now.getUTCFullYear() - 4, now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear() - 2, now.getUTCMonth(), 1));
  let reviews = 0;
  for (const j of (await new JurisdictionStore(tableName, client).list()).filter((x) => x.active && x.dataSharing?.sharesWithWarehouse)) {
    reviews += await writeSyntheticReviews(client, tableName, { jurisdictionId: j.id, count: YEARLY_DEMO_REVIEWS[j.id] ?? 12, from, to, seed: `demo-warehouse-${j.id}`, noticeEvery: 6 });
  }
  const execution = stepFunctions.startExecution(stepFunctions.byWorkflowId('warehouse').arn, JSON.stringify({ trigger: 'schedule' }), `demo-warehouse-${now.toISOString().slice(0, 10)}`);
  await execution.done;
  return { reviews, status: stepFunctions.describeExecution(execution.executionArn).status };
}
