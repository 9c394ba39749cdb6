import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition, FormDefinition } from '#forms/types.ts';
import { conditionFields, describeCondition, effectiveCondition, evaluateCondition, isAnswered, isRecord, resolveVisibility } from '#shared/forms/conditions.ts';
import { looseAnswers, reference } from './arbitraries.ts';
import { kitchenSink, TEST_CONTEXT } from './fixtures.ts';

// The condition language's operators, each at its boundary (docs/forms.md "Branching").

const UNANSWERED = [undefined, null, '', []] as const;
const holds = (condition: Condition, answers: Record<string, unknown>, entry?: Record<string, unknown>) => evaluateCondition(condition, answers, entry);

describe('condition operators', () => {
  it('atLeast holds at the threshold and above, not below, and only for numbers', () => {
    const c = { field: 'n', atLeast: 3 };
    expect(holds(c, { n: 3 })).toBe(true);
    expect(holds(c, { n: 3.5 })).toBe(true);
    expect(holds(c, { n: 2.999 })).toBe(false);
    expect(holds(c, { n: -10 })).toBe(false);
    for (const v of ['3', '10', true, [5], Number.NaN, ...UNANSWERED]) expect(holds(c, { n: v }), String(v)).toBe(false);
    expect(holds(c, {})).toBe(false);
  });

  it('atMost holds at the threshold and below, not above, and only for numbers', () => {
    const c = { field: 'n', atMost: 3 };
    expect(holds(c, { n: 3 })).toBe(true);
    expect(holds(c, { n: -2 })).toBe(true);
    expect(holds(c, { n: 3.001 })).toBe(false);
    for (const v of ['1', false, [1], Number.NaN, ...UNANSWERED]) expect(holds(c, { n: v }), String(v)).toBe(false);
    expect(holds(c, {})).toBe(false);
  });

  it('compares numbers with atLeast and atMost exactly as >= and <=', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true })), fc.integer({ min: -5, max: 5 }), (value, threshold) => {
        expect(holds({ field: 'n', atLeast: threshold }, { n: value })).toBe(value >= threshold);
        expect(holds({ field: 'n', atMost: threshold }, { n: value })).toBe(value <= threshold);
      }),
    );
  });

  it('answered tells an answer from none, either way round', () => {
    for (const v of UNANSWERED) {
      expect(holds({ field: 'f', answered: true }, { f: v }), JSON.stringify(v)).toBe(false);
      expect(holds({ field: 'f', answered: false }, { f: v }), JSON.stringify(v)).toBe(true);
    }
    for (const v of [0, false, 'x', ' ', ['a'], {}]) {
      expect(holds({ field: 'f', answered: true }, { f: v }), JSON.stringify(v)).toBe(true);
      expect(holds({ field: 'f', answered: false }, { f: v }), JSON.stringify(v)).toBe(false);
    }
    expect(holds({ field: 'f', answered: false }, {})).toBe(true);
  });

  it('equals and oneOf need an answer and the same value, type included', () => {
    expect(holds({ field: 'f', equals: 'yes' }, { f: 'yes' })).toBe(true);
    expect(holds({ field: 'f', equals: 'yes' }, { f: 'no' })).toBe(false);
    expect(holds({ field: 'f', equals: 1 }, { f: '1' })).toBe(false);
    expect(holds({ field: 'f', equals: '' }, { f: '' })).toBe(false);
    expect(holds({ field: 'f', oneOf: ['a', 'b'] }, { f: 'b' })).toBe(true);
    expect(holds({ field: 'f', oneOf: ['a', 'b'] }, { f: 'c' })).toBe(false);
    expect(holds({ field: 'f', oneOf: ['', 'a'] }, { f: '' })).toBe(false);
    expect(holds({ field: 'f', oneOf: ['a'] }, {})).toBe(false);
  });

  it('includes looks for the code in a list of choices only', () => {
    expect(holds({ field: 'f', includes: 'red' }, { f: ['blue', 'red'] })).toBe(true);
    expect(holds({ field: 'f', includes: 'red' }, { f: ['blue'] })).toBe(false);
    expect(holds({ field: 'f', includes: 'red' }, { f: 'red' })).toBe(false);
    expect(holds({ field: 'f', includes: 'red' }, { f: 'dark red' })).toBe(false);
    expect(holds({ field: 'f', includes: 'red' }, {})).toBe(false);
  });

  it('combines with all, any and not', () => {
    const yes = { field: 'f', equals: 'y' };
    const no = { field: 'f', equals: 'n' };
    const a = { f: 'y' };
    expect(holds({ all: [yes, yes] }, a)).toBe(true);
    expect(holds({ all: [yes, no] }, a)).toBe(false);
    expect(holds({ any: [no, yes] }, a)).toBe(true);
    expect(holds({ any: [no, no] }, a)).toBe(false);
    expect(holds({ not: yes }, a)).toBe(false);
    expect(holds({ not: no }, a)).toBe(true);
    expect(holds({ all: [] }, a)).toBe(true);
    expect(holds({ any: [] }, a)).toBe(false);
  });

  it("reads a repeating-group entry's own answer first, then the form's, and never inherited properties", () => {
    expect(holds({ field: 'k', equals: 'entry' }, { k: 'top' }, { k: 'entry' })).toBe(true);
    expect(holds({ field: 'k', equals: 'top' }, { k: 'top' }, { other: 1 })).toBe(true);
    expect(holds({ field: 'k', answered: false }, { k: 'top' }, { k: undefined })).toBe(true);
    expect(holds({ field: 'toString', answered: false }, {}, {})).toBe(true);
    expect(holds({ field: 'constructor', answered: true }, {})).toBe(false);
  });

  it('refuses an operator it does not know', () => {
    expect(() => holds({ field: 'f', above: 3 } as unknown as Condition, { f: 4 })).toThrow(/Unknown condition: \{"field":"f","above":3\}/);
  });
});

describe('condition helpers', () => {
  it('counts empty text, null, undefined and an empty list as no answer, and nothing else', () => {
    for (const v of UNANSWERED) expect(isAnswered(v)).toBe(false);
    for (const v of [0, false, ' ', ['x'], {}, Number.NaN]) expect(isAnswered(v)).toBe(true);
  });

  it('treats only plain objects as records', () => {
    expect(isRecord({})).toBe(true);
    for (const v of [null, [], 'x', 1, undefined]) expect(isRecord(v)).toBe(false);
  });

  it('lists the fields a condition refers to, nested ones included', () => {
    expect(conditionFields({ all: [{ field: 'a', equals: 1 }, { any: [{ field: 'b', answered: true }, { not: { field: 'c', atMost: 2 } }] }] })).toEqual(['a', 'b', 'c']);
  });

  it("gives a field's effective condition: none, its own, or all of its section's, group's and own", () => {
    expect(effectiveCondition(kitchenSink, 'no_such_field')).toBeNull();
    expect(effectiveCondition(kitchenSink, 'count')).toBeNull();
    expect(effectiveCondition(kitchenSink, 'closed')).toEqual({ field: 'count', atMost: 20 });
    expect(effectiveCondition(kitchenSink, 'item_detail')).toEqual({
      all: [{ not: { field: 'unit', equals: 'intake' } }, { field: 'flag', oneOf: ['yes', 'unknown'] }, { field: 'item_kind', equals: 'b' }],
    });
    expect(effectiveCondition(kitchenSink, 'item_kind')).toEqual({ all: [{ not: { field: 'unit', equals: 'intake' } }, { field: 'flag', oneOf: ['yes', 'unknown'] }] });
  });
});

describe('conditions in words', () => {
  const say = (c: Condition) => describeCondition(kitchenSink, c);

  it('names each operator, and its negation', () => {
    expect(say({ field: 'count', atLeast: 3 })).toBe('“Count” is 3 or more');
    expect(say({ not: { field: 'count', atLeast: 3 } })).toBe('“Count” is not 3 or more');
    expect(say({ field: 'count', atMost: 3 })).toBe('“Count” is 3 or less');
    expect(say({ not: { field: 'count', atMost: 3 } })).toBe('“Count” is not 3 or less');
    expect(say({ field: 'notes', answered: true })).toBe('“Notes” is answered');
    expect(say({ field: 'notes', answered: false })).toBe('“Notes” is not answered');
    expect(say({ not: { field: 'notes', answered: false } })).toBe('“Notes” is answered');
    expect(say({ field: 'flag', equals: 'yes' })).toBe('“Flag” is “Yes”');
    expect(say({ field: 'flag', oneOf: ['yes', 'unknown'] })).toBe('“Flag” is “Yes” or “Unknown”');
    expect(say({ not: { field: 'flag', oneOf: ['yes', 'unknown'] } })).toBe('“Flag” is not “Yes” nor “Unknown”');
    expect(say({ field: 'colors', includes: 'red' })).toBe('“Colors” includes “Red”');
    expect(say({ not: { not: { field: 'colors', includes: 'red' } } })).toBe('“Colors” includes “Red”');
  });

  it('brackets nested groups and negated groups', () => {
    expect(say({ any: [{ field: 'flag', equals: 'no' }, { all: [{ field: 'count', atLeast: 1 }, { field: 'count', atMost: 2 }] }] })).toBe(
      '“Flag” is “No” or (“Count” is 1 or more and “Count” is 2 or less)',
    );
    expect(say({ not: { all: [{ field: 'notes', answered: true }, { field: 'flag', equals: 'no' }] } })).toBe('not (“Notes” is answered and “Flag” is “No”)');
  });

  it('quotes text that is not a choice, leaves numbers bare, and falls back to the variable name', () => {
    expect(say({ field: 'unit', equals: 'intake' })).toBe('“Unit” is “intake”');
    expect(say({ field: 'count', equals: 7 })).toBe('“Count” is 7');
    expect(say({ field: 'gone', equals: true })).toBe('gone is true');
    expect(say({ field: 'gone', oneOf: ['x', 2] })).toBe('gone is “x” or 2');
  });
});

describe('resolveVisibility', () => {
  const def: FormDefinition = kitchenSink;

  it('matches the written-out branching rules for loose answers, junk and prototype keys included', () => {
    fc.assert(
      fc.property(looseAnswers(def, TEST_CONTEXT), (raw) => {
        const got = resolveVisibility(def, raw);
        const want = reference(def, raw);
        expect(got.visibility).toEqual({ sections: want.sections, fields: want.fields, entries: want.entries });
        const answers = got.answers as Record<string, unknown>;
        // Known fields: exactly the kept answers; unknown keys pass through as own properties for validation to reject.
        for (const [name, shown] of Object.entries(want.fields)) {
          if (Object.hasOwn(want.kept, name)) expect(answers[name], name).toStrictEqual(want.kept[name]);
          else expect(Object.hasOwn(answers, name), `${name} kept (shown: ${shown})`).toBe(false);
        }
        for (const key of Object.keys(raw)) if (!Object.hasOwn(want.fields, key)) expect(Object.getOwnPropertyDescriptor(answers, key)?.value).toBe(raw[key]);
        expect(Object.getPrototypeOf(answers)).toBe(Object.prototype);
      }),
      { numRuns: 100 },
    );
  });

  it('shows a field guarded by atLeast or atMost exactly at the threshold, and hides it past it', () => {
    const base = { unit: 'north', notes: 'n' };
    expect(resolveVisibility(def, { ...base, hours: 1.5 }).visibility.fields.size).toBe(true);
    expect(resolveVisibility(def, { ...base, hours: 1.49 }).visibility.fields.size).toBe(false);
    expect(resolveVisibility(def, { count: 20 }).visibility.fields.closed).toBe(true);
    expect(resolveVisibility(def, { count: 21 }).visibility.fields.closed).toBe(false);
    expect(resolveVisibility(def, { unit: 'north', hours: 5 }).visibility.fields.size).toBe(false);
  });

  it('leaves input that is not an object as it is, with every unconditional field shown', () => {
    for (const input of [null, 'x', 3, ['a']]) {
      const { answers, visibility } = resolveVisibility(def, input);
      expect(answers).toBe(input);
      expect(visibility.fields.count).toBe(true);
      expect(visibility.fields.closed).toBe(false);
      expect(visibility.sections.more).toBe(true);
    }
  });

  it('keeps a non-object group entry for validation to reject, and drops hidden entry fields', () => {
    const { answers, visibility } = resolveVisibility(def, { unit: 'north', flag: 'yes', items: ['junk', { item_kind: 'a', item_detail: 'x', extra: 1 }] });
    expect((answers as Record<string, unknown>).items).toEqual(['junk', { item_kind: 'a', extra: 1 }]);
    expect(visibility.entries.items).toEqual([{}, { item_kind: true, item_detail: false, item_due: true }]);
  });
});
