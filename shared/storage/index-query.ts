/**
 * Every item of one gsi1 partition, paged to the end: the partnership-wide listings that gather items written in
 * many jurisdictions' partitions under one index key (published notices, the answers to one notice).
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GSI1 } from './keys.ts';
import type { Item } from './scoped-table.ts';

export async function indexPartition(client: DynamoDBDocumentClient, tableName: string, gsi1pk: string, opts: { newestFirst?: boolean } = {}): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: GSI1.name,
        KeyConditionExpression: '#g = :g',
        ExpressionAttributeNames: { '#g': GSI1.pk },
        ExpressionAttributeValues: { ':g': gsi1pk },
        ScanIndexForward: !opts.newestFirst,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
