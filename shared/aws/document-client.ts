import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { dynamodb } from './dynamodb.ts';

// Item-level access with plain JavaScript values; a separate module so that functions needing only the low-level
// client (health) do not load lib-dynamodb.
export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: STORAGE_MARSHALL_OPTIONS,
  unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS,
});
