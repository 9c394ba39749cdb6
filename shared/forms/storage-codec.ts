/**
 * Answers to and from a DynamoDB attribute map, with the marshalling options the record store uses
 * (the document client in shared/aws/document-client.ts uses the same options).
 * Every stored record names its form id and version.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { isRecord } from './conditions.ts';
import type { Answers, FormRef } from './types.ts';

export { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS };

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
