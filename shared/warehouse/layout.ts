/**
 * Where the warehouse datasets live in the exports bucket and how their columns are typed (docs/warehouse.md,
 * "In AWS"): one contract for the files a release writes and for the Glue catalog that Athena reads them through.
 * Each shipped table of a form version has a folder of its own, because Athena reads every file under a table's
 * location: a main table and its repeating tables in one folder would be read as one table.
 */
import type { FormDefinition } from '#forms/types.ts';
import { formRegistry } from '#shared/forms/registry.ts';
import { RECORD_FORMS } from '#shared/records/model.ts';
import { deidentifyRelease, type ReleaseSettings, type ShippedColumn } from './deidentify.ts';
import type { ShippedKind } from './rules.ts';

/** Every dataset file is under this prefix of the exports bucket; warehouse analysts read nothing else of it. */
export const DATASETS_PREFIX = 'warehouse/datasets/';

/** Where Athena writes the results of the analysts' queries (the workgroup enforces it). */
export const QUERY_RESULTS_PREFIX = 'warehouse/query-results/';

/** The partition column: the year of the record's main date (the incident's, on the critical incident review). */
export const YEAR_PARTITION = 'year';

/** The partition of rows whose year was suppressed by the k-anonymity check: they are kept, so they need a folder. */
export const UNKNOWN_YEAR = 'unknown';

/** The folder of one shipped table of one form version: `warehouse/datasets/form=<formId>/version=<n>/<table>/`. */
export function tablePrefix(formId: string, version: number, table: string): string {
  return `${DATASETS_PREFIX}form=${formId}/version=${version}/${table}/`;
}

/** The partition folder of a year (`year=2024/`, or `year=unknown/` for a suppressed year). */
export function yearFolder(year: number | null): string {
  return `${YEAR_PARTITION}=${year ?? UNKNOWN_YEAR}/`;
}

/**
 * The physical type of each kind of shipped column, in the Parquet files and in the catalog. Strings for
 * everything coded (band labels such as "90+", geography, release keys); 32-bit integers for flags, years, counts
 * and ratings; doubles for decimals (survey-style means).
 */
export const COLUMN_TYPES: Readonly<Record<ShippedKind, { parquet: 'STRING' | 'INT32' | 'DOUBLE'; glue: 'string' | 'int' | 'double' }>> = {
  release_key: { parquet: 'STRING', glue: 'string' },
  code: { parquet: 'STRING', glue: 'string' },
  band: { parquet: 'STRING', glue: 'string' },
  geography: { parquet: 'STRING', glue: 'string' },
  flag: { parquet: 'INT32', glue: 'int' },
  integer: { parquet: 'INT32', glue: 'int' },
  year: { parquet: 'INT32', glue: 'int' },
  decimal: { parquet: 'DOUBLE', glue: 'double' },
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
  /** Its name in the catalog: `<formId>_v<n>` for the main table, `<formId>_v<n>_<table>` for a repeating one. */
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
        catalogName: main ? `${form.formId}_v${form.version}` : `${form.formId}_v${form.version}_${t.name}`,
        prefix: tablePrefix(form.formId, form.version, t.name),
        columns: t.columns,
      };
    }),
  );
}
