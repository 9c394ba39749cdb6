/**
 * IAM for DynamoDB, locally: an STS stand-in (AssumeRole, with session policies) and a gate in front of DynamoDB
 * Local that authorizes every request as IAM would, with the template's own role policies and the session policy of
 * the credential that signed it. So the local cloud runs the same per-jurisdiction credentials as AWS
 * (shared/storage/jurisdiction-credentials.ts), and a command sent with the wrong credential fails here as it would
 * there, in every integration test.
 *
 * The policies are evaluated by @cloud-copilot/iam-simulate (a development dependency: the local cloud is a
 * development tool and nothing of it ships); what is written by hand is only what no library does: reading a
 * DynamoDB request into the authorization checks IAM makes of it (action, resource, dynamodb:LeadingKeys per item).
 *
 * Each function reaches the gate and STS under its own path (`/fn/<id>`, `/sts/<id>`): locally every function signs
 * with the same key pair (the one the S3 emulator accepts), so the path says whose role a request runs under.
 * Differences from AWS, on purpose: signatures are not verified; only DynamoDB is gated (S3, Step Functions and SES
 * are not); a denied request answers AccessDeniedException as DynamoDB does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalFunction, type LocalRole, type LocalTable } from '../assembly.ts';

interface Session {
  roleArn: string;
  sessionName: string;
  policy: Record<string, unknown> | undefined;
  expiresAt: number;
}

/** One authorization IAM makes of a request: DynamoDB authorizes each item action of a transaction on its own. */
export interface Check {
  action: string;
  resource: string;
  /** undefined: the request carries no dynamodb:LeadingKeys (Scan, DescribeTable). */
  leadingKeys: string[] | undefined;
}

export interface Denial extends Check {
  principal: string;
  result: string;
}

export interface IamGate {
  /** Where it listens; `GET <baseUrl>/report` answers its counts and denials (tests read it). */
  readonly baseUrl: string;
  /** AWS_ENDPOINT_URL_DYNAMODB of a function. */
  dynamodbEndpoint(functionId: string): string;
  /** AWS_ENDPOINT_URL_STS of a function. */
  stsEndpoint(functionId: string): string;
  readonly denials: Denial[];
  readonly stats: { requests: number; checks: number; sessions: number };
  stop(): Promise<void>;
}

type AttributeValue = Record<string, unknown>;
type Body = Record<string, unknown>;

/** Decisions kept before the cache starts over (about 1 ms to decide one again). */
const MAX_DECISIONS = 20_000;

const tableArn = (name: string) => `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;

/** The authorization checks of one DynamoDB request (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`). */
export function checksOf(operation: string, body: Body, tables: readonly LocalTable[]): Check[] {
  const hashKeyOf = (table: string, index?: string): string | undefined => {
    const t = tables.find((x) => x.name === table || x.logicalId === table);
    const schema = index ? t?.globalSecondaryIndexes.find((i) => i.IndexName === index)?.KeySchema : t?.keySchema;
    return schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  };
  const valueOf = (v: unknown): string => {
    const av = v as AttributeValue | undefined;
    return String(av?.S ?? av?.N ?? av?.B ?? '');
  };
  const itemCheck = (action: string, table: string, key: Record<string, unknown> | undefined): Check => {
    const hash = hashKeyOf(table);
    return { action: `dynamodb:${action}`, resource: tableArn(table), leadingKeys: hash && key && hash in key ? [valueOf(key[hash])] : undefined };
  };
  const table = String(body.TableName ?? '');
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [itemCheck(operation, table, body.Key as Body)];
    case 'PutItem':
      return [itemCheck(operation, table, body.Item as Body)];
    case 'Query': {
      const index = body.IndexName as string | undefined;
      const hash = hashKeyOf(table, index);
      const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
      const values = (body.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
      let key: string | undefined;
      for (const m of String(body.KeyConditionExpression ?? '').matchAll(/(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
        const name = m[1]!.startsWith('#') ? names[m[1]!] : m[1];
        if (name === hash) key = valueOf(values[m[2]!]);
      }
      return [{ action: 'dynamodb:Query', resource: index ? `${tableArn(table)}/index/${index}` : tableArn(table), leadingKeys: key === undefined ? undefined : [key] }];
    }
    case 'BatchGetItem':
      return Object.entries((body.RequestItems ?? {}) as Record<string, { Keys?: Body[] }>).map(([t, r]) => {
        const hash = hashKeyOf(t);
        return { action: 'dynamodb:BatchGetItem', resource: tableArn(t), leadingKeys: (r.Keys ?? []).map((k) => valueOf(k[hash ?? ''])) };
      });
    case 'BatchWriteItem':
      return Object.entries((body.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Body }; DeleteRequest?: { Key: Body } }[]>).map(([t, rs]) => {
        const hash = hashKeyOf(t) ?? '';
        return { action: 'dynamodb:BatchWriteItem', resource: tableArn(t), leadingKeys: rs.map((r) => valueOf((r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {})[hash])) };
      });
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as Record<string, { TableName: string; Key?: Body; Item?: Body }>[]).map((t) => {
        const [kind, op] = Object.entries(t)[0]!;
        const action = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[kind] ?? kind;
        return itemCheck(action, op.TableName, op.Item ?? op.Key);
      });
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as { Get: { TableName: string; Key: Body } }[]).map((t) => itemCheck('GetItem', t.Get.TableName, t.Get.Key));
    default:
      return [{ action: `dynamodb:${operation}`, resource: tableArn(table), leadingKeys: undefined }];
  }
}

async function evaluate(principal: string, policies: Record<string, unknown>[], sessionPolicy: Record<string, unknown> | undefined, check: Check): Promise<string> {
  const response = await runSimulation(
    {
      request: {
        principal,
        action: check.action,
        resource: { resource: check.resource, accountId: LOCAL_ACCOUNT },
        contextVariables: check.leadingKeys === undefined ? {} : { 'dynamodb:LeadingKeys': check.leadingKeys },
      },
      identityPolicies: policies.map((policy, i) => ({ name: `policy${i}`, policy })),
      sessionPolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === 'error') return `error: ${response.errors.message}`;
  return response.resultType === 'single' ? response.overallResult : `unexpected ${response.resultType}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Every request is authorized: with the function's own role, or with the assumed session that signed it. */
export async function startIamGate(opts: {
  dynamodbEndpoint: string;
  roles: readonly LocalRole[];
  functions: readonly LocalFunction[];
  tables: readonly LocalTable[];
  log: (line: string) => void;
}): Promise<IamGate> {
  const target = new URL(opts.dynamodbEndpoint);
  const agent = new Agent({ keepAlive: true });
  const rolesByArn = new Map(opts.roles.map((r) => [r.arn, r]));
  const functionsById = new Map(opts.functions.map((f) => [f.id, f]));
  const sessions = new Map<string, Session>();
  const decided = new Map<string, Promise<string>>();
  const denials: Denial[] = [];
  const stats = { requests: 0, checks: 0, sessions: 0 };

  const authorize = (principal: string, policies: Record<string, unknown>[], sessionPolicy: Record<string, unknown> | undefined, check: Check) => {
    stats.checks += 1;
    const cacheKey = JSON.stringify([principal, sessionPolicy, check]);
    // Keys hold record ids, so a long `npm start` would grow the cache without end: start it over past a bound.
    if (decided.size >= MAX_DECISIONS) decided.clear();
    let result = decided.get(cacheKey);
    if (!result) decided.set(cacheKey, (result = evaluate(principal, policies, sessionPolicy, check)));
    return result;
  };

  async function dynamodb(fn: LocalFunction, req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests += 1;
    const raw = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const accessKey = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const session = sessions.get(accessKey);
    if (session && session.expiresAt <= Date.now()) return deny(res, 'ExpiredTokenException', 'The security token included in the request is expired');
    const roleArn = session?.roleArn ?? fn.roleArn;
    const role = rolesByArn.get(roleArn);
    const principal = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${roleArn.split('/').pop()}/${session?.sessionName ?? fn.id}`;
    const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Body) : {};
    for (const check of checksOf(operation, body, opts.tables)) {
      const result = await authorize(principal, role?.policies ?? [], session?.policy, check);
      if (result !== 'Allowed') {
        denials.push({ ...check, principal, result });
        opts.log(`local IAM: denied ${check.action} on ${check.resource} (leading keys ${JSON.stringify(check.leadingKeys)}) for ${principal}: ${result}`);
        // AWS's message, plus the leading keys (locally only: it is what a developer needs to see which grant is missing).
        return deny(res, 'AccessDeniedException', `User: ${principal} is not authorized to perform: ${check.action} on resource: ${check.resource} (local IAM gate: dynamodb:LeadingKeys ${JSON.stringify(check.leadingKeys ?? null)})`);
      }
    }
    const upstream = request(
      { host: target.hostname, port: target.port, path: '/', method: req.method, headers: { ...req.headers, host: target.host }, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`DynamoDB Local did not answer: ${e.message}`);
    });
    upstream.end(raw);
  }

  function deny(res: ServerResponse, type: string, message: string): void {
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
  }

  async function sts(fn: LocalFunction, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const fail = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
    };
    if (form.get('Action') !== 'AssumeRole') return fail(400, 'InvalidAction', `The local STS answers AssumeRole only, not ${form.get('Action')}`);
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const role = rolesByArn.get(roleArn);
    const caller = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${fn.roleArn.split('/').pop()}/${fn.id}`;
    const allowedByCaller = await authorize(caller, rolesByArn.get(fn.roleArn)?.policies ?? [], undefined, { action: 'sts:AssumeRole', resource: roleArn, leadingKeys: undefined });
    if (!role || !role.trustedRoleArns.includes(fn.roleArn) || allowedByCaller !== 'Allowed') {
      return fail(403, 'AccessDenied', `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) return fail(400, 'ValidationError', 'RoleSessionName must be 2 to 64 of [\\w+=,.@-]');
    const policyText = form.get('Policy') ?? undefined;
    // STS refuses a session policy over 2,048 characters (before packing); so does the stand-in.
    if (policyText && policyText.length > 2048) return fail(400, 'PackedPolicyTooLarge', 'The session policy is larger than 2,048 characters');
    const seconds = Number(form.get('DurationSeconds') ?? 3600);
    if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) return fail(400, 'ValidationError', 'DurationSeconds must be 900 to 43200');
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const expiration = new Date(Date.now() + seconds * 1000);
    sessions.set(accessKeyId, { roleArn, sessionName, policy: policyText ? (JSON.parse(policyText) as Record<string, unknown>) : undefined, expiresAt: expiration.getTime() });
    stats.sessions += 1;
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString('base64')}</SecretAccessKey>` +
        `<SessionToken>${randomBytes(32).toString('base64')}</SessionToken><Expiration>${expiration.toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROALOCAL:${xml(sessionName)}</AssumedRoleId><Arn>arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${xml(role.logicalId)}/${xml(sessionName)}</Arn></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  }

  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/report') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ stats, denials }));
      return;
    }
    const [, kind, functionId] = (req.url ?? '').split('/');
    const fn = functionsById.get(decodeURIComponent(functionId ?? ''));
    const handle = !fn ? undefined : kind === 'fn' ? dynamodb : kind === 'sts' ? sts : undefined;
    if (!fn || !handle) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Unknown local IAM path: /fn/<function id> or /sts/<function id>');
      return;
    }
    handle(fn, req, res).catch((e: unknown) => {
      opts.log(`local IAM: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('local IAM gate failed');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the system picks a free port, so nothing can take it between a probe and the listen.
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  return {
    baseUrl: base,
    dynamodbEndpoint: (id) => `${base}/fn/${encodeURIComponent(id)}`,
    stsEndpoint: (id) => `${base}/sts/${encodeURIComponent(id)}`,
    denials,
    stats,
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
