/**
 * What the verifier reads (scripts/audit-verify.ts): the chains' objects from the archive bucket, the audit
 * partitions and the chains' heads from the table, and the registry's jurisdictions. Reads only: no write, no Scan.
 */
import { QueryCommand, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { keys } from '#shared/storage/keys.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import type { ChainHead } from './archive.ts';
import { CHAIN_PREFIX, chainPrefix, PARTNERSHIP_CHAIN, partitionOfChain, type StoredItem } from './chain.ts';
import { verifyChain, type ChainObject, type ChainReport } from './verify.ts';

export interface ArchiveSources {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  bucket: string;
  table: string;
}

/**
 * Every chain (the registry's jurisdictions, the partnership, and any other chain the bucket holds), or only the
 * chains named.
 */
export async function verifyArchive(sources: ArchiveSources, only?: readonly string[]): Promise<ChainReport[]> {
  const registry = new JurisdictionStore(sources.table, DynamoDBDocumentClient.from(sources.dynamodb, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS }));
  const chains = new Set<string>(only ?? [...(await registry.list()).map((j) => j.id), PARTNERSHIP_CHAIN, ...(await chainsInBucket(sources))]);
  const reports: ChainReport[] = [];
  for (const chain of [...chains].sort()) {
    const [objects, items, head] = await Promise.all([chainObjects(sources, chain), auditItems(sources, partitionOfChain(chain)), chainHead(sources, chain)]);
    reports.push(verifyChain(chain, objects, items, head));
  }
  return reports;
}

async function chainsInBucket({ s3, bucket }: ArchiveSources): Promise<string[]> {
  const chains: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: CHAIN_PREFIX, Delimiter: '/', ContinuationToken: token }));
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) chains.push(p.Prefix.slice(CHAIN_PREFIX.length, -1));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return chains;
}

async function chainObjects({ s3, bucket }: ArchiveSources, chain: string): Promise<ChainObject[]> {
  const objects: ChainObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: chainPrefix(chain), ContinuationToken: token }));
    for (const { Key } of page.Contents ?? []) {
      if (!Key) continue;
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      objects.push({ key: Key, body: (await out.Body?.transformToString('utf-8')) ?? '' });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** The partition's items as stored (attribute values), read consistently. */
async function auditItems({ dynamodb, table }: ArchiveSources, pk: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let startKey: StoredItem | undefined;
  do {
    const out = await dynamodb.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    items.push(...((out.Items ?? []) as StoredItem[]));
    startKey = out.LastEvaluatedKey as StoredItem | undefined;
  } while (startKey);
  return items;
}

async function chainHead({ dynamodb, table }: ArchiveSources, chain: string): Promise<ChainHead | undefined> {
  const key = keys.auditChainHead(chain);
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }));
  if (!Item) return undefined;
  return { seq: Number(Item.seq?.N), hash: Item.hash?.S ?? '', stream: Item.stream?.S ?? '', sequenceNumber: Item.sequenceNumber?.S ?? '' };
}

/** The reports as lines a person reads: one summary per chain, then one line per finding. */
export function formatReports(reports: readonly ChainReport[]): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.findings.length ? 'FAIL' : 'ok  '} ${r.chain}: ${r.batches} batches, ${r.events} chained events, ${r.tableEvents} events in the table${r.findings.length ? `, ${r.findings.length} finding(s)` : ''}`);
    for (const f of r.findings) lines.push(`     ${f.kind}: ${f.detail}${f.batch ? ` [batch ${f.batch}]` : ''}${f.event ? ` [event ${f.event}]` : ''}`);
  }
  const totals = reports.reduce((t, r) => ({ batches: t.batches + r.batches, events: t.events + r.events, findings: t.findings + r.findings.length }), { batches: 0, events: 0, findings: 0 });
  lines.push(`${reports.length} chains, ${totals.batches} batches, ${totals.events} chained events: ${totals.findings === 0 ? 'clean' : `${totals.findings} finding(s)`}`);
  return lines;
}
