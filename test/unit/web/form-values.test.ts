import { describe, expect, it } from 'vitest';
import { getForm } from '#shared/forms/registry.ts';
import { renderModel } from '#shared/forms/render-model.ts';
import { validateDraft } from '#shared/forms/validate.ts';
import fc from 'fast-check';
import { applyEntryAction, inputId, mergeSection, postedFrom, repeatedSingleField, sectionAction, sectionAnswers } from '#shared/web/form-values.ts';

const def = getForm('critical_incident_review', 1);
const model = renderModel(def);
const section = (id: string) => model.sections.find((s) => s.id === id)!.fields;

describe('record form values', () => {
  it('parses a posted section: text kept exactly, numbers as numbers, checkboxes as lists, empty fields absent', () => {
    const posted = postedFrom(
      new URLSearchParams('review_id=KY-1&cause_category=other&cause_other=%3Cb%3Ex%3C%2Fb%3E%20%26%20&incident_date=&child_race=white&child_race=asian').entries(),
    );
    expect(sectionAnswers(section('incident'), posted)).toEqual({ review_id: 'KY-1', cause_category: 'other', cause_other: '<b>x</b> & ' });
    expect(sectionAnswers(section('child'), posted)).toEqual({ child_race: ['white', 'asian'] });
    const numbers = postedFrom(new URLSearchParams('prior_report_count=3&prior_contact_count=abc').entries());
    expect(sectionAnswers(section('agency_involvement'), numbers)).toEqual({ prior_report_count: 3, prior_contact_count: 'abc' });
    expect(postedFrom([['__proto__', 'x']] as [string, string][])).toEqual({});
  });

  it('parses repeating group entries by their shown count, and adds or removes entries', () => {
    const posted = postedFrom(
      new URLSearchParams('_count.improvement_opportunities=2&improvement_opportunities[0].io_theme=supervision&improvement_opportunities[1].io_owner=Office').entries(),
    );
    const answers = sectionAnswers(section('improvement'), posted);
    expect(answers).toEqual({ improvement_opportunities: [{ io_theme: 'supervision' }, { io_owner: 'Office' }] });
    const max = () => 25;
    expect(applyEntryAction(answers, { kind: 'add', group: 'improvement_opportunities' }, max).improvement_opportunities).toHaveLength(3);
    expect(applyEntryAction(answers, { kind: 'remove', group: 'improvement_opportunities', index: 0 }, max).improvement_opportunities).toEqual([{ io_owner: 'Office' }]);
    expect(applyEntryAction({ improvement_opportunities: [{}] }, { kind: 'remove', group: 'improvement_opportunities', index: 0 }, max)).toEqual({});
    expect(validateDraft(def, { improvement_opportunities: [{}] }).ok).toBe(true);
  });

  it('merges a section over the draft: other sections kept, cleared fields removed', () => {
    const base = { review_id: 'KY-1', cause_other: 'x', child_sex: 'female' };
    expect(mergeSection(base, section('incident'), { review_id: 'KY-2' })).toEqual({ review_id: 'KY-2', child_sex: 'female' });
  });

  it('reads the button that sent the form, with Save and continue as the default', () => {
    expect(sectionAction({})).toEqual({ kind: 'next' });
    expect(sectionAction({ _action: 'later' })).toEqual({ kind: 'later' });
    expect(sectionAction({ _action: 'add:improvement_opportunities' })).toEqual({ kind: 'add', group: 'improvement_opportunities' });
    expect(sectionAction({ _action: 'remove:improvement_opportunities:3' })).toEqual({ kind: 'remove', group: 'improvement_opportunities', index: 3 });
    // A value no button has is not quietly taken as some other action: the flow refuses it (400).
    for (const unknown of ['nonsense', 'stay', 'add:', 'add:Improvement', 'remove:improvement_opportunities', 'remove:improvement_opportunities:x', 'later ', '']) {
      expect(sectionAction({ _action: unknown })).toBeUndefined();
    }
    expect(inputId('improvement_opportunities[2].io_due_date')).toBe('f-improvement_opportunities-2-io_due_date');
  });

  it('names a repeated field that takes one value; only checkboxes (also inside a group entry) may repeat', () => {
    const fields = [
      { name: 'child_race', widget: 'checkboxes' },
      { name: 'review_id', widget: 'text' },
      { name: 'team', widget: 'repeat', fields: [{ name: 'roles', widget: 'checkboxes' }, { name: 'member', widget: 'text' }] },
    ];
    expect(repeatedSingleField(fields, postedFrom(new URLSearchParams('child_race=white&child_race=asian&team[0].roles=a&team[0].roles=b&review_id=1').entries()))).toBeUndefined();
    expect(repeatedSingleField(fields, postedFrom(new URLSearchParams('review_id=1&review_id=2').entries()))).toBe('review_id');
    expect(repeatedSingleField(fields, postedFrom(new URLSearchParams('team[1].member=a&team[1].member=b').entries()))).toBe('team[1].member');
    // Controls of the form take one value too.
    for (const control of ['_action', 'expectedVersion', '_hidden', '_count.team', 'unknown']) {
      fc.assert(
        fc.property(fc.array(fc.string({ maxLength: 8 }), { minLength: 2, maxLength: 4 }), (values) => {
          expect(repeatedSingleField(fields, postedFrom(values.map((v) => [control, v] as [string, string])))).toBe(control);
        }),
        { numRuns: 20 },
      );
    }
  });
});
