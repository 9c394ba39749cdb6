/**
 * The pre-publication check of a safety notice (docs/notices.md, "Pre-publication check"): marks text that looks
 * like a name, a date, an address, a phone number, an email address or a case number, so that the reviewer looks
 * at it before approving. A warning screen, never a redactor: nothing is rewritten, and a clean result proves
 * nothing (the partnership's wave 2 notes, section 6: free text is read by a person).
 *
 * Pure and deterministic. Heavy: 414 KB minified, 349 KB of it compromise (docs/notices.md), so only workflow task
 * functions import this module, never the web function; pages import precheck-model.ts.
 */
import * as chrono from 'chrono-node';
import nlp from 'compromise';
import type { PrecheckFinding, PrecheckKind, PrecheckReport } from '#shared/notices/precheck-model.ts';

export type { PrecheckFieldReport, PrecheckFinding, PrecheckKind, PrecheckReport } from '#shared/notices/precheck-model.ts';

export function precheckNotice(texts: { field: string; label: string; text: string }[]): PrecheckReport {
  const fields = texts.map(({ field, label, text }) => ({ field, label, text, findings: precheckText(text) }));
  return { fields, findingCount: fields.reduce((n, f) => n + f.findings.length, 0) };
}

export function precheckText(text: string): PrecheckFinding[] {
  if (text.trim() === '') return [];
  const candidates = [
    ...patternFindings(text, 'email', EMAIL),
    ...patternFindings(text, 'phone', PHONE),
    ...caseNumberFindings(text),
    ...addressFindings(text),
    ...dateFindings(text),
    ...nameFindings(text),
  ];
  return resolveOverlaps(candidates);
}

/**
 * Which finding stays when two overlap: the more precise patterns first (an email address holds what looks like a
 * name, an address number may look like a case number, a phone number like a date), then the longer one.
 */
const PRIORITY: Record<PrecheckKind, number> = { email: 0, phone: 1, case_number: 2, address: 3, date: 4, name: 5 };

function resolveOverlaps(candidates: PrecheckFinding[]): PrecheckFinding[] {
  const ordered = [...candidates].sort(
    (a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const kept: PrecheckFinding[] = [];
  for (const c of ordered) {
    if (!kept.some((k) => c.start < k.end && k.start < c.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

const finding = (text: string, kind: PrecheckKind, start: number, end: number): PrecheckFinding => ({
  kind,
  start,
  end,
  text: text.slice(start, end),
});

/** Every match of a global pattern; the match may mark a named group `hit` instead of the whole match (needs flag d). */
function patternFindings(text: string, kind: PrecheckKind, pattern: RegExp): PrecheckFinding[] {
  return [...text.matchAll(pattern)].map((m) => {
    const [start, end] = m.indices?.groups?.hit ?? [m.index, m.index + m[0].length];
    return finding(text, kind, start, end);
  });
}

// Regular expressions for the formatted identifiers: the libraries made for one of them (libphonenumber-js for
// phones, email validators) add weight for formats a US notice does not use, and case-number formats are each
// agency's own.

/** A practical address shape (not RFC 5322): local part, @, dotted domain with a letter TLD. */
const EMAIL = /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g;

/**
 * US numbers as written: (502) 555-0123, 502-555-0123, 502.555.0123, 502 555 0123, +1 502 555 0123,
 * 1-800-555-0199, an extension (x123, ext. 123), and a seven-digit local number with a hyphen (555-0123). Area
 * codes and exchanges start with 2-9 (NANP), which keeps ranges such as 100-120 of 1999 out.
 */
const PHONE = new RegExp(
  String.raw`(?<![\w+-])(?:(?:\+1[\s.-]?|1[\s.-])?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-])[2-9]\d{2}[\s.-]\d{4}|[2-9]\d{2}-\d{4})` +
    String.raw`(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?(?![\w-])`,
  'gi',
);

/** Suffixes that say "street" whatever number comes before; abbreviations take their period ("St."). */
const STREET_SUFFIXES = ['Street', 'St.', 'Avenue', 'Ave.', 'Road', 'Rd.', 'Boulevard', 'Blvd.', 'Lane', 'Ln.', 'Drive', 'Dr.'];
/** Suffixes that are also common nouns ("Court", "Way"): not after a year-like number ("In 2022 Family Court"). */
const OTHER_SUFFIXES = [
  'Court', 'Ct.', 'Place', 'Pl.', 'Way', 'Terrace', 'Ter.', 'Circle', 'Cir.', 'Parkway', 'Pkwy.', 'Highway', 'Hwy.',
  'Trail', 'Trl.', 'Pike', 'Square', 'Sq.', 'Alley', 'Row', 'Loop', 'Crossing', 'Xing', 'Point', 'Pt.', 'Ridge', 'Run',
  'Path', 'Walk', 'Plaza',
];
const suffixPattern = (suffixes: string[]) => suffixes.map((s) => (s.endsWith('.') ? String.raw`${s.slice(0, -1)}\b\.?` : String.raw`${s}\b`)).join('|');
const UNIT_WORD = String.raw`(?:Apt|Apartment|Unit|Suite|Ste|Lot|Trlr|Trailer)\.?\s*#?\s*(?=[A-Z0-9-]*\d)[A-Z0-9-]+`;
const DIRECTION = String.raw`(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\b\.?`;
/** A street address; the group `street` holds its name ("Oak", "North Main"), checked by streetFindings. */
const streetAddress = (number: string, suffixes: string[]) =>
  new RegExp(
    String.raw`(?<![\w-])${number}\s+(?<street>(?:${DIRECTION}\s+)?(?:(?:[A-Z][a-zA-Z'-]*|\d+(?:st|nd|rd|th))\s+){1,4})` +
      String.raw`(?:${suffixPattern(suffixes)})(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?(?:,?\s+(?:${UNIT_WORD}|#\s?\d+[A-Z]?))?`,
    'g',
  );
const STREET_PATTERNS: RegExp[] = [
  // 1423 Oak Street, 12 N. Main St., 4500 West 5th Ave, Apt 4B
  streetAddress(String.raw`\d{1,6}[A-Z]?`, STREET_SUFFIXES),
  streetAddress(String.raw`(?!(?:19|20)\d{2}\b)\d{1,6}[A-Z]?`, OTHER_SUFFIXES),
];
const OTHER_ADDRESS_PATTERNS: RegExp[] = [
  /\b(?:P\.?\s?O\.?|Post\s+Office)\s*Box\s+\d+/gi,
  // An apartment, suite or lot on its own: "apartment 4B", "Lot 12".
  new RegExp(String.raw`\b${UNIT_WORD}(?![\w-])`, 'gi'),
  // A ZIP code after a state abbreviation or the word ZIP: "KY 40202", "zip code 40202-1234".
  /\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY]|PR)\s+\d{5}(?:-\d{4})?\b/g,
  /\bzip(?:\s*code)?:?\s*\d{5}(?:-\d{4})?\b/gi,
];

function addressFindings(text: string): PrecheckFinding[] {
  return [...STREET_PATTERNS.flatMap((p) => streetFindings(text, p)), ...OTHER_ADDRESS_PATTERNS.flatMap((p) => patternFindings(text, 'address', p))];
}

/** Streets named like institutions ("12 Family Court", "100 Hospital Drive") are not a family's address. */
function streetFindings(text: string, pattern: RegExp): PrecheckFinding[] {
  return [...text.matchAll(pattern)]
    .filter((m) => !wordsOf(m.groups?.street ?? '').some((w) => AGENCY_WORDS.has(w) || COURT_WORDS.has(w)))
    .map((m) => finding(text, 'address', m.index, m.index + m[0].length));
}
const COURT_WORDS = new Set(['juvenile', 'circuit', 'supreme', 'superior', 'probate', 'dependency', 'drug', 'appeals', 'municipal']);

/** Words that introduce an agency's identifier of a case, intake, referral or court file, with a number sign after them. */
const CASE_WORDS = String.raw`(?:case|file|intake|referral|report|record|petition|docket|investigation|incident|client|child|person|member|medicaid|ID)`;
/** The same without a number sign: fewer words ("report 2023-24" is a title, "child 2" a position in a list). */
const CASE_WORDS_UNSIGNED = String.raw`(?:case|file|intake|referral|record|petition|docket|investigation|medicaid)`;
const CASE_NUMBER_PATTERNS: RegExp[] = [
  // "case #2023-0145", "intake no. 55", "referral number R-55312": with a sign of a number, any identifier with a digit.
  new RegExp(String.raw`\b${CASE_WORDS}\s*(?:#|no\.?|num\.?|number)\s*:?\s*#?\s*(?<hit>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]*[A-Z0-9]|\d)(?![\w-])`, 'gid'),
  // "intake 1234567", "case 2023-0145": without the sign, four or more characters and not a bare year.
  new RegExp(String.raw`\b${CASE_WORDS_UNSIGNED}\s+(?<hit>(?!(?:19|20)\d{2}(?![\w-]))(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{2,}[A-Z0-9])(?![\w-])`, 'gid'),
  // "CPS-23-001234", "DCF-2023-14": an agency prefix and at least four digits (COVID-19 stays out).
  /(?<![\w-])(?!FY)[A-Z]{2,6}-(?=(?:[-A-Z]*\d){4})\d[\dA-Z]*(?:-[\dA-Z]+)*(?![\w-])/g,
  // SSN-like: 123-45-6789, 123 45 6789.
  /(?<![\w-])\d{3}([\s-])\d{2}\1\d{4}(?![\w-])/g,
  // Any run of six or more digits (file numbers, Medicaid ids, unformatted phone numbers).
  /(?<![\d])\d{6,}(?!\d)/g,
];

function caseNumberFindings(text: string): PrecheckFinding[] {
  return CASE_NUMBER_PATTERNS.flatMap((p) => patternFindings(text, 'case_number', p));
}

// Dates: chrono-node finds them; what is left out is decided on the parse (docs/notices.md lists it). Safe Harbor
// allows the year alone, so a year, a fiscal year, a duration, a period or a deadline is not a finding.

/** A fixed reference date: chrono resolves relative dates against it; only the span matters here, never the value. */
const REFERENCE_DATE = new Date(Date.UTC(2000, 0, 1));
const WEEKDAY = String.raw`(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)[a-z]*\.?`;
/** Relative dates that point to one past day, week or month ("3 days ago", "last week"), not periods ("the past 12 months") or durations ("within 30 days"). */
const ONE_PAST_TIME = new RegExp(String.raw`\bago\b|\b(?:last|past|previous)\s+(?:night|week|weekend|month|${WEEKDAY})(?!\w)`, 'i');
const MONTH = String.raw`(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?`;
/** A calendar date inside a relative or casual one ("2 days after March 3", "yesterday, 5 Dec", "the day before 3/14"). */
const HOLDS_CALENDAR_DATE = new RegExp(String.raw`\b${MONTH}\s+\d|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}|\d{1,2}\/\d{1,2}`, 'i');
/** Weekdays said with a word that makes them one day ("last Tuesday", "this Friday"), not a habit ("on Monday mornings"). */
const ONE_WEEKDAY = new RegExp(String.raw`\b(?:last|this|next|past|previous|that)\s+${WEEKDAY}`, 'i');
/** Casual words for one past day ("yesterday", "last night"); "today", "now" and "tonight" are how rules are written. */
const ONE_CASUAL_DAY = /\b(?:yesterday|last\s+night)\b/i;
/** Slash forms that are not dates: "24/7" service, fractions ("3/4 of the reviews"). */
const NOT_A_SLASH_DATE = /^(?:24\/7(?!\/)|\d{1,2}\/\d{1,2}\s+of\b)/;
const LEADING_PREPOSITION = /^\s*(?:(?:on|at|in|since|from|by|until|of)\s+)*/i;

function dateFindings(text: string): PrecheckFinding[] {
  const found: PrecheckFinding[] = [];
  for (const result of chrono.en.casual.parse(text, REFERENCE_DATE)) {
    if (!isOneDateOrMonth(result, text.slice(result.index, result.index + result.text.length + 4))) continue;
    const lead = LEADING_PREPOSITION.exec(result.text)?.[0].length ?? 0;
    const trail = /[\s,;:]*$/.exec(result.text)?.[0].length ?? 0;
    found.push(finding(text, 'date', result.index + lead, result.index + result.text.length - trail));
  }
  return found;
}

/** Whether a parse names a day or a month of the calendar (`around`: its text and a few characters after). */
function isOneDateOrMonth(result: chrono.ParsedResult, around: string): boolean {
  const tags = result.tags();
  if (tags.has('result/relativeDate')) return ONE_PAST_TIME.test(result.text) || HOLDS_CALENDAR_DATE.test(result.text);
  if (tags.has('parser/ENEndOfCurrentMonthParser')) return false;
  // "noon" or "this morning" merged with a calendar date is that date; "yesterday" and "today" set the day themselves.
  if (tags.has('parser/ENCasualDateParser')) return ONE_CASUAL_DAY.test(result.text) || HOLDS_CALENDAR_DATE.test(result.text);
  if (result.start.isCertain('day')) return !NOT_A_SLASH_DATE.test(around);
  // A month alone only when written as a name: "in March", never the verb "march".
  if (result.start.isCertain('month')) return /^(?:\P{L}*)\p{Lu}/u.test(result.text.replace(LEADING_PREPOSITION, ''));
  return ONE_WEEKDAY.test(result.text);
}

// Names: compromise tags people from its lexicon of first names, honorifics and titles ("Dr.", "Officer") and from
// the sentence. What it takes for a person in agency text is filtered out here: state names, and words of agencies,
// programs and places ("Safe Sleep Program", "Franklin County").

const STATE_NAMES = [
  'Alabama', 'Alaska', 'Arizona', 'Arkansas', 'California', 'Colorado', 'Connecticut', 'Delaware', 'Florida', 'Georgia',
  'Hawaii', 'Idaho', 'Illinois', 'Indiana', 'Iowa', 'Kansas', 'Kentucky', 'Louisiana', 'Maine', 'Maryland',
  'Massachusetts', 'Michigan', 'Minnesota', 'Mississippi', 'Missouri', 'Montana', 'Nebraska', 'Nevada',
  'New Hampshire', 'New Jersey', 'New Mexico', 'New York', 'North Carolina', 'North Dakota', 'Ohio', 'Oklahoma',
  'Oregon', 'Pennsylvania', 'Rhode Island', 'South Carolina', 'South Dakota', 'Tennessee', 'Texas', 'Utah', 'Vermont',
  'Virginia', 'Washington', 'West Virginia', 'Wisconsin', 'Wyoming', 'District of Columbia', 'Puerto Rico', 'Guam',
];
/** Every word that appears in a state's name: a "person" made only of these is a state ("Carolina", "New Jersey"). */
const STATE_WORDS = new Set(STATE_NAMES.flatMap((s) => s.toLowerCase().split(' ')));
/** Words of agency, program and place names: a "person" holding one, or followed by one, is not a person. */
const AGENCY_WORDS = new Set(
  [
    'department', 'dept', 'division', 'office', 'bureau', 'agency', 'program', 'programme', 'services', 'service',
    'county', 'parish', 'borough', 'city', 'state', 'commonwealth', 'court', 'hospital', 'center', 'centre', 'clinic',
    'council', 'commission', 'board', 'unit', 'team', 'committee', 'coalition', 'foundation', 'institute',
    'university', 'college', 'school', 'schools', 'police', 'sheriff', 'network', 'partnership', 'alliance', 'project',
    'initiative', 'administration', 'authority', 'system', 'health', 'children', 'families', 'family', 'safe', 'sleep',
    'medicaid', 'memorial', 'metro', 'district', 'region', 'regional', 'tribe', 'tribal', 'nation', 'policy', 'act',
    'law', 'plan', 'principle', 'protocol', 'curriculum', 'model', 'campaign', 'fund', 'grant', 'period',
  ],
);
/** Honorifics and titles: a "person" made only of these ("Rev. 2 of the guidance") names nobody. */
const TITLE_WORDS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'rev', 'fr', 'sr', 'jr', 'officer', 'judge', 'det', 'detective', 'sgt', 'sergeant', 'nurse', 'prof']);
const WORDS = /[\p{L}\p{M}'’.-]+/gu;
const wordsOf = (s: string) => (s.match(WORDS) ?? []).map((w) => w.replace(/^[.'’-]+|[.'’-]+$/g, '').toLowerCase()).filter(Boolean);
const isLetterOrDigit = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
/**
 * The name inside what compromise returns (its terms carry punctuation and spaces): from the first letter or digit
 * to the last, keeping the period of a final initial ("Baby J.").
 */
function trimToName(text: string, start: number, end: number): [number, number] {
  while (start < end && !isLetterOrDigit(text[start])) start += 1;
  while (end > start && !isLetterOrDigit(text[end - 1])) end -= 1;
  const initial = end - start >= 1 && text[end] === '.' && !isLetterOrDigit(text[end - 2]) && isLetterOrDigit(text[end - 1]);
  return [start, initial ? end + 1 : end];
}
/** Initials standing for a person ("J.M.", "A. B."); common abbreviations of places and times excluded. */
const INITIALS = /(?<![\p{L}.])(?!(?:U\.\s?S|D\.\s?C|U\.\s?K|A\.\s?M|P\.\s?M|E\.\s?G|I\.\s?E|N\.\s?B|P\.\s?S|R\.\s?N|M\.\s?D|L\.\s?A|N\.\s?Y)\.(?!\s?\p{Lu}\.))\p{Lu}\.\s?\p{Lu}\.(?:\s?\p{Lu}\.)?(?!\p{L})/gu;

/** A child named by an initial, as reports often do ("Baby J.", "baby M"). */
const BABY_INITIAL = /\b[Bb]aby\s+\p{Lu}(?:\.|(?!\p{L}))/gu;

interface CompromiseMatch {
  text: string;
  offset: { start: number; length: number };
}

function nameFindings(text: string): PrecheckFinding[] {
  const people = nlp(text).people().json({ offset: true }) as CompromiseMatch[];
  const found: PrecheckFinding[] = [];
  for (const person of people) {
    const [start, end] = trimToName(text, person.offset.start, person.offset.start + person.offset.length);
    if (start === end) continue;
    const words = wordsOf(text.slice(start, end));
    const nextWord = /^\s+([\p{L}'’.-]+)/u.exec(text.slice(end, end + 40))?.[1]?.toLowerCase();
    if (words.every((w) => STATE_WORDS.has(w) || TITLE_WORDS.has(w))) continue;
    if (words.some((w) => AGENCY_WORDS.has(w)) || (nextWord !== undefined && AGENCY_WORDS.has(nextWord.replace(/\.$/, '')))) continue;
    found.push(finding(text, 'name', start, end));
  }
  return [...found, ...patternFindings(text, 'name', INITIALS), ...patternFindings(text, 'name', BABY_INITIAL)];
}
