import { describe, expect, it } from 'vitest';
import { NOTICE_TYPES, THEMES } from '#forms/codes.ts';
import { criticalIncidentReviewV1 as review, FORM_VERSIONS, safetyCultureSurveyV1 as survey, safetyNoticeV1 as notice, safetyNoticeV2 as noticeV2 } from '#forms/index.ts';
import type { FormDefinition, LikertField } from '#forms/types.ts';
import { definitionProblems } from '#shared/forms/check-definition.ts';
import { fieldIndex, leafFields } from '#shared/forms/definition.ts';
import { kitchenSink } from './fixtures.ts';

const likert = (def: FormDefinition, names: readonly string[]) => names.map((n) => fieldIndex(def).get(n)?.field as LikertField);
const score = (name: string) => survey.scores.find((s) => s.name === name);

describe('the form definitions', () => {
  it.each([...FORM_VERSIONS, kitchenSink].map((d) => [`${d.formId} v${d.version}`, d] as const))('%s passes the static checks', (_n, def) => {
    expect(definitionProblems(def)).toStrictEqual([]);
  });

  it('every text field has a limit within the format', () => {
    for (const def of FORM_VERSIONS) {
      for (const f of leafFields(def)) {
        if (f.type === 'short_text' || f.type === 'long_text' || f.type === 'email') expect(f.maxLength).toBeLessThanOrEqual(10_000);
      }
    }
  });

  it('the survey has the scales, item counts, reverse-scored items and constructs of the domain', () => {
    expect(survey.scores.map((s) => [s.name, s.items.length])).toStrictEqual([
      ['safety_climate', 6],
      ['psychological_safety', 7],
      ['safety_organizing', 9],
      ['stress_recognition', 4],
      ['emotional_exhaustion', 5],
      ['workplace_connectedness', 4],
    ]);
    expect(likert(survey, score('psychological_safety')?.items ?? []).filter((f) => f.reverseScored)).toHaveLength(3);
    expect(new Set(likert(survey, score('safety_organizing')?.items ?? []).map((f) => f.scale.points.length))).toStrictEqual(new Set([7]));
    for (const s of survey.scores.filter((x) => x.name !== 'safety_organizing')) {
      expect(new Set(likert(survey, s.items).map((f) => f.scale.points.length))).toStrictEqual(new Set([5]));
    }
    for (const f of leafFields(survey).filter((x) => x.type === 'likert')) expect(f.construct).toMatch(/^[A-Z][a-z ]+: \S/);
  });

  it('the survey collects coarse context only: no free text, email, dates or identifiers', () => {
    const fields = leafFields(survey);
    expect(fields.filter((f) => f.type !== 'likert').map((f) => f.name)).toStrictEqual(['unit', 'role_band', 'tenure_band', 'intent_to_stay']);
    for (const f of fields) {
      expect(['short_text', 'long_text', 'email', 'date', 'year', 'integer', 'decimal']).not.toContain(f.type);
      expect(f.tags.sensitivity).not.toBe('direct_identifier');
    }
  });

  it('the review rates systemic factors in four domains, each item naming its construct', () => {
    const domains = (review as FormDefinition).sections.filter((s) => s.id.startsWith('factors_'));
    expect(domains.map((s) => s.id)).toStrictEqual([
      'factors_family_case',
      'factors_team_workforce',
      'factors_organizational',
      'factors_external_community',
    ]);
    for (const section of domains) {
      expect(section.condition).toStrictEqual({ field: 'review_stage', equals: 'full_systems_analysis' });
      const ratings = section.fields.filter((f) => f.type === 'rating');
      expect(ratings.length).toBeGreaterThanOrEqual(4);
      for (const r of ratings) {
        expect(r.construct).toBeTruthy();
        expect(section.fields.find((f) => f.name === `${r.name}_rationale`)?.condition).toStrictEqual({ field: r.name, atLeast: 1 });
      }
    }
  });

  it('improvement opportunities and safety notices share one theme list', () => {
    const ioTheme = fieldIndex(review).get('io_theme')?.field;
    expect(ioTheme?.type === 'single_choice' && ioTheme.choices).toBe(THEMES);
    for (const def of [notice, noticeV2]) {
      const noticeTheme = fieldIndex(def).get('theme')?.field;
      expect(noticeTheme?.type === 'single_choice' && noticeTheme.choices).toBe(THEMES);
    }
  });

  it('safety notice v2: free text never reaches the warehouse, codes do, and dates only as their year', () => {
    const tagsOf = (name: string) => fieldIndex(noticeV2).get(name)?.field.tags;
    for (const text of ['title', 'systemic_issue', 'evidence', 'action', 'contact_role']) {
      expect(tagsOf(text), text).toStrictEqual({ sensitivity: 'free_text', deid: 'drop', role: 'none' });
    }
    for (const code of ['notice_type', 'theme', 'audience']) expect(tagsOf(code), code).toStrictEqual({ sensitivity: 'none', deid: 'keep', role: 'dimension' });
    for (const date of ['notice_date', 'acknowledge_by', 'act_by', 'review_by_date']) expect(tagsOf(date), date).toMatchObject({ sensitivity: 'none', deid: 'year_only' });
    // Kept as the v1 variable so that levels compare across versions.
    const level = fieldIndex(noticeV2).get('notice_type')?.field;
    expect(level?.label).toBe('Level');
    expect(level?.type === 'single_choice' && level.choices).toBe(NOTICE_TYPES);
  });

  it('race is multi-select in federal categories with stand-alone unknown and declined', () => {
    const race = fieldIndex(review).get('child_race')?.field;
    expect(race?.type).toBe('multiple_choice');
    if (race?.type !== 'multiple_choice') return;
    expect(race.choices.filter((c) => c.exclusive).map((c) => c.code)).toStrictEqual(['unknown', 'declined']);
    expect(race.choices).toHaveLength(7);
  });

  it('direct identifiers are dropped on de-identification, and the notice contact is one', () => {
    for (const def of [notice, noticeV2]) expect(fieldIndex(def).get('contact_mailbox')?.field.tags).toMatchObject({ sensitivity: 'direct_identifier', deid: 'drop' });
    for (const def of FORM_VERSIONS) {
      for (const { field } of fieldIndex(def).values()) if (field.tags.sensitivity === 'direct_identifier') expect(field.tags.deid).toBe('drop');
    }
  });
});

describe('static checks catch authoring mistakes', () => {
  const base = structuredClone(notice) as unknown as { sections: { fields: Record<string, unknown>[] }[] };
  const withField = (f: Record<string, unknown>) => {
    const def = structuredClone(base);
    def.sections[2]?.fields.push(f);
    return definitionProblems(def as unknown as FormDefinition);
  };
  const tags = { sensitivity: 'none', deid: 'keep', role: 'dimension' };

  it.each([
    ['an unknown field in a condition', { type: 'yes_no_unknown', name: 'x', label: 'X', tags, condition: { field: 'nope', answered: true } }, /unknown field "nope"/],
    ['a code that is not in the list', { type: 'yes_no_unknown', name: 'x', label: 'X', tags, condition: { field: 'notice_type', equals: 'memo' } }, /"memo" is not a code/],
    ['equals on a multiple choice', { type: 'yes_no_unknown', name: 'x', label: 'X', tags, condition: { field: 'audience', equals: 'leadership' } }, /use "includes"/],
    ['a number comparison on text', { type: 'yes_no_unknown', name: 'x', label: 'X', tags, condition: { field: 'title', atLeast: 2 } }, /"title" is not a number/],
    ['a duplicate variable name', { type: 'yes_no_unknown', name: 'title', label: 'X', tags }, /duplicate variable names: title/],
    ['text over the format limit', { type: 'long_text', name: 'x', label: 'X', tags, maxLength: 20_000 }, /maxLength must be 1-10000/],
    ['a direct identifier kept', { type: 'email', name: 'x', label: 'X', maxLength: 50, tags: { ...tags, sensitivity: 'direct_identifier' } }, /must be dropped/],
    ['a not-before on a non-date', { type: 'date', name: 'x', label: 'X', tags, notBefore: { field: 'title' } }, /notBefore must name a date field/],
    ['year-only on a non-date', { type: 'integer', name: 'x', label: 'X', min: 0, max: 1, tags: { ...tags, deid: 'year_only' } }, /year_only is for dates/],
  ])('%s', (_what, field, problem) => {
    expect(withField(field).join('\n')).toMatch(problem);
  });

  it('a condition on a field that comes later', () => {
    const def = structuredClone(base);
    (def.sections[0]?.fields[0] as Record<string, unknown>).condition = { field: 'contact_mailbox', answered: true };
    expect(definitionProblems(def as unknown as FormDefinition).join('\n')).toMatch(/does not come earlier/);
  });
});
