/**
 * Static checks of a definition: what the type system can't say (unique names, references to earlier
 * fields, codes in conditions, limits within the format's). The registry refuses a definition that fails.
 */
import type { Condition, FormDefinition, Item, LikertField } from '#forms/types.ts';
import { TEXT_LIMITS } from '#forms/types.ts';
import { choicesOf, fieldIndex, type FieldEntry } from './definition.ts';

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const CODE = /^[a-z0-9][a-z0-9_]{0,63}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMERIC = new Set(['integer', 'decimal', 'year', 'likert', 'rating']);

function checkCondition(def: FormDefinition, condition: Condition, where: string, scope: (ref: FieldEntry) => boolean): string[] {
  const problems: string[] = [];
  const visit = (c: Condition): void => {
    if ('all' in c) return void c.all.forEach(visit);
    if ('any' in c) return void c.any.forEach(visit);
    if ('not' in c) return visit(c.not);
    const ref = fieldIndex(def).get(c.field);
    if (!ref) return void problems.push(`${where}: condition refers to unknown field "${c.field}"`);
    if (ref.field.type === 'group') return void problems.push(`${where}: condition can't refer to the repeating group "${c.field}"`);
    if (!scope(ref)) return void problems.push(`${where}: condition refers to "${c.field}", which does not come earlier in scope`);
    const field = ref.field;
    const codes = choicesOf(field)?.map((ch) => ch.code);
    const checkValue = (v: unknown): void => {
      if (field.type === 'multiple_choice') problems.push(`${where}: use "includes" to test the multiple choice "${c.field}"`);
      else if (codes && !codes.includes(v as string)) problems.push(`${where}: "${String(v)}" is not a code of "${c.field}"`);
      else if (NUMERIC.has(field.type) && typeof v !== 'number') problems.push(`${where}: "${c.field}" is compared with a non-number`);
    };
    if ('equals' in c) checkValue(c.equals);
    if ('oneOf' in c) c.oneOf.forEach(checkValue);
    if ('includes' in c && (field.type !== 'multiple_choice' || !codes?.includes(c.includes))) {
      problems.push(`${where}: "includes ${c.includes}" needs a multiple choice "${c.field}" with that code`);
    }
    if (('atLeast' in c || 'atMost' in c) && !NUMERIC.has(field.type)) problems.push(`${where}: "${c.field}" is not a number`);
  };
  visit(condition);
  return problems;
}

function checkField(def: FormDefinition, field: Item, entry: FieldEntry): string[] {
  const p: string[] = [];
  const where = `${def.formId} v${def.version} ${field.name}`;
  if (!NAME.test(field.name)) p.push(`${where}: variable names are lower snake case, at most 64 characters`);
  if (field.label.trim() === '') p.push(`${where}: label is empty`);
  switch (field.type) {
    case 'short_text':
    case 'long_text':
    case 'email': {
      const limit = TEXT_LIMITS[field.type];
      if (!Number.isInteger(field.maxLength) || field.maxLength < 1 || field.maxLength > limit) {
        p.push(`${where}: maxLength must be 1-${limit}`);
      }
      if (field.type !== 'email' && field.minLength !== undefined && !(field.minLength >= 1 && field.minLength <= field.maxLength)) {
        p.push(`${where}: minLength must be 1-maxLength`);
      }
      if (field.type === 'short_text' && field.pattern) {
        try {
          new RegExp(field.pattern.regex, 'u');
        } catch {
          p.push(`${where}: pattern is not a valid regular expression`);
        }
      }
      break;
    }
    case 'integer':
    case 'decimal':
      if (!(Number.isFinite(field.min) && Number.isFinite(field.max) && field.min <= field.max)) p.push(`${where}: min must be <= max`);
      if (field.type === 'integer' && !(Number.isSafeInteger(field.min) && Number.isSafeInteger(field.max))) {
        p.push(`${where}: integer bounds must be whole numbers`);
      }
      if (field.type === 'decimal' && !(Number.isInteger(field.decimals) && field.decimals >= 0 && field.decimals <= 10)) {
        p.push(`${where}: decimals must be 0-10`);
      }
      break;
    case 'date': {
      for (const bound of [field.min, field.max]) if (bound !== undefined && !ISO_DATE.test(bound)) p.push(`${where}: date bounds are YYYY-MM-DD`);
      if (field.min && field.max && field.min > field.max) p.push(`${where}: min date is after max date`);
      if (field.notBefore) {
        const ref = fieldIndex(def).get(field.notBefore.field);
        if (!ref || ref.field.type !== 'date') p.push(`${where}: notBefore must name a date field`);
        else if (!inScope(entry, ref)) p.push(`${where}: notBefore must name an earlier date field in scope`);
      }
      break;
    }
    case 'year':
      if (!Number.isInteger(field.min) || (field.max !== undefined && !(Number.isInteger(field.max) && field.max >= field.min))) {
        p.push(`${where}: year bounds must be whole numbers, min <= max`);
      }
      break;
    case 'single_choice':
    case 'multiple_choice': {
      const codes = field.choices.map((c) => c.code);
      if (codes.length === 0) p.push(`${where}: no choices`);
      if (new Set(codes).size !== codes.length) p.push(`${where}: duplicate choice codes`);
      for (const code of codes) if (!CODE.test(code)) p.push(`${where}: choice code "${code}" must be lower snake case`);
      if (field.type === 'single_choice' && field.choices.some((c) => c.exclusive)) p.push(`${where}: "exclusive" is for multiple choice`);
      if (field.type === 'multiple_choice') {
        const min = field.minSelected ?? 0;
        const max = field.maxSelected ?? codes.length;
        if (!(min >= 0 && min <= max && max <= codes.length && max >= 1)) p.push(`${where}: minSelected/maxSelected out of range`);
      }
      break;
    }
    case 'likert': {
      const values = field.scale.points.map((pt) => pt.value);
      const consecutive = values.every((v, i) => Number.isInteger(v) && (i === 0 || v === (values[i - 1] as number) + 1));
      if (values.length < 2 || !consecutive) p.push(`${where}: scale points must be consecutive whole numbers`);
      if (!values.includes(field.scale.positiveMin)) p.push(`${where}: positiveMin must be a scale point`);
      break;
    }
    case 'group':
      if (!(Number.isInteger(field.minItems) && field.minItems >= 0 && field.minItems <= field.maxItems && field.maxItems >= 1)) {
        p.push(`${where}: need 0 <= minItems <= maxItems, maxItems >= 1`);
      }
      if (field.fields.length === 0) p.push(`${where}: a repeating group needs fields`);
      break;
    default:
      break;
  }
  const { sensitivity, deid, bands } = field.tags;
  if (sensitivity === 'direct_identifier' && deid !== 'drop') p.push(`${where}: direct identifiers must be dropped on de-identification`);
  if (deid === 'year_only' && field.type !== 'date' && field.type !== 'year') p.push(`${where}: year_only is for dates`);
  if (deid === 'band') {
    const numeric = field.type === 'integer' || field.type === 'decimal';
    const ascending = !!bands && bands.length > 0 && bands.every((b, i) => i === 0 || b > (bands[i - 1] as number));
    if (!numeric || !ascending) p.push(`${where}: band needs a number field and ascending band edges`);
  }
  if (field.condition) p.push(...checkCondition(def, field.condition, where, (ref) => inScope(entry, ref)));
  return p;
}

/** A field may refer to earlier top-level fields, or to earlier fields of its own repeating-group entry. */
function inScope(from: FieldEntry, ref: FieldEntry): boolean {
  if (ref.order >= from.order) return false;
  return ref.group === undefined || ref.group === from.group;
}

/** Problems with a definition, as sentences for the author; empty when it is sound. */
export function definitionProblems(def: FormDefinition): string[] {
  const p: string[] = [];
  const form = `${def.formId} v${def.version}`;
  if (!NAME.test(def.formId)) p.push(`${form}: form id must be lower snake case`);
  if (!Number.isInteger(def.version) || def.version < 1) p.push(`${form}: version must be a whole number from 1`);
  const sectionIds = def.sections.map((s) => s.id);
  if (new Set(sectionIds).size !== sectionIds.length) p.push(`${form}: duplicate section ids`);
  const names: string[] = [];
  for (const section of def.sections) {
    if (!NAME.test(section.id)) p.push(`${form}: section id "${section.id}" must be lower snake case`);
    const first = section.fields[0];
    if (section.condition) {
      const start = first ? (fieldIndex(def).get(first.name)?.order ?? 0) : Number.MAX_SAFE_INTEGER;
      p.push(
        ...checkCondition(def, section.condition, `${form} section ${section.id}`, (ref) => ref.group === undefined && ref.order < start),
      );
    }
    for (const item of section.fields) {
      const all: Item[] = item.type === 'group' ? [item, ...item.fields] : [item];
      for (const field of all) {
        names.push(field.name);
        const entry = fieldIndex(def).get(field.name);
        if (entry) p.push(...checkField(def, field, entry));
      }
    }
  }
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length > 0) p.push(`${form}: duplicate variable names: ${[...new Set(dupes)].join(', ')}`);
  const scoreNames = new Set<string>();
  for (const score of def.scores ?? []) {
    const where = `${form} score ${score.name}`;
    if (!NAME.test(score.name) || scoreNames.has(score.name) || names.includes(score.name)) p.push(`${where}: score names must be unique snake case`);
    scoreNames.add(score.name);
    const items = score.items.map((n) => fieldIndex(def).get(n)?.field);
    const likert = items.filter((f): f is LikertField => f?.type === 'likert');
    if (likert.length !== items.length || likert.length === 0) p.push(`${where}: items must be likert fields`);
    else if (new Set(likert.map((f) => f.scale.id)).size !== 1) p.push(`${where}: items must share one scale`);
    if (!(Number.isInteger(score.minAnswered) && score.minAnswered >= 1 && score.minAnswered <= score.items.length)) {
      p.push(`${where}: minAnswered must be 1-${score.items.length}`);
    }
  }
  return p;
}

export function assertValidDefinition(def: FormDefinition): void {
  const problems = definitionProblems(def);
  if (problems.length > 0) throw new Error(`Form definition ${def.formId} v${def.version} is invalid:\n- ${problems.join('\n- ')}`);
}
