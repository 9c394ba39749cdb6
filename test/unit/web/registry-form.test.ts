import { describe, expect, it } from 'vitest';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { fieldId, formValuesFrom, formValuesOf, jurisdictionFrom } from '#shared/jurisdictions/web/registry-form.ts';

const county: Jurisdiction = {
  id: 'ky-fayette',
  name: 'Fayette County Children Services',
  type: 'county',
  state: 'KY',
  county: 'Fayette',
  units: [
    { code: 'intake', label: 'Intake' },
    { code: 'ongoing', label: 'Ongoing | services' },
  ],
  contacts: [{ role: 'review-lead', name: 'Pat Doe', email: 'lead@fayette.example.org' }],
  active: true,
  joinedYear: 2024,
};

/** The urlencoded fields a browser posts for these form values. */
function posted(j: Jurisdiction): Record<string, string> {
  const v = formValuesOf(j);
  const fields: Record<string, string> = { id: v.id, name: v.name, type: v.type, state: v.state, county: v.county, active: v.active, joinedYear: v.joinedYear, units: v.units };
  v.contacts.forEach((c, i) => Object.assign(fields, { [`contacts[${i}].role`]: c.role, [`contacts[${i}].name`]: c.name, [`contacts[${i}].email`]: c.email }));
  // The spare empty rows the form shows.
  Object.assign(fields, { 'contacts[1].role': '', 'contacts[1].name': '', 'contacts[1].email': '' });
  return fields;
}

describe('the registry form values', () => {
  it('round-trips a jurisdiction (a label may contain the separator; empty rows are dropped)', () => {
    const back = jurisdictionFrom(formValuesFrom(posted(county)));
    expect(back).toEqual({ ok: true, jurisdiction: county });
    const state = jurisdictionFrom(formValuesFrom({ ...posted({ ...county, type: 'state' }), county: '  ' }));
    expect(state.ok && Object.hasOwn(state.jurisdiction, 'county')).toBe(false);
    expect(state.ok).toBe(true);
  });

  it('says what is wrong with each field in words, once per field, in the order of the form, units by line', () => {
    const result = jurisdictionFrom(
      formValuesFrom({
        id: 'Not An Id',
        name: 'ab',
        type: '',
        state: 'KY',
        county: '',
        joinedYear: '20x',
        units: 'intake | Intake\nno separator\n\nBad Code | X',
        'contacts[0].role': '',
        'contacts[0].name': '',
        'contacts[0].email': '',
        'contacts[1].role': 'data-contact',
        'contacts[1].name': 'Sam',
        'contacts[1].email': 'not-an-email',
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { field: 'id', message: 'A jurisdiction id is lowercase letters, digits and single hyphens, such as "ky-dcbs"' },
      { field: 'name', message: 'Enter the name, at least 3 characters' },
      { field: 'type', message: 'Choose the type of agency' },
      { field: 'active', message: 'Choose whether the jurisdiction is an active member' },
      { field: 'joinedYear', message: 'Enter the year it joined as four digits, such as 2021' },
      { field: 'units', message: 'Units, line 2: write the code, a vertical bar (|) and the label, such as "intake | Intake"' },
      { field: 'units', message: 'Units, line 4: A unit code is lowercase letters, digits and hyphens' },
      // The contact's form row, not its position among filled rows: the link lands on the right input.
      { field: 'contacts[1].email', message: 'Contact 2: Enter an email address, such as name@agency.example.org' },
    ]);
    expect(result.errors.map((e) => fieldId(e.field))).toEqual(['reg-id', 'reg-name', 'reg-type', 'reg-active', 'reg-joined-year', 'reg-units', 'reg-units', 'reg-contacts-1-email']);
  });

  it('keeps the schema rules: county only for county agencies, unique unit codes, the year range', () => {
    const result = jurisdictionFrom(formValuesFrom({ ...posted(county), county: '', joinedYear: '2017', units: 'intake | A\nintake | B' }));
    expect(!result.ok && result.errors.map((e) => [e.field, e.message])).toEqual([
      ['county', 'A county agency names its county, and only a county agency does'],
      ['joinedYear', 'The year it joined is 2018 or later'],
      ['units', 'Unit codes must be unique'],
    ]);
  });

  it('keeps text exactly as typed in the form values (escaping is the page renderer\'s job)', () => {
    const typed = '<script>alert(1)</script> & "quotes"';
    expect(formValuesFrom({ name: typed }).name).toBe(typed);
    const parsed = jurisdictionFrom(formValuesFrom({ ...posted(county), name: typed }));
    expect(parsed.ok && parsed.jurisdiction.name).toBe(typed);
  });
});
