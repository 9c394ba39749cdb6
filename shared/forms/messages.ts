/**
 * Error wording: every problem says, in a caseworker's words, which question and what to do. Zod's own
 * messages never reach a user: each schema the engine builds carries `fieldMessage` as its error map.
 */
import type { z } from 'zod/mini';
import type { Field, GroupField, Item, MultipleChoiceField, Noun } from '#forms/types.ts';

type RawIssue = z.core.$ZodRawIssue;

const OPTIONS: Noun = { one: 'option', other: 'options' };

/** Numbers as people write them: 10,000. */
const n = (value: number): string => value.toLocaleString('en-US');

function count(value: number, noun: Noun): string {
  return `${n(value)} ${value === 1 ? noun.one : noun.other}`;
}

/** How a question is named in a message: survey statements are quoted, short labels are not. */
export function questionName(field: Item): string {
  return field.type === 'likert' ? `“${field.label}”` : field.label;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined;
}

function rangeMessage(field: Field, name: string): string | undefined {
  switch (field.type) {
    case 'integer':
    case 'decimal':
      return `${name} must be between ${field.min} and ${field.max}`;
    case 'year':
      return field.max === undefined ? `${name} must be ${field.min} or later` : `${name} must be between ${field.min} and ${field.max}`;
    case 'likert': {
      const first = field.scale.points[0];
      const last = field.scale.points[field.scale.points.length - 1];
      return `Choose a point from ${first?.value} (${first?.label.toLowerCase()}) to ${last?.value} (${last?.label.toLowerCase()}) for ${name}`;
    }
    case 'rating':
      return `${name} must be a rating from 0 to 3`;
    default:
      return undefined;
  }
}

function typeMessage(field: Field, name: string): string {
  switch (field.type) {
    case 'short_text':
    case 'long_text':
    case 'email':
      return `${name} must be text`;
    case 'integer':
      return `${name} must be a whole number`;
    case 'decimal':
      return `${name} must be a number`;
    case 'date':
      return `${name} must be a date written as YYYY-MM-DD`;
    case 'year':
      return `${name} must be a year, like 2024`;
    case 'multiple_choice':
      return `${name} must be a list of the options chosen`;
    case 'likert':
    case 'rating':
      return rangeMessage(field, name) as string;
    default:
      return `Choose one of the options for ${name}`;
  }
}

/** The message for one zod issue raised by a field's schema. */
export function fieldMessage(field: Field, issue: RawIssue): string {
  const name = questionName(field);
  switch (issue.code) {
    case 'invalid_type':
      return typeMessage(field, name);
    case 'too_big':
    case 'too_small': {
      const limit = numberOrUndefined(issue.code === 'too_big' ? issue.maximum : issue.minimum) ?? 0;
      if (issue.origin === 'string') {
        const length = typeof issue.input === 'string' ? issue.input.length : undefined;
        return issue.code === 'too_big'
          ? `${name} must be ${n(limit)} characters or fewer${length === undefined ? '' : ` (it has ${n(length)})`}`
          : `${name} must be at least ${n(limit)} characters`;
      }
      if (issue.origin === 'array' && field.type === 'multiple_choice') {
        return issue.code === 'too_big' ? tooManyChosenMessage(field, limit) : tooFewChosenMessage(field, limit);
      }
      return rangeMessage(field, name) ?? `${name} is out of range`;
    }
    case 'invalid_format':
      if (issue.format === 'date') return `${name} must be a real date written as YYYY-MM-DD`;
      if (issue.format === 'email') return `${name} must be an email address, like safety-team@agency.gov`;
      if (issue.format === 'regex' && field.type === 'short_text' && field.pattern) return field.pattern.message;
      return `${name} isn't in the expected format`;
    case 'invalid_value':
      return `Choose one of the listed options for ${name}`;
    default:
      return `${name} isn't a valid answer`;
  }
}

/** The message for an issue raised by a repeating group's own schema (the list or one entry). */
export function groupMessage(group: GroupField, issue: RawIssue): string {
  if (issue.code === 'too_big') return tooManyEntriesMessage(group);
  if (issue.code === 'invalid_type' && issue.expected === 'object') return `Each ${group.itemNoun.one} must be a set of answers`;
  if (issue.code === 'unrecognized_keys') return unknownQuestionMessage();
  return `${group.label} must be a list of ${group.itemNoun.other}`;
}

export function formMessage(issue: RawIssue): string {
  if (issue.code === 'unrecognized_keys') return unknownQuestionMessage();
  return 'The answers must be sent as an object with one entry per question';
}

export function unknownQuestionMessage(): string {
  return 'This is not a question on this form';
}

export function requiredMessage(field: Field): string {
  return `${questionName(field)} is required`;
}

function chosen(field: MultipleChoiceField, n: number): string {
  return field.itemNoun ? count(n, field.itemNoun) : `${count(n, OPTIONS)} for ${field.label}`;
}

export const tooFewChosenMessage = (field: MultipleChoiceField, min: number): string => `Choose at least ${chosen(field, min)}`;
export const tooManyChosenMessage = (field: MultipleChoiceField, max: number): string => `Choose no more than ${chosen(field, max)}`;
export const tooFewEntriesMessage = (group: GroupField): string => `Add at least ${count(group.minItems, group.itemNoun)}`;
export const tooManyEntriesMessage = (group: GroupField): string => `Enter no more than ${count(group.maxItems, group.itemNoun)}`;
export const wholeNumberMessage = (field: Field): string =>
  field.type === 'year' ? `${questionName(field)} must be a year, like 2024` : typeMessage(field, questionName(field));

export const notInFutureMessage = (field: Field): string => `${questionName(field)} can't be in the future`;
export const dateNotBeforeMessage = (field: Field, bound: string): string => `${questionName(field)} can't be before ${bound}`;
export const dateNotAfterMessage = (field: Field, bound: string): string => `${questionName(field)} can't be after ${bound}`;
export const notWellFormedMessage = (field: Field): string =>
  `${questionName(field)} contains characters that can't be saved; please retype it`;
export const decimalsMessage = (field: Field, decimals: number): string =>
  decimals === 0
    ? `${questionName(field)} must be a whole number`
    : `${questionName(field)} can have at most ${decimals} digit${decimals === 1 ? '' : 's'} after the decimal point`;
export const duplicateChoiceMessage = (field: Field): string => `${questionName(field)} lists the same option more than once`;
export const exclusiveChoiceMessage = (field: Field, label: string): string =>
  `“${label}” can't be combined with other answers for ${questionName(field)}`;
