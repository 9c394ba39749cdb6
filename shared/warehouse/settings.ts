/**
 * The warehouse release's settings, set per stage in the CDK context (infra/config.ts: `warehouseK`,
 * `warehouseCountyAllowed`) and passed to the warehouse tasks as environment variables. Checked here, at synth and at
 * cold start: a bad value fails the deploy or the run, never a release made with a weaker k.
 */
import { DEFAULT_RELEASE_SETTINGS, type ReleaseSettings } from './deidentify.ts';

/** k below 2 protects nothing; above 50 a release of a few thousand records would be mostly suppressed. */
export const WAREHOUSE_K_RANGE = { min: 2, max: 50 } as const;

export function parseReleaseSettings(k: string | undefined, countyAllowed: string | undefined): ReleaseSettings {
  const kValue = k === undefined ? DEFAULT_RELEASE_SETTINGS.k : Number(k);
  if (!Number.isInteger(kValue) || kValue < WAREHOUSE_K_RANGE.min || kValue > WAREHOUSE_K_RANGE.max) {
    throw new Error(`The warehouse k-anonymity setting must be a whole number from ${WAREHOUSE_K_RANGE.min} to ${WAREHOUSE_K_RANGE.max}, not "${String(k).slice(0, 20)}"`);
  }
  if (countyAllowed !== undefined && countyAllowed !== 'true' && countyAllowed !== 'false') {
    throw new Error(`The warehouse county setting is true or false, not "${countyAllowed.slice(0, 20)}"`);
  }
  return { ...DEFAULT_RELEASE_SETTINGS, k: kValue, countyAllowed: countyAllowed === 'true' };
}

export const releaseSettingsFromEnv = (): ReleaseSettings => parseReleaseSettings(process.env.WAREHOUSE_K, process.env.WAREHOUSE_COUNTY_ALLOWED);
