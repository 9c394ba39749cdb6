/**
 * What changed between two versions of a record's answers, as people read the form: field labels (never variable
 * names) and values as the form shows them (choice and lookup labels). Built on the render model of the record's
 * own form version, so labels are those the person answered.
 */
import { isAnswered, isRecord } from './conditions.ts';
import type { RenderField, RenderForm } from './render-model.ts';

// Not `import ... from 'node:util'`: see shared/records/diff.ts (cold start).
const { isDeepStrictEqual } = process.getBuiltinModule('node:util');

export interface AnswerChange {
  /** The section's title. */
  section: string;
  /** The field's label; inside a repeating group, prefixed with the entry, e.g. "Improvement opportunity 2: Theme". */
  label: string;
  /** As the form shows them; undefined when not answered. */
  before: string | undefined;
  after: string | undefined;
}

/** An answer as people read it: choice labels, lists joined with "; "; undefined when not answered. */
export function formatAnswer(field: RenderField, value: unknown): string | undefined {
  if (!isAnswered(value)) return undefined;
  const label = (code: unknown) => field.choices?.find((c) => c.code === String(code))?.label ?? String(code);
  if (Array.isArray(value)) return value.map(label).join('; ');
  return field.choices ? label(value) : String(value);
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Every field whose answer differs, in the order of the form; entries of repeating groups field by field. */
export function answerChanges(form: RenderForm, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): AnswerChange[] {
  const changes: AnswerChange[] = [];
  const add = (section: string, label: string, field: RenderField, a: unknown, b: unknown) => {
    const was = formatAnswer(field, a);
    const now = formatAnswer(field, b);
    if (was !== now) changes.push({ section, label, before: was, after: now });
  };
  for (const section of form.sections) {
    for (const field of section.fields) {
      const a = before[field.name];
      const b = after[field.name];
      if (isDeepStrictEqual(a, b)) continue;
      if (field.widget !== 'repeat') {
        add(section.title, field.label, field, a, b);
        continue;
      }
      const left = Array.isArray(a) ? a : [];
      const right = Array.isArray(b) ? b : [];
      const noun = capitalize(field.repeat?.itemNoun.one ?? 'entry');
      for (let i = 0; i < Math.max(left.length, right.length); i++) {
        const x: Record<string, unknown> = isRecord(left[i]) ? left[i] : {};
        const y: Record<string, unknown> = isRecord(right[i]) ? right[i] : {};
        for (const sub of field.fields ?? []) add(section.title, `${noun} ${i + 1}: ${sub.label}`, sub, x[sub.name], y[sub.name]);
      }
    }
  }
  return changes;
}
