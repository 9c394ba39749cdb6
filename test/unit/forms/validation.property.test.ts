import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORM_VERSIONS } from '#forms/index.ts';
import type { FormDefinition } from '#forms/types.ts';
import { decodeFormRecord, encodeFormRecord } from '#shared/forms/storage-codec.ts';
import type { Answers } from '#shared/forms/types.ts';
import { formRef, validateDraft, validateSubmission } from '#shared/forms/validate.ts';
import { mutations, reference, validAnswers } from './arbitraries.ts';
import { kitchenSink, TEST_CONTEXT } from './fixtures.ts';

const DEFINITIONS: FormDefinition[] = [...FORM_VERSIONS, kitchenSink];
/** Wording that would mean a zod message leaked through. */
const JARGON = /\binvalid input\b|\bexpected\b|\breceived\b|\btoo (big|small)\b|\bNaN\b|\bundefined\b|\bregex\b|\bstring\b/i;

describe.each(DEFINITIONS.map((d) => [`${d.formId} v${d.version}`, d] as const))('%s', (_name, def) => {
  it('accepts every generated valid submission and keeps exactly the visible answers', () => {
    fc.assert(
      fc.property(validAnswers(def, TEST_CONTEXT), (raw) => {
        const result = validateSubmission(def, raw, TEST_CONTEXT);
        if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.errors)}`);
        expect(result.answers).toStrictEqual(reference(def, raw).kept);
      }),
    );
  });

  it('never keeps an answer to a hidden field', () => {
    fc.assert(
      fc.property(validAnswers(def, TEST_CONTEXT), (raw) => {
        const result = validateSubmission(def, raw, TEST_CONTEXT);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const seen = reference(def, raw);
        for (const [name, value] of Object.entries(result.answers)) {
          expect(seen.fields[name], `${name} is hidden but kept`).toBe(true);
          if (Array.isArray(value) && value.every((v) => typeof v === 'object')) {
            (value as Record<string, unknown>[]).forEach((entry, i) => {
              for (const key of Object.keys(entry)) expect(seen.entries[name]?.[i]?.[key], `${name}[${i}].${key} is hidden but kept`).toBe(true);
            });
          }
        }
        for (const [name, shown] of Object.entries(seen.fields)) if (!shown) expect(result.answers).not.toHaveProperty(name);
      }),
    );
  });

  it('round-trips every valid submission through the storage encoding unchanged', () => {
    fc.assert(
      fc.property(validAnswers(def, TEST_CONTEXT), (raw) => {
        const result = validateSubmission(def, raw, TEST_CONTEXT);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const answers = result.answers as Answers;
        // Through the wire format of DynamoDB (attribute JSON), as the store sends and receives it.
        const item = JSON.parse(JSON.stringify(encodeFormRecord(formRef(def), answers)));
        const back = decodeFormRecord(item);
        expect(back).toStrictEqual({ formId: def.formId, formVersion: def.version, answers });
        expect(validateSubmission(def, back.answers, TEST_CONTEXT)).toStrictEqual({ ok: true, answers });
      }),
    );
  });

  it('accepts any part of a valid submission as a draft', () => {
    fc.assert(
      fc.property(validAnswers(def, TEST_CONTEXT), fc.infiniteStream(fc.boolean()), (raw, keep) => {
        const full = reference(def, raw).kept;
        const part = Object.fromEntries(Object.entries(full).filter(() => keep.next().value));
        const result = validateDraft(def, part, TEST_CONTEXT);
        if (!result.ok) throw new Error(`draft rejected: ${JSON.stringify(result.errors)}`);
        expect(result.answers).toStrictEqual(reference(def, part).kept);
      }),
    );
  });

  it('rejects every single-rule break with an error that names the field, in plain words', () => {
    const cases = fc
      .tuple(validAnswers(def, TEST_CONTEXT), fc.nat())
      .map(([raw, n]) => {
        const valid = reference(def, raw).kept;
        const all = mutations(def, valid);
        return { valid, mutation: all[n % all.length] as (typeof all)[number] };
      });
    fc.assert(
      fc.property(cases, ({ valid, mutation }) => {
        const broken = mutation.apply(valid);
        const result = validateSubmission(def, broken, TEST_CONTEXT);
        if (result.ok) throw new Error(`accepted ${mutation.what} at ${mutation.path}`);
        const named = result.errors.filter((e) => e.field === mutation.path);
        expect(named.length, `${mutation.what}: ${JSON.stringify(result.errors)}`).toBeGreaterThan(0);
        for (const e of result.errors) expect(e.message).not.toMatch(JARGON);
        if (mutation.draftToo) {
          const draft = validateDraft(def, broken, TEST_CONTEXT);
          expect(draft.ok, `draft accepted ${mutation.what} at ${mutation.path}`).toBe(false);
          if (!draft.ok) expect(draft.errors.map((e) => e.field)).toContain(mutation.path);
        }
      }),
      { numRuns: 300 },
    );
  });
});
