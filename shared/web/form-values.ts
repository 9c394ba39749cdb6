/**
 * The record form's fields as HTML form values, both ways: names and ids of inputs, parsing a posted section
 * (urlencoded fields, or the browser's FormData) into answers, and merging them into the draft's answers.
 * No dependencies: web/src/main.ts bundles the same functions for autosave, so the browser and the server agree.
 */

/** What the form parser needs of a field (a subset of shared/forms RenderField). */
export interface FieldSpec {
  name: string;
  widget: string;
  fields?: FieldSpec[];
}

export type PostedFields = Record<string, string | string[]>;
type Value = string | number | string[] | Record<string, unknown>[];

/** Control names of the form that are not answers. */
export const CONTROL = {
  action: '_action',
  version: 'expectedVersion',
  hidden: '_hidden',
  count: (group: string) => `_count.${group}`,
} as const;

const NUMERIC = new Set(['integer', 'decimal', 'year', 'likert', 'rating']);

/** The input name of a field: `name`, or `group[index].name` inside a repeating group entry. */
export const inputName = (field: string, group?: { name: string; index: number }) => (group ? `${group.name}[${group.index}].${field}` : field);

/** The id of a field's input (or first option), for labels and the error summary's links: `f-group-2-name`. */
export const inputId = (path: string) => `f-${path.replace(/[^A-Za-z0-9_]+/g, '-').replace(/-+$/, '')}`;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** One field's posted value as an answer; undefined when not answered. Text is kept exactly as typed. */
function valueOf(spec: FieldSpec, raw: string | string[] | undefined): Value | undefined {
  if (spec.widget === 'checkboxes') {
    const codes = all(raw).filter((c) => c !== '');
    return codes.length ? codes : undefined;
  }
  const text = first(raw);
  if (text === undefined || text === '') return undefined;
  // A number that does not parse stays text, so that validation says what is wrong with it.
  if (NUMERIC.has(spec.widget) && /^\s*-?\d+(\.\d+)?\s*$/.test(text)) return Number(text);
  return text;
}

/** Posted fields from a list of entries (FormData or URLSearchParams order); repeated names become lists. */
export function postedFrom(entries: Iterable<[string, string]>): PostedFields {
  const out: PostedFields = {};
  for (const [k, v] of entries) {
    if (k === '__proto__') continue;
    const had = Object.hasOwn(out, k) ? out[k] : undefined;
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

/**
 * The first posted name that came more than once but takes one value (only checkboxes repeat), or undefined. Which of
 * two values was meant cannot be known, so such a post is refused rather than keeping one of them.
 */
export function repeatedSingleField(fields: readonly FieldSpec[], posted: PostedFields): string | undefined {
  const lists = new Set<string>();
  for (const f of fields) {
    if (f.widget === 'checkboxes') lists.add(f.name);
    for (const sub of f.fields ?? []) if (sub.widget === 'checkboxes') lists.add(`${f.name}[]${sub.name}`);
  }
  const listName = (name: string) => name.replace(/^([a-z][a-z0-9_]*)\[\d{1,4}\]\.([a-z][a-z0-9_]*)$/, '$1[]$2');
  return Object.keys(posted).find((name) => Array.isArray(posted[name]) && !lists.has(listName(name)));
}

/** The number of entries of a repeating group the form showed (its hidden count field). */
export function entryCount(posted: PostedFields, group: string): number {
  const n = Number(first(posted[CONTROL.count(group)]) ?? '0');
  return Number.isInteger(n) && n >= 0 && n <= 1000 ? n : 0;
}

/**
 * The answers of one section's fields as posted: a top-level field by its name, a repeating group as one entry per
 * shown entry (`group[i].field`). Fields not posted (hidden by branching, disabled) are simply absent.
 */
export function sectionAnswers(fields: readonly FieldSpec[], posted: PostedFields): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const f of fields) {
    if (f.widget === 'repeat') {
      const entries: Record<string, unknown>[] = [];
      for (let i = 0; i < entryCount(posted, f.name); i++) {
        const entry: Record<string, unknown> = {};
        for (const sub of f.fields ?? []) {
          const v = valueOf(sub, posted[inputName(sub.name, { name: f.name, index: i })]);
          if (v !== undefined) entry[sub.name] = v;
        }
        entries.push(entry);
      }
      if (entries.length) out[f.name] = entries;
    } else {
      const v = valueOf(f, posted[f.name]);
      if (v !== undefined) out[f.name] = v;
    }
  }
  return out;
}

/** The draft's answers with this section's answers replaced by the posted ones (a cleared field is removed). */
export function mergeSection(base: Record<string, unknown>, fields: readonly FieldSpec[], posted: Record<string, Value>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const f of fields) delete out[f.name];
  return { ...out, ...posted };
}

export type SectionAction = { kind: 'next' | 'later' | 'previous' } | { kind: 'add'; group: string } | { kind: 'remove'; group: string; index: number };

/** Which button sent the form (`_action`): Save and continue is the default (Enter in a text field); undefined for a value no button has. */
export function sectionAction(posted: PostedFields): SectionAction | undefined {
  const a = first(posted[CONTROL.action]) ?? 'next';
  if (a === 'later' || a === 'previous' || a === 'next') return { kind: a };
  const add = /^add:([a-z][a-z0-9_]*)$/.exec(a);
  if (add) return { kind: 'add', group: add[1]! };
  const remove = /^remove:([a-z][a-z0-9_]*):(\d{1,4})$/.exec(a);
  if (remove) return { kind: 'remove', group: remove[1]!, index: Number(remove[2]) };
  return undefined;
}

/** Applies an add or remove of a repeating group entry to merged answers. */
export function applyEntryAction(answers: Record<string, unknown>, action: SectionAction, maxItems: (group: string) => number | undefined): Record<string, unknown> {
  if (action.kind !== 'add' && action.kind !== 'remove') return answers;
  const max = maxItems(action.group);
  if (max === undefined) return answers;
  const entries = Array.isArray(answers[action.group]) ? [...(answers[action.group] as unknown[])] : [];
  if (action.kind === 'add' && entries.length < max) entries.push({});
  if (action.kind === 'remove' && action.index < entries.length) entries.splice(action.index, 1);
  const out = { ...answers };
  if (entries.length) out[action.group] = entries;
  else delete out[action.group];
  return out;
}
