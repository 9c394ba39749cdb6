/**
 * The column walker: checks every value of every shipped table against its column's kind, independently of how the
 * rules produced it, and lists each value that could be a direct identifier, a full date, an age over 89 or free
 * text. A release with any finding must not be written.
 */
import type { Cell } from '#shared/forms/export-columns.ts';
import type { ShippedColumn } from './rules.ts';

export interface ShippedTableLike {
  name: string;
  columns: readonly ShippedColumn[];
  rows: readonly Record<string, Cell>[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BAND = /^\d+(\.\d+)?((-<?\d+(\.\d+)?)|\+)?$/;

function problem(column: ShippedColumn, v: Cell): string | null {
  if (v === null) return null;
  switch (column.kind) {
    case 'release_key':
      return typeof v === 'string' && UUID.test(v) ? null : 'not a random key';
    case 'code':
    case 'geography':
      return typeof v === 'string' && (column.values ?? []).includes(v) ? null : 'a string outside the column\'s codes';
    case 'band': {
      if (typeof v !== 'string' || !BAND.test(v) || !(column.values ?? []).includes(v)) return 'not a band label of the column';
      return column.age && Number.parseFloat(v) >= 90 && v !== '90+' ? 'an age over 89' : null;
    }
    case 'flag':
      return v === 0 || v === 1 ? null : 'a flag other than 0 or 1';
    case 'year':
      return typeof v === 'number' && Number.isInteger(v) && v >= 1000 && v <= 9999 ? null : 'not a year';
    case 'integer':
    case 'decimal':
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'not a number';
      if (column.kind === 'integer' && !Number.isInteger(v)) return 'not a whole number';
      return column.age ? 'an age shipped as a number' : null;
  }
}

/** Every finding, as "table.column row n: what" (empty when the tables are clean). */
export function walkShippedTables(tables: readonly ShippedTableLike[]): string[] {
  const findings: string[] = [];
  for (const table of tables) {
    const known = new Set(table.columns.map((c) => c.name));
    table.rows.forEach((row, i) => {
      for (const name of Object.keys(row)) if (!known.has(name)) findings.push(`${table.name}.${name} row ${i}: a column the table does not declare`);
      for (const column of table.columns) {
        const found = problem(column, row[column.name] ?? null);
        if (found) findings.push(`${table.name}.${column.name} row ${i}: ${found}`);
      }
    });
  }
  return findings;
}
