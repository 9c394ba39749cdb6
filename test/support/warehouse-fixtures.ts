/**
 * Synthetic critical incident reviews for the warehouse tests: the demo generator's varied answers
 * (local/synthetic-reviews.ts), spread over jurisdictions of several states and over four years.
 */
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import { type Answers } from '#shared/forms/types.ts';
import { exportRecord } from '#shared/forms/export-columns.ts';
import type { RecordJurisdiction, ReleaseRecord } from '#shared/warehouse/deidentify.ts';
import { seededRandom } from '#local/survey-demo-answers.ts';
import { syntheticReviewAnswers } from '#local/synthetic-reviews.ts';

export const JURISDICTIONS: readonly RecordJurisdiction[] = [
  { id: 'ky', state: 'KY', type: 'state' },
  { id: 'oh-franklin', state: 'OH', type: 'county', county: 'Franklin' },
  { id: 'oh-cuyahoga', state: 'OH', type: 'county', county: 'Cuyahoga' },
  { id: 'az-tribal', state: 'AZ', type: 'tribal' },
];

export interface SyntheticReview {
  recordId: string;
  jurisdiction: RecordJurisdiction;
  answers: Answers;
}

/** `count` reviews approved between 2021 and 2024, the same for the same seed. */
export function syntheticReviews(count: number, seed = 'warehouse'): SyntheticReview[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const approvedAt = new Date(Date.UTC(2021 + (i % 4), Math.floor(random() * 12), 1 + Math.floor(random() * 27)));
    return {
      recordId: `rec-${String(i).padStart(5, '0')}`,
      jurisdiction: JURISDICTIONS[Math.floor(random() * JURISDICTIONS.length)] as RecordJurisdiction,
      answers: syntheticReviewAnswers(random, approvedAt, i),
    };
  });
}

export const releaseRecords = (reviews: readonly SyntheticReview[]): ReleaseRecord[] =>
  reviews.map((r) => ({ recordId: r.recordId, jurisdiction: r.jurisdiction, rows: exportRecord(criticalIncidentReviewV1, r.recordId, r.answers) }));
