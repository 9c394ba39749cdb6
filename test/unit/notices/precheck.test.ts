import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { precheckNotice, precheckText, type PrecheckFinding } from '#shared/notices/precheck.ts';

/** The findings as `kind:text`, in order. */
const found = (text: string) => precheckText(text).map((f) => `${f.kind}:${f.text}`);
/** The one finding of `kind` in `text`, whose text must be `expected`, at the place where `expected` first occurs. */
function expectOne(text: string, kind: PrecheckFinding['kind'], expected: string) {
  const start = text.indexOf(expected);
  expect(precheckText(text).filter((f) => f.kind === kind)).toEqual([{ kind, start, end: start + expected.length, text: expected }]);
}

describe('precheckText: each kind', () => {
  it('marks names, honorifics and titles included, and initials standing for a person', () => {
    expect(found('The caseworker, Maria Lopez, visited twice. Dr. Smith and Officer Brown spoke to Ms. Garcia.')).toEqual([
      'name:Maria Lopez',
      'name:Dr. Smith',
      'name:Officer Brown',
      'name:Ms. Garcia',
    ]);
    expect(found('The child, J.M., was seen by a nurse. Baby J. slept on a couch.')).toEqual(['name:J.M.', 'name:Baby J.']);
    expectOne('Notes show that José Martínez called.', 'name', 'José Martínez');
  });

  it('marks dates: calendar dates, months, one past day or week, and a date inside a relative one', () => {
    expect(found('On March 3 the worker visited; the infant died on 3/14/2024.')).toEqual(['date:March 3', 'date:3/14/2024']);
    expect(found('She was seen last Tuesday and again yesterday.')).toEqual(['date:last Tuesday', 'date:yesterday']);
    expect(found('Two weeks ago the case was closed; in March it was reopened.')).toEqual(['date:Two weeks ago', 'date:March']);
    expect(found('The referral of 5 Dec 2023 was screened out 2 days after March 3.')).toEqual(['date:5 Dec 2023', 'date:2 days after March 3']);
    expectOne('The review on 2023-04-05 found gaps.', 'date', '2023-04-05');
  });

  it('marks US phone numbers in their usual formats', () => {
    for (const phone of ['(502) 555-0123', '502-555-0123', '502.555.0123', '502 555 0123', '+1 502 555 0123', '1-800-555-0199', '502-555-0123 ext. 12', '555-0123']) {
      expectOne(`Call ${phone} for help.`, 'phone', phone);
    }
  });

  it('marks email addresses, without the full stop that ends the sentence', () => {
    expectOne('Write to intake.team@dcbs.ky.gov.', 'email', 'intake.team@dcbs.ky.gov');
    expectOne('or J_Doe+notice@example.org, today', 'email', 'J_Doe+notice@example.org');
  });

  it('marks street addresses, PO boxes, apartments and ZIP codes', () => {
    expectOne('The family lived at 1423 Oak Street, Apt 4B, with relatives.', 'address', '1423 Oak Street, Apt 4B');
    expectOne('They moved to 12 N. Main St. last spring.', 'address', '12 N. Main St.');
    expectOne('Mail went to PO Box 1234 instead.', 'address', 'PO Box 1234');
    expectOne('Mail went to Post Office Box 12 instead.', 'address', 'Post Office Box 12');
    expectOne('A relative at 77 Elm Ct., Unit 5C took the children.', 'address', '77 Elm Ct., Unit 5C');
    expectOne('They lived at 4500 West 5th Ave for a year.', 'address', '4500 West 5th Ave');
    expectOne('She stayed in apartment 4B.', 'address', 'apartment 4B');
    expectOne('Louisville, KY 40202 was the address given.', 'address', 'KY 40202');
  });

  it('marks case numbers: after a case word, with an agency prefix, SSN-like, and any run of six digits', () => {
    expectOne('See case #2023-0145 for the history.', 'case_number', '2023-0145');
    expectOne('Referral CPS-23-001234 was screened in.', 'case_number', 'CPS-23-001234');
    expectOne('The intake 1234567 was assigned.', 'case_number', '1234567');
    expectOne('Her number 123-45-6789 was on the form.', 'case_number', '123-45-6789');
    expectOne('Medicaid id 88812345 was shared.', 'case_number', '88812345');
    expectOne('Open case 2023-0145 again.', 'case_number', '2023-0145');
  });
});

describe('precheckText: what is not flagged', () => {
  it('leaves agency and program names, states and counties alone', () => {
    expect(
      found(
        'The Department of Children and Families, the Safe Sleep Program, Child Protective Services, Jefferson County Public Schools, ' +
          "Norton Children's Hospital, the Office of the Child Advocate and Franklin County Children Services met in Jefferson Parish.",
      ),
    ).toEqual([]);
    const states = 'Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, Florida, Georgia, Hawaii, Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, Maryland, Massachusetts, Michigan, Minnesota, Mississippi, Missouri, Montana, Nebraska, Nevada, New Hampshire, New Jersey, New Mexico, New York, North Carolina, North Dakota, Ohio, Oklahoma, Oregon, Pennsylvania, Rhode Island, South Carolina, South Dakota, Tennessee, Texas, Utah, Vermont, Virginia, Washington, West Virginia, Wisconsin and Wyoming share notices.';
    expect(found(states)).toEqual([]);
    for (const state of states.replace(' and ', ', ').replace(' share notices.', '').split(', ')) {
      expect(found(`Partners in ${state} agreed. ${state} will adopt the checklist.`), state).toEqual([]);
    }
    expect(found('Lincoln County and Washington County joined; Jackson County, Kentucky, did too.')).toEqual([]);
  });

  it('leaves durations, periods, deadlines, years and fiscal years alone', () => {
    expect(
      found(
        'Within 30 days of intake, and for 30 days after, staff check the plan. In the past 12 months and over the past year ' +
          'we saw more deaths than in 2023 or FY2024; 2019-2023 trends and the 2022 report agree. Review 10 days later, by the end of month.',
      ),
    ).toEqual([]);
  });

  it('leaves generic weekdays, times, "today", 24/7, fractions, ages and list positions alone', () => {
    expect(
      found(
        'Supervisors meet on Monday mornings and staff visit on Fridays, at 3 a.m. if needed. Today, the hotline runs 24/7; ' +
          '3/4 of the reviews named unsafe sleep. Children aged 0-3 and a 6 month old infant; in case 3 of 12, child 2 was older. COVID-19 slowed visits.',
      ),
    ).toEqual([]);
    expect(found('Staff march on. The agency may call. In 2022 Family Court judges met at 100 Hospital Drive.')).toEqual([]);
  });
});

describe('precheckText: offsets and overlaps', () => {
  it('gives UTF-16 offsets whose slice is the finding, past emoji and accents', () => {
    const text = 'Note 😀 from the café: call 502-555-0123 or write to a.b@example.com.';
    for (const f of precheckText(text)) expect(text.slice(f.start, f.end)).toBe(f.text);
    expect(precheckText(text)).toEqual([
      { kind: 'phone', start: 28, end: 40, text: '502-555-0123' },
      { kind: 'email', start: 53, end: 68, text: 'a.b@example.com' },
    ]);
  });

  it('keeps one finding where several overlap: the more precise kind, and never two on one character', () => {
    // The name inside the email, the digits run inside the phone number and the date-like part of the address.
    expect(found('Write maria.lopez@example.org or call 1-800-555-0199 (5025550123 also works) at 1423 May Street.')).toEqual([
      'email:maria.lopez@example.org',
      'phone:1-800-555-0199',
      'case_number:5025550123',
      'address:1423 May Street',
    ]);
    const findings = precheckText('Maria Lopez, 1423 Oak Street, Apt 4B, case #2023-0145, March 3, 555-0123, a@b.co');
    for (let i = 1; i < findings.length; i += 1) expect(findings[i]!.start).toBeGreaterThanOrEqual(findings[i - 1]!.end);
  });

  it('is deterministic and finds nothing in blank text', () => {
    const text = 'Maria Lopez called on March 3 from 502-555-0123.';
    expect(precheckText(text)).toEqual(precheckText(text));
    expect(precheckText('')).toEqual([]);
    expect(precheckText(' \n\t ')).toEqual([]);
  });
});

const CLEAN_NOTICE = {
  title: 'Unsafe sleep: safety plans that nobody checks',
  systemic_issue:
    'In three of the twelve infant deaths we reviewed in 2023, the infant slept on an adult bed or a couch although a safety plan ' +
    'said a crib had been provided. Safety plans were written at intake and not looked at again before the case was closed. ' +
    'Supervisors did not see the plans, and home visits within 30 days of closure were not required. The Safe Sleep Program and ' +
    'the Department of Children and Families had no shared way to know whether a crib was in use.',
  recommended_actions:
    'Check that every safety plan names who will confirm each item, and when. Ask supervisors to review open safety plans ' +
    'before a case is closed. Partners in Kentucky, Ohio and Tennessee found it useful to add a home visit within 30 days of ' +
    'closure for families with an infant under 12 months. Contact the Office of the Child Advocate for the checklist we use.',
};

describe('precheckNotice on realistic notices', () => {
  it('finds nothing in a de-identified notice', () => {
    const report = precheckNotice(Object.entries(CLEAN_NOTICE).map(([field, text]) => ({ field, label: field, text })));
    expect(report.fields.map((f) => f.findings)).toEqual([[], [], []]);
    expect(report.findingCount).toBe(0);
  });

  it('finds one of each kind in a notice that names a case, per field, in order', () => {
    const report = precheckNotice([
      { field: 'title', label: 'Title', text: 'Unsafe sleep after the death of Jaden Miller' },
      {
        field: 'systemic_issue',
        label: 'Systemic issue',
        text:
          'On March 3 the infant was found unresponsive at 1423 Oak Street. The safety plan in case #2023-0145 was not reviewed ' +
          'before closure, although the grandmother had called 502-555-0123 twice.',
      },
      { field: 'recommended_actions', label: 'Recommended actions', text: 'Ask questions of our team at safe.sleep@dcbs.example.gov.' },
    ]);
    expect(report.fields.map((f) => f.findings.map((x) => `${x.kind}:${x.text}`))).toEqual([
      ['name:Jaden Miller'],
      ['date:March 3', 'address:1423 Oak Street', 'case_number:2023-0145', 'phone:502-555-0123'],
      ['email:safe.sleep@dcbs.example.gov'],
    ]);
    expect(report.findingCount).toBe(6);
    expect(report.fields.map((f) => [f.field, f.label])).toEqual([
      ['title', 'Title'],
      ['systemic_issue', 'Systemic issue'],
      ['recommended_actions', 'Recommended actions'],
    ]);
  });

  it('checks 50 KB of notice text in one call (the time is measured and written in docs/notices.md)', () => {
    const paragraph = `${CLEAN_NOTICE.systemic_issue} Maria Lopez called 502-555-0123 on March 3 about case #2023-0145. `;
    const text = paragraph.repeat(Math.ceil(50_000 / paragraph.length));
    const started = performance.now();
    const findings = precheckText(text);
    const elapsed = performance.now() - started;
    console.info(`precheckText: ${text.length} characters in ${Math.round(elapsed)} ms`);
    expect(findings.filter((f) => f.kind === 'phone')).toHaveLength(Math.ceil(50_000 / paragraph.length));
  });
});

describe('precheckText finds planted identifiers at their exact offsets (property)', () => {
  /** Surrounding words: letters, spaces and punctuation that end a word, none of them digits or identifiers. */
  const filler = fc
    .array(fc.constantFrom('the', 'plan', 'review', 'staff', 'said', 'safety', 'infant', 'was', 'checked', 'and', 'a', 'visit', 'home'), { maxLength: 12 })
    .map((words) => words.join(' '));
  const separatorBefore = fc.constantFrom(' ', '\n', ' (', ': ', ', ', ' "');
  const separatorAfter = fc.constantFrom(' ', '\n', ') ', '. ', ', ', '" ', ';');
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const nanp = fc.tuple(fc.integer({ min: 2, max: 9 }), digits(2)).map(([a, b]) => `${a}${b}`);
  const phone = fc
    .tuple(nanp, nanp, digits(4), fc.constantFrom('(A) B-C', 'A-B-C', 'A.B.C', 'A B C', '+1 A B C', '1-A-B-C'))
    .map(([area, exchange, line, format]) => format.replace('A', area).replace('B', exchange).replace('C', line));
  const email = fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9._]{0,10}[a-z0-9]$/), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/), fc.constantFrom('gov', 'org', 'us', 'com'))
    .filter(([local]) => !local.includes('..'))
    .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
  const caseNumber = fc.oneof(
    digits(6).chain((six) => digits(2).map((more) => six + more)),
    fc.tuple(fc.constantFrom('CPS', 'DCF', 'DCBS', 'CFS'), digits(2), digits(6)).map(([p, y, n]) => `${p}-${y}-${n}`),
    fc.tuple(digits(3), digits(2), digits(4)).map(([a, b, c]) => `${a}-${b}-${c}`),
  );
  const planted = fc.oneof(
    phone.map((text) => ({ kind: 'phone' as const, text })),
    email.map((text) => ({ kind: 'email' as const, text })),
    caseNumber.map((text) => ({ kind: 'case_number' as const, text })),
  );

  it('phones, emails and case numbers in random surrounding text', () => {
    fc.assert(
      fc.property(filler, separatorBefore, planted, separatorAfter, filler, (before, open, item, close, after) => {
        const prefix = `${before}${open}`;
        const text = `${prefix}${item.text}${close}${after}`;
        expect(precheckText(text)).toContainEqual({ kind: item.kind, start: prefix.length, end: prefix.length + item.text.length, text: item.text });
      }),
      { numRuns: 300 },
    );
  });
});
