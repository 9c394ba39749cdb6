/**
 * Answers to and from a DynamoDB attribute map, with the marshalling options the record store uses
 * (pass STORAGE_MARSHALL_OPTIONS / STORAGE_UNMARSHALL_OPTIONS to a DynamoDBDocumentClient as well).
 * Every stored record names its form id and version.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall, type marshallOptions, type unmarshallOptions } from '@aws-sdk/util-dynamodb';
import { isRecord } from './conditions.ts';
import type { Answers, FormRef } from './types.ts';

export const STORAGE_MARSHALL_OPTIONS: marshallOptions = {
  // Validated answers hold no undefined; this guards objects built by hand.
  removeUndefinedValues: true,
  // Empty strings are real values in DynamoDB now; never turn them into NULL.
  convertEmptyValues: false,
  // Answers are plain JSON data; a class instance here is a bug, so let marshall throw.
  convertClassInstanceToMap: false,
};

export const STORAGE_UNMARSHALL_OPTIONS: unmarshallOptions = {
  // Our numbers are bounded by the definitions, so plain JS numbers are exact.
  wrapNumbers: false,
};

export type AttributeMap = Record<string, AttributeValue>;

/** The answers as an attribute map (one attribute per variable). */
export function encodeAnswers(answers: Answers): AttributeMap {
  return marshall(answers, STORAGE_MARSHALL_OPTIONS);
}

export function decodeAnswers(item: AttributeMap): Answers {
  return unmarshall(item, STORAGE_UNMARSHALL_OPTIONS) as Answers;
}

/** `{formId, formVersion, answers}` as attributes of a record item. */
export function encodeFormRecord(ref: FormRef, answers: Answers): AttributeMap {
  return marshall({ formId: ref.formId, formVersion: ref.formVersion, answers }, STORAGE_MARSHALL_OPTIONS);
}

export function decodeFormRecord(item: AttributeMap): FormRef & { answers: Answers } {
  const value = unmarshall(item, STORAGE_UNMARSHALL_OPTIONS);
  const { formId, formVersion, answers } = value;
  if (typeof formId !== 'string' || typeof formVersion !== 'number' || !isRecord(answers)) {
    throw new Error('Stored record lacks formId, formVersion or answers');
  }
  return { formId, formVersion, answers: answers as Answers };
}
