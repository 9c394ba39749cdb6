/** The survey results' settings from the environment, read once and checked: a bad value fails the cold start. */
import { optionalEnv } from '#shared/config.ts';
import { MIN_SURVEY_GROUP } from '#shared/policy.ts';

/** Below 3, a group's numbers and one colleague's knowledge of their own answers pin down the last person's. */
export const LOWEST_MIN_GROUP_SIZE = 3;

/**
 * The minimum group size results are protected with: env SURVEY_MIN_GROUP_SIZE (a whole number, at least 3), else
 * MIN_SURVEY_GROUP (shared/policy.ts). Throws on anything else rather than silently protecting less.
 */
export function surveyMinGroupSize(): number {
  const raw = optionalEnv('SURVEY_MIN_GROUP_SIZE');
  if (raw === undefined) return MIN_SURVEY_GROUP;
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new Error('SURVEY_MIN_GROUP_SIZE must be a whole number');
  if (value < LOWEST_MIN_GROUP_SIZE) throw new Error(`SURVEY_MIN_GROUP_SIZE must be at least ${LOWEST_MIN_GROUP_SIZE}`);
  return value;
}
