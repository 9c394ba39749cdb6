import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as eventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { anyOccurrenceAlarm } from './alarms.ts';
import { keys, leadingKeyPatterns } from '#shared/storage/keys.ts';
import { bundledCode } from './bundling.ts';
import type { JurisdictionDataAccess } from './jurisdiction-data-access.ts';
import type { MailSending } from './mail-sending.ts';
import { ManagedPolicyRole } from './managed-policy-role.ts';

/** Template metadata key that names a function by its id; the local runtime and the parity test read it. */
export const FUNCTION_ID_METADATA = 'npcs:function-id';


/** What the read and write grants of a table allow: no Scan and no PartiQL, ever. */
const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
/** Actions granted on `*` because AWS offers no resource-level permission for them. */
const WILDCARD_ONLY_ACTIONS =
  'Actions with no resource-level permissions: X-Ray PutTraceSegments/PutTelemetryRecords, and SES GetAccount for the health check.';
// No DeleteItem and no BatchWriteItem: records and audit events are never deleted (sessions: see grantSessions).
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

export interface PlatformFunctionProps {
  /** Stable id (kebab-case); the folder functions/<id>/handler.ts holds the entry point. */
  readonly functionId: string;
  readonly description: string;
  /** Key that encrypts the log group and, for async functions, the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /** Topic that alarms notify. */
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  readonly reservedConcurrency: number;
  /** @default Duration.seconds(10) — HTTP handlers answer well within API Gateway's 30 s. */
  readonly timeout?: Duration;
  /** @default 512 — Lambda CPU scales with memory; 512 MB keeps cold starts short. */
  readonly memorySize?: number;
  /**
   * How the function is invoked. Asynchronous invocations get a KMS-encrypted dead-letter queue so that no event
   * is lost; synchronous ones (API Gateway, Step Functions) return failures to their caller.
   * @default 'sync'
   */
  readonly invocation?: 'sync' | 'async';
  readonly environment?: Record<string, string>;
  /** Compile-time constants for the bundle (esbuild `define`), e.g. the web assets manifest. */
  readonly define?: Record<string, string>;
}

/**
 * A Lambda function with the project's safe defaults: Node 24 on arm64, ESM bundle with source maps, X-Ray,
 * an encrypted log group with retention, reserved concurrency, alarms on errors and throttles, and grant helpers
 * that set a function's environment variable and its least-privilege permission together.
 */
export class PlatformFunction extends Construct {
  readonly fn: lambda.Function;
  readonly functionId: string;
  readonly deadLetterQueue?: sqs.Queue;
  readonly role: ManagedPolicyRole;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    this.functionId = props.functionId;
    this.key = props.encryptionKey;

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
    });

    if (props.invocation === 'async') {
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.encryptionKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
        Validations.of(this.deadLetterQueue).acknowledge({
          id,
          reason: 'This queue is itself the dead-letter queue of the function; it has an alarm on visible messages.',
        });
      }
    }

    // Own role: the AWS-managed basic execution policy would grant logs on every log group of the account.
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.functionId} function`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );

    this.fn = new lambda.Function(this, 'Function', {
      role: this.role,
      // esbuild in-process (no Docker), with code splitting: see infra/constructs/bundling.ts.
      code: bundledCode(props.functionId, props.define),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrency,
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.functionId,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata(FUNCTION_ID_METADATA, props.functionId);
    if (this.deadLetterQueue) {
      // Lambda writes failed events to the queue with the function's role; the queue is encrypted with the key.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.encryptionKey.keyArn] }));
    }

    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) => anyOccurrenceAlarm(this, name, metric, description, props.alarmTopic);
    alarm('ErrorsAlarm', this.fn.metricErrors({ period: Duration.minutes(5) }), `${props.functionId}: invocations failed`);
    alarm('ThrottlesAlarm', this.fn.metricThrottles({ period: Duration.minutes(5) }), `${props.functionId}: invocations throttled`);
    if (this.deadLetterQueue) {
      alarm('DeadLettersAlarm', this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(), `${props.functionId}: events in the dead-letter queue`);
    }

    this.acknowledgeWildcard('Resource::*', WILDCARD_ONLY_ACTIONS);
    this.acknowledgeWildcard(`Resource::<${this.logicalIdOf(logGroup)}.Arn>:*`, 'Log streams of this function\'s own log group.');

    if (props.invocation !== 'async') {
      Validations.of(this.fn).acknowledge({
        id: 'HIPAA.Security-LambdaDLQ',
        reason: 'Invoked synchronously (API Gateway or Step Functions): failures return to the caller and raise the errors alarm; a DLQ only catches async invocations.',
      });
      Validations.of(this.fn).acknowledge({
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason: 'Invoked synchronously (API Gateway or Step Functions): failures return to the caller and raise the errors alarm; a DLQ only catches async invocations.',
      });
      Validations.of(this.fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'Invoked synchronously (API Gateway or Step Functions): failures return to the caller and raise the errors alarm; a DLQ only catches async invocations.',
      });
    }
  }

  get grantPrincipal(): iam.IGrantable {
    return this.fn;
  }

  addEnvironment(name: string, value: string): this {
    this.fn.addEnvironment(name, value);
    return this;
  }

  /**
   * TABLE_NAME plus least-privilege item access on the table and its indexes: `describe` (health checks),
   * `read` (item reads and queries), or `write` (reads plus put and update). Never Scan, PartiQL, DeleteItem or
   * BatchWriteItem; and audit partitions are append-only for every role (an explicit deny of update and delete).
   */
  bindTable(table: dynamodb.ITableV2, indexNames: readonly string[], access: 'describe' | 'read' | 'write'): this {
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'describe') {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:DescribeTable'], resources: [table.tableArn] }));
      return this;
    }
    const actions = access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)] }),
    );
    if (access === 'write') this.denyAuditChanges(table);
    this.grantKey(access);
    return this;
  }

  /**
   * Sessions and sign-in transactions: read, write and delete, but only items whose partition key is a session or
   * sign-in key (dynamodb:LeadingKeys, patterns from the key registry shared/storage/keys.ts), so a function that
   * reads sessions cannot delete anything else.
   */
  grantSessions(table: dynamodb.ITableV2): this {
    return this.grantItemsByKey(table, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.sessions } }, 'write');
  }

  /**
   * The anonymous survey's table access: items of survey partitions only (`<jurisdiction>#SURVEY` for waves and
   * links, `<jurisdiction>#SURVEY#<wave>` for responses): read a link, add a response, count it. Nothing else.
   */
  grantSurveyResponses(table: dynamodb.ITableV2): this {
    this.grantItemsByKey(table, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.survey } }, 'write');
    // Answering with a personal link deletes the invitation (staff list partitions only).
    return this.grantItemsByKey(table, ['dynamodb:DeleteItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.surveyStaff } }, 'write');
  }

  /**
   * The survey workflows' table access (functions/survey-tasks): items of survey partitions only (waves, responses,
   * staff lists: read, query, write), deletes in staff list partitions only, the jurisdictions' profiles and the
   * registry listing (which jurisdictions have waves). No record, audit, session or review item.
   */
  /** Appending audit events (PutItem of a new item; updates and deletes of audit items are denied to every role). */
  grantAuditAppends(table: dynamodb.ITableV2): this {
    return this.grantItemsByKey(table, ['dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.audit } }, 'write');
  }

  grantSurveyWork(table: dynamodb.ITableV2, indexNames: readonly string[]): this {
    this.grantItemsByKey(table, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.survey } }, 'write');
    this.grantItemsByKey(table, ['dynamodb:DeleteItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.surveyStaff } }, 'write');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [keys.registryPartition] } },
      }),
    );
    return this.grantProfileRead(table);
  }

  /** The reports workflow's writes: its digests' mail markers and the period switches, nothing else (it reads the rest). */
  grantReportWrites(table: dynamodb.ITableV2): this {
    // GetItem too: a digest's marker is read when its claim is refused (sent already, or another run's: shared/mail/once.ts).
    return this.grantItemsByKey(table, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.reportWrites } }, 'write');
  }

  /**
   * The notices' pre-publication check (functions/notice-tasks): GetItem of records (`*#RECORDS`) and PutItem in
   * record partitions (`*#REC#*`), where it writes its report. No query, no update, nothing else. IAM cannot confine
   * a put by sort key: the code writes `PRECHECK#` items only, each once (attribute_not_exists).
   */
  grantNoticePrecheck(table: dynamodb.ITableV2): this {
    this.grantItemsByKey(table, ['dynamodb:GetItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.noticePrecheckReads } }, 'read');
    return this.grantItemsByKey(table, ['dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.noticePrecheckWrites } }, 'write');
  }

  /**
   * The notices' distribution (functions/notice-tasks, shared/notices/distribution.ts): the registry listing (gsi1,
   * as the survey workflows read it), the published notices' current copies (`*#PUBLISHED`, GetItem), each recipient
   * jurisdiction's mail markers (`*#MAIL`: GetItem, UpdateItem, as sendOnce claims them) and its emailed links
   * (`*#NOTICE_LINKS`, PutItem of new items only). No record, answer, audit or session item.
   */
  grantNoticeDistribution(table: dynamodb.ITableV2, indexNames: readonly string[]): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [keys.registryPartition] } },
      }),
    );
    this.grantItemsByKey(table, ['dynamodb:GetItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.noticeDistributionReads } }, 'read');
    this.grantItemsByKey(table, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.noticeDistributionMarkers } }, 'write');
    return this.grantItemsByKey(table, ['dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.noticeDistributionLinks } }, 'write');
  }

  /** PutItem of the warehouse's release switch and entries only (`PARTNERSHIP#WAREHOUSE`). */
  grantWarehouseWrites(table: dynamodb.ITableV2): this {
    return this.grantItemsByKey(table, ['dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.warehouseWrites } }, 'write');
  }

  /**
   * The audit archive's table access (functions/audit-archive): GetItem and PutItem of the chains' heads only
   * (`PARTNERSHIP#AUDIT_CHAIN`). It reads audit events from the stream, never from the table.
   */
  grantAuditChainHeads(table: dynamodb.ITableV2): this {
    return this.grantItemsByKey(table, ['dynamodb:GetItem', 'dynamodb:PutItem'], { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': leadingKeyPatterns.auditChainHeads } }, 'write');
  }

  /** PutItem of the people directories only (`<jurisdiction>#PEOPLE`): the auth function keeps them at sign-in. */
  grantPeopleWrite(table: dynamodb.ITableV2): this {
    return this.grantItemsByKey(table, ['dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.people } }, 'write');
  }

  /** GetItem of jurisdiction profiles only (their partition key is the bare jurisdiction id, without `#`). */
  grantProfileRead(table: dynamodb.ITableV2): this {
    return this.grantItemsByKey(table, ['dynamodb:GetItem'], { 'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.notProfile } }, 'read');
  }

  /**
   * Per-jurisdiction credentials (shared/storage/jurisdiction-credentials.ts): TABLE_NAME, TABLE_ARN and
   * DATA_ACCESS_ROLE_ARN, and permission to assume the data-access role (whose trust policy names this role). The
   * function's own role reaches no jurisdiction's records; give it only what it lists or reads beside them.
   */
  bindJurisdictionData(access: JurisdictionDataAccess): this {
    this.fn.addEnvironment('TABLE_NAME', access.table.tableName);
    this.fn.addEnvironment('TABLE_ARN', access.table.tableArn);
    this.fn.addEnvironment('DATA_ACCESS_ROLE_ARN', access.role.roleArn);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [access.role.roleArn] }));
    return this;
  }

  /** Queries of gsi1 partitions whose keys match `patterns` (dynamodb:LeadingKeys of an index is its partition key). */
  grantIndexQueries(table: dynamodb.ITableV2, indexNames: readonly string[], patterns: readonly string[]): this {
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] } },
      }),
    );
    this.grantKey('read');
    return this;
  }

  /** Reads (GetItem, Query) of the items whose partition keys match `patterns`. */
  grantItemReads(table: dynamodb.ITableV2, patterns: readonly string[]): this {
    return this.grantItemsByKey(table, ['dynamodb:GetItem', 'dynamodb:Query'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] } }, 'read');
  }

  /** Reads and writes (no delete) of the items whose partition keys match `patterns`; audit items stay append-only. */
  grantItemWrites(table: dynamodb.ITableV2, patterns: readonly string[]): this {
    return this.grantItemsByKey(
      table,
      ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] } },
      'write',
    );
  }

  /** Item actions on the table, only for partition keys the condition allows (dynamodb:LeadingKeys), plus the key. */
  private grantItemsByKey(table: dynamodb.ITableV2, actions: string[], conditions: Record<string, unknown>, keyAccess: 'read' | 'write'): this {
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [table.tableArn], conditions }));
    if (keyAccess === 'write') this.denyAuditChanges(table);
    this.grantKey(keyAccess);
    return this;
  }

  private auditDenied = false;

  private denyAuditChanges(table: dynamodb.ITableV2): void {
    if (this.auditDenied) return;
    this.auditDenied = true;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.audit } },
      }),
    );
  }

  /**
   * The bucket's name in `envName`, listing (names only: a missing object reads as 404, not 403), and its objects, or
   * only those matching `objects` (key patterns, e.g. the reports' release folders, never the ledger or partials;
   * none for a function that only checks the bucket is there).
   */
  bindBucket(envName: string, bucket: s3.IBucket, access: 'read' | 'write', objects: readonly string[] = ['*']): this {
    this.fn.addEnvironment(envName, bucket.bucketName);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    if (objects.length === 0) return this;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'], resources: objects.map((pattern) => bucket.arnForObjects(pattern)) }),
    );
    if (bucket.encryptionKey) this.grantKey(access);
    for (const pattern of objects) {
      this.acknowledgeWildcard(
        `Resource::<${this.logicalIdOf(bucket)}.Arn>/${pattern}`,
        pattern === '*' ? 'Objects of this one bucket; object keys are chosen at run time.' : `Objects under ${pattern} of this one bucket; the names below it are chosen at run time.`,
      );
    }
    return this;
  }

  /** DeleteObject under these prefixes of one bucket only (the warehouse removes a superseded release and its staging). */
  grantObjectDeletes(bucket: s3.IBucket, prefixes: readonly string[]): this {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)) }));
    for (const p of prefixes) this.acknowledgeWildcard(`Resource::<${this.logicalIdOf(bucket)}.Arn>/${p}*`, `Deletes objects under ${p} of this one bucket; the release and file names are chosen at run time.`);
    return this;
  }

  private grantKey(access: 'read' | 'write'): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [this.key.keyArn],
      }),
    );
  }

  private acknowledgeWildcard(finding: string, reason: string): void {
    Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }

  private logicalIdOf(construct: Construct): string {
    const cfn = construct.node.defaultChild as CfnElement;
    return Stack.of(this).resolve(cfn.logicalId) as string;
  }

  /**
   * MAIL_FROM (the sender) and MAIL_CONFIGURATION_SET (every send names it: shared/mail/send.ts), plus permission to
   * send as that address only, through the platform's SES identity and configuration set and nothing else.
   */
  bindMail(mail: MailSending): this {
    this.fn.addEnvironment('MAIL_FROM', mail.senderAddress);
    this.fn.addEnvironment('MAIL_CONFIGURATION_SET', mail.configurationSet.configurationSetName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [mail.identity.emailIdentityArn, mail.configurationSetArn],
        conditions: { StringEquals: { 'ses:FromAddress': mail.senderAddress } },
      }),
    );
    return this;
  }

  /** `<name>_ARN` = the secret's ARN, plus permission to read that one secret (shared/secrets.ts fetches it). */
  bindSecret(name: string, secret: secretsmanager.ISecret): this {
    this.fn.addEnvironment(`${name}_ARN`, secret.secretArn);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
    if (secret.encryptionKey) this.grantKey('read');
    return this;
  }

  /** Permission to ask SES whether sending is enabled (the health check); no permission to send. */
  grantMailCheck(): this {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ses:GetAccount'], resources: ['*'] }));
    return this;
  }

  /** `envName` = the state machine's ARN, plus permission to start executions (and read them back). */
  /**
   * `<envName>` = the state machine's ARN, and what the function may do with it: describe it, start executions, or
   * resume its waiting tasks (SendTaskSuccess, with the token the workflow stored; review decisions).
   */
  bindStateMachine(envName: string, stateMachine: sfn.IStateMachine, access: 'describe' | 'start' | 'resume' | 'start-and-resume'): this {
    this.fn.addEnvironment(envName, stateMachine.stateMachineArn);
    const actions = {
      describe: ['states:DescribeStateMachine'],
      start: ['states:DescribeStateMachine', 'states:StartExecution'],
      resume: ['states:SendTaskSuccess'],
      'start-and-resume': ['states:StartExecution', 'states:SendTaskSuccess'],
    }[access];
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [stateMachine.stateMachineArn] }));
    return this;
  }

  /**
   * Runs the function on the table's stream records that match the filter (Lambda event filtering): from the oldest
   * record kept, a failed record retried (the function reports item failures; a batch is halved to find it) and
   * given up after 10 attempts to the function's dead-letter queue, which alarms. Needs `invocation: 'async'`.
   */
  /**
   * The table's stream as an event source: a record is delivered when it matches any of the filters. One mapping per
   * function and stream (Lambda refuses a second one), so a function with several kinds of events gives them all here.
   */
  triggerOnStream(table: dynamodb.ITableV2, ...filters: Record<string, unknown>[]): this {
    if (filters.length === 0) throw new Error(`${this.node.path}: a stream trigger needs at least one filter`);
    if (!this.deadLetterQueue) throw new Error(`${this.node.path}: a stream trigger needs the function's dead-letter queue (invocation: 'async')`);
    this.fn.addEventSource(
      new eventSources.DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new eventSources.SqsDlq(this.deadLetterQueue),
        filters: filters.map((filter) => lambda.FilterCriteria.filter(filter)),
      }),
    );
    // The failure destination's grant (SqsDlq) gives KMS action families on the one data key, for the encrypted queue.
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: `Lambda sends a given-up stream batch to this function's encrypted dead-letter queue; ${action} is granted on the platform's data key only.` });
    }
    return this;
  }
}
