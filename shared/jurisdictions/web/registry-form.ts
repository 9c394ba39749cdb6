/**
 * The registry form's values, both ways: a jurisdiction as the strings its form shows, and posted fields as a
 * jurisdiction checked by the domain's own schema (shared/jurisdictions/model.ts). Only the wording of its messages
 * is the web's: the rules stay in the schema, and messages the schema names itself win.
 */
import type * as z from 'zod';
import type { FieldError } from '#shared/errors.ts';
import { CONTACT_ROLES, jurisdictionSchema, type Jurisdiction } from '#shared/jurisdictions/model.ts';
import type { PostedFields } from '#shared/web/form-values.ts';

export type ContactRole = Jurisdiction['contacts'][number]['role'];
export { CONTACT_ROLES };

export interface ContactRow {
  role: string;
  name: string;
  email: string;
}

/** What the form shows: every field as typed (nothing is lost when a post comes back with errors). */
export interface RegistryFormValues {
  id: string;
  name: string;
  type: string;
  state: string;
  county: string;
  active: string;
  joinedYear: string;
  /** One `code | label` per line. */
  units: string;
  contacts: ContactRow[];
  /** The jurisdiction's own review timing; both blank: the partnership's defaults (shared/policy.ts). */
  reviewReminderHours: string;
  reviewEscalateAfterReminders: string;
  /** The data-sharing agreement: the checkbox ('true' when checked), its start day (YYYY-MM-DD) and lag in months; all empty: none. */
  dataSharingShares: string;
  dataSharingSince: string;
  dataSharingLagMonths: string;
}

/** Contact rows the form reads (more than the schema allows, so that too many is an error, not silent loss). */
const MAX_CONTACT_ROWS = 100;
const CONTACT_NAME = /^contacts\[(\d{1,2})\]\.(role|name|email)$/;
const UNIT_SEPARATOR = '|';

/** The id of a field's input (or first control), for labels, aria-describedby and the error summary's links. */
export function fieldId(field: string): string {
  if (field === 'contacts') return 'reg-contacts-0-role';
  const contact = /^contacts\[(\d+)\]\.(\w+)$/.exec(field);
  if (contact) return `reg-contacts-${contact[1]}-${contact[2]}`;
  return `reg-${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export const contactName = (index: number, part: keyof ContactRow) => `contacts[${index}].${part}`;

export function emptyFormValues(): RegistryFormValues {
  return {
    id: '',
    name: '',
    type: '',
    state: '',
    county: '',
    active: 'true',
    joinedYear: String(new Date().getUTCFullYear()),
    units: '',
    contacts: [],
    reviewReminderHours: '',
    reviewEscalateAfterReminders: '',
    dataSharingShares: '',
    dataSharingSince: '',
    dataSharingLagMonths: '',
  };
}

export function formValuesOf(j: Jurisdiction): RegistryFormValues {
  return {
    id: j.id,
    name: j.name,
    type: j.type,
    state: j.state,
    county: j.county ?? '',
    active: String(j.active),
    joinedYear: String(j.joinedYear),
    units: j.units.map((u) => `${u.code} ${UNIT_SEPARATOR} ${u.label}`).join('\n'),
    contacts: j.contacts.map((c) => ({ role: c.role, name: c.name, email: c.email })),
    reviewReminderHours: j.review ? String(j.review.reminderHours) : '',
    reviewEscalateAfterReminders: j.review ? String(j.review.escalateAfterReminders) : '',
    dataSharingShares: j.dataSharing?.sharesWithWarehouse ? 'true' : '',
    dataSharingSince: j.dataSharing?.since ?? '',
    dataSharingLagMonths: j.dataSharing ? String(j.dataSharing.lagMonths) : '',
  };
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[v.length - 1] ?? '') : (v ?? ''));
const isBlank = (row: ContactRow) => !row.role.trim() && !row.name.trim() && !row.email.trim();

/** The posted form as typed; contact rows keep their form positions (trailing empty rows dropped). */
export function formValuesFrom(posted: PostedFields): RegistryFormValues {
  const contacts: ContactRow[] = [];
  for (const [key, value] of Object.entries(posted)) {
    const m = CONTACT_NAME.exec(key);
    if (!m || Number(m[1]) >= MAX_CONTACT_ROWS) continue;
    const index = Number(m[1]);
    for (let i = contacts.length; i <= index; i++) contacts.push({ role: '', name: '', email: '' });
    contacts[index]![m[2] as keyof ContactRow] = one(value);
  }
  while (contacts.length && isBlank(contacts[contacts.length - 1]!)) contacts.pop();
  return {
    id: one(posted.id),
    name: one(posted.name),
    type: one(posted.type),
    state: one(posted.state),
    county: one(posted.county),
    active: one(posted.active),
    joinedYear: one(posted.joinedYear),
    units: one(posted.units),
    contacts,
    reviewReminderHours: one(posted.reviewReminderHours),
    reviewEscalateAfterReminders: one(posted.reviewEscalateAfterReminders),
    dataSharingShares: one(posted.dataSharingShares),
    dataSharingSince: one(posted.dataSharingSince),
    dataSharingLagMonths: one(posted.dataSharingLagMonths),
  };
}

export type ParsedJurisdiction = { ok: true; jurisdiction: Jurisdiction } | { ok: false; errors: FieldError[] };

/**
 * The form's values as a jurisdiction, validated by jurisdictionSchema. Errors are keyed by form field (see fieldId): a
 * top-level field, `contacts`, `contacts[i].role|name|email` with i the form's row, `reviewReminderHours` /
 * `reviewEscalateAfterReminders` for the schema's `review`, or `dataSharingShares|Since|LagMonths` for its `dataSharing`.
 */
export function jurisdictionFrom(values: RegistryFormValues): ParsedJurisdiction {
  const errors: FieldError[] = [];
  // Units: one per non-empty line; remember each unit's line for messages.
  const units: { code: string; label: string }[] = [];
  const unitLines: number[] = [];
  values.units.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const at = line.indexOf(UNIT_SEPARATOR);
    if (at < 0) {
      errors.push({ field: 'units', message: `Units, line ${i + 1}: write the code, a vertical bar (|) and the label, such as "intake | Intake"` });
      return;
    }
    units.push({ code: line.slice(0, at).trim(), label: line.slice(at + 1).trim() });
    unitLines.push(i + 1);
  });
  // Contacts: filled rows only; remember each contact's form row for the error links.
  const contacts: ContactRow[] = [];
  const contactRows: number[] = [];
  values.contacts.forEach((row, i) => {
    if (isBlank(row)) return;
    contacts.push({ role: row.role.trim(), name: row.name.trim(), email: row.email.trim() });
    contactRows.push(i);
  });
  const year = values.joinedYear.trim();
  // Review timing: both blank is the partnership's defaults; one alone is refused rather than guessed, so the
  // profile never holds a value nobody typed.
  const hours = values.reviewReminderHours.trim();
  const escalate = values.reviewEscalateAfterReminders.trim();
  if (Boolean(hours) !== Boolean(escalate)) {
    errors.push({ field: hours ? 'reviewEscalateAfterReminders' : 'reviewReminderHours', message: REVIEW_PAIR_MESSAGE });
  }
  // Data sharing: unchecked with both blank is no agreement; anything given is an agreement the schema checks, so an
  // unchecked box with its terms kept records a withdrawn one.
  const shares = values.dataSharingShares === 'true';
  const since = values.dataSharingSince.trim();
  const lag = values.dataSharingLagMonths.trim();
  const candidate = {
    id: values.id.trim(),
    name: values.name.trim(),
    type: values.type || undefined,
    state: values.state || undefined,
    ...(values.county.trim() ? { county: values.county.trim() } : {}),
    units,
    contacts,
    active: values.active === 'true' ? true : values.active === 'false' ? false : undefined,
    // A year that is not digits stays text, so that the schema says what is wrong with it.
    joinedYear: /^\d{1,9}$/.test(year) ? Number(year) : year || undefined,
    // With one of them given, the other is missing for the schema too; the pair's message (pushed first) is the one kept.
    ...(hours || escalate ? { review: { reminderHours: hours ? numberOrText(hours) : undefined, escalateAfterReminders: escalate ? numberOrText(escalate) : undefined } } : {}),
    ...(shares || since || lag ? { dataSharing: { sharesWithWarehouse: shares, since: since || undefined, lagMonths: lag ? numberOrText(lag) : undefined } } : {}),
  };
  const result = jurisdictionSchema.safeParse(candidate, { error: messageFor });
  if (result.success && errors.length === 0) return { ok: true, jurisdiction: result.data };
  for (const issue of result.success ? [] : result.error.issues) {
    const [top, index, part] = issue.path as [string, number | string | undefined, string | undefined];
    if (top === 'units' && typeof index === 'number') {
      errors.push({ field: 'units', message: `Units, line ${unitLines[index]}: ${issue.message}` });
    } else if (top === 'contacts' && typeof index === 'number') {
      const field = part ? contactName(contactRows[index]!, part as keyof ContactRow) : contactName(contactRows[index]!, 'role');
      errors.push({ field, message: `Contact ${contactRows[index]! + 1}: ${issue.message}` });
    } else if (top === 'review' && typeof index === 'string') {
      errors.push({ field: REVIEW_FIELDS[index as keyof typeof REVIEW_FIELDS] ?? 'reviewReminderHours', message: issue.message });
    } else if (top === 'dataSharing') {
      errors.push({ field: DATA_SHARING_FIELDS[index as keyof typeof DATA_SHARING_FIELDS] ?? 'dataSharingShares', message: issue.message });
    } else {
      errors.push({ field: top ?? 'name', message: issue.message });
    }
  }
  // One message per field (the first rule it breaks), units one per line; in the order of the form.
  const seen = new Set<string>();
  const kept = errors.filter((e) => e.field === 'units' || (!seen.has(e.field) && seen.add(e.field)));
  const order = (f: string) => {
    const i = FIELD_ORDER.indexOf(f.replace(/\[.*$/, '') as (typeof FIELD_ORDER)[number]);
    return i < 0 ? FIELD_ORDER.length : i;
  };
  return { ok: false, errors: kept.map((e, i) => ({ e, i })).sort((a, b) => order(a.e.field) - order(b.e.field) || a.i - b.i).map(({ e }) => e) };
}

const FIELD_ORDER = [
  'id',
  'name',
  'type',
  'state',
  'county',
  'active',
  'joinedYear',
  'units',
  'contacts',
  'reviewReminderHours',
  'reviewEscalateAfterReminders',
  'dataSharingShares',
  'dataSharingSince',
  'dataSharingLagMonths',
] as const;

/** The form field of each part of the schema's `review`. */
const REVIEW_FIELDS = { reminderHours: 'reviewReminderHours', escalateAfterReminders: 'reviewEscalateAfterReminders' } as const;

/** The form field of each part of the schema's `dataSharing`. */
const DATA_SHARING_FIELDS = { sharesWithWarehouse: 'dataSharingShares', since: 'dataSharingSince', lagMonths: 'dataSharingLagMonths' } as const;

export const REVIEW_PAIR_MESSAGE =
  'Give both the hours between reminders and the number of reminders before escalating, or leave both blank for the partnership defaults';

/** A number as typed ("1.5", "-3": the schema says what is wrong with it); anything else stays text. */
const numberOrText = (s: string): number | string => (/^[+-]?\d{1,9}(\.\d{1,9})?$/.test(s) ? Number(s) : s);

const LABELS: Record<string, string> = {
  name: 'the name',
  county: 'the county',
  label: 'the unit label',
};

/**
 * Messages in words for people where the schema leaves them to zod's defaults ("Too small: expected string…").
 * Consulted only for issues the schema names no message of its own for.
 */
function messageFor(issue: z.core.$ZodRawIssue): string | undefined {
  const path = issue.path ?? [];
  const field = String(path[path.length - 1] ?? '');
  const top = String(path[0] ?? '');
  const min = 'minimum' in issue ? Number(issue.minimum) : undefined;
  const max = 'maximum' in issue ? Number(issue.maximum) : undefined;
  if (top === 'units' && path.length === 1 && issue.code === 'too_big') return `Give at most ${max} units`;
  if (top === 'contacts' && path.length === 1 && issue.code === 'too_big') return `Give at most ${max} contacts`;
  switch (field) {
    case 'type':
      return 'Choose the type of agency';
    case 'state':
      return 'Choose the state or territory';
    case 'active':
      return 'Choose whether the jurisdiction is an active member';
    case 'role':
      return "Choose the contact's role";
    case 'email':
      return 'Enter an email address, such as name@agency.example.org';
    case 'reminderHours':
      return 'Enter the hours between reminders as a whole number, such as 72';
    case 'escalateAfterReminders':
      return 'Enter the number of reminders before escalating as a whole number, such as 2';
    case 'joinedYear':
      if (issue.code === 'too_small') return `The year it joined is ${min} or later`;
      if (issue.code === 'too_big') return `The year it joined is ${max} or earlier`;
      return 'Enter the year it joined as four digits, such as 2021';
  }
  const what = top === 'contacts' && field === 'name' ? "the contact's name" : LABELS[field];
  if (!what) return undefined;
  if (issue.code === 'too_small') return min !== undefined && min > 1 ? `Enter ${what}, at least ${min} characters` : `Enter ${what}`;
  if (issue.code === 'too_big') return `Shorten ${what} to at most ${max} characters`;
  return undefined;
}
