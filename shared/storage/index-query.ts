/**
 * Reads of gsi1 that gather items written in many jurisdictions' partitions: every item of one partition (published
 * notices, the answers to one notice), and the jurisdiction of an emailed link.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { actForLink } from './acting-scope.ts';
import { GSI1, type JurisdictionId } from './keys.ts';
import { ownerOfPk, type Item } from './scoped-table.ts';

/** Every item of one gsi1 partition, paged to the end. */
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

/**
 * The jurisdiction an emailed link belongs to, from the gsi1 entry of its id's digest (a review action, a notice link:
 * the link names the id, not the jurisdiction), or undefined. Reads that one index entry and nothing else; the caller
 * then reads the item under that jurisdiction's key, where every check is made again. The digest is stored under this
 * jurisdiction only, so its holder may be served there (shared/storage/acting-scope.ts).
 */
export async function linkJurisdiction(client: DynamoDBDocumentClient, tableName: string, gsi1pk: string, gsi1sk: string): Promise<JurisdictionId | undefined> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: GSI1.name,
      KeyConditionExpression: '#g = :g AND #s = :s',
      ExpressionAttributeNames: { '#g': GSI1.pk, '#s': GSI1.sk, '#pk': 'pk' },
      ExpressionAttributeValues: { ':g': gsi1pk, ':s': gsi1sk },
      ProjectionExpression: '#pk',
      Limit: 2,
    }),
  );
  const owners = new Set((out.Items ?? []).map((i) => ownerOfPk(String(i.pk))));
  // Two jurisdictions under one digest would be a SHA-256 collision of random ids: refuse rather than pick one.
  if (owners.size !== 1) return undefined;
  const jurisdictionId = [...owners][0]!;
  actForLink(jurisdictionId);
  return jurisdictionId;
}
