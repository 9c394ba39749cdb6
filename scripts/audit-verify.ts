/**
 * Verifies the audit archive's hash chains against the table (docs/audit.md):
 *   npm run audit:verify                                   the running local platform (npm start; LOCAL_PORT_BASE)
 *   npm run audit:verify -- --bucket <name> --table <name>  a deployed stack, with the caller's AWS credentials
 *   npm run audit:verify -- --chain ky-dcbs --chain PARTNERSHIP   only these chains
 * Prints one line per chain and one per finding; exits 0 when every chain is clean, 1 on any finding, 2 when the
 * archive or the table could not be read.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { formatReports, verifyArchive, type ArchiveSources } from '#shared/audit/archive/sources.ts';

const { values } = parseArgs({ options: { bucket: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, chain: { type: 'string', multiple: true } } });

async function sources(): Promise<ArchiveSources> {
  if (values.bucket || values.table) {
    if (!values.bucket || !values.table) throw new Error('--bucket and --table go together (the stack outputs AuditArchiveBucketName and TableName)');
    return { s3: new S3Client({ region: values.region }), dynamodb: new DynamoDBClient({ region: values.region }), bucket: values.bucket, table: values.table };
  }
  // The ports `npm start` uses (LOCAL_PORT_BASE, or the defaults), as README's table says, unless the SDK's endpoint
  // variables name others (a test cloud on free ports).
  const base = Number(process.env.LOCAL_PORT_BASE || 0);
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
  const s3 = new S3Client({ ...local, endpoint: process.env.AWS_ENDPOINT_URL_S3 || `http://127.0.0.1:${base ? base + 1 : 4569}`, forcePathStyle: true });
  const dynamodb = new DynamoDBClient({ ...local, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB || `http://127.0.0.1:${base || 8000}` });
  const bucket = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name ?? '').find((name) => name.includes('auditarchive'));
  const [table, ...others] = (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
  if (!bucket || !table || others.length) throw new Error('No audit archive bucket or no single table locally: is the platform running (npm start)?');
  return { s3, dynamodb, bucket, table };
}

try {
  const reports = await verifyArchive(await sources(), values.chain);
  for (const line of formatReports(reports)) console.log(line);
  process.exitCode = reports.some((r) => r.findings.length > 0) ? 1 : 0;
} catch (e) {
  // Not a verdict on the archive: nothing could be read (no platform running, no credentials, a wrong name).
  console.error(`could not verify the audit archive: ${(e as Error).message}`);
  process.exitCode = 2;
}
