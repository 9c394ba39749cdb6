/**
 * Zod schemas derived from a definition:
 * - draft: every answer optional; each present answer well-typed and within limits;
 * - submission: the same, plus required-when-visible, minimum counts and cross-field date rules;
 * both drop hidden and empty answers before validating, and reject unknown fields (strict objects).
 * Also the JSON Schema for API clients.
 */
import * as z from 'zod/mini';
import { withMeta } from '#shared/zod-config.ts';
import type { Field, FormDefinition, Item, LookupName } from '#forms/types.ts';
import { YES_NO_UNKNOWN_CHOICES } from '#forms/types.ts';
import { effectiveCondition, isAnswered, isRecord, resolveVisibility } from './conditions.ts';
import { findField, leafFields, topLevelItems } from './definition.ts';
import {
  dateNotAfterMessage,
  dateNotBeforeMessage,
  decimalsMessage,
  duplicateChoiceMessage,
  exclusiveChoiceMessage,
  fieldMessage,
  formMessage,
  groupMessage,
  notInFutureMessage,
  notWellFormedMessage,
  questionName,
  requiredMessage,
  tooFewChosenMessage,
  tooFewEntriesMessage,
  tooManyChosenMessage,
  tooManyEntriesMessage,
  wholeNumberMessage,
} from './messages.ts';
import type { Answers, FormContext } from './types.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written YYYY-MM-DD (only those are compared; others already have their own error). */
function isRealDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
}
const HOUR_MS = 3_600_000;

/**
 * "Today" for "not in the future": the date in UTC+14, the earliest time zone, so that a date which is
 * already today for the person answering is never rejected, wherever they are.
 */
export function defaultToday(now: number = Date.now()): string {
  return new Date(now + 14 * HOUR_MS).toISOString().slice(0, 10);
}

interface Env {
  readonly ctx: FormContext;
  readonly today: () => string;
  /** JSON Schema mode: no lookup list is needed, unknown lookups become plain strings. */
  readonly forJsonSchema: boolean;
}

function decimalPlaces(value: number): number {
  const [mantissa = '', exponent] = String(value).split('e');
  const places = (mantissa.split('.')[1] ?? '').length;
  return Math.max(0, places - Number(exponent ?? 0));
}

function codes(values: readonly string[]): [string, ...string[]] {
  return values as [string, ...string[]];
}

/*
 * Zod's z.int() and leading array .max() stop the whole parse on failure ("abort"), which would hide the
 * cross-field problems (required answers, date order) until the user fixed that one answer. Validation
 * schemas therefore use equivalent non-aborting checks; JSON Schema mode keeps the native ones, which map to
 * `integer` and `maxItems`.
 */
function wholeNumber(env: Env, error: (issue: z.core.$ZodRawIssue) => string, notWhole: string, ...checks: z.core.$ZodCheck<number>[]): z.ZodMiniType<number> {
  if (env.forJsonSchema) return checks.length ? z.int({ error }).check(...checks) : z.int({ error });
  return z.number({ error }).check(z.refine(Number.isInteger, { error: notWhole }), ...checks);
}

function atMost<T extends z.ZodMiniArray>(schema: T, max: number, env: Env, tooMany: string): T {
  if (env.forJsonSchema) return schema.check(z.maxLength(max)) as T;
  return schema.check(z.refine((items: unknown[]) => items.length <= max, { error: tooMany })) as T;
}

function leafSchema(field: Field, env: Env): z.ZodMiniType {
  const error = (issue: z.core.$ZodRawIssue): string => fieldMessage(field, issue);
  const wellFormed = { error: notWellFormedMessage(field) };
  const notWhole = wholeNumberMessage(field);
  switch (field.type) {
    case 'short_text': {
      const checks: z.core.$ZodCheck<string>[] = [z.maxLength(field.maxLength)];
      if (field.minLength !== undefined) checks.push(z.minLength(field.minLength));
      if (field.pattern) checks.push(z.regex(new RegExp(`^(?:${field.pattern.regex})$`, 'u')));
      return z.string({ error }).check(...checks, z.refine((v: string) => v.isWellFormed(), wellFormed));
    }
    case 'long_text': {
      const checks: z.core.$ZodCheck<string>[] = [z.maxLength(field.maxLength)];
      if (field.minLength !== undefined) checks.push(z.minLength(field.minLength));
      return z.string({ error }).check(...checks, z.refine((v: string) => v.isWellFormed(), wellFormed));
    }
    case 'email':
      return z.email({ error }).check(z.maxLength(field.maxLength));
    case 'integer':
      return wholeNumber(env, error, notWhole, z.minimum(field.min), z.maximum(field.max));
    case 'decimal':
      return z
        .number({ error })
        .check(z.minimum(field.min), z.maximum(field.max), z.refine((v: number) => decimalPlaces(v) <= field.decimals, { error: decimalsMessage(field, field.decimals) }));
    case 'date': {
      const checks: z.core.$ZodCheck<string>[] = [];
      const { min, max, notInFuture } = field;
      if (min !== undefined) checks.push(z.refine((v: string) => v >= min, { error: dateNotBeforeMessage(field, min) }));
      if (max !== undefined) checks.push(z.refine((v: string) => v <= max, { error: dateNotAfterMessage(field, max) }));
      if (notInFuture) checks.push(z.refine((v: string) => v <= env.today(), { error: notInFutureMessage(field) }));
      return checks.length ? z.iso.date({ error }).check(...checks) : z.iso.date({ error });
    }
    case 'year': {
      const checks: z.core.$ZodCheck<number>[] = [z.minimum(field.min)];
      if (field.max !== undefined) checks.push(z.maximum(field.max));
      if (field.notInFuture) checks.push(z.refine((v: number) => v <= Number(env.today().slice(0, 4)), { error: notInFutureMessage(field) }));
      return wholeNumber(env, error, notWhole, ...checks);
    }
    case 'single_choice':
      return z.enum(codes(field.choices.map((c) => c.code)), { error });
    case 'yes_no_unknown':
      return z.enum(codes(YES_NO_UNKNOWN_CHOICES.map((c) => c.code)), { error });
    case 'multiple_choice': {
      const exclusive = field.choices.filter((c) => c.exclusive);
      const max = field.maxSelected ?? field.choices.length;
      return atMost(z.array(z.enum(codes(field.choices.map((c) => c.code)), { error }), { error }), max, env, tooManyChosenMessage(field, max)).check(
        z.superRefine((chosen: string[], ctx) => {
          if (new Set(chosen).size !== chosen.length) ctx.addIssue({ code: 'custom', message: duplicateChoiceMessage(field) });
          const alone = exclusive.find((c) => chosen.includes(c.code));
          if (alone && chosen.length > 1) ctx.addIssue({ code: 'custom', message: exclusiveChoiceMessage(field, alone.label) });
        }),
      );
    }
    case 'likert': {
      const values = field.scale.points.map((p) => p.value);
      return wholeNumber(env, error, notWhole, z.minimum(Math.min(...values)), z.maximum(Math.max(...values)));
    }
    case 'rating':
      return wholeNumber(env, error, notWhole, z.minimum(0), z.maximum(3));
    case 'lookup': {
      const options = env.ctx[field.lookup];
      if (!options) {
        if (env.forJsonSchema) return z.string({ error });
        throw new Error(`Field "${field.name}" needs the "${field.lookup}" list in the form context`);
      }
      return z.enum(codes(options.map((o) => o.code)), { error });
    }
  }
}

/** Whether a field is shown and required no matter what the other answers are (for JSON Schema `required`). */
function alwaysRequired(def: FormDefinition, field: Item): boolean {
  return field.type !== 'group' && field.required === true && effectiveCondition(def, field.name) === null;
}

/** `json-*`: for JSON Schema, with titles; `json-submission` also lists the always-required fields. */
type Mode = 'draft' | 'submission' | 'json-draft' | 'json-submission';

function itemSchema(def: FormDefinition, item: Item, env: Env, mode: Mode): z.ZodMiniType {
  const described = <T extends z.ZodMiniType>(s: T, field: Item): T =>
    mode.startsWith('json') ? withMeta(s, { title: field.label, ...(field.help ? { description: field.help } : {}) }) : s;
  if (item.type !== 'group') return described(leafSchema(item, env), item);
  const error = (issue: z.core.$ZodRawIssue): string => groupMessage(item, issue);
  const entryShape: Record<string, z.ZodMiniType> = {};
  for (const field of item.fields) {
    const schema = described(leafSchema(field, env), field);
    entryShape[field.name] = mode === 'json-submission' && alwaysRequired(def, field) ? schema : z.optional(schema);
  }
  let list = atMost(z.array(z.strictObject(entryShape, { error }), { error }), item.maxItems, env, tooManyEntriesMessage(item));
  if (mode === 'json-submission' && item.minItems > 0 && effectiveCondition(def, item.name) === null) list = list.check(z.minLength(item.minItems));
  return described(list, item);
}

function objectSchema(def: FormDefinition, env: Env, mode: Mode) {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const item of topLevelItems(def)) {
    const schema = itemSchema(def, item, env, mode);
    shape[item.name] = mode === 'json-submission' && alwaysRequired(def, item) ? schema : z.optional(schema);
  }
  return z.strictObject(shape, { error: formMessage });
}

/** Rules that involve visibility or more than one answer. Runs even when some answers failed their own checks. */
function crossFieldRules(def: FormDefinition, mode: 'draft' | 'submission') {
  const submission = mode === 'submission';
  const checkLeaf = (
    field: Field,
    path: (string | number)[],
    top: Record<string, unknown>,
    entry: Record<string, unknown> | undefined,
    ctx: z.core.$RefinementCtx,
  ): void => {
    const value = (entry ?? top)[field.name];
    // Whitespace alone is kept as typed, but doesn't answer a required question.
    const blank = typeof value === 'string' && value.trim() === '';
    if (!isAnswered(value) || (submission && field.required && blank)) {
      if (submission && field.required) ctx.addIssue({ code: 'custom', path, message: requiredMessage(field) });
      return;
    }
    if (submission && field.type === 'multiple_choice' && field.minSelected && Array.isArray(value) && value.length < field.minSelected) {
      ctx.addIssue({ code: 'custom', path, message: tooFewChosenMessage(field, field.minSelected) });
    }
    if (field.type === 'date' && field.notBefore && isRealDate(value)) {
      const refName = field.notBefore.field;
      const other = entry && Object.hasOwn(entry, refName) ? entry[refName] : top[refName];
      if (isRealDate(other) && value < other) {
        const message = field.notBefore.message ?? `${questionName(field)} can't be before ${findField(def, refName)?.field.label ?? refName}`;
        ctx.addIssue({ code: 'custom', path, message });
      }
    }
  };
  return (answers: unknown, ctx: z.core.$RefinementCtx): void => {
    if (!isRecord(answers)) return;
    const { visibility } = resolveVisibility(def, answers);
    for (const item of topLevelItems(def)) {
      if (!visibility.fields[item.name]) continue;
      if (item.type !== 'group') {
        checkLeaf(item, [item.name], answers, undefined, ctx);
        continue;
      }
      const value = answers[item.name];
      if (submission && item.minItems > 0 && (value === undefined || (Array.isArray(value) && value.length < item.minItems))) {
        ctx.addIssue({ code: 'custom', path: [item.name], message: tooFewEntriesMessage(item) });
      }
      if (!Array.isArray(value)) continue;
      value.forEach((entry, i) => {
        if (!isRecord(entry)) return;
        const shown = visibility.entries[item.name]?.[i] ?? {};
        for (const field of item.fields) if (shown[field.name]) checkLeaf(field, [item.name, i, field.name], answers, entry, ctx);
      });
    }
  };
}

export interface FormSchemas {
  /** Validates a partial save. */
  readonly draft: z.ZodMiniType<Answers>;
  /** Validates a complete submission. */
  readonly submission: z.ZodMiniType<Answers>;
}

const EMPTY_CONTEXT: FormContext = {};
/** Schemas kept per definition: one per distinct lookup content and "today" (jurisdictions x test dates). */
const MAX_SCHEMAS_PER_FORM = 64;
const cache = new WeakMap<FormDefinition, Map<string, FormSchemas>>();

function envFor(ctx: FormContext, forJsonSchema = false): Env {
  return { ctx, today: () => ctx.today ?? defaultToday(), forJsonSchema };
}

/** What of the context a form's schemas depend on: its lookup codes and a fixed "today". */
const lookupsUsed = new WeakMap<FormDefinition, LookupName[]>();

function contextKey(def: FormDefinition, ctx: FormContext): string {
  let lookups = lookupsUsed.get(def);
  if (!lookups) {
    lookups = [...new Set(leafFields(def).flatMap((f) => (f.type === 'lookup' ? [f.lookup] : [])))].sort();
    lookupsUsed.set(def, lookups);
  }
  return JSON.stringify([ctx.today ?? null, ...lookups.map((name) => ctx[name]?.map((o) => o.code) ?? null)]);
}

/**
 * The draft and submission schemas of a definition. Building one takes milliseconds (zod compiles on first
 * use), so they are cached by definition and by the parts of the context they depend on.
 */
export function formSchemas(def: FormDefinition, ctx: FormContext = EMPTY_CONTEXT): FormSchemas {
  let byContext = cache.get(def);
  if (!byContext) cache.set(def, (byContext = new Map()));
  const key = contextKey(def, ctx);
  const hit = byContext.get(key);
  if (hit) return hit;
  // A snapshot, so that a caller changing its context object later cannot change a cached schema.
  const env = envFor({ ...ctx });
  const prune = (input: unknown): unknown => resolveVisibility(def, input).answers;
  // Classic zod's z.preprocess(prune, schema) is this pipe.
  const build = (mode: 'draft' | 'submission'): z.ZodMiniType<Answers> =>
    z.pipe(
      z.transform(prune),
      objectSchema(def, env, mode).check(z.superRefine(crossFieldRules(def, mode), { when: () => true })),
    ) as unknown as z.ZodMiniType<Answers>;
  const schemas: FormSchemas = { draft: build('draft'), submission: build('submission') };
  if (byContext.size >= MAX_SCHEMAS_PER_FORM) byContext.delete(byContext.keys().next().value as string);
  byContext.set(key, schemas);
  return schemas;
}

/**
 * JSON Schema (draft 2020-12) of a form's answers for API clients. It states types, codes, limits and the
 * fields required whatever the other answers are; branching and cross-field rules are enforced by the API.
 * Lookup fields list their codes when the context has the list, and are plain strings otherwise.
 */
export function answersJsonSchema(
  def: FormDefinition,
  options: { mode?: 'draft' | 'submission'; ctx?: FormContext } = {},
): Record<string, unknown> {
  const env = envFor(options.ctx ?? EMPTY_CONTEXT, true);
  const schema = objectSchema(def, env, options.mode === 'draft' ? 'json-draft' : 'json-submission');
  const meta = {
    title: `${def.title} (version ${def.version})`,
    description: def.description,
    'x-form-id': def.formId,
    'x-form-version': def.version,
  };
  return z.toJSONSchema(withMeta(schema, meta), { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
}
