// The yardstick of `npm run bench`'s init-time ratios: the smallest useful Lambda handler — one DynamoDB client
// created at module scope, one PutItem per invocation. It is bundled with the functions' esbuild options; a
// function whose module init costs much more than this one loads more than it needs at cold start.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { requiredEnv } from '#shared/config.ts';

const tableName = requiredEnv('TABLE_NAME');
const client = new DynamoDBClient({});

export const handler = async (event: { id?: string }): Promise<{ statusCode: number }> => {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: `BENCH#${event.id ?? 'reference'}` }, sk: { S: 'REFERENCE' }, at: { S: new Date().toISOString() } },
    }),
  );
  return { statusCode: 204 };
};
