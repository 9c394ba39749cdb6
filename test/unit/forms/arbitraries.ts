/**
 * Generators derived from a definition (valid answers, loose answers, rule-breaking mutations) and a
 * reference model of branching written independently of the engine, used as the test oracle.
 */
import fc from 'fast-check';
import type { Condition, Field, FormDefinition, GroupField, Item } from '#forms/types.ts';
import { YES_NO_UNKNOWN_CHOICES } from '#forms/types.ts';
import type { FormContext } from '#shared/forms/types.ts';
import { TODAY } from './fixtures.ts';

type Bag = Record<string, unknown>;
const DAY_MS = 86_400_000;
const toDay = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const addDays = (iso: string, days: number): string => fromDay(toDay(iso) + days);

const items = (def: FormDefinition): Item[] => def.sections.flatMap((s) => [...s.fields]);
const isBag = (v: unknown): v is Bag => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------------
// Reference model of branching (the oracle): the rules of docs/forms.md, written without the engine.

const hasAnswer = (v: unknown): boolean =>
  !(v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0));

function holds(c: Condition, lookup: (name: string) => unknown): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, lookup));
  if ('any' in c) return c.any.some((x) => holds(x, lookup));
  if ('not' in c) return !holds(c.not, lookup);
  const v = lookup(c.field);
  if ('answered' in c) return hasAnswer(v) === c.answered;
  if (!hasAnswer(v)) return false;
  if ('equals' in c) return v === c.equals;
  if ('oneOf' in c) return (c.oneOf as readonly unknown[]).includes(v);
  if ('includes' in c) return Array.isArray(v) && v.includes(c.includes);
  if ('atLeast' in c) return typeof v === 'number' && v >= c.atLeast;
  return typeof v === 'number' && v <= c.atMost;
}

export interface ReferenceResult {
  sections: Record<string, boolean>;
  fields: Record<string, boolean>;
  entries: Record<string, Record<string, boolean>[]>;
  /** Kept answers: visible, answered, known (unknown keys are not included). */
  kept: Bag;
}

/** Visibility and kept answers per the documented rules: one pass, conditions see only kept earlier answers. */
export function reference(def: FormDefinition, answers: Bag): ReferenceResult {
  const res: ReferenceResult = { sections: {}, fields: {}, entries: {}, kept: {} };
  for (const section of def.sections) {
    const sectionOn = section.condition ? holds(section.condition, (n) => res.kept[n]) : true;
    res.sections[section.id] = sectionOn;
    for (const item of section.fields) {
      const on = sectionOn && (item.condition ? holds(item.condition, (n) => res.kept[n]) : true);
      res.fields[item.name] = on;
      if (item.type === 'group') res.entries[item.name] = [];
      const value = Object.hasOwn(answers, item.name) ? answers[item.name] : undefined;
      if (!on || !hasAnswer(value)) continue;
      if (item.type === 'group' && Array.isArray(value)) {
        res.kept[item.name] = value.map((entry) => {
          const shown: Record<string, boolean> = {};
          res.entries[item.name]?.push(shown);
          if (!isBag(entry)) return entry;
          const keptEntry: Bag = {};
          for (const f of item.fields) {
            const fOn = f.condition ? holds(f.condition, (n) => (Object.hasOwn(keptEntry, n) ? keptEntry[n] : res.kept[n])) : true;
            shown[f.name] = fOn;
            if (fOn && hasAnswer(entry[f.name])) keptEntry[f.name] = entry[f.name];
          }
          return keptEntry;
        });
      } else {
        res.kept[item.name] = value;
      }
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------------
// Valid answers

const TRICKY_TEXT = [
  '<script>alert("x")</script>',
  '<img src=x onerror=alert(1)> & "quotes" \'single\'',
  "Robert'); DROP TABLE records;--",
  '  spaced out  ',
  'line one\nline two\ttabbed',
  '=SUM(A1:A2)',
  'émoji 👩🏽‍⚕️ and 中文',
];

function textArb(minLength: number, maxLength: number, required: boolean): fc.Arbitrary<string> {
  const min = Math.max(1, minLength);
  return fc
    .oneof(
      { arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(maxLength, 40) }), weight: 4 },
      { arbitrary: fc.constantFrom(...TRICKY_TEXT), weight: 2 },
      { arbitrary: fc.constant('x'.repeat(maxLength)), weight: 1 },
    )
    .filter((s) => s.length >= min && s.length <= maxLength && (!required || s.trim() !== ''));
}

const EMAIL = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,14}[a-z0-9])?$/),
    fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/),
    fc.constantFrom('gov', 'org', 'us'),
  )
  .filter(([local]) => !local.includes('..'))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

function codesOf(field: Field, ctx: FormContext): string[] {
  switch (field.type) {
    case 'single_choice':
    case 'multiple_choice':
      return field.choices.map((c) => c.code);
    case 'yes_no_unknown':
      return YES_NO_UNKNOWN_CHOICES.map((c) => c.code);
    case 'lookup':
      return (ctx[field.lookup] ?? []).map((o) => o.code);
    default:
      return [];
  }
}

export function validValue(field: Field, ctx: FormContext): fc.Arbitrary<unknown> {
  switch (field.type) {
    case 'short_text':
      if (field.pattern) {
        return fc
          .stringMatching(new RegExp(`^(?:${field.pattern.regex})$`, 'u'))
          .filter((s) => s.length >= Math.max(1, field.minLength ?? 1) && s.length <= field.maxLength);
      }
      return textArb(field.minLength ?? 1, field.maxLength, field.required === true);
    case 'long_text':
      return textArb(field.minLength ?? 1, field.maxLength, field.required === true);
    case 'email':
      return EMAIL.filter((e) => e.length <= field.maxLength);
    case 'integer':
      return fc.integer({ min: field.min, max: field.max });
    case 'decimal': {
      const scale = 10 ** field.decimals;
      return fc.integer({ min: Math.ceil(field.min * scale), max: Math.floor(field.max * scale) }).map((n) => n / scale);
    }
    case 'date': {
      const lo = toDay(field.min ?? '2000-01-01');
      const hi = field.notInFuture ? toDay(TODAY) : toDay(field.max ?? addDays(TODAY, 3650));
      return fc.integer({ min: lo, max: Math.min(hi, toDay(field.max ?? '9999-12-31')) }).map(fromDay);
    }
    case 'year':
      return fc.integer({ min: field.min, max: field.max ?? (field.notInFuture ? Number(TODAY.slice(0, 4)) : field.min + 100) });
    case 'multiple_choice': {
      const alone = field.choices.filter((c) => c.exclusive).map((c) => c.code);
      const others = field.choices.filter((c) => !c.exclusive).map((c) => c.code);
      const min = Math.max(1, field.minSelected ?? 1);
      const max = Math.min(field.maxSelected ?? others.length, others.length);
      const several = fc.subarray(others, { minLength: min, maxLength: max });
      return min <= 1 && alone.length > 0 ? fc.oneof(several, fc.constantFrom(...alone).map((c) => [c])) : several;
    }
    case 'likert': {
      const values = field.scale.points.map((p) => p.value);
      return fc.integer({ min: Math.min(...values), max: Math.max(...values) });
    }
    case 'rating':
      return fc.integer({ min: 0, max: 3 });
    default:
      return fc.constantFrom(...codesOf(field, ctx));
  }
}

function recordOf(fields: readonly Field[], ctx: FormContext): fc.Arbitrary<Bag> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) shape[f.name] = validValue(f, ctx);
  return fc.record(shape, { requiredKeys: fields.filter((f) => f.required).map((f) => f.name) }) as fc.Arbitrary<Bag>;
}

function groupArb(group: GroupField, ctx: FormContext, maxEntries: number): fc.Arbitrary<Bag[]> {
  return fc.array(recordOf(group.fields, ctx), { minLength: group.minItems, maxLength: Math.min(group.maxItems, maxEntries) });
}

/** Makes "not before" rules hold by moving a date up to the date it may not precede. */
function fixDates(def: FormDefinition, answers: Bag): Bag {
  const fix = (field: Field, scope: Bag, top: Bag): void => {
    if (field.type !== 'date' || !field.notBefore) return;
    const value = scope[field.name];
    const ref = Object.hasOwn(scope, field.notBefore.field) ? scope[field.notBefore.field] : top[field.notBefore.field];
    if (typeof value === 'string' && typeof ref === 'string' && value < ref) scope[field.name] = ref;
  };
  for (const item of items(def)) {
    if (item.type !== 'group') fix(item, answers, answers);
    else for (const entry of (answers[item.name] as Bag[] | undefined) ?? []) for (const f of item.fields) fix(f, entry, answers);
  }
  return answers;
}

/**
 * Answers that make a valid submission once hidden answers are dropped: every required field has a valid
 * value (hidden ones too, so that dropping them is exercised), optional ones sometimes.
 */
export function validAnswers(def: FormDefinition, ctx: FormContext, maxEntries = 4): fc.Arbitrary<Bag> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const item of items(def)) {
    if (item.type === 'group') {
      shape[item.name] = groupArb(item, ctx, maxEntries);
      if (item.minItems > 0) required.push(item.name);
    } else {
      shape[item.name] = validValue(item, ctx);
      if (item.required) required.push(item.name);
    }
  }
  return (fc.record(shape, { requiredKeys: required }) as fc.Arbitrary<Bag>).map((a) => fixDates(def, structuredClone(a)));
}

// ---------------------------------------------------------------------------------------------------
// Loose answers (any JSON values), for branching parity

const JUNK = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -3, max: 30 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant([]),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
);

export function looseAnswers(def: FormDefinition, ctx: FormContext): fc.Arbitrary<Bag> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const item of items(def)) {
    if (item.type === 'group') {
      const entry = fc.record(Object.fromEntries(item.fields.map((f) => [f.name, fc.oneof(validValue(f, ctx), JUNK)])));
      shape[item.name] = fc.oneof(fc.array(fc.oneof({ arbitrary: entry, weight: 5 }, { arbitrary: JUNK, weight: 1 }), { maxLength: 3 }), JUNK);
    } else {
      shape[item.name] = fc.oneof({ arbitrary: validValue(item, ctx), weight: 3 }, { arbitrary: JUNK, weight: 1 });
    }
  }
  const extra = fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'not_a_field', 'x'), JUNK, { maxKeys: 2 });
  return fc.tuple(fc.record(shape, { requiredKeys: [] }) as fc.Arbitrary<Bag>, extra).map(([a, e]) => {
    for (const [k, v] of Object.entries(e)) Object.defineProperty(a, k, { value: v, enumerable: true, writable: true, configurable: true });
    return a;
  });
}

// ---------------------------------------------------------------------------------------------------
// Mutations that break exactly one rule of one field

export interface Mutation {
  /** The error path expected to be named. */
  path: string;
  what: string;
  /** Whether a draft must reject it too (type and limit rules; not "required"). */
  draftToo: boolean;
  apply: (answers: Bag) => Bag;
}

function setAt(path: (string | number)[], value: unknown): (a: Bag) => Bag {
  return (a) => {
    const copy = structuredClone(a);
    let target: Bag = copy;
    for (const key of path.slice(0, -1)) target = (target as Record<string | number, unknown>)[key] as Bag;
    const last = path[path.length - 1] as string | number;
    if (value === DELETE) delete (target as Record<string | number, unknown>)[last];
    else (target as Record<string | number, unknown>)[last] = value;
    return copy;
  };
}
const DELETE = Symbol('delete');

function leafBreakers(field: Field, current: unknown, scope: Bag, top: Bag): { what: string; value: unknown; draftToo: boolean }[] {
  const out: { what: string; value: unknown; draftToo: boolean }[] = [{ what: 'wrong type', value: { nested: true }, draftToo: true }];
  const bad = (what: string, value: unknown): void => void out.push({ what, value, draftToo: true });
  switch (field.type) {
    case 'short_text':
    case 'long_text':
      bad('too long', 'x'.repeat(field.maxLength + 1));
      bad('lone surrogate', 'ab\uD800cd');
      if (field.minLength && field.minLength > 1) bad('too short', 'x'.repeat(field.minLength - 1));
      if (field.type === 'short_text' && field.pattern) bad('pattern', '!! not valid !!'.slice(0, field.maxLength));
      if (field.required) out.push({ what: 'blank', value: '   ', draftToo: false });
      break;
    case 'email':
      bad('not an email', 'not an email');
      break;
    case 'integer':
    case 'decimal':
      bad('above max', field.max + 1);
      bad('below min', field.min - 1);
      if (field.type === 'integer') bad('fraction', field.min + 0.5);
      else if (field.min + 10 ** -(field.decimals + 1) <= field.max) bad('too many decimals', field.min + 10 ** -(field.decimals + 1));
      bad('numeric string', String(field.min));
      break;
    case 'date': {
      bad('impossible date', '2023-02-30');
      bad('wrong format', '03/04/2023');
      if (field.notInFuture) bad('future', addDays(TODAY, 1));
      if (field.min) bad('before min', addDays(field.min, -1));
      const ref = field.notBefore ? (Object.hasOwn(scope, field.notBefore.field) ? scope[field.notBefore.field] : top[field.notBefore.field]) : undefined;
      if (typeof ref === 'string') bad('before the other date', addDays(ref, -1));
      break;
    }
    case 'year':
      bad('below min', field.min - 1);
      if (field.notInFuture) bad('future', Number(TODAY.slice(0, 4)) + 1);
      break;
    case 'multiple_choice': {
      bad('unknown code', ['not_a_code']);
      bad('not a list', field.choices[0]?.code);
      const alone = field.choices.find((c) => c.exclusive);
      const other = field.choices.find((c) => !c.exclusive);
      if (alone && other) bad('exclusive combined', [other.code, alone.code]);
      if (other) bad('duplicate', [other.code, other.code]);
      const others = field.choices.filter((c) => !c.exclusive);
      if (field.maxSelected !== undefined && field.maxSelected < others.length) {
        bad('too many', others.slice(0, field.maxSelected + 1).map((c) => c.code));
      }
      break;
    }
    case 'likert':
      bad('off the scale', 0);
      bad('fraction', 2.5);
      break;
    case 'rating':
      bad('above 3', 4);
      bad('negative', -1);
      break;
    default:
      bad('unknown code', 'not_a_code');
      break;
  }
  if (field.required && current !== undefined) out.push({ what: 'required removed', value: DELETE, draftToo: false });
  return out;
}

/** Every single-rule break applicable to valid (already pruned) answers, with the path it must be reported at. */
export function mutations(def: FormDefinition, answers: Bag): Mutation[] {
  const out: Mutation[] = [];
  const seen = reference(def, answers);
  for (const item of items(def)) {
    if (!seen.fields[item.name]) continue;
    if (item.type !== 'group') {
      for (const b of leafBreakers(item, answers[item.name], answers, answers)) {
        out.push({ path: item.name, what: b.what, draftToo: b.draftToo, apply: setAt([item.name], b.value) });
      }
      continue;
    }
    const entries = (answers[item.name] as Bag[] | undefined) ?? [];
    const filler = entries[0] ?? {};
    out.push({
      path: item.name,
      what: 'too many entries',
      draftToo: true,
      apply: setAt([item.name], Array.from({ length: item.maxItems + 1 }, () => structuredClone(filler))),
    });
    if (item.minItems > 0) {
      out.push({ path: item.name, what: 'too few entries', draftToo: false, apply: setAt([item.name], DELETE) });
    }
    entries.forEach((entry, i) => {
      out.push({ path: `${item.name}[${i}]`, what: 'entry not an object', draftToo: true, apply: setAt([item.name, i], 5) });
      out.push({ path: `${item.name}[${i}].bogus_key`, what: 'unknown entry key', draftToo: true, apply: setAt([item.name, i, 'bogus_key'], 'x') });
      const shown = seen.entries[item.name]?.[i] ?? {};
      for (const f of item.fields) {
        if (!shown[f.name]) continue;
        for (const b of leafBreakers(f, entry[f.name], entry, answers)) {
          out.push({ path: `${item.name}[${i}].${f.name}`, what: b.what, draftToo: b.draftToo, apply: setAt([item.name, i, f.name], b.value) });
        }
      }
    });
  }
  out.push({ path: 'bogus_question', what: 'unknown field', draftToo: true, apply: setAt(['bogus_question'], 'x') });
  return out;
}
