/**
 * Per-jurisdiction credentials through the local cloud's IAM gate (local/standins/iam-gate.ts), which authorizes each
 * DynamoDB request with the template's role policies and the session policy of the credential that signed it:
 * - the app's own flows assume the data-access role per jurisdiction and are allowed;
 * - a credential for one jurisdiction is denied the other's keys (ky and ky-dcbs share a beginning), mixed
 *   transactions, gsi1 and Scan, and a read credential is denied writes;
 * - the records function's own role reads no jurisdiction's items any more, only its sessions;
 * - a function the data-access role does not trust cannot assume it.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { readAssembly } from '#local/assembly.ts';
import { jurisdictionSessionPolicy, type PolicyAccess } from '#shared/storage/session-policy.ts';
import { baseUrl, signIn } from './helpers.ts';

const gate = inject('iamGate');
const table = inject('tableName');
const assembly = readAssembly(inject('assemblyDir'));
const records = assembly.functions.find((f) => f.id === 'records')!;
const roleArn = records.environment.DATA_ACCESS_ROLE_ARN!;
const tableArn = records.environment.TABLE_ARN!;
const region = 'us-east-1';
const local = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

interface Report {
  stats: { requests: number; checks: number; sessions: number };
  denials: { action: string; principal: string; leadingKeys?: string[] }[];
}
const report = async (): Promise<Report> => (await fetch(`${gate}/report`)).json() as Promise<Report>;

async function assume(functionId: string, jurisdictionId: string, access: PolicyAccess) {
  const sts = new STSClient({ region, endpoint: `${gate}/sts/${functionId}`, credentials: local });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: `${access}-${jurisdictionId}`,
      Policy: JSON.stringify(jurisdictionSessionPolicy({ tableArn, jurisdictionId, access })),
      DurationSeconds: 3600,
    }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

const documents = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, functionId = 'records') =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ region, endpoint: `${gate}/fn/${functionId}`, credentials, maxAttempts: 1 }));

const denied = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ name: 'AccessDeniedException' });

describe('per-jurisdiction credentials, with IAM evaluated locally', () => {
  it("serves a jurisdiction's own records with a confined credential", async () => {
    const before = await report();
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const res = await submitter.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ formId: 'critical_incident_review' }),
    });
    expect(res.status).toBe(201);
    const after = await report();
    expect(after.stats.requests).toBeGreaterThan(before.stats.requests);
    expect(after.stats.sessions).toBeGreaterThanOrEqual(1);
    expect(after.denials.filter((d) => d.principal.includes('write-ky-dcbs'))).toEqual([]);
  });

  it("denies a ky credential every action on ky-dcbs's keys, gsi1 and Scan", async () => {
    const ky = documents(await assume('records', 'ky', 'write'));
    await expect(ky.send(new GetCommand({ TableName: table, Key: { pk: 'ky#RECORDS', sk: 'REC#none' } }))).resolves.toBeDefined();
    await expect(ky.send(new GetCommand({ TableName: table, Key: { pk: 'ky', sk: 'PROFILE' } }))).resolves.toBeDefined();
    await denied(ky.send(new GetCommand({ TableName: table, Key: { pk: 'ky-dcbs#RECORDS', sk: 'REC#none' } })));
    await denied(ky.send(new GetCommand({ TableName: table, Key: { pk: 'ky-dcbs', sk: 'PROFILE' } })));
    await denied(ky.send(new PutCommand({ TableName: table, Item: { pk: 'ky-dcbs#RECORDS', sk: 'REC#planted' }, ConditionExpression: 'attribute_not_exists(pk)' })));
    await denied(ky.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'ky-dcbs#AUDIT' } })));
    await denied(
      ky.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: 'ky#RECORDS', sk: 'REC#mixed' } } },
            { Put: { TableName: table, Item: { pk: 'ky-dcbs#RECORDS', sk: 'REC#mixed' } } },
          ],
        }),
      ),
    );
    await denied(ky.send(new QueryCommand({ TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :g', ExpressionAttributeValues: { ':g': 'REGISTRY#JURISDICTION' } })));
    await denied(ky.send(new ScanCommand({ TableName: table, Limit: 1 })));
    // Nothing of the denied mixed transaction was written.
    const own = documents(await assume('records', 'ky', 'read'));
    expect((await own.send(new GetCommand({ TableName: table, Key: { pk: 'ky#RECORDS', sk: 'REC#mixed' } }))).Item).toBeUndefined();
  });

  it('denies a ky-dcbs credential the keys of ky, and a read credential every write', async () => {
    const dcbs = documents(await assume('records', 'ky-dcbs', 'read'));
    await denied(dcbs.send(new GetCommand({ TableName: table, Key: { pk: 'ky#RECORDS', sk: 'REC#none' } })));
    await denied(dcbs.send(new PutCommand({ TableName: table, Item: { pk: 'ky-dcbs#RECORDS', sk: 'REC#planted' } })));
    await expect(dcbs.send(new GetCommand({ TableName: table, Key: { pk: 'ky-dcbs#RECORDS', sk: 'REC#none' } }))).resolves.toBeDefined();
  });

  it("leaves the records function's own role no jurisdiction's items, only its sessions", async () => {
    const own = documents(local);
    await denied(own.send(new GetCommand({ TableName: table, Key: { pk: 'ky-dcbs#RECORDS', sk: 'REC#none' } })));
    await denied(own.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'ky-dcbs#AUDIT' } })));
    await expect(own.send(new GetCommand({ TableName: table, Key: { pk: 'SESSION#none', sk: 'SESSION' } }))).resolves.toBeDefined();
  });

  it('lets only the functions it trusts assume the data-access role', async () => {
    await expect(assume('survey', 'ky-dcbs', 'read')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(assume('review-tasks', 'ky-dcbs', 'read')).rejects.toMatchObject({ name: 'AccessDenied' });
    const denials = (await report()).denials;
    expect(denials.some((d) => d.principal.endsWith('/read-ky-dcbs') && d.leadingKeys?.[0] === 'ky#RECORDS')).toBe(true);
  });
});
