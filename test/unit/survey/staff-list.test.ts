import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { decodeStaffList, MAX_STAFF_ROWS, parseStaffList } from '#shared/survey/invitations/csv.ts';

const UNITS = [
  { code: 'intake', label: 'Intake and Assessment' },
  { code: 'ongoing', label: 'Ongoing Services' },
];
const csv = (...lines: string[]) => lines.join('\n');
const problemsOf = (text: string) => {
  const r = parseStaffList(text, UNITS);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};

describe('staff list CSV (email, unit): every problem names its line, nothing passes with any problem', () => {
  it('takes a header and rows by unit code or label, lower-cases emails, ignores trailing blank lines', () => {
    const r = parseStaffList(csv('email,unit', 'Jane.Doe@Agency.example.gov,intake', 'sam@agency.example.gov, ongoing services ', '', ''), UNITS);
    expect(r).toEqual({
      ok: true,
      rows: [
        { line: 2, email: 'jane.doe@agency.example.gov', unit: 'intake' },
        { line: 3, email: 'sam@agency.example.gov', unit: 'ongoing' },
      ],
    });
  });

  it('takes the columns in either order and a quoted field', () => {
    const r = parseStaffList(csv('Unit,Email', '"Intake and Assessment","a@x.example.org"'), UNITS);
    expect(r.ok && r.rows).toEqual([{ line: 2, email: 'a@x.example.org', unit: 'intake' }]);
  });

  it('a bad email names its line', () => {
    expect(problemsOf(csv('email,unit', 'ok@x.example.org,intake', 'not-an-email,intake', '@x.example.org,intake'))).toEqual([
      { line: 3, message: 'Line 3: "not-an-email" is not an email address.' },
      { line: 4, message: 'Line 4: the email "@x.example.org" starts with "@", like a spreadsheet formula; it is not an email address.' },
    ]);
  });

  it('a duplicate email (any letter case) names both lines', () => {
    expect(problemsOf(csv('email,unit', 'a@x.example.org,intake', 'b@x.example.org,intake', 'A@X.example.org,ongoing'))).toEqual([
      { line: 4, message: 'Line 4: repeats the email address of line 2. Each person is listed once.' },
    ]);
  });

  it('an unknown unit names its line and the value', () => {
    expect(problemsOf(csv('email,unit', 'a@x.example.org,payroll'))[0]).toEqual({
      line: 2,
      message: 'Line 2: the unit "payroll" is not a unit of your jurisdiction (use its code or its name as in the registry).',
    });
  });

  it('an empty row between rows is a problem; a missing value too', () => {
    expect(problemsOf(csv('email,unit', 'a@x.example.org,intake', '', 'b@x.example.org,', ',intake'))).toEqual([
      { line: 3, message: 'Line 3: the line is empty. Remove it, or put a person on it.' },
      { line: 4, message: 'Line 4: the unit is missing.' },
      { line: 5, message: 'Line 5: the email address is missing.' },
    ]);
  });

  it('formula-looking cells (=, +, -, @) are refused in emails and units, never stored', () => {
    const problems = problemsOf(csv('email,unit', '=CMD()@x.example.org,intake', 'a@x.example.org,=HYPERLINK("http://evil")', 'b@x.example.org,+1', 'c@x.example.org,-2', '  =1+1,intake'));
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(problems.every((p) => /like a spreadsheet formula/.test(p.message))).toBe(true);
  });

  it('a row with too few or too many values, a wrong header, an empty list, bad quotes', () => {
    expect(problemsOf(csv('email,unit', 'a@x.example.org,intake,extra'))[0]!.message).toMatch(/^Line 2: has 3 values/);
    expect(problemsOf(csv('mail,team', 'a@x.example.org,intake'))).toEqual([{ line: 1, message: expect.stringMatching(/header "email,unit"/) }]);
    expect(problemsOf('\n\n')).toEqual([{ message: expect.stringMatching(/The list is empty/) }]);
    expect(problemsOf(csv('email,unit', '"a@x.example.org,intake'))[0]!.message).toMatch(/not valid CSV/);
  });

  it('every bad row is listed, not only the first', () => {
    const lines = ['email,unit', ...Array.from({ length: 120 }, (_, i) => `bad${i},intake`)];
    expect(problemsOf(csv(...lines))).toHaveLength(120);
  });

  it(`${MAX_STAFF_ROWS.toLocaleString('en-US')} rows are taken; one more is refused as a whole`, () => {
    const rows = (n: number) => csv('email,unit', ...Array.from({ length: n }, (_, i) => `person.${i}@agency.example.gov,${i % 2 ? 'intake' : 'Ongoing Services'}`));
    const started = performance.now();
    const r = parseStaffList(rows(MAX_STAFF_ROWS), UNITS);
    // Printed, not asserted (timing belongs to the bench): what a web request spends validating the largest list.
    console.log(`staff list: ${MAX_STAFF_ROWS} rows validated in ${Math.round(performance.now() - started)} ms`);
    expect(r.ok && r.rows.length).toBe(MAX_STAFF_ROWS);
    expect(problemsOf(rows(MAX_STAFF_ROWS + 1))).toEqual([{ message: expect.stringMatching(/has 20,001 people; one list takes at most 20,000/) }]);
  });
});

describe('staff list encoding', () => {
  const bytes = (...parts: (string | number[])[]) => new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))));

  it('UTF-8, with or without a byte order mark, decodes', () => {
    expect(decodeStaffList(bytes('email,unit\nrenée@x.example.org,intake\n'))).toEqual({ ok: true, text: 'email,unit\nrenée@x.example.org,intake\n' });
    expect(decodeStaffList(bytes([0xef, 0xbb, 0xbf], 'email,unit\n'))).toEqual({ ok: true, text: 'email,unit\n' });
  });

  it('Latin-1 (Windows-1252) bytes are refused with the line they are on', () => {
    const r = decodeStaffList(bytes('email,unit\na@x.example.org,intake\nren', [0xe9], 'e@x.example.org,intake\n'));
    expect(r).toEqual({ ok: false, problems: [{ line: 3, message: expect.stringMatching(/^The file is not UTF-8 text: line 3 .*CSV UTF-8/) }] });
  });

  it('UTF-16 is named', () => {
    const r = decodeStaffList(new Uint8Array([0xff, 0xfe, 0x65, 0x00]));
    expect(r.ok === false && r.problems[0]!.message).toMatch(/UTF-16/);
  });
});

describe('CSV the platform writes', () => {
  it('neutralizes formula-looking cells (a leading quote), and leaves other cells as they are', async () => {
    const { toCsv } = await import('#shared/csv.ts');
    const csv = toCsv([{ a: '=CMD()', b: '+SUM(A1)' }, { a: '@SUM(A1)', b: '-CMD()' }, { a: 'plain', b: 'x=1' }], ['a', 'b']);
    expect(csv).toBe("a,b\n'=CMD(),'+SUM(A1)\n'@SUM(A1),'-CMD()\nplain,x=1\n");
  });
});
