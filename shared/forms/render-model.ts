/**
 * What the web renderer needs, as plain serializable data: sections, fields with their widget kind,
 * choices, limits and visibility condition (to evaluate with the same conditions module in the browser).
 */
import type { Choice, Condition, Field, FormDefinition, Item } from '#forms/types.ts';
import { describeCondition } from './conditions.ts';
import { choicesOf } from './definition.ts';
import type { FormContext } from './types.ts';

export type WidgetKind =
  | 'text'
  | 'textarea'
  | 'email'
  | 'integer'
  | 'decimal'
  | 'date'
  | 'year'
  | 'radio'
  | 'select'
  | 'checkboxes'
  | 'likert'
  | 'rating'
  | 'repeat';

/** Above this many options a single choice is a select rather than radio buttons. */
const MAX_RADIO_OPTIONS = 8;

export interface RenderConstraints {
  minLength?: number;
  maxLength?: number;
  pattern?: { regex: string; message: string };
  min?: number | string;
  max?: number | string;
  decimals?: number;
  notInFuture?: boolean;
  notBefore?: { field: string; message?: string };
  minSelected?: number;
  maxSelected?: number;
}

export interface RenderField {
  name: string;
  label: string;
  help?: string;
  widget: WidgetKind;
  required: boolean;
  /** Null when always shown (within its section). Evaluate with `evaluateCondition`. */
  visibleWhen: Condition | null;
  visibleWhenText: string | null;
  choices?: Choice[];
  /** A lookup's list name; its choices come from the context. */
  lookup?: string;
  constraints: RenderConstraints;
  construct?: string;
  reverseScored?: boolean;
  repeat?: { min: number; max: number; itemNoun: { one: string; other: string } };
  /** The fields of each entry of a repeating group. */
  fields?: RenderField[];
}

export interface RenderSection {
  id: string;
  title: string;
  description?: string;
  visibleWhen: Condition | null;
  visibleWhenText: string | null;
  fields: RenderField[];
}

export interface RenderForm {
  formId: string;
  formVersion: number;
  title: string;
  description: string;
  sections: RenderSection[];
}

function widgetOf(field: Field): WidgetKind {
  switch (field.type) {
    case 'short_text':
      return 'text';
    case 'long_text':
      return 'textarea';
    case 'single_choice':
      return field.choices.length > MAX_RADIO_OPTIONS ? 'select' : 'radio';
    case 'yes_no_unknown':
      return 'radio';
    case 'multiple_choice':
      return 'checkboxes';
    case 'lookup':
      return 'select';
    default:
      return field.type;
  }
}

function constraintsOf(field: Field): RenderConstraints {
  switch (field.type) {
    case 'short_text':
      return { minLength: field.minLength, maxLength: field.maxLength, pattern: field.pattern };
    case 'long_text':
      return { minLength: field.minLength, maxLength: field.maxLength };
    case 'email':
      return { maxLength: field.maxLength };
    case 'integer':
      return { min: field.min, max: field.max };
    case 'decimal':
      return { min: field.min, max: field.max, decimals: field.decimals };
    case 'date':
      return { min: field.min, max: field.max, notInFuture: field.notInFuture, notBefore: field.notBefore };
    case 'year':
      return { min: field.min, max: field.max, notInFuture: field.notInFuture };
    case 'multiple_choice':
      return { minSelected: field.minSelected, maxSelected: field.maxSelected };
    case 'likert':
      return { min: field.scale.points[0]?.value, max: field.scale.points[field.scale.points.length - 1]?.value };
    case 'rating':
      return { min: 0, max: 3 };
    default:
      return {};
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function choicesFor(field: Field, ctx: FormContext | undefined): Choice[] | undefined {
  switch (field.type) {
    case 'likert':
      return field.scale.points.map((p) => ({ code: String(p.value), label: p.label }));
    case 'rating':
      return field.anchors.map((label, value) => ({ code: String(value), label }));
    case 'lookup':
      return ctx?.[field.lookup]?.map((o) => ({ code: o.code, label: o.label }));
    default:
      return choicesOf(field)?.map((c) => ({ ...c }));
  }
}

function renderItem(def: FormDefinition, item: Item, ctx: FormContext | undefined): RenderField {
  const common = {
    name: item.name,
    label: item.label,
    ...(item.help ? { help: item.help } : {}),
    visibleWhen: item.condition ?? null,
    visibleWhenText: item.condition ? describeCondition(def, item.condition) : null,
  };
  if (item.type === 'group') {
    return {
      ...common,
      widget: 'repeat',
      required: item.minItems > 0,
      constraints: {},
      repeat: { min: item.minItems, max: item.maxItems, itemNoun: { ...item.itemNoun } },
      fields: item.fields.map((f) => renderItem(def, f, ctx)),
    };
  }
  const choices = choicesFor(item, ctx);
  return {
    ...common,
    widget: widgetOf(item),
    required: item.required === true,
    constraints: withoutUndefined(constraintsOf(item)),
    ...(choices ? { choices } : {}),
    ...(item.type === 'lookup' ? { lookup: item.lookup } : {}),
    ...(item.construct ? { construct: item.construct } : {}),
    ...(item.type === 'likert' ? { reverseScored: item.reverseScored === true } : {}),
  };
}

/**
 * The renderer's model of a form. Likert and rating choices carry their numeric value as a string code;
 * the answer sent back is the number. Lookup choices are filled from the context when it is given.
 */
export function renderModel(def: FormDefinition, ctx?: FormContext): RenderForm {
  return {
    formId: def.formId,
    formVersion: def.version,
    title: def.title,
    description: def.description,
    sections: def.sections.map((s) => ({
      id: s.id,
      title: s.title,
      ...(s.description ? { description: s.description } : {}),
      visibleWhen: s.condition ?? null,
      visibleWhenText: s.condition ? describeCondition(def, s.condition) : null,
      fields: s.fields.map((f) => renderItem(def, f, ctx)),
    })),
  };
}
