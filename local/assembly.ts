import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Reads what the synthesized cloud assembly declares — functions, routes, tables, buckets, state machines,
 * schedules and SES receipt rules — and resolves CloudFormation references to local stand-in names. This is how the local runtime
 * serves exactly what deploys: it never reads the CDK source or shared/http/routes.ts.
 */

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
const FUNCTION_ID_METADATA = 'npcs:function-id';
/** infra/constructs/origin-signer.ts marks its Lambda@Edge function so (local/http/gateway.ts signs in its place). */
const EDGE_FUNCTION_METADATA = 'npcs:edge-function';
const WORKFLOW_ID_METADATA = 'npcs:workflow-id';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}

export interface LocalFunction {
  id: string;
  logicalId: string;
  arn: string;
  /** Directory of the bundled asset (index.mjs), as deployed. */
  assetDir: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** The ARN of its execution role, as the template resolves locally (local/standins/iam-gate.ts enforces the role's policies). */
  roleArn: string;
}

export interface LocalRoute {
  routeKey: string;
  method: string;
  path: string;
  functionId: string;
}

export interface LocalTable {
  logicalId: string;
  name: string;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  globalSecondaryIndexes: { IndexName: string; KeySchema: LocalTable['keySchema']; Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' } }[];
  ttlAttribute?: string;
  /** The stream's view type, when the table has a stream. */
  streamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
}

/** A Lambda event source mapping from a table's stream (AWS::Lambda::EventSourceMapping). */
export interface LocalStreamTrigger {
  functionId: string;
  table: string;
  batchSize: number;
  /** Retries of a failed batch before it is given up (sent to the on-failure destination in AWS). */
  maximumRetryAttempts: number;
  /** The function answers `batchItemFailures`: a retry starts at the first failed record. */
  reportBatchItemFailures: boolean;
  /** Event filter patterns (parsed); a record is delivered when any matches, all when there are none. */
  filterPatterns: Record<string, unknown>[];
}

export interface LocalStateMachine {
  /** The workflow id (template metadata `npcs:workflow-id`). */
  id: string;
  logicalId: string;
  arn: string;
  definition: Record<string, unknown>;
}

export interface LocalSchedule {
  id: string;
  /** The workflow the schedule starts (undefined when it targets no state machine of the template). */
  workflowId: string | undefined;
  expression: string;
  timezone: string;
  targetArn: string;
  input: string;
}

/**
 * An SES receipt rule (AWS::SES::ReceiptRule) as the local inbound SMTP stand-in runs it: which recipients it
 * takes, where its S3 action stores the raw message, and which function its Lambda action invokes, in order.
 */
export interface LocalReceiptRule {
  logicalId: string;
  /** Addresses or domains (a domain takes every address of it), as SES matches them. */
  recipients: string[];
  enabled: boolean;
  actions: ({ type: 's3'; bucket: string; objectKeyPrefix: string } | { type: 'lambda'; functionId: string; invocationType: 'Event' | 'RequestResponse' })[];
}

/** An IAM role of the template with its policies (managed and inline), resolved to local names. */
export interface LocalRole {
  logicalId: string;
  arn: string;
  /** Role ARNs its trust policy names (`sts:AssumeRole`), for the local STS. */
  trustedRoleArns: string[];
  policies: Record<string, unknown>[];
}

export interface LocalAssembly {
  stackName: string;
  roles: LocalRole[];
  functions: LocalFunction[];
  routes: LocalRoute[];
  tables: LocalTable[];
  streamTriggers: LocalStreamTrigger[];
  buckets: { logicalId: string; name: string }[];
  stateMachines: LocalStateMachine[];
  schedules: LocalSchedule[];
  receiptRules: LocalReceiptRule[];
  /** Functions of the template that are deploy-time CDK plumbing (custom resource providers), not served. */
  deployTimeFunctions: string[];
  /** Lambda@Edge functions by id (`npcs:edge-function`): the local gateway plays their part, with the same code. */
  edgeFunctions: string[];
  /** Directories that BucketDeployments copy into buckets (the web assets), as staged in the assembly. */
  bucketDeployments: LocalBucketDeployment[];
}

export interface LocalBucketDeployment {
  /** Local name of the destination bucket. */
  bucket: string;
  /** Key prefix in the bucket, e.g. `assets/`. */
  prefix: string;
  /** The staged source directories (the deployment's assets). */
  sourceDirs: string[];
  /** Cache-Control the deployment sets on every object, if any. */
  cacheControl?: string;
}

/** Local physical names: derived from logical ids, so they are stable across restarts and need no AWS. */
const localBucketName = (logicalId: string) => `local-${logicalId.toLowerCase()}`.slice(0, 63);
const localFunctionArn = (logicalId: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
const localRoleArn = (logicalId: string) => `arn:aws:iam::${LOCAL_ACCOUNT}:role/${logicalId}`;
const localStateMachineArn = (logicalId: string) => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${logicalId}`;

export function readAssembly(assemblyDir: string): LocalAssembly {
  const manifest = JSON.parse(readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`Expected one stack in the cloud assembly, found ${stacks.length}`);
  const [stackName, stackArtifact] = stacks[0]!;
  const template = JSON.parse(readFileSync(path.join(assemblyDir, stackArtifact.properties!.templateFile!), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  const assets = JSON.parse(readFileSync(path.join(assemblyDir, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const resources = template.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  const tables: LocalTable[] = [...ofType('AWS::DynamoDB::GlobalTable'), ...ofType('AWS::DynamoDB::Table')].map(([logicalId, r]) => {
    const p = r.Properties as Record<string, unknown>;
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    const stream = p.StreamSpecification as { StreamViewType?: LocalTable['streamViewType'] } | undefined;
    return {
      logicalId,
      name: logicalId,
      keySchema: p.KeySchema as LocalTable['keySchema'],
      attributeDefinitions: p.AttributeDefinitions as LocalTable['attributeDefinitions'],
      globalSecondaryIndexes: ((p.GlobalSecondaryIndexes as LocalTable['globalSecondaryIndexes']) ?? []).map((g) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
        Projection: g.Projection,
      })),
      ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined,
      streamViewType: stream?.StreamViewType,
    };
  });
  const buckets = ofType('AWS::S3::Bucket').map(([logicalId]) => ({ logicalId, name: localBucketName(logicalId) }));

  const functionResources = ofType('AWS::Lambda::Function');
  const stateMachineResources = ofType('AWS::StepFunctions::StateMachine');

  /** Resolves the intrinsic functions CDK emits for references between resources. */
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    if ('Ref' in value) return refOf(value.Ref as string);
    if ('Fn::GetAtt' in value) {
      const [id, attr] = value['Fn::GetAtt'] as [string, string];
      return getAtt(id, attr);
    }
    if ('Fn::Join' in value) {
      const [sep, parts] = value['Fn::Join'] as [string, Json[]];
      return parts.map((p) => String(resolve(p))).join(sep);
    }
    if ('Fn::Select' in value) {
      const [index, list] = value['Fn::Select'] as [number, Json];
      return (resolve(list) as Json[])[Number(index)] ?? null;
    }
    if ('Fn::Split' in value) {
      const [sep, source] = value['Fn::Split'] as [string, Json];
      return String(resolve(source)).split(sep);
    }
    if ('Fn::Sub' in value) {
      const template = value['Fn::Sub'] as string;
      return template.replace(/\$\{([^}]+)\}/g, (_m, name: string) => String(name.includes('.') ? getAtt(...(name.split('.') as [string, string])) : refOf(name)));
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  };

  function refOf(id: string): Json {
    if (id === 'AWS::Region') return LOCAL_REGION;
    if (id === 'AWS::AccountId') return LOCAL_ACCOUNT;
    if (id === 'AWS::Partition') return 'aws';
    if (id === 'AWS::StackName') return stackName;
    if (id === 'AWS::URLSuffix') return 'amazonaws.com';
    const r = resources[id];
    if (!r) throw new Error(`Template references unknown resource ${id}`);
    switch (r.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        return id;
      case 'AWS::S3::Bucket':
        return localBucketName(id);
      case 'AWS::StepFunctions::StateMachine':
        return localStateMachineArn(id);
      case 'AWS::Lambda::Function':
      case 'AWS::ApiGatewayV2::Integration':
        return id;
      default:
        return `local-${id}`;
    }
  }

  function getAtt(id: string, attr: string): Json {
    const r = resources[id];
    if (!r) throw new Error(`Template references unknown resource ${id}`);
    if (r.Type === 'AWS::Lambda::Function' && attr === 'Arn') return localFunctionArn(id);
    if (r.Type === 'AWS::S3::Bucket' && attr === 'Arn') return `arn:aws:s3:::${localBucketName(id)}`;
    if (r.Type.startsWith('AWS::DynamoDB::') && attr === 'Arn') return `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${id}`;
    if (r.Type === 'AWS::StepFunctions::StateMachine' && attr === 'Name') return id;
    if (r.Type === 'AWS::IAM::Role' && attr === 'Arn') return localRoleArn(id);
    return `local-${id}-${attr}`;
  }

  const functionIdByLogicalId = new Map<string, string>();
  const functions: LocalFunction[] = [];
  const deployTimeFunctions: string[] = [];
  const edgeFunctions: string[] = [];
  for (const [logicalId, r] of functionResources) {
    const functionId = r.Metadata?.[FUNCTION_ID_METADATA];
    const edgeFunctionId = r.Metadata?.[EDGE_FUNCTION_METADATA];
    if (typeof edgeFunctionId === 'string') {
      edgeFunctions.push(edgeFunctionId);
      continue;
    }
    if (typeof functionId !== 'string') {
      deployTimeFunctions.push(String(r.Metadata?.['aws:cdk:path'] ?? logicalId));
      continue;
    }
    const p = r.Properties as Record<string, Json>;
    const s3Key = String((p.Code as Record<string, Json>).S3Key);
    const asset = assets.files[s3Key.replace(/\.zip$/, '')];
    if (!asset) throw new Error(`No asset for function ${functionId} (${s3Key})`);
    const env = ((p.Environment as Record<string, Json> | undefined)?.Variables ?? {}) as Record<string, Json>;
    functionIdByLogicalId.set(logicalId, functionId);
    functions.push({
      id: functionId,
      logicalId,
      arn: localFunctionArn(logicalId),
      assetDir: path.join(assemblyDir, asset.source.path),
      handler: String(p.Handler),
      timeoutSeconds: Number(p.Timeout ?? 3),
      memoryMb: Number(p.MemorySize ?? 128),
      environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(resolve(v))])),
      roleArn: String(resolve(p.Role as Json)),
    });
  }

  const streamTriggers: LocalStreamTrigger[] = ofType('AWS::Lambda::EventSourceMapping').map(([logicalId, r]) => {
    const p = r.Properties as Record<string, Json>;
    const source = (p.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    const table = source && source[1] === 'StreamArn' ? source[0] : undefined;
    const fnRef = p.FunctionName as { Ref?: string } | string;
    const functionId = functionIdByLogicalId.get(typeof fnRef === 'string' ? fnRef : String(fnRef.Ref));
    if (!table || !functionId) throw new Error(`Event source mapping ${logicalId} is not a table stream to a platform function`);
    const filters = ((p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []).map((f) => JSON.parse(f.Pattern) as Record<string, unknown>);
    return {
      functionId,
      table,
      batchSize: Number(p.BatchSize ?? 100),
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? 10_000),
      reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
      filterPatterns: filters,
    };
  });

  const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, r.Properties as Record<string, Json>]));
  const routes: LocalRoute[] = ofType('AWS::ApiGatewayV2::Route').map(([id, r]) => {
    const p = r.Properties as Record<string, Json>;
    const target = String(resolve(p.Target as Json)); // "integrations/<IntegrationLogicalId>"
    const integration = integrations.get(target.replace(/^integrations\//, ''));
    const uri = integration?.IntegrationUri as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const functionLogicalId = uri?.['Fn::GetAtt']?.[0];
    const functionId = functionLogicalId ? functionIdByLogicalId.get(functionLogicalId) : undefined;
    if (!functionId) throw new Error(`Route ${id} (${String(p.RouteKey)}) does not target a platform function`);
    const routeKey = String(p.RouteKey);
    const [method, routePath] = routeKey === '$default' ? ['ANY', '$default'] : (routeKey.split(' ') as [string, string]);
    return { routeKey, method, path: routePath, functionId };
  });

  // Found by workflow id (infra/constructs/workflow.ts), never by logical id or count: every one must carry it.
  const stateMachines: LocalStateMachine[] = stateMachineResources.map(([logicalId, r]) => {
    const p = r.Properties as Record<string, Json>;
    const raw = p.DefinitionString !== undefined ? String(resolve(p.DefinitionString)) : JSON.stringify(resolve(p.Definition as Json));
    const id = r.Metadata?.[WORKFLOW_ID_METADATA];
    if (typeof id !== 'string') throw new Error(`State machine ${logicalId} has no ${WORKFLOW_ID_METADATA} metadata: declare it with the Workflow construct`);
    return {
      id,
      logicalId,
      arn: localStateMachineArn(logicalId),
      definition: JSON.parse(raw) as Record<string, unknown>,
    };
  });

  const duplicate = stateMachines.find((m, i) => stateMachines.findIndex((o) => o.id === m.id) !== i);
  if (duplicate) throw new Error(`Two state machines carry ${WORKFLOW_ID_METADATA}=${duplicate.id}`);

  const schedules: LocalSchedule[] = ofType('AWS::Scheduler::Schedule')
    .filter(([, r]) => (r.Properties as Record<string, Json>).State !== 'DISABLED')
    .map(([logicalId, r]) => {
      const p = r.Properties as Record<string, Json>;
      const target = p.Target as Record<string, Json>;
      const targetArn = String(resolve(target.Arn as Json));
      return {
        id: String(r.Metadata?.[WORKFLOW_ID_METADATA] ?? logicalId),
        workflowId: stateMachines.find((m) => m.arn === targetArn)?.id,
        expression: String(p.ScheduleExpression),
        timezone: String(p.ScheduleExpressionTimezone ?? 'Etc/UTC'),
        targetArn,
        input: String(target.Input ?? '{}'),
      };
    });

  const receiptRules: LocalReceiptRule[] = ofType('AWS::SES::ReceiptRule').map(([logicalId, r]) => {
    const rule = (r.Properties as Record<string, Json>).Rule as Record<string, Json>;
    const actions = ((rule.Actions as Record<string, Json>[] | undefined) ?? []).map((a): LocalReceiptRule['actions'][number] => {
      if (a.S3Action) {
        const s3 = a.S3Action as Record<string, Json>;
        return { type: 's3', bucket: String(resolve(s3.BucketName as Json)), objectKeyPrefix: String(s3.ObjectKeyPrefix ?? '') };
      }
      if (a.LambdaAction) {
        const l = a.LambdaAction as Record<string, Json>;
        const arn = l.FunctionArn as { 'Fn::GetAtt'?: [string, string] };
        const functionId = arn['Fn::GetAtt'] ? functionIdByLogicalId.get(arn['Fn::GetAtt'][0]) : undefined;
        if (!functionId) throw new Error(`Receipt rule ${logicalId} invokes a function that is not a platform function`);
        return { type: 'lambda', functionId, invocationType: l.InvocationType === 'RequestResponse' ? 'RequestResponse' : 'Event' };
      }
      throw new Error(`Receipt rule ${logicalId} has an action the local stand-in does not run: ${Object.keys(a).join(', ')}`);
    });
    return { logicalId, recipients: ((rule.Recipients as Json[] | undefined) ?? []).map(String), enabled: rule.Enabled !== false, actions };
  });

  const bucketDeployments: LocalBucketDeployment[] = ofType('Custom::CDKBucketDeployment').map(([logicalId, r]) => {
    const p = r.Properties as Record<string, Json>;
    const keys = (p.SourceObjectKeys as Json[]).map((k) => String(k));
    const sourceDirs = keys.map((key) => {
      const asset = assets.files[key.replace(/\.zip$/, '')];
      if (!asset) throw new Error(`No asset for bucket deployment ${logicalId} (${key})`);
      return path.join(assemblyDir, asset.source.path);
    });
    const metadata = (p.SystemMetadata ?? {}) as Record<string, Json>;
    return {
      bucket: String(resolve(p.DestinationBucketName as Json)),
      prefix: String(p.DestinationBucketKeyPrefix ?? ''),
      sourceDirs,
      cacheControl: metadata['cache-control'] === undefined ? undefined : String(metadata['cache-control']),
    };
  });

  // Roles with the policies attached to them (CDK's managed policies name their roles; inline ones too).
  const policiesOf = new Map<string, Record<string, unknown>[]>();
  for (const [, r] of [...ofType('AWS::IAM::ManagedPolicy'), ...ofType('AWS::IAM::Policy')]) {
    const p = r.Properties as Record<string, Json>;
    for (const role of (p.Roles as Json[] | undefined) ?? []) {
      const arn = localRoleArn(String((role as { Ref?: string }).Ref ?? role));
      policiesOf.set(arn, [...(policiesOf.get(arn) ?? []), resolve(p.PolicyDocument as Json) as Record<string, unknown>]);
    }
  }
  const roles: LocalRole[] = ofType('AWS::IAM::Role').map(([logicalId, r]) => {
    const p = r.Properties as Record<string, Json>;
    const trust = resolve(p.AssumeRolePolicyDocument as Json) as { Statement?: { Principal?: { AWS?: string | string[] } }[] };
    const trustedRoleArns = (trust.Statement ?? []).flatMap((st) => [st.Principal?.AWS ?? []].flat()).map(String);
    const inline = ((p.Policies as { PolicyDocument: Json }[] | undefined) ?? []).map((x) => resolve(x.PolicyDocument) as Record<string, unknown>);
    const arn = localRoleArn(logicalId);
    return { logicalId, arn, trustedRoleArns, policies: [...inline, ...(policiesOf.get(arn) ?? [])] };
  });

  return { stackName, roles, functions, routes, tables, streamTriggers, buckets, stateMachines, schedules, receiptRules, deployTimeFunctions, edgeFunctions, bucketDeployments };
}
