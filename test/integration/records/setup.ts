/** Shared wiring of the records integration tests: a document client on the run's DynamoDB Local, unique jurisdictions. */
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect, inject } from 'vitest';
import type { Actor } from '#shared/audit/model.ts';
import type { AppError } from '#shared/errors.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable, type Item, type ScopedTable } from '#shared/storage/scoped-table.ts';
import { RecordService, type RecordServiceOptions } from '#shared/records/service.ts';

export const CURSOR_SECRET = 'integration-cursor-secret-0123456789abcdef';

export const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('endpoints').dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
  { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS },
);
export const tableName = () => inject('tableName');

/** A jurisdiction id no other test (or run) uses. */
export const uniqueJurisdiction = (prefix = 'rt') => `${prefix}-${randomBytes(5).toString('hex')}`;

export const tableOf = (jurisdictionId: string): ScopedTable => scopedTable(client, tableName(), jurisdictionId);

export function actorIn(jurisdictionId: string, role = 'submitter', subject = `sub-${randomUUID()}`): Actor {
  return { subject, role, jurisdictionId, requestId: `req-${randomUUID()}` };
}

export const service = (options: Partial<RecordServiceOptions> = {}) => new RecordService({ cursorSecret: CURSOR_SECRET, ...options });

/** Every item of one partition, read around the service (tests only). */
export async function rawPartition(pk: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export const auditItems = (jurisdictionId: string) => rawPartition(`${jurisdictionId}#AUDIT`);

/** Awaits a rejection and returns the error, asserting its class and status. */
export async function failure<E extends AppError>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E, status: number): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(type);
  expect((error as E).status).toBe(status);
  return error as E;
}
