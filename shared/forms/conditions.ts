/**
 * Branching logic: the one evaluator of the condition language, used by the server engine and bundled
 * as-is for the browser (keep this module free of Node and of zod).
 *
 * Why a typed AST of our own rather than json-logic-js: conditions are data in the definition, so the
 * engine can check statically that every referenced field exists, comes earlier and is compared with a valid
 * code; the whole language is ~20 lines, has no eval and no dependency to keep in step between server and
 * browser; and it renders to readable text for the data dictionary.
 */
import type { Condition, FormDefinition, GroupField, Scalar } from '#forms/types.ts';
import { choicesOf, fieldIndex, findField } from './definition.ts';

type Bag = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "No answer": absent, null, empty text or an empty list. Such values are dropped from stored answers. */
export function isAnswered(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function read(name: string, answers: Bag, entry: Bag | undefined): unknown {
  if (entry && Object.hasOwn(entry, name)) return entry[name];
  return Object.hasOwn(answers, name) ? answers[name] : undefined;
}

/**
 * Evaluates a condition against answers (and, for a field inside a repeating group, that entry's answers).
 * An unanswered field makes every comparison false; `{answered: false}` and `not` are the way to test for it.
 */
export function evaluateCondition(condition: Condition, answers: Bag, entry?: Bag): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, answers, entry));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, answers, entry));
  if ('not' in condition) return !evaluateCondition(condition.not, answers, entry);
  const value = read(condition.field, answers, entry);
  if ('equals' in condition) return isAnswered(value) && value === condition.equals;
  if ('oneOf' in condition) return isAnswered(value) && condition.oneOf.includes(value as Scalar);
  if ('includes' in condition) return Array.isArray(value) && value.includes(condition.includes);
  if ('atLeast' in condition) return typeof value === 'number' && value >= condition.atLeast;
  if ('atMost' in condition) return typeof value === 'number' && value <= condition.atMost;
  if ('answered' in condition) return isAnswered(value) === condition.answered;
  throw new Error(`Unknown condition: ${JSON.stringify(condition)}`);
}

/** Field names a condition refers to. */
export function conditionFields(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionFields);
  if ('any' in condition) return condition.any.flatMap(conditionFields);
  if ('not' in condition) return conditionFields(condition.not);
  return [condition.field];
}

export interface Visibility {
  sections: Record<string, boolean>;
  /** Top-level fields and groups. */
  fields: Record<string, boolean>;
  /** Per repeating group, per entry: the visibility of the group's fields. */
  entries: Record<string, Record<string, boolean>[]>;
}

export interface Resolved {
  visibility: Visibility;
  /** The answers without hidden or empty answers; unknown keys are kept so that validation can reject them. */
  answers: unknown;
}

/** Copies a key that is not a known field name without going through the `__proto__` setter. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function resolveEntry(group: GroupField, entry: unknown, top: Bag, visible: Record<string, boolean>[]): unknown {
  const shown: Record<string, boolean> = {};
  visible.push(shown);
  if (!isRecord(entry)) return entry;
  const out: Record<string, unknown> = {};
  const names = new Set<string>();
  for (const field of group.fields) {
    names.add(field.name);
    const isShown = !field.condition || evaluateCondition(field.condition, top, out);
    shown[field.name] = isShown;
    if (isShown && Object.hasOwn(entry, field.name) && isAnswered(entry[field.name])) out[field.name] = entry[field.name];
  }
  for (const key of Object.keys(entry)) if (!names.has(key)) setOwn(out, key, entry[key]);
  return out;
}

/**
 * Decides, in one pass in document order, which sections and fields are visible, and drops the answers of
 * hidden fields. Conditions see only the answers kept so far, so a field hidden by an earlier answer never
 * shows anything that depends on it.
 */
export function resolveVisibility(def: FormDefinition, input: unknown): Resolved {
  const source: Bag = isRecord(input) ? input : {};
  const out: Record<string, unknown> = {};
  const visibility: Visibility = { sections: {}, fields: {}, entries: {} };
  const known = new Set<string>();
  for (const section of def.sections) {
    const sectionShown = !section.condition || evaluateCondition(section.condition, out);
    visibility.sections[section.id] = sectionShown;
    for (const item of section.fields) {
      known.add(item.name);
      const shown = sectionShown && (!item.condition || evaluateCondition(item.condition, out));
      visibility.fields[item.name] = shown;
      if (item.type === 'group') visibility.entries[item.name] = [];
      if (!shown || !Object.hasOwn(source, item.name)) continue;
      const value = source[item.name];
      if (!isAnswered(value)) continue;
      if (item.type === 'group' && Array.isArray(value)) {
        const entries = visibility.entries[item.name] ?? [];
        out[item.name] = value.map((entry) => resolveEntry(item, entry, out, entries));
      } else {
        out[item.name] = value;
      }
    }
  }
  for (const key of Object.keys(source)) if (!known.has(key)) setOwn(out, key, source[key]);
  return { visibility, answers: isRecord(input) ? out : input };
}

/** Branching logic as a sentence, e.g. `“Custody status” is “In tribal custody” or “Unknown”`. */
export function describeCondition(def: FormDefinition, condition: Condition, negated = false): string {
  const part = (c: Condition): string => ('all' in c || 'any' in c ? `(${describeCondition(def, c)})` : describeCondition(def, c));
  if ('all' in condition) return `${negated ? 'not ' : ''}${condition.all.map(part).join(' and ')}`;
  if ('any' in condition) return `${negated ? 'not ' : ''}${condition.any.map(part).join(' or ')}`;
  if ('not' in condition) {
    const inner = condition.not;
    if ('all' in inner || 'any' in inner) return `not (${describeCondition(def, inner)})`;
    return describeCondition(def, inner, !negated);
  }
  const entry = findField(def, condition.field);
  const label = entry ? `“${entry.field.label}”` : condition.field;
  const choices = entry ? choicesOf(entry.field) : undefined;
  const value = (v: Scalar): string => {
    const choice = choices?.find((c) => c.code === v);
    return choice ? `“${choice.label}”` : typeof v === 'string' ? `“${v}”` : String(v);
  };
  const is = negated ? 'is not' : 'is';
  if ('equals' in condition) return `${label} ${is} ${value(condition.equals)}`;
  if ('oneOf' in condition) return `${label} ${is} ${condition.oneOf.map(value).join(negated ? ' nor ' : ' or ')}`;
  if ('includes' in condition) return `${label} ${negated ? 'does not include' : 'includes'} ${value(condition.includes)}`;
  if ('atLeast' in condition) return negated ? `${label} is not ${condition.atLeast} or more` : `${label} is ${condition.atLeast} or more`;
  if ('atMost' in condition) return negated ? `${label} is not ${condition.atMost} or less` : `${label} is ${condition.atMost} or less`;
  return `${label} is ${condition.answered !== negated ? 'answered' : 'not answered'}`;
}

/** The condition under which a field shows, section condition included (null: always shown). */
export function effectiveCondition(def: FormDefinition, name: string): Condition | null {
  const entry = fieldIndex(def).get(name);
  if (!entry) return null;
  const parts: Condition[] = [];
  if (entry.section.condition) parts.push(entry.section.condition);
  if (entry.group?.condition) parts.push(entry.group.condition);
  if (entry.field.condition) parts.push(entry.field.condition);
  if (parts.length === 0) return null;
  return parts.length === 1 ? (parts[0] as Condition) : { all: parts };
}
