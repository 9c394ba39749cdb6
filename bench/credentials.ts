/**
 * What per-jurisdiction credentials add to a read (issue 16; docs/records.md, "Credentials confined to one
 * jurisdiction"): the same GetItem through the local IAM gate (local/standins/iam-gate.ts) in front of DynamoDB Local,
 * - with the function's own role (what every read cost before: the baseline);
 * - through a jurisdiction's confined client whose credential is cached (every read after a container's first);
 * - through a new credential each time (a container's first read of a jurisdiction: AssumeRole, then the read).
 * Targets, as ratios within one run: cached adds nothing measurable (median within 10 % of the baseline); uncached
 * adds at most one round trip (its extra time is at most 1.5 baseline reads, and it makes exactly one extra request).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalFunction, type LocalRole } from '#local/assembly.ts';
import { ensureTables, startDynamoDb } from '#local/standins/dynamodb.ts';
import { startIamGate } from '#local/standins/iam-gate.ts';
import { freePort } from '#local/standins/ports.ts';
import { actAs, withActingScope } from '#shared/storage/acting-scope.ts';
import { confineToJurisdictions, JurisdictionCredentials } from '#shared/storage/jurisdiction-credentials.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { BENCH_TABLE } from './records.ts';
import type { BenchRow } from './types.ts';

const ROUNDS = Number(process.env.BENCH_CREDENTIAL_ROUNDS ?? 300);
const JURISDICTION = 'ky-dcbs';
const TABLE_ARN = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${BENCH_TABLE.name}`;
const FUNCTION_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT}:role/BenchFunctionRole`;
const DATA_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT}:role/BenchDataRole`;
const STATIC = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export async function benchCredentials(): Promise<BenchRow[]> {
  const dynamo = await startDynamoDb(await freePort());
  const roles: LocalRole[] = [
    {
      logicalId: 'BenchFunctionRole',
      arn: FUNCTION_ROLE,
      trustedRoleArns: [],
      policies: [
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: TABLE_ARN },
            { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: DATA_ROLE },
          ],
        },
      ],
    },
    {
      logicalId: 'BenchDataRole',
      arn: DATA_ROLE,
      trustedRoleArns: [FUNCTION_ROLE],
      policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: TABLE_ARN }] }],
    },
  ];
  const fn: LocalFunction = {
    id: 'bench',
    logicalId: 'Bench',
    arn: 'bench',
    assetDir: '',
    handler: 'index.handler',
    timeoutSeconds: 30,
    memoryMb: 512,
    environment: { DATA_ACCESS_ROLE_ARN: DATA_ROLE, TABLE_ARN },
    roleArn: FUNCTION_ROLE,
  };
  const gate = await startIamGate({ dynamodbEndpoint: dynamo.endpoint, roles, functions: [fn], tables: [BENCH_TABLE], log: () => undefined });
  try {
    await ensureTables(dynamo.client, [BENCH_TABLE]);
    const documentClient = (low: DynamoDBClient) => DynamoDBDocumentClient.from(low, { marshallOptions: STORAGE_MARSHALL_OPTIONS, unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS });
    const base = documentClient(new DynamoDBClient({ region: LOCAL_REGION, endpoint: gate.dynamodbEndpoint(fn.id), credentials: STATIC }));
    const key = { pk: `${JURISDICTION}#RECORDS`, sk: 'REC#bench' };
    await base.send(new PutCommand({ TableName: BENCH_TABLE.name, Item: { ...key, kind: 'record' } }));

    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const sts = new STSClient({ region: LOCAL_REGION, endpoint: gate.stsEndpoint(fn.id), credentials: STATIC });
    const assumeRole = (input: ConstructorParameters<typeof AssumeRoleCommand>[0]) => sts.send(new AssumeRoleCommand(input));
    const principal = { subject: 'bench', role: 'reviewer' as const, jurisdictionId: JURISDICTION };

    const confined = (credentials: JurisdictionCredentials) => {
      const client = documentClient(new DynamoDBClient({ region: LOCAL_REGION, endpoint: gate.dynamodbEndpoint(fn.id), credentials: STATIC }));
      confineToJurisdictions(client, credentials);
      return scopedTable(client, BENCH_TABLE.name, JURISDICTION);
    };
    const cachedTable = confined(new JurisdictionCredentials({ roleArn: DATA_ROLE, tableArn: TABLE_ARN }, assumeRole));
    const timed = async (read: () => Promise<unknown>) => {
      const started = performance.now();
      await withActingScope(async () => {
        actAs(principal);
        await read();
      });
      return performance.now() - started;
    };

    // Warm every path (connections, the gate's decisions, module loading), then interleave the three so drift hits all alike.
    for (let i = 0; i < 20; i++) {
      await timed(() => base.send(new GetCommand({ TableName: BENCH_TABLE.name, Key: key })));
      await timed(() => cachedTable.get({ partition: 'RECORDS', sk: 'REC#bench' }));
      await timed(() => confined(new JurisdictionCredentials({ roleArn: DATA_ROLE, tableArn: TABLE_ARN }, assumeRole)).get({ partition: 'RECORDS', sk: 'REC#bench' }));
    }
    const baseline: number[] = [];
    const cached: number[] = [];
    const uncached: number[] = [];
    const requestsBefore = gate.stats.requests;
    const sessionsBefore = gate.stats.sessions;
    for (let i = 0; i < ROUNDS; i++) {
      baseline.push(await timed(() => base.send(new GetCommand({ TableName: BENCH_TABLE.name, Key: key }))));
      cached.push(await timed(() => cachedTable.get({ partition: 'RECORDS', sk: 'REC#bench' })));
      uncached.push(await timed(() => confined(new JurisdictionCredentials({ roleArn: DATA_ROLE, tableArn: TABLE_ARN }, assumeRole)).get({ partition: 'RECORDS', sk: 'REC#bench' })));
    }
    const dynamoRequests = gate.stats.requests - requestsBefore;
    const stsRequests = gate.stats.sessions - sessionsBefore;
    const [b, c, u] = [median(baseline), median(cached), median(uncached)];
    console.log(`  GetItem median: own role ${b.toFixed(2)} ms, cached credential ${c.toFixed(2)} ms, new credential ${u.toFixed(2)} ms (${ROUNDS} rounds each)`);
    const cachedRatio = c / b;
    const extraTrips = (u - c) / b;
    return [
      { group: 'credentials', name: 'cached credential: median read / own-role read', value: round(cachedRatio), unit: 'x', target: '<= 1.10', pass: cachedRatio <= 1.1 },
      { group: 'credentials', name: 'new credential: extra time in baseline reads', value: round(extraTrips), unit: 'reads', target: '<= 1.5', pass: extraTrips <= 1.5 },
      {
        group: 'credentials',
        name: 'new credential: extra requests per read (AssumeRole)',
        value: round(stsRequests / ROUNDS),
        unit: 'requests',
        target: '= 1',
        pass: stsRequests === ROUNDS && dynamoRequests === 3 * ROUNDS,
      },
      { group: 'credentials', name: 'own-role read, median (information)', value: round(b), unit: 'ms' },
    ];
  } finally {
    await gate.stop();
    await dynamo.stop();
  }
}
