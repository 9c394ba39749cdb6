import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/aws/document-client.ts';
import { GSI1, keys, type JurisdictionId } from '#shared/storage/keys.ts';
import { jurisdictionSchema, type Jurisdiction, type RegistryFilter } from './model.ts';

/** The registry lives in each jurisdiction's own partition, listed through gsi1. */
export class JurisdictionStore {
  constructor(
    readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = documentClient,
  ) {}

  async get(id: JurisdictionId): Promise<Jurisdiction | undefined> {
    return (await this.getVersioned(id))?.jurisdiction;
  }

  /** A profile with its version (items seeded before versions existed count as version 1). */
  async getVersioned(id: JurisdictionId): Promise<{ jurisdiction: Jurisdiction; version: number } | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.jurisdictionProfile(id), ConsistentRead: true }));
    return out.Item ? { jurisdiction: fromItem(out.Item), version: Number(out.Item.version ?? 1) } : undefined;
  }

  /** Every jurisdiction matching the filter, ordered by state then name; pages through gsi1 to the end. */
  async list(filter: RegistryFilter = {}): Promise<Jurisdiction[]> {
    const found: Jurisdiction[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1.name,
          KeyConditionExpression: filter.state ? '#p = :p AND begins_with(#s, :s)' : '#p = :p',
          ExpressionAttributeNames: { '#p': GSI1.pk, ...(filter.state ? { '#s': GSI1.sk } : {}) },
          ExpressionAttributeValues: { ':p': keys.registryPartition, ...(filter.state ? { ':s': keys.registryStatePrefix(filter.state) } : {}) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) found.push(fromItem(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return found.filter((j) => (filter.type === undefined || j.type === filter.type) && (filter.active === undefined || j.active === filter.active));
  }

  /** Adds a jurisdiction; false (and nothing written) when one with that id exists already. */
  async create(jurisdiction: Jurisdiction): Promise<boolean> {
    const j = jurisdictionSchema.parse(jurisdiction);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.jurisdictionProfile(j.id), ...profileAttributes(j, 1) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}

function fromItem(item: Record<string, unknown>): Jurisdiction {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, kind: _kind, version: _version, ...rest } = item;
  return jurisdictionSchema.parse(rest);
}

/** The stored item of a profile: the registry listing keys plus the version that guards concurrent edits. */
export function profileAttributes(j: Jurisdiction, version: number): Record<string, unknown> {
  return { [GSI1.pk]: keys.registryPartition, [GSI1.sk]: keys.registrySort(j.state, j.name), kind: 'jurisdiction', ...j, version };
}
