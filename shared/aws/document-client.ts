import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalEnv } from '#shared/config.ts';
import { confineFromEnv } from '#shared/storage/jurisdiction-credentials.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { dynamodb } from './dynamodb.ts';

// Item-level access with plain JavaScript values; a separate module so that functions needing only the low-level
// client (health) do not load lib-dynamodb.
export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: STORAGE_MARSHALL_OPTIONS,
  unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS,
});

// A function bound to the data-access role (infra: PlatformFunction.bindJurisdictionData) reaches jurisdictions' items
// only with credentials confined to one jurisdiction: set here, where the client is made, so no path can miss it.
if (optionalEnv('DATA_ACCESS_ROLE_ARN') !== undefined) confineFromEnv(documentClient);
