/**
 * A demo warehouse release (docs/warehouse.md, "Querying locally"): synthetic critical incident reviews (the demo
 * generator's varied answers, local/synthetic-reviews.ts) from jurisdictions of several states over four years,
 * de-identified and turned into the release's files. Also the records of the warehouse tests.
 */
import { criticalIncidentReviewV1 } from '#forms/index.ts';
import { exportRecord } from '#shared/forms/export-columns.ts';
import type { Answers } from '#shared/forms/types.ts';
import { datasetFiles, type DatasetObject } from '#shared/warehouse/dataset.ts';
import { deidentifyRelease, type RecordJurisdiction, type ReleaseRecord, type ReleaseSettings } from '#shared/warehouse/deidentify.ts';
import { seededRandom } from './survey-demo-answers.ts';
import { syntheticReviewAnswers } from './synthetic-reviews.ts';

export const DEMO_JURISDICTIONS: readonly RecordJurisdiction[] = [
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
      recordId: `rec-${String(i).padStart(6, '0')}`,
      jurisdiction: DEMO_JURISDICTIONS[Math.floor(random() * DEMO_JURISDICTIONS.length)] as RecordJurisdiction,
      answers: syntheticReviewAnswers(random, approvedAt, i),
    };
  });
}

export const releaseRecords = (reviews: readonly SyntheticReview[]): ReleaseRecord[] =>
  reviews.map((r) => ({ recordId: r.recordId, jurisdiction: r.jurisdiction, rows: exportRecord(criticalIncidentReviewV1, r.recordId, r.answers) }));

/** The files of a release of `reviews` (critical incident review v1). */
export function demoReleaseFiles(reviews: readonly SyntheticReview[], releaseId: string, settings?: Partial<ReleaseSettings>): DatasetObject[] {
  const form = criticalIncidentReviewV1;
  const release = deidentifyRelease({ form, records: releaseRecords(reviews), settings });
  return datasetFiles({ releaseId, generatedAt: new Date().toISOString(), releases: [{ form, release }] });
}
