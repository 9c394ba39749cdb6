/**
 * Form engine throughput: validations per second of a complete critical incident review (10 improvement
 * opportunities) and of a complete survey response. Fixed-duration loops after a warm-up.
 */
import { criticalIncidentReviewV1, safetyCultureSurveyV1 } from '#forms/index.ts';
import { sampleCriticalIncidentReview, sampleSurveyResponse } from '#shared/forms/samples.ts';
import type { FormContext } from '#shared/forms/types.ts';
import { validateSubmission } from '#shared/forms/validate.ts';
import type { BenchRow } from './types.ts';

const WARM_UP_MS = 300;
const MEASURE_MS = 1000;
const BATCH = 25;
/** A submission is one validation per request; 1,000/s keeps it well under a millisecond of a Lambda's time. */
const TARGET_PER_SECOND = 1000;

function perSecond(run: () => boolean, durationMs: number): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < BATCH; i++) if (!run()) throw new Error('bench input failed validation');
    count += BATCH;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  return (count * 1000) / elapsed;
}

async function measure(name: string, run: () => boolean): Promise<BenchRow> {
  perSecond(run, WARM_UP_MS);
  // Let timers and GC run between measurements.
  await new Promise((resolve) => setImmediate(resolve));
  const value = Math.round(perSecond(run, MEASURE_MS));
  return { group: 'forms', name, value, unit: 'validations/s', target: `>= ${TARGET_PER_SECOND}`, pass: value >= TARGET_PER_SECOND };
}

export async function benchForms(): Promise<BenchRow[]> {
  const ctx: FormContext = { units: Array.from({ length: 40 }, (_, i) => ({ code: `unit_${i}`, label: `Unit ${i}` })) };
  const review = sampleCriticalIncidentReview(10);
  const survey = sampleSurveyResponse('unit_7');
  return [
    await measure('critical incident review submission (10 improvement opportunities)', () =>
      validateSubmission(criticalIncidentReviewV1, review, ctx).ok,
    ),
    await measure('safety culture survey response (all 35 items)', () => validateSubmission(safetyCultureSurveyV1, survey, ctx).ok),
  ];
}
