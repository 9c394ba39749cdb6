/**
 * De-identification of one form version's records for the warehouse (docs/warehouse.md): every export column goes
 * through its rule (rules.ts, failing closed), the record ids become random per-release keys, geography is the state
 * (and a county agency's county where the partnership allows it), and the main table is made k-anonymous on its
 * quasi-identifiers (kanonymity.ts). Pure apart from the random keys: nothing is read or written here.
 */
import { randomUUID } from 'node:crypto';
import type { FormDefinition } from '#forms/types.ts';
import { type Cell, type ExportColumn, type ExportedRecord, exportLayout } from '#shared/forms/export-columns.ts';
import { US_STATE_CODES } from '#shared/jurisdictions/model.ts';
import { enforceKAnonymity, type KAnonymityReport } from './kanonymity.ts';
import { bandLabels, type ColumnPlan, DERIVED_INTERVALS, type DropReason, intervalBand, planColumn, type ShippedColumn } from './rules.ts';

export type { DropReason, ShippedColumn } from './rules.ts';

/** What a release needs to know of a record's jurisdiction; its id and name are never shipped. */
export interface RecordJurisdiction {
  id: string;
  state: string;
  type: 'state' | 'county' | 'tribal';
  county?: string;
}

export interface ReleaseRecord {
  recordId: string;
  jurisdiction: RecordJurisdiction;
  /** The record's rows in its own version's layout (exportRecord). */
  rows: ExportedRecord;
}

export interface ReleaseSettings {
  /** Smallest class of rows sharing all quasi-identifiers. */
  k: number;
  /** Ship a county agency's county (sub-state geography: only where the partnership's agreements allow it). */
  countyAllowed: boolean;
  /**
   * Variables counted as quasi-identifiers besides those tagged quasi_identifier or sensitive. Incident type
   * is tagged `none` on the critical incident review, yet a fatality is the kind of event the news reports.
   */
  extraQuasiIdentifiers: readonly string[];
}

export const DEFAULT_RELEASE_SETTINGS: ReleaseSettings = { k: 5, countyAllowed: false, extraQuasiIdentifiers: ['incident_type'] };

export interface ReleaseInput {
  /** The form version the records were written with (its choices bound what a code column may ship). */
  form: FormDefinition;
  records: readonly ReleaseRecord[];
  settings?: Partial<ReleaseSettings>;
}

export interface ShippedTable {
  name: string;
  columns: ShippedColumn[];
  rows: Record<string, Cell>[];
}

export interface ReleaseReport {
  dropped: { column: string; reason: DropReason }[];
  /** Rows changed by a k-anonymity generalization step. */
  generalized: number;
  /** Cells set to null by local suppression, per quasi-identifier column (docs/warehouse.md, "k-anonymity"). */
  suppressedCells: Record<string, number>;
  /** Rows whose every quasi-identifier was suppressed. */
  suppressed: number;
  /** Cells whose value the field does not allow (not a choice code, out of range, not a date): shipped as null. */
  invalidCells: number;
  kAnonymity: Omit<KAnonymityReport, 'generalized' | 'suppressedCells' | 'suppressed'>;
}

export interface Release {
  /** The main table first, then one per repeating group. */
  tables: ShippedTable[];
  report: ReleaseReport;
}

/** The release key column that replaces the record id in every table. */
export const RELEASE_KEY = 'record_key';

const STATES: readonly string[] = US_STATE_CODES;

/**
 * The quasi-identifiers: columns tagged quasi_identifier (on the critical incident review: the incident,
 * notification, review and debriefing dates' years, the child's age band and sex, months in custody), tagged
 * sensitive (its race flags and ethnicity: observable demographics), the extra variables (incident type) and the
 * geography columns.
 */
function isQuasiIdentifier(settings: ReleaseSettings): (c: ExportColumn) => boolean {
  return (c) => c.sensitivity === 'quasi_identifier' || c.sensitivity === 'sensitive' || (c.field !== null && settings.extraQuasiIdentifiers.includes(c.field));
}

interface TablePlan {
  name: string;
  columns: ShippedColumn[];
  ship: (source: Record<string, Cell>, key: string, jurisdiction: RecordJurisdiction) => Record<string, Cell>;
}

function keyColumn(def: FormDefinition, c: ExportColumn): ColumnPlan {
  const base = { label: c.label, source: c.name, field: null, quasiIdentifier: false };
  switch (c.name) {
    case 'record_id':
      return { action: 'ship', column: { ...base, name: RELEASE_KEY, label: 'Record key (random, this release only)', kind: 'release_key' }, transform: (v) => v };
    case 'form_id':
      return { action: 'ship', column: { ...base, name: c.name, kind: 'code', values: [def.formId] }, transform: (v) => (v === def.formId ? v : null) };
    case 'form_version':
    case 'instance':
      return { action: 'ship', column: { ...base, name: c.name, kind: 'integer' }, transform: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : null) };
    default:
      return { action: 'drop', column: c.name, reason: 'no rule' };
  }
}

function planTable(
  def: FormDefinition,
  name: string,
  columns: readonly ExportColumn[],
  settings: ReleaseSettings,
  geography: ShippedColumn[],
  dropped: ReleaseReport['dropped'],
  invalid: { cells: number },
): TablePlan {
  const plans = columns.map((c) => (c.kind === 'key' ? keyColumn(def, c) : planColumn(def, c, isQuasiIdentifier(settings))));
  const shipped: { column: ShippedColumn; source: string; transform: (v: Cell) => Cell }[] = [];
  for (const [i, plan] of plans.entries()) {
    if (plan.action === 'drop') dropped.push({ column: `${name}.${plan.column}`, reason: plan.reason });
    else shipped.push({ column: plan.column, source: (columns[i] as ExportColumn).name, transform: plan.transform });
  }
  // Derived intervals go on the main table (the one with the geography), from two of its date columns.
  const dates = new Set(columns.filter((c) => c.kind === 'date').map((c) => c.name));
  const intervals = geography.length === 0 ? [] : DERIVED_INTERVALS.filter((d) => d.formId === def.formId && dates.has(d.from) && dates.has(d.to));
  const intervalColumns: ShippedColumn[] = intervals.map((d) => ({ name: d.name, label: d.label, source: null, field: null, kind: 'band', quasiIdentifier: false, values: bandLabels(d.edges, true) }));
  return {
    name,
    columns: [...shipped.map((s) => s.column), ...intervalColumns, ...geography],
    ship(source, key, jurisdiction) {
      const row: Record<string, Cell> = {};
      for (const s of shipped) {
        if (s.column.kind === 'release_key') {
          row[s.column.name] = key;
          continue;
        }
        const raw = source[s.source] ?? null;
        const value = s.transform(raw);
        if (raw !== null && value === null) invalid.cells++;
        row[s.column.name] = value;
      }
      for (const d of intervals) row[d.name] = intervalBand(d, source[d.from] ?? null, source[d.to] ?? null);
      for (const g of geography) row[g.name] = g.name === 'state' ? (STATES.includes(jurisdiction.state) ? jurisdiction.state : null) : (jurisdiction.county ?? null);
      return row;
    },
  };
}

/** De-identifies the records of one form version into the tables of a warehouse release, with what it did. */
export function deidentifyRelease(input: ReleaseInput): Release {
  const settings: ReleaseSettings = { ...DEFAULT_RELEASE_SETTINGS, ...input.settings };
  const def = input.form;
  const layout = exportLayout(def);
  const dropped: ReleaseReport['dropped'] = [];
  const invalid = { cells: 0 };

  const counties = settings.countyAllowed
    ? [...new Set(input.records.filter((r) => r.jurisdiction.type === 'county' && r.jurisdiction.county).map((r) => r.jurisdiction.county as string))].sort()
    : [];
  const geography: ShippedColumn[] = [
    { name: 'state', label: 'State (USPS code)', source: null, field: null, kind: 'geography', quasiIdentifier: true, values: [...STATES] },
    ...(settings.countyAllowed
      ? [{ name: 'county', label: "County (county agencies' records only)", source: null, field: null, kind: 'geography' as const, quasiIdentifier: true, values: counties }]
      : []),
  ];
  const main = planTable(def, layout.main.name, layout.main.columns, settings, geography, dropped, invalid);
  const repeating = layout.repeating.map((t) => planTable(def, t.name, t.columns, settings, [], dropped, invalid));

  // One random key per record, held only here: it cannot be derived from the record or its id.
  const keys = new Map<string, string>();
  const mainRows: Record<string, Cell>[] = [];
  const repeatingRows = repeating.map(() => [] as Record<string, Cell>[]);
  for (const record of input.records) {
    let key = keys.get(record.recordId);
    if (key === undefined) {
      key = randomUUID();
      keys.set(record.recordId, key);
    }
    const jurisdiction = { ...record.jurisdiction, county: record.jurisdiction.type === 'county' ? record.jurisdiction.county : undefined };
    mainRows.push(main.ship(record.rows.main, key, jurisdiction));
    repeating.forEach((t, i) => {
      for (const row of record.rows.repeating[t.name] ?? []) repeatingRows[i]?.push(t.ship(row, key, jurisdiction));
    });
  }

  const { generalized, suppressedCells, suppressed, ...kAnonymity } = enforceKAnonymity(main.columns, mainRows, settings.k);
  return {
    tables: [
      { name: main.name, columns: main.columns, rows: mainRows },
      ...repeating.map((t, i) => ({ name: t.name, columns: t.columns, rows: repeatingRows[i] ?? [] })),
    ],
    report: { dropped, generalized, suppressedCells, suppressed, invalidCells: invalid.cells, kAnonymity },
  };
}
