import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FORM_VERSIONS } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { BROWSER_GLOBAL, buildConditionsBundle } from '#shared/forms/browser-bundle.ts';
import { evaluateCondition, resolveVisibility } from '#shared/forms/conditions.ts';
import { canonicalJson } from '#shared/forms/versioning.ts';
import { launchChromium, type RealBrowser } from '../support/chromium.ts';
import { looseAnswers, reference } from '../unit/forms/arbitraries.ts';
import { kitchenSink, TEST_CONTEXT } from '../unit/forms/fixtures.ts';

const DEFINITIONS: FormDefinition[] = [...FORM_VERSIONS, kitchenSink];

/** The browser bundle, loaded into a page of real headless Chromium. */
let chromium: RealBrowser;
let page: Page;

beforeAll(async () => {
  const code = await buildConditionsBundle();
  expect(code).not.toMatch(/\brequire\(|node:/);
  chromium = await launchChromium();
  page = await chromium.browser.newPage();
  await page.addScriptTag({ content: code });
});

afterAll(async () => {
  await chromium?.close();
});

/** Calls a function (source text) in the page; data crosses as JSON, as it does from a real form page. */
async function inBrowser(fn: string, ...args: unknown[]): Promise<unknown> {
  const out = await page.evaluate(([source, json]) => JSON.stringify((0, eval)(`(${source})`)(...JSON.parse(json))), [fn, JSON.stringify(args)] as const);
  return JSON.parse(out);
}

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe.each(DEFINITIONS.map((d) => [`${d.formId} v${d.version}`, d] as const))('%s', (_name, def) => {
  it('browser bundle and server decide visibility and kept answers the same way', async () => {
    await fc.assert(
      fc.asyncProperty(looseAnswers(def, TEST_CONTEXT), async (raw) => {
        const answers = viaJson(raw) as Record<string, unknown>;
        const server = viaJson(resolveVisibility(def, answers));
        // Compared as canonical JSON: answers may carry keys like "constructor" that confuse deep equality.
        expect(canonicalJson(await inBrowser(`${BROWSER_GLOBAL}.resolveVisibility`, def, answers))).toBe(canonicalJson(server));
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

  it('browser bundle and server evaluate every condition of the form the same way', async () => {
    const conditions = def.sections.flatMap((s) => [
      ...(s.condition ? [s.condition] : []),
      ...s.fields.flatMap((f) => [...(f.condition ? [f.condition] : []), ...(f.type === 'group' ? f.fields.flatMap((g) => (g.condition ? [g.condition] : [])) : [])]),
    ]);
    await fc.assert(
      fc.asyncProperty(looseAnswers(def, TEST_CONTEXT), looseAnswers(def, TEST_CONTEXT), async (a, b) => {
        const answers = viaJson(a);
        const entry = viaJson(b);
        const server = conditions.map((c) => evaluateCondition(c, answers as Record<string, unknown>, entry as Record<string, unknown>));
        expect(await inBrowser(
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
