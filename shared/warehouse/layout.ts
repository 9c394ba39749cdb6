/**
 * The catalog's view of the warehouse datasets (docs/warehouse.md, "In AWS"): which form versions are datasets, the
 * tables and columns of each (from the de-identified schema), their folders and their catalog types. Athena reads
 * every file under a table's location, so each shipped table needs a folder of its own (tablePrefix).
 */
import type { FormDefinition } from '#forms/types.ts';
import { formRegistry } from '#shared/forms/registry.ts';
import { RECORD_FORMS } from '#shared/records/model.ts';
import { datasetFolder, PARTITION_COLUMN, UNKNOWN_YEAR_PARTITION } from './dataset.ts';
import { deidentifyRelease, type ReleaseSettings, type ShippedColumn } from './deidentify.ts';
import type { ShippedKind } from './rules.ts';

export { DATASETS_PREFIX, PARTITION_COLUMN, UNKNOWN_YEAR_PARTITION } from './dataset.ts';

/** Where a run stages each jurisdiction's extracted rows until it publishes (not de-identified yet). */
export const STAGING_PREFIX = 'warehouse/staging/';
/** What the warehouse tasks write: staging, the datasets, the release manifests and dictionaries (never reports/). */
export const WAREHOUSE_WRITE_PATTERNS = ['warehouse/staging/*', 'warehouse/datasets/*', 'warehouse/releases/*'] as const;
/** What they delete: a superseded release's datasets, and a run's staging once published. */
export const WAREHOUSE_DELETE_PREFIXES = ['warehouse/staging/', 'warehouse/datasets/'] as const;
/** Staged rows are not de-identified yet: what a failed run leaves expires after this many days. */
export const STAGING_KEPT_DAYS = 1;

/** Where Athena writes the results of the analysts' queries (the workgroup enforces it). */
export const QUERY_RESULTS_PREFIX = 'warehouse/query-results/';

/**
 * The folder of one shipped table of one form version, the location of its catalog table:
 * `warehouse/datasets/form=<formId>/version=<n>/<table>/`, partitioned below it by year.
 */
export function tablePrefix(formId: string, version: number, table: string): string {
  return `${datasetFolder(formId, version)}${table}/`;
}

/** The partition folder of a year (`year=2024/`; a suppressed year has the Hive default partition). */
export function yearFolder(year: number | null): string {
  return `${PARTITION_COLUMN}=${year ?? UNKNOWN_YEAR_PARTITION}/`;
}

/**
 * The catalog type of each kind of shipped column: the type the Parquet files hold it as (dataset.ts): strings for
 * everything coded (band labels such as "90+", geography, release keys), 32-bit integers for flags, years, counts and
 * ratings, doubles for decimals.
 */
export const GLUE_TYPES: Readonly<Record<ShippedKind, 'string' | 'int' | 'double'>> = {
  release_key: 'string',
  code: 'string',
  band: 'string',
  geography: 'string',
  flag: 'int',
  integer: 'int',
  year: 'int',
  decimal: 'double',
};

/**
 * The form versions that are warehouse datasets: the published versions of the forms kept as jurisdiction records
 * (the critical incident review, the safety notice). The safety culture survey is not one: its answers are
 * anonymous staff responses, not records a jurisdiction approves and shares.
 */
export function warehouseForms(forms: readonly FormDefinition[] = formRegistry.all()): FormDefinition[] {
  const recordForms: readonly string[] = RECORD_FORMS;
  return forms.filter((f) => f.status === 'published' && recordForms.includes(f.formId));
}

export interface DatasetTable {
  formId: string;
  version: number;
  /** The shipped table's name (the main table carries the form id; a repeating table its group's name). */
  table: string;
  main: boolean;
  /** Its name in the catalog, the same as the local DuckDB view's: `<table>_v<n>` (`improvement_opportunities_v1`). */
  catalogName: string;
  /** Its folder in the exports bucket (tablePrefix). */
  prefix: string;
  columns: ShippedColumn[];
}

/**
 * The shipped tables of each warehouse form version and their columns. The columns of a release depend only on
 * the definition and the settings (never on the records), so a release of no records gives them.
 */
export function datasetTables(forms: readonly FormDefinition[] = warehouseForms(), settings?: Partial<ReleaseSettings>): DatasetTable[] {
  return forms.flatMap((form) =>
    deidentifyRelease({ form, records: [], ...(settings ? { settings } : {}) }).tables.map((t, i) => {
      const main = i === 0;
      return {
        formId: form.formId,
        version: form.version,
        table: t.name,
        main,
        catalogName: `${t.name}_v${form.version}`,
        prefix: tablePrefix(form.formId, form.version, t.name),
        columns: t.columns,
      };
    }),
  );
}
