/**
 * The jurisdictions registry pages of platform admins: the list, and the form that adds or edits a jurisdiction.
 * Plain USWDS form controls that work without JavaScript (units as `code | label` lines, contacts as rows).
 * Preact escapes every text and attribute, so a name that looks like HTML stays text.
 */
import type { FieldError } from '#shared/errors.ts';
import { DATA_SHARING_LAG_MONTHS, JURISDICTION_TYPES, REVIEW_TIMING_LIMITS, US_STATE_CODES, type Jurisdiction } from '#shared/jurisdictions/model.ts';
import { durationWords, REVIEW_ESCALATE_AFTER_REMINDERS, REVIEW_REMINDER_HOURS } from '#shared/policy.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { describedBy, describedByOf, ErrorMessage, FormGroup, Hint } from '#shared/web/components/form-group.tsx';
import { CONTACT_ROLES, contactName, fieldId, type ContactRole, type ContactRow, type RegistryFormValues } from './registry-form.ts';
import { DataTable } from '#shared/web/components/data-table.tsx';

const TYPE_LABELS: Record<Jurisdiction['type'], string> = { state: 'State', county: 'County', tribal: 'Tribal' };
const CONTACT_ROLE_LABELS: Record<ContactRole, string> = {
  'review-lead': 'Review lead',
  'jurisdiction-admin': 'Jurisdiction admin',
  'data-contact': 'Data contact',
};

export const REGISTRY_PATH = '/registry';
const newJurisdictionPath = `${REGISTRY_PATH}/new`;
const jurisdictionPath = (id: string) => `${REGISTRY_PATH}/${encodeURIComponent(id)}`;
const editJurisdictionPath = (id: string) => `${jurisdictionPath(id)}/edit`;

const reminderWords = (n: number) => `${n} reminder${n === 1 ? '' : 's'}`;
const timingWords = (hours: number, escalateAfter: number) => `every ${durationWords(hours * 60)}, escalate after ${reminderWords(escalateAfter)}`;

/**
 * A jurisdiction's review timing in words, as lines: its own, or the partnership's defaults (shared/policy.ts).
 * Lines because the list's cells do not wrap (USWDS's scrollable table).
 */
function reviewTimingLines(j: Pick<Jurisdiction, 'review'>): string[] {
  const [hours, after] = j.review ? [j.review.reminderHours, j.review.escalateAfterReminders] : [REVIEW_REMINDER_HOURS, REVIEW_ESCALATE_AFTER_REMINDERS];
  const lines = [`every ${durationWords(hours * 60)},`, `escalate after ${reminderWords(after)}`];
  if (!j.review) lines.unshift('Partnership default:');
  lines[0] = lines[0]!.charAt(0).toUpperCase() + lines[0]!.slice(1);
  return lines;
}

export const reviewTimingText = (j: Pick<Jurisdiction, 'review'>): string => reviewTimingLines(j).join(' ');

function ReviewTiming({ jurisdiction }: { jurisdiction: Jurisdiction }) {
  return reviewTimingLines(jurisdiction).map((line, i) => (
    <>
      {i ? ' ' : null}
      <span class="display-block">{line}</span>
    </>
  ));
}

/** A jurisdiction's data-sharing agreement in words, for the list. */
export function dataSharingText(j: Pick<Jurisdiction, 'dataSharing'>): string {
  const a = j.dataSharing;
  if (!a) return 'No agreement';
  const terms = `since ${a.since}, ${a.lagMonths}-month lag`;
  return a.sharesWithWarehouse ? `Shares ${terms}` : `Not sharing (agreement ${terms})`;
}

/** Empty contact rows the form offers after the filled ones (more come after each save). */
const SPARE_CONTACT_ROWS = 2;

export function RegistryPage({ jurisdictions, saved }: { jurisdictions: Jurisdiction[]; saved?: Jurisdiction | undefined }) {
  return (
    <>
      <h1>Jurisdictions registry</h1>
      {saved ? <AlertBox alert={{ type: 'success', text: `Saved ${saved.name} (${saved.id}).` }} /> : null}
      <p class="usa-intro">Every jurisdiction of the partnership, by state then name.</p>
      <p>
        <a class="usa-button" href={newJurisdictionPath}>
          Add a jurisdiction
        </a>
      </p>
      {jurisdictions.length === 0 ? (
        <p>The registry is empty.</p>
      ) : (
        <DataTable id="registry-caption" caption={<>The {jurisdictions.length} jurisdictions of the registry</>} columns={['Name', 'Id', 'Type', 'State', 'Active', 'Units', 'Review reminders', 'Data warehouse']} actions>
          {jurisdictions.map((j) => (
            <tr>
              <th scope="row" data-label="Name">
                {j.name}
              </th>
              <td data-label="Id" class="npcs-record-id">
                {j.id}
              </td>
              <td data-label="Type">{TYPE_LABELS[j.type]}</td>
              <td data-label="State">{j.state}</td>
              <td data-label="Active">{j.active ? 'Yes' : 'No'}</td>
              <td data-label="Units" class="npcs-status-count">
                {j.units.length}
              </td>
              <td data-label="Review reminders">
                <ReviewTiming jurisdiction={j} />
              </td>
              <td data-label="Data warehouse">{dataSharingText(j)}</td>
              <td data-label="Actions">
                <a class="usa-link" href={editJurisdictionPath(j.id)}>
                  Edit<span class="usa-sr-only"> {j.name}</span>
                </a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

export interface RegistryFormPageProps {
  /** Adding (the id is asked for) or editing (the id is fixed; the version guards concurrent edits). */
  mode: { kind: 'add' } | { kind: 'edit'; id: string; name: string; expectedVersion: number };
  values: RegistryFormValues;
  errors: FieldError[];
  alert?: Alert | undefined;
  csrf: string;
}

/** What a field shows: its errors (one field may break several rules, units one per line). */
type ErrorsByField = Map<string, string[]>;

function TextField(p: { field: string; label: string; value: string; errors: ErrorsByField; hint?: string; type?: 'text' | 'email'; inputmode?: 'numeric'; small?: boolean; maxlength?: number; autocomplete?: string }) {
  const id = fieldId(p.field);
  const messages = p.errors.get(p.field);
  return (
    <FormGroup id={id} label={p.label} hint={p.hint} messages={messages}>
      <input
        class={`usa-input${p.small ? ' usa-input--small' : ''}${messages ? ' usa-input--error' : ''}`}
        id={id}
        name={p.field}
        type={(p.type ?? 'text') as 'text'}
        inputmode={p.inputmode}
        maxlength={p.maxlength}
        autocomplete={p.autocomplete}
        spellcheck={p.type === 'email' ? false : undefined}
        aria-describedby={describedByOf(id, p.hint, messages)}
        aria-invalid={messages ? true : undefined}
        value={p.value}
      />
    </FormGroup>
  );
}

function SelectField(p: { field: string; label: string; value: string; errors: ErrorsByField; choices: readonly { value: string; label: string }[]; hint?: string }) {
  const id = fieldId(p.field);
  const messages = p.errors.get(p.field);
  return (
    <FormGroup id={id} label={p.label} hint={p.hint} messages={messages}>
      <select
        class={`usa-select${messages ? ' usa-input--error' : ''}`}
        id={id}
        name={p.field}
        aria-describedby={describedByOf(id, p.hint, messages)}
        aria-invalid={messages ? true : undefined}
      >
        <option value="">- Select -</option>
        {p.choices.map((c) => (
          <option value={c.value} selected={p.value === c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </FormGroup>
  );
}

function ActiveField({ value, errors }: { value: string; errors: ErrorsByField }) {
  const id = fieldId('active');
  const messages = errors.get('active');
  const options = [
    { value: 'true', label: 'Active member', id },
    { value: 'false', label: 'Not active (its staff can no longer sign in)', id: `${id}-false` },
  ];
  return (
    <div class={`usa-form-group${messages ? ' usa-form-group--error' : ''}`}>
      <fieldset class="usa-fieldset" aria-describedby={describedBy(`${id}-hint`, messages && `${id}-error`)}>
        <legend class="usa-legend">Membership status</legend>
        <Hint id={id}>A jurisdiction that has left the partnership stays in the registry as not active.</Hint>
        <ErrorMessage id={id} messages={messages} />
        {options.map((o) => (
          <div class="usa-radio">
            <input class="usa-radio__input" id={o.id} type="radio" name="active" value={o.value} checked={value === o.value} />
            <label class="usa-radio__label" for={o.id}>
              {o.label}
            </label>
          </div>
        ))}
      </fieldset>
    </div>
  );
}

function UnitsField({ value, errors }: { value: string; errors: ErrorsByField }) {
  const id = fieldId('units');
  const messages = errors.get('units');
  return (
    <div class={`usa-form-group margin-top-4${messages ? ' usa-form-group--error' : ''}`}>
      <label class="usa-label usa-legend--large" for={id}>
        Units
      </label>
      <Hint id={id}>
        One unit per line: its code (lowercase letters, digits and hyphens), a vertical bar, then its name, such as <span class="text-no-wrap">intake | Intake</span>. Leave
        empty for none.
      </Hint>
      <ErrorMessage id={id} messages={messages} />
      <textarea
        class={`usa-textarea${messages ? ' usa-input--error' : ''}`}
        id={id}
        name="units"
        rows={8}
        spellcheck={false}
        aria-describedby={describedBy(`${id}-hint`, messages && `${id}-error`)}
        aria-invalid={messages ? true : undefined}
        value={value}
      />
    </div>
  );
}

function ContactFieldset({ index, row, errors }: { index: number; row: ContactRow; errors: ErrorsByField }) {
  const roleField = contactName(index, 'role');
  return (
    <fieldset class="usa-fieldset npcs-entry margin-top-3">
      <legend class="usa-legend usa-legend--large">Contact {index + 1}</legend>
      <SelectField
        field={roleField}
        label="Role"
        value={row.role}
        errors={errors}
        choices={CONTACT_ROLES.map((r) => ({ value: r, label: CONTACT_ROLE_LABELS[r] }))}
      />
      <TextField field={contactName(index, 'name')} label="Name" value={row.name} errors={errors} maxlength={120} autocomplete="off" />
      <TextField field={contactName(index, 'email')} label="Email address" type="email" value={row.email} errors={errors} autocomplete="off" />
    </fieldset>
  );
}

/** The jurisdiction's own review timing; both blank is the partnership's defaults (shared/policy.ts). */
function ReviewTimingFieldset({ values, errors }: { values: RegistryFormValues; errors: ErrorsByField }) {
  const { reminderHours, escalateAfterReminders } = REVIEW_TIMING_LIMITS;
  return (
    <fieldset class="usa-fieldset margin-top-4" aria-describedby="reg-review-hint">
      <legend class="usa-legend usa-legend--large">Review reminders</legend>
      <Hint id="reg-review">
        When a record waits for a decision longer than the interval, its reviewers are reminded; after the given number of reminders the jurisdiction's admins are
        told too. Leave both blank for the partnership defaults ({timingWords(REVIEW_REMINDER_HOURS, REVIEW_ESCALATE_AFTER_REMINDERS)}), or give both. A change applies to
        records submitted after it is saved.
      </Hint>
      <TextField
        field="reviewReminderHours"
        label="Hours between reminders"
        value={values.reviewReminderHours}
        errors={errors}
        inputmode="numeric"
        small
        maxlength={4}
        autocomplete="off"
        hint={`A whole number from ${reminderHours.min} to ${reminderHours.max}. Blank: the partnership default, ${REVIEW_REMINDER_HOURS}.`}
      />
      <TextField
        field="reviewEscalateAfterReminders"
        label="Escalate to the jurisdiction admin after this many reminders"
        value={values.reviewEscalateAfterReminders}
        errors={errors}
        inputmode="numeric"
        small
        maxlength={2}
        autocomplete="off"
        hint={`A whole number from ${escalateAfterReminders.min} to ${escalateAfterReminders.max}. Blank: the partnership default, ${REVIEW_ESCALATE_AFTER_REMINDERS}.`}
      />
    </fieldset>
  );
}

/**
 * The jurisdiction's data-sharing agreement with the warehouse: nothing given is no agreement (nothing shared);
 * unchecking the box with the terms kept records a withdrawn agreement.
 */
function DataSharingFieldset({ values, errors }: { values: RegistryFormValues; errors: ErrorsByField }) {
  const id = fieldId('dataSharingShares');
  const messages = errors.get('dataSharingShares');
  const since = fieldId('dataSharingSince');
  const sinceMessages = errors.get('dataSharingSince');
  return (
    <fieldset class="usa-fieldset margin-top-4" aria-describedby="reg-data-sharing-hint">
      <legend class="usa-legend usa-legend--large">Data warehouse</legend>
      <Hint id="reg-data-sharing">
        The jurisdiction's data-sharing agreement with the partnership's data warehouse, which receives de-identified records. Without an agreement (the box unchecked
        and the date and lag blank) nothing is shared. Unchecking the box withdraws consent: its records leave the next release, and the agreement's terms stay on record.
      </Hint>
      <div class={`usa-form-group${messages ? ' usa-form-group--error' : ''}`}>
        <ErrorMessage id={id} messages={messages} />
        <div class="usa-checkbox">
          <input
            class="usa-checkbox__input"
            id={id}
            type="checkbox"
            name="dataSharingShares"
            value="true"
            checked={values.dataSharingShares === 'true'}
            aria-describedby={describedBy(messages && `${id}-error`)}
            aria-invalid={messages ? true : undefined}
          />
          <label class="usa-checkbox__label" for={id}>
            Shares approved records with the data warehouse
            <span class="usa-checkbox__label-description">
              Records approved from the agreement's start, once the lag has passed.
            </span>
          </label>
        </div>
      </div>
      <FormGroup id={since} label="Agreement start date" hint="Records approved before this day are never shared. Where the browser shows no date picker, write it as YYYY-MM-DD, such as 2024-07-01." messages={sinceMessages}>
        <input
          class={`usa-input usa-input--medium${sinceMessages ? ' usa-input--error' : ''}`}
          id={since}
          name="dataSharingSince"
          type="date"
          autocomplete="off"
          aria-describedby={describedByOf(since, true, sinceMessages)}
          aria-invalid={sinceMessages ? true : undefined}
          value={values.dataSharingSince}
        />
      </FormGroup>
      <TextField
        field="dataSharingLagMonths"
        label="Lag in months"
        value={values.dataSharingLagMonths}
        errors={errors}
        inputmode="numeric"
        small
        maxlength={3}
        autocomplete="off"
        hint={`How long after its approval a record waits before it is shared: a whole number from ${DATA_SHARING_LAG_MONTHS.min} to ${DATA_SHARING_LAG_MONTHS.max}. Research sets use 24.`}
      />
    </fieldset>
  );
}

export function RegistryFormPage({ mode, values, errors, alert, csrf }: RegistryFormPageProps) {
  const byField: ErrorsByField = new Map();
  for (const e of errors) byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
  const adding = mode.kind === 'add';
  const heading = adding ? 'Add a jurisdiction' : `Edit ${mode.name}`;
  const rows = [...values.contacts, ...Array.from({ length: SPARE_CONTACT_ROWS }, () => ({ role: '', name: '', email: '' }))];
  const contactsError = byField.get('contacts');
  return (
    <>
      <nav class="usa-breadcrumb padding-top-0" aria-label="Breadcrumbs">
        <ol class="usa-breadcrumb__list">
          <li class="usa-breadcrumb__list-item">
            <a class="usa-breadcrumb__link" href={REGISTRY_PATH}>
              <span>Registry</span>
            </a>
          </li>
          <li class="usa-breadcrumb__list-item usa-current" aria-current="page">
            <span>{adding ? 'Add a jurisdiction' : `Edit ${mode.id}`}</span>
          </li>
        </ol>
      </nav>
      <h1>{heading}</h1>
      {errors.length ? <ErrorSummary errors={errors.map((e) => ({ href: `#${fieldId(e.field)}`, message: e.message }))} /> : null}
      {alert ? <AlertBox alert={alert} /> : null}
      <form class="usa-form usa-form--large" method="post" action={adding ? REGISTRY_PATH : jurisdictionPath(mode.id)} novalidate>
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        {mode.kind === 'edit' ? <input type="hidden" name="expectedVersion" value={String(mode.expectedVersion)} /> : null}
        <fieldset class="usa-fieldset">
          <legend class="usa-legend usa-legend--large">Agency</legend>
          {adding ? (
            <TextField
              field="id"
              label="Id"
              value={values.id}
              errors={byField}
              maxlength={40}
              autocomplete="off"
              hint='Lowercase letters, digits and single hyphens, such as "ky-dcbs". It names the jurisdiction everywhere and cannot change later.'
            />
          ) : (
            <p>
              Id: <span class="npcs-record-id text-bold">{mode.id}</span> (cannot change)
            </p>
          )}
          <TextField field="name" label="Name" value={values.name} errors={byField} maxlength={160} autocomplete="off" />
          <SelectField field="type" label="Type of agency" value={values.type} errors={byField} choices={JURISDICTION_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))} />
          <SelectField field="state" label="State or territory" value={values.state} errors={byField} choices={US_STATE_CODES.map((s) => ({ value: s, label: s }))} />
          <TextField field="county" label="County" value={values.county} errors={byField} maxlength={80} autocomplete="off" hint="County agencies only; leave empty for state and tribal agencies." />
        </fieldset>
        <fieldset class="usa-fieldset margin-top-4">
          <legend class="usa-legend usa-legend--large">Membership</legend>
          <ActiveField value={values.active} errors={byField} />
          <TextField field="joinedYear" label="Year it joined the partnership" value={values.joinedYear} errors={byField} inputmode="numeric" small maxlength={4} hint="For example, 2021." />
        </fieldset>
        <UnitsField value={values.units} errors={byField} />
        <fieldset class="usa-fieldset margin-top-4" aria-describedby={describedBy('reg-contacts-hint', contactsError && 'reg-contacts-error')}>
          <legend class="usa-legend usa-legend--large">Contacts</legend>
          <div class={contactsError ? 'usa-form-group usa-form-group--error' : undefined}>
            <Hint id="reg-contacts">
              Who the partnership writes to. To remove a contact, empty its role, name and email. Save to get more empty rows.
            </Hint>
            <ErrorMessage id="reg-contacts" messages={contactsError} />
          </div>
          {rows.map((row, index) => (
            <ContactFieldset index={index} row={row} errors={byField} />
          ))}
        </fieldset>
        <ReviewTimingFieldset values={values} errors={byField} />
        <DataSharingFieldset values={values} errors={byField} />
        <div class="npcs-form-actions margin-top-4">
          <button class="usa-button" type="submit">
            {adding ? 'Add the jurisdiction' : 'Save changes'}
          </button>
          <a class="usa-link" href={REGISTRY_PATH}>
            Cancel and go back to the registry
          </a>
        </div>
      </form>
    </>
  );
}
