/**
 * The k-anonymity check of a release (docs/warehouse.md, "k-anonymity"): rows that share every quasi-identifier
 * value (null included) form a class; rows of classes smaller than k are generalized step by step (local recoding:
 * only those rows), then one quasi-identifier at a time is set to null in them (local suppression, greedy), and only
 * the rows still in a small class after that lose every quasi-identifier (full suppression). Rows are kept, not
 * dropped, so their non-identifying answers (causes, factors, improvement opportunities) still count.
 * Deterministic: the same rows in the same order give the same output.
 */
import type { Cell } from '#shared/forms/export-columns.ts';
import { AGE_CAP, bandLabels, bandOf, type ShippedColumn } from './rules.ts';

type Row = Record<string, Cell>;

/**
 * Coarser codes of a code list, by variable name. Only the child's age band has one: its bands merge into
 * "under 6" and "6 to 17" (the under-1 band is the one a publicised infant death falls in).
 */
export const CODE_HIERARCHIES: Readonly<Record<string, { codes: readonly { code: string; label: string }[]; map: Readonly<Record<string, string>> }>> = {
  child_age_band: {
    codes: [
      { code: 'under_6', label: 'Under 6 years' },
      { code: '6_to_17', label: '6 to 17 years' },
    ],
    map: { under_1: 'under_6', '1_to_2': 'under_6', '3_to_5': 'under_6', '6_to_11': '6_to_17', '12_to_17': '6_to_17' },
  },
};

export interface KAnonymityReport {
  k: number;
  /** The quasi-identifier columns, in table order. */
  quasiIdentifiers: string[];
  /** The smallest class of rows with at least one quasi-identifier left (null when there is none). */
  smallestClass: number | null;
  /** Classes in the output (the class of fully suppressed rows included). */
  classes: number;
  /** Each generalization step, then each local suppression step, and how many rows it changed. */
  steps: { step: string; rows: number }[];
  /** Rows changed by at least one generalization step. */
  generalized: number;
  /**
   * Cells set to null by local suppression, per quasi-identifier column (columns with none left out). A row fully
   * suppressed afterwards keeps its count here too.
   */
  suppressedCells: Record<string, number>;
  /** Rows whose every quasi-identifier was suppressed (set to null) after local suppression could do no more. */
  suppressed: number;
}

interface Step {
  name: string;
  /** The new values of a row (only the columns that change), or nothing to change. */
  apply: (row: Row) => Row;
}

const lowerBound = (label: string): number => Number.parseFloat(label);

/** Every coarser level of a band column: each keeps every other edge (and an age keeps its 90+ edge). */
function bandSteps(column: ShippedColumn): Step[] {
  const labels = column.values ?? [];
  const integer = !labels.some((l) => l.includes('<'));
  let edges = labels.map(lowerBound);
  const steps: Step[] = [];
  for (let level = 1; edges.length > 1; level++) {
    const coarse = edges.filter((e, i) => i % 2 === 0 || (column.age === true && e === AGE_CAP));
    if (coarse.length === edges.length) break;
    column.values = [...new Set([...(column.values ?? []), ...bandLabels(coarse, integer)])];
    steps.push({
      name: `coarser bands of ${column.name} (level ${level})`,
      apply: (row) => {
        const v = row[column.name];
        return typeof v === 'string' ? { [column.name]: bandOf(lowerBound(v), coarse, integer) } : {};
      },
    });
    edges = coarse;
  }
  return steps;
}

function codeStep(column: ShippedColumn): Step[] {
  const hierarchy = column.field ? CODE_HIERARCHIES[column.field] : undefined;
  if (column.kind !== 'code' || !hierarchy) return [];
  column.values = [...new Set([...(column.values ?? []), ...hierarchy.codes.map((c) => c.code)])];
  return [
    {
      name: `coarser codes of ${column.name}`,
      apply: (row) => {
        const v = row[column.name];
        const coarse = typeof v === 'string' ? hierarchy.map[v] : undefined;
        return coarse ? { [column.name]: coarse } : {};
      },
    },
  ];
}

/** Withholds a group of columns for a row (a flag-coded multiple choice has no coarser value in its own columns). */
function withhold(name: string, columns: readonly string[]): Step {
  return { name, apply: () => Object.fromEntries(columns.map((c) => [c, null])) };
}

/** The generalization steps of a table, least information lost first. */
export function generalizationSteps(columns: readonly ShippedColumn[]): Step[] {
  const qi = columns.filter((c) => c.quasiIdentifier);
  const steps: Step[] = [];
  for (const c of qi) if (c.kind === 'band') steps.push(...bandSteps(c));
  for (const c of qi) steps.push(...codeStep(c));
  // The first year (the incident's, on the critical incident review) stays; the later dates' years go.
  const years = qi.filter((c) => c.kind === 'year');
  for (const c of years.slice(1)) steps.push(withhold(`year of ${c.name} withheld`, [c.name]));
  const flagGroups = new Map<string, string[]>();
  for (const c of qi) if (c.kind === 'flag' && c.field) flagGroups.set(c.field, [...(flagGroups.get(c.field) ?? []), c.name]);
  for (const [field, names] of flagGroups) steps.push(withhold(`${field} withheld`, names));
  return steps;
}

const classKey = (row: Row, qi: readonly string[]): string => JSON.stringify(qi.map((c) => row[c] ?? null));

function classSizes(rows: readonly Row[], qi: readonly string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const row of rows) {
    const key = classKey(row, qi);
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return sizes;
}

const changes = (row: Row, update: Row): boolean => Object.entries(update).some(([c, v]) => (row[c] ?? null) !== v);

/** The quasi-identifiers as local suppression nulls them: a multiple choice's flags together, the rest one by one. */
export function suppressionGroups(columns: readonly ShippedColumn[]): { name: string; columns: string[] }[] {
  const groups: { name: string; columns: string[] }[] = [];
  const byField = new Map<string, { name: string; columns: string[] }>();
  for (const c of columns.filter((col) => col.quasiIdentifier)) {
    const shared = c.kind === 'flag' && c.field ? byField.get(c.field) : undefined;
    if (shared) {
      shared.columns.push(c.name);
      continue;
    }
    const group = { name: c.kind === 'flag' && c.field ? c.field : c.name, columns: [c.name] };
    if (c.kind === 'flag' && c.field) byField.set(c.field, group);
    groups.push(group);
  }
  return groups;
}

/**
 * Greedy local suppression: while rows sit in classes smaller than k, null the one column group in all of them
 * that leaves the fewest such rows (the first in column order on a tie), as long as some group leaves fewer than
 * before. Only rows of small classes change, so classes of k or more only grow. Returns the steps it took.
 */
function suppressLocally(groups: readonly { name: string; columns: string[] }[], rows: Row[], qi: readonly string[], k: number, cells: Record<string, number>): { step: string; rows: number }[] {
  const steps: { step: string; rows: number }[] = [];
  for (;;) {
    const sizes = classSizes(rows, qi);
    const small = rows.filter((r) => (sizes.get(classKey(r, qi)) ?? 0) < k);
    if (small.length === 0) return steps;
    let best: { group: (typeof groups)[number]; left: number } | undefined;
    for (const group of groups) {
      const nulls = Object.fromEntries(group.columns.map((c) => [c, null]));
      if (!small.some((r) => changes(r, nulls))) continue;
      // Rows of classes of k or more keep their keys; the small rows' new keys join them or each other.
      const keys = small.map((r) => classKey({ ...r, ...nulls }, qi));
      const joined = new Map<string, number>();
      for (const key of keys) joined.set(key, (joined.get(key) ?? 0) + 1);
      const total = (key: string): number => {
        const before = sizes.get(key) ?? 0;
        return (before >= k ? before : 0) + (joined.get(key) ?? 0);
      };
      const left = keys.filter((key) => total(key) < k).length;
      if (left < (best?.left ?? small.length)) best = { group, left };
    }
    if (!best) return steps;
    let changed = 0;
    for (const row of small) {
      let touched = false;
      for (const c of best.group.columns) {
        if ((row[c] ?? null) === null) continue;
        row[c] = null;
        cells[c] = (cells[c] ?? 0) + 1;
        touched = true;
      }
      if (touched) changed++;
    }
    steps.push({ step: `${best.group.name} suppressed (local)`, rows: changed });
  }
}

/**
 * Makes `rows` (changed in place) k-anonymous on the quasi-identifier columns of `columns`. Band and code columns'
 * `values` gain the coarser labels and codes the steps can write.
 */
export function enforceKAnonymity(columns: readonly ShippedColumn[], rows: Row[], k: number): KAnonymityReport {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a whole number of at least 1, not ${k}`);
  const qi = columns.filter((c) => c.quasiIdentifier).map((c) => c.name);
  const touched = new Set<Row>();
  const report: { step: string; rows: number }[] = [];
  const small = (): Row[] => {
    const sizes = classSizes(rows, qi);
    return rows.filter((r) => (sizes.get(classKey(r, qi)) ?? 0) < k);
  };

  for (const step of generalizationSteps(columns)) {
    let changed = 0;
    for (const row of small()) {
      const update = step.apply(row);
      if (!changes(row, update)) continue;
      Object.assign(row, update);
      touched.add(row);
      changed++;
    }
    report.push({ step: step.name, rows: changed });
  }

  const cells: Record<string, number> = {};
  report.push(...suppressLocally(suppressionGroups(columns), rows, qi, k, cells));
  const suppressedCells = Object.fromEntries(qi.filter((c) => cells[c]).map((c) => [c, cells[c] ?? 0]));

  let suppressed = 0;
  const allNull = Object.fromEntries(qi.map((c) => [c, null]));
  for (const row of small()) {
    if (!changes(row, allNull)) continue;
    Object.assign(row, allNull);
    suppressed++;
  }

  const sizes = classSizes(rows, qi);
  const emptyKey = JSON.stringify(qi.map(() => null));
  const kept = [...sizes].filter(([key]) => key !== emptyKey).map(([, n]) => n);
  return {
    k,
    quasiIdentifiers: qi,
    smallestClass: kept.length > 0 ? Math.min(...kept) : null,
    classes: sizes.size,
    steps: report,
    generalized: touched.size,
    suppressedCells,
    suppressed,
  };
}
