/** The engine's validation API: results with field-level errors, throwing variants, and visibility. */
import * as z from 'zod/mini';
import type { FieldError } from '#shared/errors.ts';
import { validationFailed } from '#shared/http/validation.ts';
import type { FormDefinition } from '#forms/types.ts';
import { resolveVisibility } from './conditions.ts';
import { fieldIndex, formatPath } from './definition.ts';
import { unknownQuestionMessage } from './messages.ts';
import { formSchemas } from './schema.ts';
import type { AnswersOf, FormContext, FormRef, ValidationResult } from './types.ts';

const MAX_KEY_IN_PATH = 64;

/**
 * The path a caseworker's screen can point at: `field`, or `group[2].field` inside a repeating group
 * (positions within a multiple choice are not separate questions, so they are cut off).
 */
function fieldPath(def: FormDefinition, path: readonly PropertyKey[]): string {
  const top = path[0];
  if (top === undefined) return '';
  const isGroup = typeof top === 'string' && fieldIndex(def).get(top)?.field.type === 'group';
  return formatPath(path.slice(0, isGroup ? 3 : 1));
}

/** Sort key of an issue path: document order of the field, then entry, then field within the entry. */
function orderOf(def: FormDefinition, path: readonly PropertyKey[]): number[] {
  const index = fieldIndex(def);
  const at = (p: PropertyKey | undefined): number =>
    typeof p === 'string' ? (index.get(p)?.order ?? Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  return [at(path[0]), typeof path[1] === 'number' ? path[1] : -1, path.length > 2 ? at(path[2]) : -1];
}

/** Field-level errors from zod issues, in the order of the form; an unknown key is named by the key itself. */
export function toFieldErrors(def: FormDefinition, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const errors: { error: FieldError; order: number[] }[] = [];
  const seen = new Set<string>();
  const add = (path: readonly PropertyKey[], field: string, message: string): void => {
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    errors.push({ error: { field, message }, order: orderOf(def, path) });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key.slice(0, MAX_KEY_IN_PATH)];
        add(path, formatPath(path), unknownQuestionMessage());
      }
    } else {
      add(issue.path, fieldPath(def, issue.path), issue.message);
    }
  }
  const compare = (a: number[], b: number[]): number => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return errors.sort((a, b) => compare(a.order, b.order)).map((e) => e.error);
}

function run<D extends FormDefinition>(
  def: D,
  schema: z.core.$ZodType,
  answers: unknown,
): ValidationResult<AnswersOf<D>> {
  const result = z.safeParse(schema, answers);
  if (result.success) return { ok: true, answers: result.data as AnswersOf<D> };
  return { ok: false, errors: toFieldErrors(def, result.error.issues) };
}

/** A partial save: any answer may be missing; the ones given must be valid. Hidden answers are dropped. */
export function validateDraft<D extends FormDefinition>(def: D, answers: unknown, ctx?: FormContext): ValidationResult<AnswersOf<D>> {
  return run(def, formSchemas(def, ctx).draft, answers);
}

/** A complete submission: required visible answers present, all rules hold. Hidden answers are dropped. */
export function validateSubmission<D extends FormDefinition>(
  def: D,
  answers: unknown,
  ctx?: FormContext,
): ValidationResult<AnswersOf<D>> {
  return run(def, formSchemas(def, ctx).submission, answers);
}

function orThrow<A>(result: ValidationResult<A>): A {
  if (result.ok) return result.answers;
  throw validationFailed(result.errors);
}

/** Like validateDraft, but returns the answers to keep or throws ValidationError (422). */
export function assertDraft<D extends FormDefinition>(def: D, answers: unknown, ctx?: FormContext): AnswersOf<D> {
  return orThrow(validateDraft(def, answers, ctx));
}

/** Like validateSubmission, but returns the answers to keep or throws ValidationError (422). */
export function assertSubmission<D extends FormDefinition>(def: D, answers: unknown, ctx?: FormContext): AnswersOf<D> {
  return orThrow(validateSubmission(def, answers, ctx));
}

/**
 * Whether a section (by id) or a field is shown for these answers. A field inside a repeating group is
 * named with its entry: `improvement_opportunities[2].io_external_partner`.
 */
export function isVisible(def: FormDefinition, target: string, answers: unknown): boolean {
  const { visibility } = resolveVisibility(def, answers);
  if (Object.hasOwn(visibility.sections, target)) return visibility.sections[target] === true;
  const inGroup = /^([a-z][a-z0-9_]*)\[(\d+)\]\.([a-z][a-z0-9_]*)$/.exec(target);
  if (inGroup) {
    const [, group = '', index = '', field = ''] = inGroup;
    const entry = fieldIndex(def).get(field);
    if (entry?.group?.name !== group) throw new Error(`"${field}" is not a field of the repeating group "${group}"`);
    if (!visibility.fields[group]) return false;
    const shown = visibility.entries[group]?.[Number(index)];
    if (!shown) throw new Error(`"${group}" has no entry ${index} in these answers`);
    return shown[field] === true;
  }
  const entry = fieldIndex(def).get(target);
  if (!entry) throw new Error(`"${target}" is not a section or field of ${def.formId} version ${def.version}`);
  if (entry.group) throw new Error(`"${target}" is in a repeating group: name the entry, e.g. ${entry.group.name}[0].${target}`);
  return visibility.fields[target] === true;
}

/** What a stored record names: the form and the version its answers were validated against. */
export function formRef(def: FormDefinition): FormRef {
  return { formId: def.formId, formVersion: def.version };
}
