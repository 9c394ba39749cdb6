import { describe, expect, it } from 'vitest';
import { FORM_VERSIONS } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { describeCondition } from '#shared/forms/conditions.ts';
import { isVisible } from '#shared/forms/validate.ts';
import { kitchenSink } from './fixtures.ts';

// Browser/server parity of branching runs in real Chromium: test/e2e/branching-parity.test.ts.

describe('isVisible and readable branching', () => {
  const review = FORM_VERSIONS[0] as FormDefinition;
  const answers = {
    custody_status: 'in_tribal_custody',
    review_stage: 'initial',
    improvement_opportunities: [{ io_partner_scope: 'internal' }, { io_partner_scope: 'external' }],
  };

  it('answers for fields, sections and fields inside a repeating-group entry', () => {
    expect(isVisible(review, 'placement_type', answers)).toBe(true);
    expect(isVisible(review, 'placement_type', { ...answers, custody_status: 'not_in_custody' })).toBe(false);
    expect(isVisible(review, 'factors_team_workforce', answers)).toBe(false);
    expect(isVisible(review, 'factors_team_workforce', { ...answers, review_stage: 'full_systems_analysis' })).toBe(true);
    expect(isVisible(review, 'improvement_opportunities[0].io_external_partner', answers)).toBe(false);
    expect(isVisible(review, 'improvement_opportunities[1].io_external_partner', answers)).toBe(true);
  });

  it('refuses targets that do not exist', () => {
    expect(() => isVisible(review, 'no_such_field', answers)).toThrow(/not a section or field/);
    expect(() => isVisible(review, 'io_external_partner', answers)).toThrow(/name the entry/);
    expect(() => isVisible(review, 'improvement_opportunities[5].io_theme', answers)).toThrow(/no entry 5/);
  });

  it('describes conditions, negations included, in words', () => {
    expect(describeCondition(kitchenSink, { not: { field: 'unit', equals: 'intake' } })).toBe('“Unit” is not “intake”');
    expect(describeCondition(kitchenSink, { not: { field: 'colors', includes: 'red' } })).toBe('“Colors” does not include “Red”');
    expect(describeCondition(kitchenSink, { all: [{ field: 'notes', answered: true }, { any: [{ field: 'flag', equals: 'yes' }, { field: 'count', atMost: 3 }] }] })).toBe(
      '“Notes” is answered and (“Flag” is “Yes” or “Count” is 3 or less)',
    );
    expect(describeCondition(kitchenSink, { not: { any: [{ field: 'flag', answered: false }] } })).toBe('not (“Flag” is not answered)');
  });
});
