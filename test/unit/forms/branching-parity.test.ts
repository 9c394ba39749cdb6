import vm from 'node:vm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORM_VERSIONS } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { BROWSER_GLOBAL, buildConditionsBundle } from '#shared/forms/browser-bundle.ts';
import { describeCondition, evaluateCondition, resolveVisibility } from '#shared/forms/conditions.ts';
import { isVisible } from '#shared/forms/validate.ts';
import { canonicalJson } from '#shared/forms/versioning.ts';
import { looseAnswers, reference } from './arbitraries.ts';
import { kitchenSink, TEST_CONTEXT } from './fixtures.ts';

const DEFINITIONS: FormDefinition[] = [...FORM_VERSIONS, kitchenSink];

/** The browser bundle, loaded in a separate realm (no Node globals, its own Object and Array). */
let browser: vm.Context;

beforeAll(async () => {
  const code = await buildConditionsBundle();
  expect(code).not.toMatch(/\brequire\(|node:/);
  browser = vm.createContext({});
  vm.runInContext(code, browser, { filename: 'form-conditions.iife.js' });
});

/** Calls a function (source text, run in the browser realm); data crosses as JSON, as it would from a page. */
function inBrowser(fn: string, ...args: unknown[]): unknown {
  browser.__args = JSON.stringify(args);
  return JSON.parse(vm.runInContext(`JSON.stringify((${fn})(...JSON.parse(__args)))`, browser) as string);
}

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe.each(DEFINITIONS.map((d) => [`${d.formId} v${d.version}`, d] as const))('%s', (_name, def) => {
  it('browser bundle and server decide visibility and kept answers the same way', () => {
    fc.assert(
      fc.property(looseAnswers(def, TEST_CONTEXT), (raw) => {
        const answers = viaJson(raw) as Record<string, unknown>;
        const server = viaJson(resolveVisibility(def, answers));
        // Compared as canonical JSON: answers may carry keys like "constructor" that confuse deep equality.
        expect(canonicalJson(inBrowser(`${BROWSER_GLOBAL}.resolveVisibility`, def, answers))).toBe(canonicalJson(server));
        // And both agree with the reference model of the documented rules.
        const expected = reference(def, answers);
        const { visibility } = server as ReturnType<typeof resolveVisibility>;
        expect(visibility.sections).toStrictEqual(expected.sections);
        expect(visibility.fields).toStrictEqual(expected.fields);
        expect(visibility.entries).toStrictEqual(expected.entries);
      }),
      { numRuns: 150 },
    );
  });

  it('browser bundle and server evaluate every condition of the form the same way', () => {
    const conditions = def.sections.flatMap((s) => [
      ...(s.condition ? [s.condition] : []),
      ...s.fields.flatMap((f) => [...(f.condition ? [f.condition] : []), ...(f.type === 'group' ? f.fields.flatMap((g) => (g.condition ? [g.condition] : [])) : [])]),
    ]);
    fc.assert(
      fc.property(looseAnswers(def, TEST_CONTEXT), looseAnswers(def, TEST_CONTEXT), (a, b) => {
        const answers = viaJson(a);
        const entry = viaJson(b);
        const server = conditions.map((c) => evaluateCondition(c, answers as Record<string, unknown>, entry as Record<string, unknown>));
        expect(inBrowser(
            `(conditions, answers, entry) => conditions.map((c) => ${BROWSER_GLOBAL}.evaluateCondition(c, answers, entry))`,
            conditions,
            answers,
            entry,
          )).toStrictEqual(server);
      }),
      { numRuns: 100 },
    );
  });
});

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
