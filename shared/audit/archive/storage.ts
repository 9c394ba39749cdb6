/**
 * Chain storage in AWS: the heads are table items (keys.auditChainHead), the batches objects of the archive bucket,
 * which has S3 Object Lock in compliance mode (infra/constructs/buckets.ts): its default retention applies to every
 * object written, so no one, the root user included, can delete or overwrite a batch's version until it expires.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getObject, s3 } from '#shared/aws/s3.ts';
import { keys } from '#shared/storage/keys.ts';
import { ChainConflictError, ChainHeadMovedError, type ChainHead, type ChainStorage } from './archive.ts';

export class AwsChainStorage implements ChainStorage {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly bucket: string,
  ) {}

  async head(chain: string): Promise<ChainHead | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.auditChainHead(chain), ConsistentRead: true }));
    if (!Item) return undefined;
    return { seq: Number(Item.seq), hash: String(Item.hash), stream: String(Item.stream), sequenceNumber: String(Item.sequenceNumber) };
  }

  async moveHead(chain: string, next: ChainHead, expectedSeq: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.auditChainHead(chain), kind: 'audit_chain_head', chain, ...next },
          ...(expectedSeq === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#seq = :expected', ExpressionAttributeNames: { '#seq': 'seq' }, ExpressionAttributeValues: { ':expected': expectedSeq } }),
        }),
      );
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') throw new ChainHeadMovedError(`The head of chain ${chain} moved past ${expectedSeq}`);
      throw e;
    }
  }

  readBatch(key: string): Promise<string | undefined> {
    return getObject(this.bucket, key).then((bytes) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes)));
  }

  async writeBatch(key: string, body: string): Promise<void> {
    const { sdk, client } = await s3();
    try {
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          // S3 refuses a put over an existing object (conditional write), so a batch is never replaced by a new version.
          IfNoneMatch: '*',
          // Object Lock buckets require an integrity header on every put.
          ContentMD5: createHash('md5').update(body, 'utf8').digest('base64'),
        }),
      );
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) throw new ChainConflictError(`${key} was written by someone else meanwhile`);
      throw e;
    }
  }
}
