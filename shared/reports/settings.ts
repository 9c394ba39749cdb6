/**
 * The small-cell protection settings per dataset (docs/reports.md): `REPORT_PROTECTION`, a JSON object set from the
 * infra config `reportProtection`, e.g. `{"default":{"threshold":10,"minIntervalWidth":3},"safety_notices_by_theme":
 * {"threshold":5}}`. Parsed when the function loads: a wrong value fails the cold start, never a release half-way.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { requiredEnv } from '#shared/config.ts';
import { SMALL_CELL_THRESHOLD } from '#shared/policy.ts';
import { DATASET_IDS, type DatasetId } from './datasets.ts';

export interface ProtectionSetting {
  /** Counts 1..threshold are suppressed. */
  threshold: number;
  /** Each suppressed count's feasible interval under the attacker's model is at least this wide (1..threshold - 1). */
  minIntervalWidth: number;
}

export interface ReportProtectionSettings {
  readonly default: ProtectionSetting;
  /** The setting of one dataset: its own entry, else the default. */
  forDataset(datasetId: string): ProtectionSetting;
}

/**
 * A third of the threshold (3 for 10): a suppressed count keeps at least four values the attacker cannot tell apart.
 * Half the threshold (5) held back whole tables in the demo's quarter (the rule itself pins rows of many small counts
 * under a small total, docs/reports-protection.md); set a wider one per dataset where that is acceptable.
 */
export const DEFAULT_WIDTH = (threshold: number) => Math.max(1, Math.floor(threshold / 3));

const entrySchema = z.strictObject({
  threshold: z.optional(z.number().check(z.int('threshold is a whole number'), z.minimum(1, 'threshold is at least 1'))),
  minIntervalWidth: z.optional(z.number().check(z.int('minIntervalWidth is a whole number'), z.minimum(1, 'minIntervalWidth is at least 1'))),
});
const settingsSchema = z.record(z.string(), entrySchema);

function resolve(name: string, entry: z.infer<typeof entrySchema>, fallback: ProtectionSetting | undefined): ProtectionSetting {
  const threshold = entry.threshold ?? fallback?.threshold ?? SMALL_CELL_THRESHOLD;
  // A width given with no threshold of its own keeps the default's; a threshold of its own gets its own default width.
  const minIntervalWidth = entry.minIntervalWidth ?? (entry.threshold === undefined && fallback ? fallback.minIntervalWidth : DEFAULT_WIDTH(threshold));
  if (minIntervalWidth > threshold - 1) {
    throw new Error(
      `REPORT_PROTECTION "${name}": minIntervalWidth ${minIntervalWidth} must be 1 to threshold - 1 (${threshold - 1}); an interval as wide as the threshold tells nothing a suppression does not`,
    );
  }
  return { threshold, minIntervalWidth };
}

/** Parses the JSON of `REPORT_PROTECTION`; throws naming what is wrong (unknown dataset ids included). */
export function parseReportProtection(json: string): ReportProtectionSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('REPORT_PROTECTION is not JSON: give an object such as {"default":{"threshold":10,"minIntervalWidth":5}}');
  }
  const parsed = z.safeParse(settingsSchema, raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new Error(`REPORT_PROTECTION is not valid: ${issues}`);
  }
  const known = new Set<string>(DATASET_IDS);
  const unknown = Object.keys(parsed.data).filter((k) => k !== 'default' && !known.has(k));
  if (unknown.length) throw new Error(`REPORT_PROTECTION names unknown datasets: ${unknown.join(', ')} (the datasets are ${DATASET_IDS.join(', ')})`);

  const fallback = resolve('default', parsed.data.default ?? {}, undefined);
  const own = new Map<string, ProtectionSetting>();
  for (const [id, entry] of Object.entries(parsed.data)) if (id !== 'default') own.set(id, resolve(id, entry, fallback));
  return {
    default: fallback,
    forDataset(datasetId: DatasetId | string) {
      return own.get(datasetId) ?? fallback;
    },
  };
}

/** The settings of the environment (`REPORT_PROTECTION`, required). */
export const reportProtectionFromEnv = (): ReportProtectionSettings => parseReportProtection(requiredEnv('REPORT_PROTECTION'));
