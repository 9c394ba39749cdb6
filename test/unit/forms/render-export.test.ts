import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criticalIncidentReviewV1 as review, FORM_VERSIONS, safetyCultureSurveyV1 as survey } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { fieldIndex, leafFields, topLevelItems } from '#shared/forms/definition.ts';
import { exportLayout, exportRecord } from '#shared/forms/export-columns.ts';
import { renderModel, type RenderField } from '#shared/forms/render-model.ts';
import { sampleCriticalIncidentReview, sampleSurveyResponse } from '#shared/forms/samples.ts';
import { answersJsonSchema } from '#shared/forms/schema.ts';
import { validateSubmission } from '#shared/forms/validate.ts';
import { validAnswers } from './arbitraries.ts';
import { kitchenSink, TEST_CONTEXT } from './fixtures.ts';

const DEFINITIONS: FormDefinition[] = [...FORM_VERSIONS, kitchenSink];

describe('renderer model', () => {
  it.each(DEFINITIONS.map((d) => [d.formId, d] as const))('%s: plain serializable data with a widget for every field', (_id, def) => {
    const model = renderModel(def, TEST_CONTEXT);
    expect(JSON.parse(JSON.stringify(model))).toStrictEqual(model);
    const flat = (fields: RenderField[]): RenderField[] => fields.flatMap((f) => [f, ...flat(f.fields ?? [])]);
    const rendered = flat(model.sections.flatMap((s) => s.fields));
    expect(rendered.map((f) => f.name)).toStrictEqual([...fieldIndex(def).keys()]);
    for (const f of rendered) expect(f.widget).toBeTruthy();
  });

  it('carries choices, limits, visibility and repeat counts', () => {
    const model = renderModel(review);
    const all = model.sections.flatMap((s) => s.fields);
    const get = (name: string) => all.find((f) => f.name === name) ?? all.flatMap((f) => f.fields ?? []).find((f) => f.name === name);
    expect(get('narrative')).toMatchObject({ widget: 'textarea', required: true, constraints: { maxLength: 10_000 } });
    expect(get('placement_type')?.visibleWhen).toStrictEqual({ field: 'custody_status', oneOf: ['in_state_custody', 'in_tribal_custody'] });
    expect(get('improvement_opportunities')).toMatchObject({ widget: 'repeat', repeat: { min: 0, max: 25 } });
    expect(get('io_theme')?.choices?.[0]).toStrictEqual({ code: 'interagency_coordination', label: 'Teamwork and coordination with outside agencies' });
    expect(get('sf_workload')).toMatchObject({ widget: 'rating', constraints: { min: 0, max: 3 }, construct: 'Workload' });
    expect(model.sections.find((s) => s.id === 'factors_workforce' || s.id === 'factors_team_workforce')?.visibleWhenText).toBe(
      '“Review stage” is “Full systems analysis”',
    );
  });

  it('fills lookup choices from the context', () => {
    const unit = (ctx?: typeof TEST_CONTEXT) => renderModel(survey, ctx).sections[0]?.fields.find((f) => f.name === 'unit');
    expect(unit(TEST_CONTEXT)).toMatchObject({ widget: 'select', lookup: 'units', choices: TEST_CONTEXT.units });
    expect(unit()?.choices).toBeUndefined();
  });
});

describe('export columns', () => {
  it.each(DEFINITIONS.map((d) => [d.formId, d] as const))('%s: one column per exportable variable, each tagged', (_id, def) => {
    const layout = exportLayout(def);
    const tables = [layout.main, ...layout.repeating];
    for (const t of tables) {
      const names = t.columns.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const c of t.columns) {
        expect(c.sensitivity).toBeTruthy();
        expect(c.deid).toBeTruthy();
        expect(c.role).toBeTruthy();
      }
    }
    const sources = new Set(tables.flatMap((t) => t.columns.map((c) => c.field)));
    for (const f of leafFields(def)) expect(sources.has(f.name), f.name).toBe(true);
    for (const g of topLevelItems(def).filter((i) => i.type === 'group')) {
      expect(layout.repeating.find((t) => t.name === g.name)?.columns.slice(0, 2).map((c) => c.name)).toStrictEqual(['record_id', 'instance']);
    }
  });

  it('exports a review: multi-select as 0/1 flags, improvement opportunities as a long table', () => {
    const answers = sampleCriticalIncidentReview(3);
    const out = exportRecord(review, 'rec-1', answers);
    expect(out.main).toMatchObject({
      record_id: 'rec-1',
      form_id: 'critical_incident_review',
      form_version: 1,
      child_race___white: 1,
      child_race___black_african_american: 1,
      child_race___asian: 0,
      child_race___declined: 0,
      placement_type: null,
      prior_contact_count: 4,
    });
    expect(out.repeating.improvement_opportunities?.map((r) => [r.record_id, r.instance, r.io_theme])).toStrictEqual([
      ['rec-1', 1, 'interagency_coordination'],
      ['rec-1', 2, 'economic_support'],
      ['rec-1', 3, 'supervision'],
    ]);
    const columns = exportLayout(review).main.columns;
    expect(columns.find((c) => c.name === 'child_race___white')).toMatchObject({ kind: 'flag', code: 'white', sensitivity: 'sensitive' });
    expect(columns.find((c) => c.name === 'incident_date')).toMatchObject({ deid: 'year_only', sensitivity: 'quasi_identifier' });
  });

  it('exports survey scale scores as measure columns', () => {
    const out = exportRecord(survey, 'resp-1', sampleSurveyResponse('north'));
    expect(typeof out.main.psychological_safety_mean).toBe('number');
    expect(typeof out.main.emotional_exhaustion_pct_positive).toBe('number');
  });

  it('gives every column a cell for any valid record', () => {
    fc.assert(
      fc.property(validAnswers(review, TEST_CONTEXT), (raw) => {
        const result = validateSubmission(review, raw, TEST_CONTEXT);
        if (!result.ok) throw new Error('invalid sample');
        const layout = exportLayout(review);
        const out = exportRecord(review, 'r', result.answers, layout);
        expect(Object.keys(out.main)).toStrictEqual(layout.main.columns.map((c) => c.name));
        for (const v of Object.values(out.main)) expect(['string', 'number', 'object']).toContain(typeof v);
        expect(out.repeating.improvement_opportunities).toHaveLength(result.answers.improvement_opportunities?.length ?? 0);
      }),
      { numRuns: 50 },
    );
  });
});

describe('JSON Schema for API clients', () => {
  it('states types, codes, limits and always-required fields, and rejects unknown properties', () => {
    const schema = answersJsonSchema(review) as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
      additionalProperties: boolean;
      'x-form-id': string;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema['x-form-id']).toBe('critical_incident_review');
    expect(Object.keys(schema.properties)).toStrictEqual(topLevelItems(review).map((i) => i.name));
    expect(schema.properties.incident_date).toMatchObject({ type: 'string', format: 'date', title: 'Incident date' });
    expect(schema.properties.prior_report_count).toMatchObject({ type: 'integer', minimum: 0, maximum: 200 });
    expect(schema.properties.narrative).toMatchObject({ type: 'string', maxLength: 10_000 });
    expect(schema.properties.improvement_opportunities).toMatchObject({ type: 'array', maxItems: 25 });
    expect(schema.properties.incident_type).toMatchObject({ enum: ['fatality', 'near_fatality'] });
    expect(schema.required).toContain('review_id');
    expect(schema.required).not.toContain('placement_type');
    expect(schema.required).not.toContain('sf_workload');
  });

  it('lists lookup codes when the context is given, and requires nothing in draft mode', () => {
    const withUnits = answersJsonSchema(survey, { ctx: TEST_CONTEXT }) as { properties: Record<string, Record<string, unknown>> };
    expect(withUnits.properties.unit).toMatchObject({ enum: ['north', 'south', 'intake'] });
    const draft = answersJsonSchema(survey, { mode: 'draft' }) as { properties: Record<string, Record<string, unknown>>; required?: string[] };
    expect(draft.properties.unit).toMatchObject({ type: 'string' });
    expect(draft.required ?? []).toStrictEqual([]);
  });
});
