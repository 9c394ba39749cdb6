import { describe, expect, it } from 'vitest';
import { FORM_VERSIONS } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { firstOpenSection, sectionStates } from '#shared/forms/section-states.ts';
import { kitchenSink, TEST_CONTEXT } from './fixtures.ts';

const stateOf = (def: FormDefinition, answers: unknown, ctx = TEST_CONTEXT) =>
  Object.fromEntries(sectionStates(def, answers, ctx).map((s) => [s.id, `${s.state}${s.shown ? '' : ' (hidden)'}`]));

describe('sectionStates', () => {
  it('reads not started, in progress, complete and has errors from the answers', () => {
    expect(stateOf(kitchenSink, {})).toEqual({ basics: 'not_started', more: 'complete' });
    expect(stateOf(kitchenSink, { code_name: 'alpha' })).toEqual({ basics: 'in_progress', more: 'complete' });
    const basics = { code_name: 'alpha', count: 3, opened: '2024-01-02', colors: ['green'], unit: 'north' };
    expect(stateOf(kitchenSink, basics)).toEqual({ basics: 'complete', more: 'complete' });
    // A draft-invalid answer (pattern) and a submission rule broken by an answer (closed before opened) are errors.
    expect(stateOf(kitchenSink, { ...basics, code_name: 'Alpha 1' })).toEqual({ basics: 'has_errors', more: 'complete' });
    expect(stateOf(kitchenSink, { ...basics, closed: '2023-01-01' })).toEqual({ basics: 'has_errors', more: 'complete' });
  });

  it('follows conditional sections and fields: a hidden section is not shown, a revealed one opens', () => {
    const basics = { code_name: 'alpha', count: 3, opened: '2024-01-02', colors: ['green'], unit: 'north' };
    // "items" (min 1 entry) appears with flag = yes: the More section becomes open until an entry is given.
    expect(stateOf(kitchenSink, { ...basics, flag: 'yes' })).toEqual({ basics: 'in_progress', more: 'not_started' });
    expect(stateOf(kitchenSink, { ...basics, flag: 'yes', severity: 2 })).toEqual({ basics: 'complete', more: 'not_started' });
    expect(stateOf(kitchenSink, { ...basics, flag: 'yes', severity: 2, items: [{ item_kind: 'b' }] })).toEqual({ basics: 'complete', more: 'in_progress' });
    expect(stateOf(kitchenSink, { ...basics, flag: 'yes', severity: 2, items: [{ item_kind: 'b', item_detail: 'x' }] })).toEqual({ basics: 'complete', more: 'complete' });
    // Unit "intake" hides More: its answers are dropped, and it is not shown.
    expect(stateOf(kitchenSink, { ...basics, unit: 'intake', flag: 'yes', severity: 2, items: [{ item_kind: 'a' }] })).toEqual({ basics: 'complete', more: 'complete (hidden)' });
  });

  it('the critical incident review: factor sections only for a full systems analysis', () => {
    const review = FORM_VERSIONS[0] as FormDefinition;
    const full = sampleCriticalIncidentReview(1) as Record<string, unknown>;
    const all = sectionStates(review, full);
    expect(all.filter((s) => s.shown)).toHaveLength(10);
    expect(all.every((s) => s.state === 'complete')).toBe(true);
    expect(firstOpenSection(all)).toBeUndefined();
    const { child_sex: _sex, ...noSex } = full;
    const states = sectionStates(review, { ...noSex, review_stage: 'initial' });
    expect(states.filter((s) => s.shown)).toHaveLength(6);
    expect(states.find((s) => s.id === 'factors_family_case')).toMatchObject({ shown: false });
    expect(states.find((s) => s.id === 'child')).toMatchObject({ shown: true, state: 'in_progress' });
    expect(firstOpenSection(states)).toBe('child');
  });

  it('firstOpenSection skips hidden and complete sections', () => {
    expect(
      firstOpenSection([
        { id: 'a', shown: true, state: 'complete' },
        { id: 'b', shown: false, state: 'not_started' },
        { id: 'c', shown: true, state: 'has_errors' },
      ]),
    ).toBe('c');
  });
});
