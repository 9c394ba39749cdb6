import type { marshallOptions, unmarshallOptions } from '@aws-sdk/util-dynamodb';

/** How every item is converted to and from DynamoDB attribute values: the document client and the form codec agree. */
export const STORAGE_MARSHALL_OPTIONS: marshallOptions = {
  // Validated values hold no undefined; this guards objects built by hand.
  removeUndefinedValues: true,
  // Empty strings are real values in DynamoDB now; never turn them into NULL.
  convertEmptyValues: false,
  // Stored data is plain JSON; a class instance here is a bug, so let marshall throw.
  convertClassInstanceToMap: false,
};

export const STORAGE_UNMARSHALL_OPTIONS: unmarshallOptions = {
  // Numbers are bounded by the form definitions and schemas, so plain JS numbers are exact.
  wrapNumbers: false,
};
