/**
 * Every CSV the platform writes goes through here: csv-stringify with formula neutralizing on (a cell that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`), so no download runs as a spreadsheet
 * formula when opened (OWASP "CSV injection"), whatever a name, title or answer holds.
 */
import { stringify } from 'csv-stringify/sync';

export function toCsv<T extends object>(rows: readonly T[], columns: readonly string[]): string {
  return stringify(rows as T[], { header: true, columns: [...columns], escape_formulas: true });
}
