/**
 * Every CSV the platform writes goes through here: csv-stringify, with formula-looking cells neutralized. A cell
 * that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width forms) is run as a formula by
 * spreadsheet programs (CSV injection, OWASP), so it gets a leading apostrophe; a plain number such as `-3.5` is
 * left as it is, since no spreadsheet reads it as anything else.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[-+]?\d+(?:\.\d+)?$/;

/** A text cell as it is safe to write. */
export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** Rows as CSV with a header line, in the order of `columns`. */
export function toCsv<Row extends object>(rows: readonly Row[], columns: readonly string[]): string {
  return stringify(rows as Row[], { header: true, columns: [...columns], cast: { string: neutralizeCell } });
}
