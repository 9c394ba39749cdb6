import { describe, expect, it } from 'vitest';
import { answerChanges, formatAnswer } from '#shared/forms/answer-changes.ts';
import { renderModel } from '#shared/forms/render-model.ts';
import { kitchenSink, TEST_CONTEXT } from './fixtures.ts';

const form = renderModel(kitchenSink, TEST_CONTEXT);

describe('answerChanges', () => {
  it('names each changed field by its label, with old and new values as the form shows them', () => {
    const before = { code_name: 'alpha', unit: 'north', colors: ['red'], flag: 'no', count: 3, notes: 'same' };
    const after = { code_name: 'alpha', unit: 'intake', colors: ['red', 'blue'], flag: 'yes', count: 3, notes: 'same', hours: 2.5 };
    expect(answerChanges(form, before, after)).toEqual([
      { section: 'Basics', label: 'Hours', before: undefined, after: '2.5' },
      { section: 'Basics', label: 'Colors', before: 'Red', after: 'Red; Blue' },
      { section: 'Basics', label: 'Unit', before: 'North office', after: 'Intake & <hotline>' },
      { section: 'Basics', label: 'Flag', before: 'No', after: 'Yes' },
    ]);
    // Never a variable name.
    expect(JSON.stringify(answerChanges(form, before, after))).not.toMatch(/code_name|colors|unit"|"flag/);
  });

  it('compares repeating-group entries field by field, added and removed entries included', () => {
    const before = { items: [{ item_kind: 'a' }, { item_kind: 'b', item_detail: 'old' }] };
    const after = { items: [{ item_kind: 'a' }, { item_kind: 'b', item_detail: 'new' }, { item_kind: 'a' }] };
    expect(answerChanges(form, before, after)).toEqual([
      { section: 'More', label: 'Item 2: Detail', before: 'old', after: 'new' },
      { section: 'More', label: 'Item 3: Kind', before: undefined, after: 'Kind A' },
    ]);
    expect(answerChanges(form, after, { items: [] }).map((c) => c.label)).toEqual(['Item 1: Kind', 'Item 2: Kind', 'Item 2: Detail', 'Item 3: Kind']);
  });

  it('finds nothing when only the order of object keys differs, and formats scale answers by their label', () => {
    expect(answerChanges(form, { count: 1, flag: 'no' }, { flag: 'no', count: 1 })).toEqual([]);
    const agree = form.sections[0]!.fields.find((f) => f.name === 'agree')!;
    expect(formatAnswer(agree, 5)).toBe(agree.choices!.find((c) => c.code === '5')!.label);
    expect(formatAnswer(agree, undefined)).toBeUndefined();
  });
});
