/** Walking a definition: every field in document order, with its section and repeating group. */
import type { Choice, Field, FormDefinition, GroupField, Item, Section } from '#forms/types.ts';
import { YES_NO_UNKNOWN_CHOICES } from '#forms/types.ts';

export interface FieldEntry {
  readonly field: Item;
  readonly section: Section;
  /** The repeating group the field belongs to, if any. */
  readonly group?: GroupField;
  /** Position in document order (groups come before their own fields). */
  readonly order: number;
}

const indexes = new WeakMap<FormDefinition, Map<string, FieldEntry>>();

/** Every field (top level, groups and group fields) by variable name, in document order. */
export function fieldIndex(def: FormDefinition): ReadonlyMap<string, FieldEntry> {
  let index = indexes.get(def);
  if (!index) {
    index = new Map();
    let order = 0;
    for (const section of def.sections) {
      for (const item of section.fields) {
        index.set(item.name, { field: item, section, order: order++ });
        if (item.type === 'group') {
          for (const field of item.fields) index.set(field.name, { field, section, group: item, order: order++ });
        }
      }
    }
    indexes.set(def, index);
  }
  return index;
}

export function findField(def: FormDefinition, name: string): FieldEntry | undefined {
  return fieldIndex(def).get(name);
}

/** Top-level items (fields and groups), in document order. */
export function topLevelItems(def: FormDefinition): Item[] {
  return def.sections.flatMap((s) => [...s.fields]);
}

/** Every non-group field, group fields included, in document order. */
export function leafFields(def: FormDefinition): Field[] {
  return topLevelItems(def).flatMap((item) => (item.type === 'group' ? [...item.fields] : [item]));
}

/** The fixed choices of a field, where it has them. */
export function choicesOf(field: Item): readonly Choice[] | undefined {
  switch (field.type) {
    case 'single_choice':
    case 'multiple_choice':
      return field.choices;
    case 'yes_no_unknown':
      return YES_NO_UNKNOWN_CHOICES;
    default:
      return undefined;
  }
}

/** Error paths and visibility targets: `field`, `group[2]`, `group[2].field`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
