/**
 * A wave's staff list, as the jurisdiction admin uploads or types it: CSV with a header row naming `email` and
 * `unit` (the unit's registry code or its label). Parsed with csv-parse (the family of the csv-stringify the
 * platform writes with) and validated row by row: every problem names its line, and a list with any problem is not
 * imported at all (the caller writes nothing unless `ok`).
 */
import { parse } from 'csv-parse/sync';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';

/** Most people one list may hold: a large state agency's whole staff fits, and a web request still validates it in well under a second. */
export const MAX_STAFF_ROWS = 20_000;
/** Largest upload taken (20,000 rows of long addresses fit; API Gateway and Lambda take a few MB). */
export const MAX_STAFF_LIST_BYTES = 3 * 1024 * 1024;
/** Longest email address (RFC 5321 path limit). */
const MAX_EMAIL = 254;

export interface StaffRow {
  /** The line of the file (1 = the header). */
  line: number;
  /** Lower-cased: one person is one address whatever the letter case. */
  email: string;
  /** The registry unit code. */
  unit: string;
}

export interface StaffListProblem {
  /** The line the problem is on; absent for the file as a whole. */
  line?: number;
  message: string;
}

export type StaffListResult = { ok: true; rows: StaffRow[] } | { ok: false; problems: StaffListProblem[] };

export interface UnitRef {
  code: string;
  label: string;
}

const emailSchema = z.lazy(() => z.email());
/** A cell a spreadsheet would run as a formula (OWASP CSV injection): refused, never stored or sent on. */
export const FORMULA_START = /^[=+\-@\t\r]/;
const BOM = [0xef, 0xbb, 0xbf];

/** What was typed, shortened and quoted for a message (the page escapes it). */
const shown = (value: string) => `"${value.length > 60 ? `${value.slice(0, 57)}…` : value}"`;

/**
 * The text of an uploaded file: UTF-8 (a byte order mark is fine). Anything else is refused with the line of the
 * first byte that is not UTF-8, because decoding it anyway would turn names into U+FFFD and import wrong addresses.
 */
export function decodeStaffList(bytes: Uint8Array): { ok: true; text: string } | { ok: false; problems: StaffListProblem[] } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, problems: [{ message: 'The file is UTF-16 text. Save it as "CSV UTF-8" (in Excel: Save As, CSV UTF-8) and upload it again.' }] };
  }
  const start = BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  const body = bytes.subarray(start);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    const line = firstInvalidUtf8Line(body);
    return {
      ok: false,
      problems: [
        {
          line,
          message: `The file is not UTF-8 text: line ${line} has a character in another encoding (such as Windows-1252 or Latin-1). Save the file as "CSV UTF-8" and upload it again. Nothing was imported.`,
        },
      ],
    };
  }
}

/** The 1-based line of the first byte sequence that is not UTF-8. */
function firstInvalidUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(lineStart, i));
      } catch {
        return line;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return line;
}

/**
 * Validates a staff list against the jurisdiction's units. Every row is checked (not only up to the first problem),
 * so one upload shows everything to fix; the problems come in line order.
 */
export function parseStaffList(text: string, units: readonly UnitRef[]): StaffListResult {
  const problems: StaffListProblem[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: true, trim: true }) as never;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { ok: false, problems: [{ ...(line ? { line } : {}), message: `The list is not valid CSV${line ? ` at line ${line}` : ''}: check the quotes on that line. Nothing was imported.` }] };
  }
  const isEmpty = (r: string[]) => r.every((cell) => cell === '');
  // Blank lines at the very end (an editor's habit) are not rows; a blank line between rows is a problem.
  let last = records.length;
  while (last > 0 && isEmpty(records[last - 1]!.record)) last--;
  records = records.slice(0, last);
  if (records.length === 0) return { ok: false, problems: [{ message: 'The list is empty. The first line is the header "email,unit", then one person per line.' }] };

  const header = records[0]!.record.map((h) => h.toLowerCase());
  const emailAt = header.indexOf('email');
  const unitAt = header.indexOf('unit');
  if (emailAt < 0 || unitAt < 0 || header.length !== 2) {
    return { ok: false, problems: [{ line: 1, message: 'The first line must be the header "email,unit" (two columns: the email address and the unit).' }] };
  }
  const people = records.length - 1;
  if (people > MAX_STAFF_ROWS) {
    return { ok: false, problems: [{ message: `The list has ${people.toLocaleString('en-US')} people; one list takes at most ${MAX_STAFF_ROWS.toLocaleString('en-US')}. Split it into two waves or remove people who are not staff.` }] };
  }

  const byCode = new Map(units.map((u) => [u.code, u.code]));
  const byLabel = new Map(units.map((u) => [u.label.trim().toLowerCase(), u.code]));
  const firstLineOf = new Map<string, number>();
  const rows: StaffRow[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const add = (message: string) => problems.push({ line, message: `Line ${line}: ${message}` });
    if (isEmpty(record)) {
      add('the line is empty. Remove it, or put a person on it.');
      continue;
    }
    if (record.length !== 2) {
      add(`has ${record.length} ${record.length === 1 ? 'value' : 'values'}; each line has an email address and a unit, separated by a comma.`);
      continue;
    }
    const email = record[emailAt]!;
    const unitValue = record[unitAt]!;
    let bad = false;
    if (FORMULA_START.test(email)) {
      add(`the email ${shown(email)} starts with "${email[0]}", like a spreadsheet formula; it is not an email address.`);
      bad = true;
    } else if (email === '') {
      add('the email address is missing.');
      bad = true;
    } else if (email.length > MAX_EMAIL || !emailSchema.safeParse(email).success) {
      add(`${shown(email)} is not an email address.`);
      bad = true;
    }
    let unit: string | undefined;
    if (FORMULA_START.test(unitValue)) {
      add(`the unit ${shown(unitValue)} starts with "${unitValue[0]}", like a spreadsheet formula; it is not a unit.`);
    } else if (unitValue === '') {
      add('the unit is missing.');
    } else {
      unit = byCode.get(unitValue) ?? byLabel.get(unitValue.toLowerCase());
      if (!unit) add(`the unit ${shown(unitValue)} is not a unit of your jurisdiction (use its code or its name as in the registry).`);
    }
    if (bad) continue;
    const key = email.toLowerCase();
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      add(`repeats the email address of line ${first}. Each person is listed once.`);
      continue;
    }
    firstLineOf.set(key, line);
    if (unit) rows.push({ line, email: key, unit });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}
