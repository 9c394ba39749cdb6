/**
 * The column rules of de-identification (docs/warehouse.md, "Rules"): what each export column becomes in a
 * warehouse dataset, decided from its tags and kind alone and failing closed, and the value transforms
 * (year of a date, band label of a number, ages at 90 and over as "90+").
 */
import type { Field, FormDefinition } from '#forms/types.ts';
import { choicesOf, findField } from '#shared/forms/definition.ts';
import type { Cell, ExportColumn } from '#shared/forms/export-columns.ts';
import { REVIEW_TIMELINESS_STANDARD_DAYS } from '#shared/policy.ts';
import { daysBetween } from '#shared/reports/datasets.ts';

export type DropReason = 'rule drop' | 'direct identifier' | 'free text' | 'no rule' | 'keep on a text column';

/** What a shipped column holds; each kind has one value check (verify.ts). */
export type ShippedKind = 'release_key' | 'code' | 'flag' | 'integer' | 'decimal' | 'year' | 'band' | 'geography';

export interface ShippedColumn {
  name: string;
  label: string;
  /** The export column it comes from (null for the added geography columns and the release key). */
  source: string | null;
  /** The form variable it comes from (a multiple choice's flag columns share theirs). */
  field: string | null;
  kind: ShippedKind;
  /** Counts in the k-anonymity check. */
  quasiIdentifier: boolean;
  /** The only strings a code, band or geography column may hold (generalized values included). */
  values?: string[];
  /** An age (its name says so): nothing at or over 90 but "90+". */
  age?: boolean;
}

/** How one export column is turned into one shipped column. */
export type ColumnPlan =
  | { action: 'drop'; column: string; reason: DropReason }
  | { action: 'ship'; column: ShippedColumn; transform: (value: Cell) => Cell };

const KNOWN_RULES = new Set(['keep', 'drop', 'year_only', 'band']);
const KNOWN_SENSITIVITIES = new Set(['direct_identifier', 'quasi_identifier', 'sensitive', 'free_text', 'none']);
/** Kinds a `keep` may ship as they are: none of them can hold a free string or a full date. */
const KEEPABLE = new Set(['code', 'flag', 'integer', 'decimal', 'score']);

/** Safe Harbor: ages over 89 are one category. */
export const AGE_CAP = 90;
export const AGE_CAP_LABEL = '90+';

/** Field names that hold an age ("age", "child_age", "age_at_death"...): the 90+ rule applies to them. */
export function isAgeName(name: string): boolean {
  return /(^|_)age(_|$)/.test(name);
}

/** A date (YYYY-MM-DD, or an ISO timestamp) to its year; anything else is no year. */
export function yearOf(value: Cell): number | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d] = m.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  // Rejects 2023-02-30 and the like: a malformed value is not a date to take a year from.
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? y : null;
}

/**
 * Intervals between two dates of a record, shipped as bands of days and never as the dates: what research needs of a
 * process (review timeliness) when Safe Harbor ships dates as years only. A band of days between two agency events
 * says nothing of the child and, with the years, narrows no date to less than a month, so it is not a
 * quasi-identifier. Declared here by form and field names; a version without both dates ships no such column.
 */
export interface DerivedInterval {
  formId: string;
  name: string;
  label: string;
  from: string;
  to: string;
  edges: readonly number[];
}

export const DERIVED_INTERVALS: readonly DerivedInterval[] = [
  {
    formId: 'critical_incident_review',
    name: 'days_to_review',
    label: 'Days from notification to review, banded (the first band is within the review standard)',
    from: 'notification_date',
    to: 'review_date',
    edges: [0, REVIEW_TIMELINESS_STANDARD_DAYS + 1, 61, 91, 181, 366],
  },
];

/** The band of days from `from` to `to` (days written YYYY-MM-DD); null when either is missing or `to` comes first. */
export function intervalBand(interval: DerivedInterval, from: Cell, to: Cell): string | null {
  const days = daysBetween(from, to);
  return days === undefined ? null : bandOf(days, interval.edges, true);
}

/** Band edges as shipped: for an age, every edge at or over 90 is folded into one top band starting at 90. */
export function effectiveEdges(edges: readonly number[], age: boolean): number[] {
  if (!age || !edges.some((e) => e >= AGE_CAP)) return [...edges];
  return [...edges.filter((e) => e < AGE_CAP), AGE_CAP];
}

/** Labels of the bands of `edges`: "0-5", "6-11", "12+" for integers ("1" for a one-value band), "0-<6" for decimals. */
export function bandLabels(edges: readonly number[], integer: boolean): string[] {
  return edges.map((lo, i) => {
    const next = edges[i + 1];
    if (next === undefined) return `${lo}+`;
    if (!integer) return `${lo}-<${next}`;
    return next - 1 === lo ? `${lo}` : `${lo}-${next - 1}`;
  });
}

/** The band a number falls in; below the first edge (or not a number) it has none. */
export function bandOf(value: Cell, edges: readonly number[], integer: boolean): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) return null;
  let index = -1;
  edges.forEach((e, i) => {
    if (value >= e) index = i;
  });
  return index < 0 ? null : (bandLabels(edges, integer)[index] as string);
}

function numericRange(field: Field | undefined): { min: number; max: number; integer: boolean } | undefined {
  switch (field?.type) {
    case 'integer':
    case 'year':
      return { min: field.min, max: field.type === 'year' ? (field.max ?? 9999) : field.max, integer: true };
    case 'decimal':
      return { min: field.min, max: field.max, integer: false };
    case 'likert': {
      const values = field.scale.points.map((p) => p.value);
      return { min: Math.min(...values), max: Math.max(...values), integer: true };
    }
    case 'rating':
      return { min: 0, max: field.anchors.length - 1, integer: true };
    default:
      return undefined;
  }
}

/** A number the field allows, else null: a value outside the definition's range is not shipped. */
function inRange(value: Cell, range: { min: number; max: number; integer: boolean } | undefined): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (range && (value < range.min || value > range.max || (range.integer && !Number.isInteger(value)))) return null;
  return value;
}

const drop = (column: string, reason: DropReason): ColumnPlan => ({ action: 'drop', column, reason });

/**
 * The plan for one non-key export column. Fails closed: an unknown or missing rule or sensitivity, or a rule that
 * does not fit the column's kind, drops the column ('no rule'); so does `keep` on a text or date column.
 */
export function planColumn(def: FormDefinition, c: ExportColumn, quasiIdentifier: (c: ExportColumn) => boolean): ColumnPlan {
  const rule: unknown = c.deid;
  const sensitivity: unknown = c.sensitivity;
  if (typeof rule !== 'string' || !KNOWN_RULES.has(rule) || typeof sensitivity !== 'string' || !KNOWN_SENSITIVITIES.has(sensitivity)) {
    return drop(c.name, 'no rule');
  }
  if (sensitivity === 'direct_identifier') return drop(c.name, 'direct identifier');
  if (sensitivity === 'free_text') return drop(c.name, 'free text');
  if (rule === 'drop') return drop(c.name, 'rule drop');

  const field = c.field ? findField(def, c.field)?.field : undefined;
  const leaf = field && field.type !== 'group' ? field : undefined;
  const age = isAgeName(c.field ?? c.name);
  const base = { name: c.name, label: c.label, source: c.name, field: c.field, quasiIdentifier: quasiIdentifier(c), ...(age ? { age } : {}) };

  if (rule === 'year_only') {
    if (c.kind === 'date') return { action: 'ship', column: { ...base, kind: 'year' }, transform: yearOf };
    if (c.kind === 'integer' && leaf?.type === 'year') {
      const range = numericRange(leaf);
      return { action: 'ship', column: { ...base, kind: 'year' }, transform: (v) => inRange(v, range) };
    }
    return drop(c.name, 'no rule');
  }

  if (rule === 'band') {
    const range = numericRange(leaf);
    const bands = c.bands ?? [];
    const ascending = bands.length > 0 && bands.every((b, i) => i === 0 || b > (bands[i - 1] as number));
    if ((c.kind !== 'integer' && c.kind !== 'decimal') || !range || !ascending) return drop(c.name, 'no rule');
    const edges = effectiveEdges(bands, age);
    const integer = c.kind === 'integer';
    return {
      action: 'ship',
      column: { ...base, kind: 'band', values: bandLabels(edges, integer) },
      transform: (v) => bandOf(inRange(v, range), edges, integer),
    };
  }

  // keep
  if (!KEEPABLE.has(c.kind)) return drop(c.name, 'keep on a text column');
  switch (c.kind) {
    case 'code': {
      // A lookup's values are run-time ids (agencies, units: sub-state geography), not a closed code list.
      const choices = leaf ? choicesOf(leaf) : undefined;
      if (!choices) return drop(c.name, 'keep on a text column');
      const codes = choices.map((x) => x.code);
      return { action: 'ship', column: { ...base, kind: 'code', values: codes }, transform: (v) => (typeof v === 'string' && codes.includes(v) ? v : null) };
    }
    case 'flag':
      return { action: 'ship', column: { ...base, kind: 'flag' }, transform: (v) => (v === 0 || v === 1 ? v : null) };
    case 'score':
      return { action: 'ship', column: { ...base, kind: 'decimal' }, transform: (v) => inRange(v, undefined) };
    default: {
      const range = numericRange(leaf);
      if (!range) return drop(c.name, 'no rule');
      if (age) {
        // A kept age becomes a label ("0" to "89", then "90+"): a number column could not say "90+".
        const edges = [...Array.from({ length: AGE_CAP }, (_, i) => i), AGE_CAP];
        const integer = c.kind === 'integer';
        return { action: 'ship', column: { ...base, kind: 'band', values: bandLabels(edges, integer) }, transform: (v) => bandOf(inRange(v, range), edges, integer) };
      }
      return { action: 'ship', column: { ...base, kind: c.kind === 'decimal' ? 'decimal' : 'integer' }, transform: (v) => inRange(v, range) };
    }
  }
}
