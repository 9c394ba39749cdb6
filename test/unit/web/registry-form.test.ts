import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { toPublicJurisdiction, type Jurisdiction } from '#shared/jurisdictions/model.ts';
import { emptyFormValues, fieldId, formValuesFrom, formValuesOf, jurisdictionFrom, REVIEW_PAIR_MESSAGE } from '#shared/jurisdictions/web/registry-form.ts';
import { dataSharingText, RegistryFormPage, RegistryPage, reviewTimingText } from '#shared/jurisdictions/web/registry-pages.tsx';
import { REVIEW_ESCALATE_AFTER_REMINDERS, REVIEW_REMINDER_HOURS } from '#shared/policy.ts';
import { reviewSettings } from '#shared/review/model.ts';

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
  const fields: Record<string, string> = {
    id: v.id,
    name: v.name,
    type: v.type,
    state: v.state,
    county: v.county,
    active: v.active,
    joinedYear: v.joinedYear,
    units: v.units,
    reviewReminderHours: v.reviewReminderHours,
    reviewEscalateAfterReminders: v.reviewEscalateAfterReminders,
    dataSharingSince: v.dataSharingSince,
    dataSharingLagMonths: v.dataSharingLagMonths,
  };
  // An unchecked checkbox posts nothing.
  if (v.dataSharingShares) fields.dataSharingShares = v.dataSharingShares;
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

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('the registry form\'s review reminders', () => {
  const own: Jurisdiction = { ...county, review: { reminderHours: 48, escalateAfterReminders: 3 } };
  const timing = (reviewReminderHours: string, reviewEscalateAfterReminders: string) => jurisdictionFrom(formValuesFrom({ ...posted(county), reviewReminderHours, reviewEscalateAfterReminders }));

  it('round-trips a jurisdiction\'s own timing, and both blank is no timing of its own (the defaults)', () => {
    expect(formValuesOf(own)).toMatchObject({ reviewReminderHours: '48', reviewEscalateAfterReminders: '3' });
    expect(formValuesOf(county)).toMatchObject({ reviewReminderHours: '', reviewEscalateAfterReminders: '' });
    expect(emptyFormValues()).toMatchObject({ reviewReminderHours: '', reviewEscalateAfterReminders: '' });
    expect(jurisdictionFrom(formValuesFrom(posted(own)))).toEqual({ ok: true, jurisdiction: own });
    const blank = jurisdictionFrom(formValuesFrom(posted(county)));
    expect(blank.ok && Object.hasOwn(blank.jurisdiction, 'review')).toBe(false);
    // Spaces around a number are not an error; spaces alone are blank.
    expect(timing(' 24 ', ' 1 ')).toEqual({ ok: true, jurisdiction: { ...county, review: { reminderHours: 24, escalateAfterReminders: 1 } } });
    expect(timing('  ', '')).toEqual({ ok: true, jurisdiction: county });
  });

  it('a saved timing is what the review workflow uses; no timing is the partnership default', () => {
    const saved = timing('12', '4');
    expect(saved.ok && reviewSettings(saved.jurisdiction)).toMatchObject({ reminderSeconds: 12 * 3600, escalateAfterReminders: 4 });
    const blank = timing('', '');
    expect(blank.ok && reviewSettings(blank.jurisdiction)).toMatchObject({ reminderSeconds: REVIEW_REMINDER_HOURS * 3600, escalateAfterReminders: REVIEW_ESCALATE_AFTER_REMINDERS });
  });

  it('refuses one without the other, on the blank one, saying to give both or neither', () => {
    expect(timing('48', '')).toEqual({ ok: false, errors: [{ field: 'reviewEscalateAfterReminders', message: REVIEW_PAIR_MESSAGE }] });
    expect(timing('', '3')).toEqual({ ok: false, errors: [{ field: 'reviewReminderHours', message: REVIEW_PAIR_MESSAGE }] });
    expect(REVIEW_PAIR_MESSAGE).toMatch(/Give both .* or leave both blank for the partnership defaults/);
    // The one given is still checked.
    expect(timing('0', '')).toEqual({
      ok: false,
      errors: [
        { field: 'reviewReminderHours', message: 'Remind at most every hour' },
        { field: 'reviewEscalateAfterReminders', message: REVIEW_PAIR_MESSAGE },
      ],
    });
  });

  it('says what is wrong with each in the schema\'s words, after the other fields, linking to its input', () => {
    const cases: [string, string, [string, string][]][] = [
      ['721', '11', [['reviewReminderHours', 'Remind at least every 30 days'], ['reviewEscalateAfterReminders', 'Escalate after at most 10 reminders']]],
      ['1.5', '0', [['reviewReminderHours', 'Hours between reminders are a whole number'], ['reviewEscalateAfterReminders', 'Escalate after at least 1 reminder']]],
      ['-3', '2.5', [['reviewReminderHours', 'Remind at most every hour'], ['reviewEscalateAfterReminders', 'Escalate after a whole number of reminders']]],
      ['three days', 'x', [['reviewReminderHours', 'Enter the hours between reminders as a whole number, such as 72'], ['reviewEscalateAfterReminders', 'Enter the number of reminders before escalating as a whole number, such as 2']]],
    ];
    for (const [hours, after, expected] of cases) {
      const result = timing(hours, after);
      expect(!result.ok && result.errors.map((e) => [e.field, e.message]), `${hours} / ${after}`).toEqual(expected);
    }
    const mixed = jurisdictionFrom(formValuesFrom({ ...posted(county), name: 'ab', reviewReminderHours: '0', reviewEscalateAfterReminders: '1' }));
    expect(!mixed.ok && mixed.errors.map((e) => e.field)).toEqual(['name', 'reviewReminderHours']);
    expect(['reviewReminderHours', 'reviewEscalateAfterReminders'].map(fieldId)).toEqual(['reg-review-reminder-hours', 'reg-review-escalate-after-reminders']);
  });

  it('the form and the list say the partnership defaults of shared/policy.ts, and a jurisdiction\'s own timing', () => {
    const form = text(renderToString(h(RegistryFormPage, { mode: { kind: 'add' }, values: emptyFormValues(), errors: [], csrf: 't' })));
    expect(form).toContain(`Blank: the partnership default, ${REVIEW_REMINDER_HOURS}.`);
    expect(form).toContain(`Blank: the partnership default, ${REVIEW_ESCALATE_AFTER_REMINDERS}.`);
    expect(form).toContain(`partnership defaults (every ${REVIEW_REMINDER_HOURS} hours, escalate after ${REVIEW_ESCALATE_AFTER_REMINDERS} reminders)`);
    expect(reviewTimingText(county)).toBe(`Partnership default: every ${REVIEW_REMINDER_HOURS} hours, escalate after ${REVIEW_ESCALATE_AFTER_REMINDERS} reminders`);
    expect(reviewTimingText({ review: { reminderHours: 1, escalateAfterReminders: 1 } })).toBe('Every 1 hour, escalate after 1 reminder');
    const list = text(renderToString(h(RegistryPage, { jurisdictions: [county, { ...own, id: 'ky-own', name: 'Own Timing Agency' }] })));
    expect(list).toContain(reviewTimingText(county));
    expect(list).toContain('Every 48 hours, escalate after 3 reminders');
  });

  it('shows the error on its input, tied by aria-describedby, with what was typed kept', () => {
    const values = { ...emptyFormValues(), reviewReminderHours: '48', reviewEscalateAfterReminders: '' };
    const html = renderToString(h(RegistryFormPage, { mode: { kind: 'add' }, values, errors: [{ field: 'reviewEscalateAfterReminders', message: REVIEW_PAIR_MESSAGE }], csrf: 't' }));
    expect(html).toContain('href="#reg-review-escalate-after-reminders"');
    expect(html).toMatch(/<input class="usa-input usa-input--small usa-input--error" id="reg-review-escalate-after-reminders" name="reviewEscalateAfterReminders"[^>]*aria-describedby="reg-review-escalate-after-reminders-hint reg-review-escalate-after-reminders-error" aria-invalid="true"/);
    expect(html).toMatch(/id="reg-review-reminder-hours" name="reviewReminderHours"[^>]*value="48"/);
  });
});

describe('the public projection of a jurisdiction', () => {
  it('never carries its review timing, its data-sharing agreement (nor its contacts)', () => {
    const shown = toPublicJurisdiction({ ...county, review: { reminderHours: 48, escalateAfterReminders: 3 }, dataSharing: { sharesWithWarehouse: true, since: '2022-07-01', lagMonths: 24 } });
    expect(shown).not.toHaveProperty('review');
    expect(shown).not.toHaveProperty('dataSharing');
    expect(shown).not.toHaveProperty('contacts');
    expect(shown).toEqual({ id: county.id, name: county.name, type: 'county', state: 'KY', county: 'Fayette', active: true, joinedYear: 2024, units: county.units });
  });
});

describe("the registry form's data-sharing agreement", () => {
  const agreement = { sharesWithWarehouse: true, since: '2022-07-01', lagMonths: 24 };
  const sharing: Jurisdiction = { ...county, dataSharing: agreement };
  const terms = (fields: { dataSharingShares?: string; dataSharingSince?: string; dataSharingLagMonths?: string }) => {
    const { dataSharingShares: _unchecked, ...rest } = posted(county);
    return jurisdictionFrom(formValuesFrom({ ...rest, ...fields }));
  };

  it('round-trips an agreement, a withdrawn one, and none', () => {
    expect(formValuesOf(sharing)).toMatchObject({ dataSharingShares: 'true', dataSharingSince: '2022-07-01', dataSharingLagMonths: '24' });
    expect(emptyFormValues()).toMatchObject({ dataSharingShares: '', dataSharingSince: '', dataSharingLagMonths: '' });
    expect(jurisdictionFrom(formValuesFrom(posted(sharing)))).toEqual({ ok: true, jurisdiction: sharing });
    const withdrawn: Jurisdiction = { ...county, dataSharing: { ...agreement, sharesWithWarehouse: false } };
    expect(formValuesOf(withdrawn).dataSharingShares).toBe('');
    expect(jurisdictionFrom(formValuesFrom(posted(withdrawn)))).toEqual({ ok: true, jurisdiction: withdrawn });
    const none = terms({ dataSharingSince: ' ', dataSharingLagMonths: '' });
    expect(none.ok && Object.hasOwn(none.jurisdiction, 'dataSharing')).toBe(false);
    expect(terms({ dataSharingShares: 'true', dataSharingSince: ' 2022-07-01 ', dataSharingLagMonths: ' 0 ' })).toEqual({
      ok: true,
      jurisdiction: { ...county, dataSharing: { ...agreement, lagMonths: 0 } },
    });
  });

  it("says what is wrong in the schema's words, on the field, after the other fields", () => {
    const cases: [Parameters<typeof terms>[0], [string, string][]][] = [
      [
        { dataSharingShares: 'true' },
        [
          ['dataSharingSince', 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01'],
          ['dataSharingLagMonths', 'Give the lag in months as a whole number, such as 24'],
        ],
      ],
      [{ dataSharingShares: 'true', dataSharingSince: '2023-02-29', dataSharingLagMonths: '24' }, [['dataSharingSince', 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01']]],
      [{ dataSharingShares: 'true', dataSharingSince: '2022-07-01', dataSharingLagMonths: '121' }, [['dataSharingLagMonths', 'The lag is at most 120 months (10 years)']]],
      [{ dataSharingShares: 'true', dataSharingSince: '2022-07-01', dataSharingLagMonths: '-1' }, [['dataSharingLagMonths', 'The lag cannot be negative: 0 months shares records as soon as they are approved']]],
      [{ dataSharingShares: 'true', dataSharingSince: '2022-07-01', dataSharingLagMonths: '2.5' }, [['dataSharingLagMonths', 'The lag is a whole number of months']]],
      [{ dataSharingShares: 'true', dataSharingSince: '2022-07-01', dataSharingLagMonths: 'two years' }, [['dataSharingLagMonths', 'Give the lag in months as a whole number, such as 24']]],
      // Unchecked with one term given: the other is asked for (an agreement on record has both).
      [{ dataSharingLagMonths: '24' }, [['dataSharingSince', 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01']]],
    ];
    for (const [fields, expected] of cases) {
      const result = terms(fields);
      expect(!result.ok && result.errors.map((e) => [e.field, e.message]), JSON.stringify(fields)).toEqual(expected);
    }
    const mixed = terms({ dataSharingShares: 'true', dataSharingSince: 'x', dataSharingLagMonths: '24', reviewReminderHours: '0', reviewEscalateAfterReminders: '1' } as never);
    expect(!mixed.ok && mixed.errors.map((e) => e.field)).toEqual(['reviewReminderHours', 'dataSharingSince']);
    expect(['dataSharingShares', 'dataSharingSince', 'dataSharingLagMonths'].map(fieldId)).toEqual(['reg-data-sharing-shares', 'reg-data-sharing-since', 'reg-data-sharing-lag-months']);
  });

  it('renders a USWDS checkbox, a date input and a numeric input with hints, errors tied by aria-describedby', () => {
    const values = { ...formValuesOf(sharing), dataSharingLagMonths: '121' };
    const html = renderToString(
      h(RegistryFormPage, { mode: { kind: 'add' }, values, errors: [{ field: 'dataSharingLagMonths', message: 'The lag is at most 120 months (10 years)' }], csrf: 't' }),
    );
    expect(html).toMatch(/<input class="usa-checkbox__input" id="reg-data-sharing-shares" type="checkbox" name="dataSharingShares" value="true" checked/);
    expect(html).toMatch(/<label class="usa-checkbox__label" for="reg-data-sharing-shares">/);
    expect(html).toMatch(/id="reg-data-sharing-since" name="dataSharingSince" type="date"[^>]*aria-describedby="reg-data-sharing-since-hint"[^>]*value="2022-07-01"/);
    expect(html).toMatch(/id="reg-data-sharing-lag-months" name="dataSharingLagMonths"[^>]*inputmode="numeric"[^>]*aria-describedby="reg-data-sharing-lag-months-hint reg-data-sharing-lag-months-error" aria-invalid="true" value="121"/);
    expect(html).toContain('href="#reg-data-sharing-lag-months"');
    expect(text(html)).toContain('a whole number from 0 to 120. Research sets use 24.');
    const unchecked = renderToString(h(RegistryFormPage, { mode: { kind: 'add' }, values: emptyFormValues(), errors: [], csrf: 't' }));
    expect(unchecked).toMatch(/name="dataSharingShares" value="true"(?! checked)/);
  });

  it('the list says each agreement in words', () => {
    expect(dataSharingText(county)).toBe('No agreement');
    expect(dataSharingText(sharing)).toBe('Shares since 2022-07-01, 24-month lag');
    expect(dataSharingText({ dataSharing: { ...agreement, sharesWithWarehouse: false } })).toBe('Not sharing (agreement since 2022-07-01, 24-month lag)');
    const list = text(renderToString(h(RegistryPage, { jurisdictions: [county, { ...sharing, id: 'ky-sharing', name: 'Sharing Agency' }] })));
    expect(list).toContain('Data warehouse');
    expect(list).toContain('Shares since 2022-07-01, 24-month lag');
    expect(list).toContain('No agreement');
  });
});
