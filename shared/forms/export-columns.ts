/**
 * Export layout of a form version: one main table (one row per record, one column per exportable
 * variable; a multiple choice becomes one 0/1 column per code) and one long-format table per repeating
 * group, keyed by record id and instance number. Every column carries the field's privacy tags, so
 * de-identified and aggregate exports can be derived from the layout alone.
 */
import type { AggregationRole, DeidRule, FormDefinition, Item, Sensitivity } from '#forms/types.ts';
import { isRecord } from './conditions.ts';
import { topLevelItems } from './definition.ts';
import { computeScores } from './scores.ts';

export type ColumnKind = 'key' | 'text' | 'integer' | 'decimal' | 'date' | 'code' | 'flag' | 'score';

export interface ExportColumn {
  name: string;
  label: string;
  /** The variable the column comes from (null for key columns). */
  field: string | null;
  kind: ColumnKind;
  /** For a multiple-choice flag column: the code it flags. */
  code?: string;
  sensitivity: Sensitivity;
  deid: DeidRule;
  role: AggregationRole | 'key';
  bands?: readonly number[];
}

export interface ExportTable {
  name: string;
  label: string;
  columns: ExportColumn[];
}

export interface ExportLayout {
  formId: string;
  /** The versions the layout covers (one, or several when merged). */
  formVersions: number[];
  main: ExportTable;
  /** Long-format tables, one per repeating group. */
  repeating: ExportTable[];
}

export type Cell = string | number | null;

/** Separator between a multiple choice's variable name and a code in flag column names (REDCap style). */
export const FLAG_SEPARATOR = '___';

const key = (name: string, label: string): ExportColumn => ({
  name,
  label,
  field: null,
  kind: 'key',
  sensitivity: 'none',
  deid: 'keep',
  role: 'key',
});

function columnsOf(item: Exclude<Item, { type: 'group' }>): ExportColumn[] {
  const base = {
    label: item.label,
    field: item.name,
    sensitivity: item.tags.sensitivity,
    deid: item.tags.deid,
    role: item.tags.role,
    ...(item.tags.bands ? { bands: item.tags.bands } : {}),
  };
  switch (item.type) {
    case 'multiple_choice':
      return item.choices.map((c) => ({
        ...base,
        name: `${item.name}${FLAG_SEPARATOR}${c.code}`,
        label: `${item.label}: ${c.label}`,
        kind: 'flag',
        code: c.code,
      }));
    case 'short_text':
    case 'long_text':
    case 'email':
      return [{ ...base, name: item.name, kind: 'text' }];
    case 'date':
      return [{ ...base, name: item.name, kind: 'date' }];
    case 'decimal':
      return [{ ...base, name: item.name, kind: 'decimal' }];
    case 'integer':
    case 'year':
    case 'likert':
    case 'rating':
      return [{ ...base, name: item.name, kind: 'integer' }];
    default:
      return [{ ...base, name: item.name, kind: 'code' }];
  }
}

function scoreColumns(def: FormDefinition): ExportColumn[] {
  return (def.scores ?? []).flatMap((s) => {
    const tags = { field: s.name, kind: 'score' as const, sensitivity: 'none' as const, deid: 'keep' as const, role: 'measure' as const };
    return [
      { ...tags, name: `${s.name}_mean`, label: `${s.label}: scale mean` },
      { ...tags, name: `${s.name}_pct_positive`, label: `${s.label}: percent positive` },
    ];
  });
}

export function exportLayout(def: FormDefinition): ExportLayout {
  const main: ExportColumn[] = [key('record_id', 'Record ID'), key('form_id', 'Form'), key('form_version', 'Form version')];
  const repeating: ExportTable[] = [];
  for (const item of topLevelItems(def)) {
    if (item.type === 'group') {
      repeating.push({
        name: item.name,
        label: item.label,
        columns: [key('record_id', 'Record ID'), key('instance', 'Instance (1, 2, ...)'), ...item.fields.flatMap(columnsOf)],
      });
    } else {
      main.push(...columnsOf(item));
    }
  }
  main.push(...scoreColumns(def));
  return { formId: def.formId, formVersions: [def.version], main: { name: def.formId, label: def.title, columns: main }, repeating };
}

function mergeColumns(tables: ExportTable[]): ExportTable {
  const seen = new Map<string, ExportColumn>();
  for (const table of tables) for (const c of table.columns) if (!seen.has(c.name)) seen.set(c.name, c);
  const last = tables[tables.length - 1] as ExportTable;
  return { name: last.name, label: last.label, columns: [...seen.values()] };
}

/**
 * One layout for records of several versions of a form: the union of their columns (a column that a
 * version lacks is empty for its records), so records of every version stay exportable together.
 */
export function mergeLayouts(layouts: readonly ExportLayout[]): ExportLayout {
  const first = layouts[0];
  if (!first || layouts.some((l) => l.formId !== first.formId)) throw new Error('mergeLayouts needs layouts of one form');
  const groups = new Map<string, ExportTable[]>();
  for (const l of layouts) for (const t of l.repeating) groups.set(t.name, [...(groups.get(t.name) ?? []), t]);
  return {
    formId: first.formId,
    formVersions: [...new Set(layouts.flatMap((l) => l.formVersions))].sort((a, b) => a - b),
    main: mergeColumns(layouts.map((l) => l.main)),
    repeating: [...groups.values()].map(mergeColumns),
  };
}

function cell(value: unknown): Cell {
  return typeof value === 'string' || typeof value === 'number' ? value : null;
}

function rowOf(columns: readonly ExportColumn[], values: Readonly<Record<string, unknown>>, keys: Record<string, Cell>): Record<string, Cell> {
  const row: Record<string, Cell> = {};
  for (const c of columns) {
    if (c.kind === 'key') row[c.name] = keys[c.name] ?? null;
    else if (c.kind === 'flag') {
      const chosen = c.field ? values[c.field] : undefined;
      row[c.name] = Array.isArray(chosen) ? (chosen.includes(c.code) ? 1 : 0) : null;
    } else row[c.name] = c.field ? cell(values[c.field]) : null;
  }
  return row;
}

export interface ExportedRecord {
  main: Record<string, Cell>;
  /** Rows per repeating group, instance numbers from 1. */
  repeating: Record<string, Record<string, Cell>[]>;
}

/** The rows of one stored record, in the layout of its own version (or a merged layout). */
export function exportRecord(
  def: FormDefinition,
  recordId: string,
  answers: Readonly<Record<string, unknown>>,
  layout: ExportLayout = exportLayout(def),
): ExportedRecord {
  const values: Record<string, unknown> = { ...answers };
  for (const score of Object.values(computeScores(def, answers))) {
    values[`${score.name}_mean`] = score.mean;
    values[`${score.name}_pct_positive`] = score.percentPositive;
  }
  const scoreValue = (c: ExportColumn): ExportColumn => (c.kind === 'score' ? { ...c, field: c.name } : c);
  const main = rowOf(layout.main.columns.map(scoreValue), values, { record_id: recordId, form_id: def.formId, form_version: def.version });
  const repeating: Record<string, Record<string, Cell>[]> = {};
  for (const table of layout.repeating) {
    const entries = answers[table.name];
    repeating[table.name] = Array.isArray(entries)
      ? entries.map((entry, i) => rowOf(table.columns, isRecord(entry) ? entry : {}, { record_id: recordId, instance: i + 1 }))
      : [];
  }
  return { main, repeating };
}
