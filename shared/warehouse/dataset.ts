/**
 * The files of a warehouse release (docs/warehouse.md, "Dataset files"): each shipped table as Parquet, partitioned
 * by form, form version and the record's incident year, plus the release's manifest (every file with its rows, bytes
 * and SHA-256, the de-identification report of each form version) and its data dictionary (exactly the shipped
 * columns). Pure: it returns the objects; writing them (S3, or a folder for DuckDB) is the caller's.
 */
import { createHash } from 'node:crypto';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { FormDefinition } from '#forms/types.ts';
import { toCsv } from '#shared/csv.ts';
import type { Cell } from '#shared/forms/export-columns.ts';
import { type Release, type ReleaseReport, RELEASE_KEY, type ShippedTable } from './deidentify.ts';
import type { ShippedColumn, ShippedKind } from './rules.ts';
import type { ConsentEntry } from './store.ts';
import { walkShippedTables } from './verify.ts';

export const DATASETS_PREFIX = 'warehouse/datasets/';
export const RELEASES_PREFIX = 'warehouse/releases/';
/** The partition of rows whose incident year was suppressed; Hive, Athena and DuckDB read it as a null year. */
export const UNKNOWN_YEAR_PARTITION = '__HIVE_DEFAULT_PARTITION__';
/** The partition column every table gets from its folder (not stored in the files). */
export const PARTITION_COLUMN = 'year';

const CONTENT_TYPES = { parquet: 'application/vnd.apache.parquet', json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

/** Release ids go into object keys and file names: letters, digits, `-` and `_` only. */
const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Parquet type of each shipped kind; Glue and DuckDB see the same types (strings, 32-bit integers, doubles). */
const PARQUET_TYPES: Record<ShippedKind, 'STRING' | 'INT32' | 'DOUBLE'> = {
  release_key: 'STRING',
  code: 'STRING',
  band: 'STRING',
  geography: 'STRING',
  flag: 'INT32',
  integer: 'INT32',
  year: 'INT32',
  decimal: 'DOUBLE',
};

export interface DatasetObject {
  key: string;
  body: Uint8Array;
  contentType: string;
}

/** One form version's de-identified release. */
export interface FormRelease {
  form: FormDefinition;
  release: Release;
}

export interface DatasetInput {
  releaseId: string;
  /** ISO timestamp of the run (passed in so the files are a pure function of their input). */
  generatedAt: string;
  releases: readonly FormRelease[];
  /** Which jurisdictions the release carries and which it leaves out, and why (the pipeline's consent check). */
  consent?: ReleaseConsent;
}

/** The consent section of a manifest: the day the windows were computed for, and every jurisdiction's entry. */
export interface ReleaseConsent {
  releaseDate: string;
  jurisdictions: ConsentEntry[];
}

export interface ManifestFile {
  key: string;
  formId: string;
  version: number;
  table: string;
  /** The partition's year, null for rows whose year was suppressed. */
  year: number | null;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface DatasetManifest {
  releaseId: string;
  generatedAt: string;
  forms: { formId: string; version: number; records: number; tables: { name: string; rows: number }[]; report: ReleaseReport }[];
  files: ManifestFile[];
  dictionary: { key: string; bytes: number; sha256: string };
  consent?: ReleaseConsent;
}

export const sha256 = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');
const utf8 = (text: string) => new TextEncoder().encode(text);

/** The folder of one form version's datasets (a Glue table's location, a DuckDB view's glob). */
export const datasetFolder = (formId: string, version: number): string => `${DATASETS_PREFIX}form=${formId}/version=${version}/`;

export function datasetKey(formId: string, version: number, year: number | null, table: string, releaseId: string): string {
  // A folder per table: Athena reads every file under a table's location (shared/warehouse/layout.ts, tablePrefix).
  return `${datasetFolder(formId, version)}${table}/${PARTITION_COLUMN}=${year ?? UNKNOWN_YEAR_PARTITION}/${table}-${releaseId}.parquet`;
}

/** The release id a dataset file belongs to (its name is `<table>-<releaseId>.parquet`); undefined for any other key. */
export function releaseIdOfKey(key: string): string | undefined {
  const match = /\/([a-z0-9_]+)\/year=[^/]+\/([a-z0-9_]+)-([A-Za-z0-9_-]+)\.parquet$/.exec(key);
  return match && match[1] === match[2] ? match[3] : undefined;
}

/**
 * The year a record is filed under: the main table's first year column (the critical incident review's incident date,
 * the safety notice's notice date from version 2; version 1 ships no year).
 */
function partitionYears(main: ShippedTable): Map<string, number | null> {
  const column = main.columns.find((c) => c.kind === 'year');
  const years = new Map<string, number | null>();
  for (const row of main.rows) {
    const year = column ? row[column.name] : null;
    years.set(String(row[RELEASE_KEY]), typeof year === 'number' ? year : null);
  }
  return years;
}

function parquet(columns: readonly ShippedColumn[], rows: readonly Record<string, Cell>[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({ name: c.name, type: PARQUET_TYPES[c.kind], data: rows.map((r) => r[c.name] ?? null) })),
  });
  return new Uint8Array(buffer);
}

export const DICTIONARY_COLUMNS = ['form_id', 'form_version', 'table', 'name', 'label', 'kind', 'quasi_identifier', 'allowed_values'] as const;

/** The data dictionary: every shipped column of every table, and the partition column each table is read with. */
export function dictionaryCsv(releases: readonly FormRelease[]): string {
  const rows = releases.flatMap(({ form, release }) =>
    release.tables.flatMap((t) => [
      ...t.columns.map((c) => ({
        form_id: form.formId,
        form_version: form.version,
        table: t.name,
        name: c.name,
        label: c.label,
        kind: c.kind,
        quasi_identifier: c.quasiIdentifier ? 'yes' : 'no',
        allowed_values: (c.values ?? []).join('|'),
      })),
      {
        form_id: form.formId,
        form_version: form.version,
        table: t.name,
        name: PARTITION_COLUMN,
        label: "Partition: the record's year, a review's incident year or a notice's year (from the folder name; empty when suppressed or not shipped)",
        kind: 'year',
        quasi_identifier: 'yes',
        allowed_values: '',
      },
    ]),
  );
  return toCsv(rows, DICTIONARY_COLUMNS);
}

/**
 * Every object of a release: the Parquet files (one per table and year; no file for a year without rows), then the
 * dictionary, then the manifest that lists them with their checksums. Refuses a release the walker finds anything
 * in (docs/warehouse.md, "Verification"): nothing that could identify is written.
 */
export function datasetFiles(input: DatasetInput): DatasetObject[] {
  if (!RELEASE_ID.test(input.releaseId)) throw new Error(`Release id "${input.releaseId}" must be letters, digits, "-" and "_" (it names files).`);
  const seen = new Set<string>();
  for (const { form } of input.releases) {
    const id = `${form.formId} v${form.version}`;
    if (seen.has(id)) throw new Error(`Form version ${id} is given twice in release ${input.releaseId}.`);
    seen.add(id);
  }

  const objects: DatasetObject[] = [];
  const files: ManifestFile[] = [];
  const forms: DatasetManifest['forms'] = [];
  for (const { form, release } of input.releases) {
    const findings = walkShippedTables(release.tables);
    if (findings.length > 0) throw new Error(`Release ${input.releaseId}, ${form.formId} v${form.version}: ${findings.length} value(s) could identify; nothing written. First: ${findings[0]}`);
    const [main] = release.tables;
    if (!main) throw new Error(`Release ${input.releaseId}, ${form.formId} v${form.version} has no main table.`);
    const years = partitionYears(main);

    for (const table of release.tables) {
      const byYear = new Map<number | null, Record<string, Cell>[]>();
      for (const row of table.rows) {
        // A repeating table's row is filed with its record, so a join on record_key stays within one partition.
        const year = years.get(String(row[RELEASE_KEY])) ?? null;
        const group = byYear.get(year) ?? [];
        group.push(row);
        byYear.set(year, group);
      }
      const ordered = [...byYear.entries()].sort(([a], [b]) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER));
      for (const [year, rows] of ordered) {
        const key = datasetKey(form.formId, form.version, year, table.name, input.releaseId);
        const body = parquet(table.columns, rows);
        objects.push({ key, body, contentType: CONTENT_TYPES.parquet });
        files.push({ key, formId: form.formId, version: form.version, table: table.name, year, rows: rows.length, bytes: body.byteLength, sha256: sha256(body) });
      }
    }
    forms.push({
      formId: form.formId,
      version: form.version,
      records: main.rows.length,
      tables: release.tables.map((t) => ({ name: t.name, rows: t.rows.length })),
      report: release.report,
    });
  }

  const prefix = `${RELEASES_PREFIX}${input.releaseId}/`;
  const dictionary = utf8(dictionaryCsv(input.releases));
  objects.push({ key: `${prefix}dictionary.csv`, body: dictionary, contentType: CONTENT_TYPES.csv });
  const manifest: DatasetManifest = {
    releaseId: input.releaseId,
    generatedAt: input.generatedAt,
    forms,
    files,
    dictionary: { key: `${prefix}dictionary.csv`, bytes: dictionary.byteLength, sha256: sha256(dictionary) },
    ...(input.consent ? { consent: input.consent } : {}),
  };
  objects.push({ key: `${prefix}manifest.json`, body: utf8(JSON.stringify(manifest, null, 2)), contentType: CONTENT_TYPES.json });
  return objects;
}
