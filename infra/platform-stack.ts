import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { HttpFunctionId } from '#shared/http/routes.ts';
import { CHAIN_PREFIX } from '#shared/audit/archive/chain.ts';
import { AUDIT_ITEM_KINDS } from '#shared/audit/archive/stream.ts';
import { SMALL_CELL_THRESHOLD } from '#shared/policy.ts';
import { keys, leadingKeyPatterns } from '#shared/storage/keys.ts';
import { RELEASE_FILE_PATTERNS } from '#shared/reports/model.ts';
import { parseReportProtection } from '#shared/reports/settings.ts';
import { WAREHOUSE_DELETE_PREFIXES, WAREHOUSE_WRITE_PATTERNS } from '#shared/warehouse/layout.ts';
import { Api } from './constructs/api.ts';
import { Buckets } from './constructs/buckets.ts';
import { Data } from './constructs/data.ts';
import { DataEventsTrail } from './constructs/data-events-trail.ts';
import { Identity } from './constructs/identity.ts';
import { InboundMail } from './constructs/inbound-mail.ts';
import { JurisdictionDataAccess } from './constructs/jurisdiction-data-access.ts';
import { MailSending } from './constructs/mail-sending.ts';
import { OriginSigner } from './constructs/origin-signer.ts';
import { PlatformFunction, type PlatformFunctionProps } from './constructs/platform-function.ts';
import { Warehouse } from './constructs/warehouse.ts';
import { WebAssets } from './constructs/web-assets.ts';
import { ReportsWorkflow } from './constructs/workflows/reports.ts';
import { RegistryExportWorkflow } from './constructs/workflows/registry-export.ts';
import { WarehouseWorkflow } from './constructs/workflows/warehouse.ts';
import { ReviewDigestWorkflow, ReviewWorkflow } from './constructs/workflows/review.ts';
import { SurveyDailyWorkflow, SurveyWorkflow } from './constructs/workflows/survey.ts';
import type { PlatformConfig } from './config.ts';

export interface PlatformStackProps extends StackProps {
  readonly config: PlatformConfig;
  /** The second region's backup vault (infra/backup-copy-stack.ts), outside dev. */
  readonly backupCopy?: { readonly region: string; readonly vaultName: string };
}

/**
 * The whole platform as one stack of constructs: data, buckets, functions, API + CloudFront, workflows.
 * Functions are declared here with what each may touch; routes come from shared/http/routes.ts.
 */
export class PlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retain = config.stage !== 'dev';
    const logRetention = nearestRetention(config.logRetentionDays);

    const data = new Data(this, 'Data', {
      retain,
      pointInTimeRecoveryDays: config.pointInTimeRecoveryDays,
      vaultLock: config.stage === 'dev' ? 'governance' : 'compliance',
      copyTo: props.backupCopy,
    });
    const buckets = new Buckets(this, 'Buckets', { key: data.key, retain, auditRetentionDays: config.auditRetentionDays });

    const alarmTopic = new sns.Topic(this, 'Alarms', { masterKey: data.key, enforceSSL: true, displayName: 'NPCS platform alarms' });
    // Notifications that cannot be delivered to the mailbox are kept, not dropped.
    const undeliveredAlarms = new sqs.Queue(this, 'UndeliveredAlarms', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(undeliveredAlarms).acknowledge({ id, reason: 'This queue is itself the dead-letter queue of the alarm e-mail subscription.' });
    }
    alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail, { deadLetterQueue: undeliveredAlarms }));

    const webAssets = new WebAssets(this, 'WebAssets', { bucket: buckets.staticAssets, key: data.key, logRetention });

    const fn = (functionId: string, description: string, extra: Partial<PlatformFunctionProps> = {}) =>
      new PlatformFunction(this, pascal(functionId), {
        functionId,
        description,
        encryptionKey: data.key,
        alarmTopic,
        logRetention,
        reservedConcurrency: config.functionConcurrency,
        environment: { STAGE: config.stage },
        // Every page (and every friendly error page) links the hashed asset names of this build.
        define: { __WEB_ASSETS__: JSON.stringify(webAssets.manifest) },
        ...extra,
      });

    const registryExport = fn('registry-export', 'Writes a snapshot of the jurisdictions registry to the exports bucket', {
      timeout: Duration.minutes(1),
    })
      // The registry only: profiles and their gsi1 listing.
      .grantProfileRead(data.table)
      .grantIndexQueries(data.table, data.indexNames, [keys.registryPartition])
      .bindBucket('EXPORTS_BUCKET', buckets.exports, 'write');

    const registryExportWorkflow = new RegistryExportWorkflow(this, 'RegistryExportWorkflow', { key: data.key, alarmTopic, logRetention, registryExport });

    // Keys the functions read from Secrets Manager on first use (shared/secrets.ts); none is data, none rotates by itself.
    const key = (id: string, description: string, whyNotRotated: string) => {
      const secret = new secretsmanager.Secret(this, id, { description, encryptionKey: data.key, generateSecretString: { passwordLength: 64, excludePunctuation: true } });
      for (const rule of ['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled']) {
        Validations.of(secret).acknowledge({ id: rule, reason: `Not rotated automatically: ${whyNotRotated}` });
      }
      return secret;
    };
    // Seals list cursors (records, audit): integrity of paging state, so a cursor cannot be forged or moved.
    const cursorKey = key(
      'CursorKey',
      'Key that seals list cursors of the records and audit APIs',
      'the key only seals list cursors (paging state, no data); replacing its value invalidates open cursors and nothing else.',
    );
    // Signs the CSRF tokens of the web pages' forms (HMAC bound to the session cookie).
    const csrfKey = key(
      'CsrfKey',
      'Key that signs the CSRF tokens of the web pages',
      'the key only signs CSRF tokens, which are derived per session; replacing its value only makes open forms ask to be sent again.',
    );
    // The proof that a request passed CloudFront: a Lambda@Edge function signs every request it forwards to the
    // API; the HTTP functions refuse a request without a valid proof (shared/http/origin.ts).
    const originSigner = new OriginSigner(this, 'OriginSigner', {
      key: data.key,
      rotation: fn('origin-key-rotation', "Rotates the origin proof's key for Secrets Manager, keeping the old key as the previous one", {
        // With a dead-letter queue, whichever way Secrets Manager invokes it; a failed step also raises the errors alarm.
        invocation: 'async',
        timeout: Duration.seconds(30),
      }),
      rotateEvery: Duration.days(30),
    });

    // SES sending (docs/email.md): the sender's domain identity (Easy DKIM) and the configuration set every send names.
    const mail = new MailSending(this, 'Mail', { senderAddress: config.senderAddress, alarmTopic });

    // The review workflow (docs/review.md): its tasks apply decisions with the records service; a new submission
    // receipt on the table's stream starts it (or resumes it after a return); decision routes resume its waits.
    const reviewTasks = fn('review-tasks', "Runs the review workflow's steps: stores what it waits for, applies decisions, sends its emails", { timeout: Duration.seconds(60) })
      .bindTable(data.table, data.indexNames, 'write')
      .bindSecret('CURSOR_SECRET', cursorKey)
      .bindMail(mail);
    const reviewWorkflow = new ReviewWorkflow(this, 'ReviewWorkflow', { key: data.key, alarmTopic, logRetention, tasks: reviewTasks });
    new ReviewDigestWorkflow(this, 'ReviewDigestWorkflow', { key: data.key, alarmTopic, logRetention, tasks: reviewTasks });
    fn('review-start', 'Starts the review of each new submission, or resumes the review waiting for it', { invocation: 'async', timeout: Duration.seconds(30) })
      .bindTable(data.table, data.indexNames, 'read')
      .bindStateMachine('REVIEW_STATE_MACHINE_ARN', reviewWorkflow.stateMachine, 'start-and-resume')
      .triggerOnStream(data.table, { eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { kind: { S: lambda.FilterRule.isEqual('submission') } } } });

    // The safety notices' stream tasks (docs/notices.md): each new submission receipt of a notice gets its
    // pre-publication check, stored for the reviewer's page; each published version (the first, an update, a
    // withdrawal) is emailed to every active partner's contacts. Off the request path: compromise and chrono-node weigh 414 KB.
    const noticeTasks = fn('notice-tasks', "Checks each submitted safety notice before publication, and emails each published version to the partners' contacts", {
      invocation: 'async',
      timeout: Duration.seconds(60),
      memorySize: 1024,
    })
      .grantNoticePrecheck(data.table)
      .grantNoticeDistribution(data.table, data.indexNames)
      .bindMail(mail)
      .triggerOnStream(
        data.table,
        { eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { kind: { S: lambda.FilterRule.isEqual('submission') } } } },
        // Every put of a notice's current copy is a new version (shared/notices/published.ts never edits it in place).
        { eventName: lambda.FilterRule.or('INSERT', 'MODIFY'), dynamodb: { NewImage: { kind: { S: lambda.FilterRule.isEqual('published_notice') } } } },
      );

    // The audit archive (docs/audit.md): every new audit item, jurisdictions' and the partnership's, is appended to its
    // chain of hash-linked batches in the Object Lock bucket. It reads and writes only the chains' heads in the table,
    // and reads and puts only chain objects (no delete; the bucket's default retention locks each one).
    fn('audit-archive', "Copies each new audit event to its jurisdiction's hash chain in the Object Lock archive bucket", { invocation: 'async', timeout: Duration.seconds(60) })
      .grantAuditChainHeads(data.table)
      .bindBucket('AUDIT_ARCHIVE_BUCKET', buckets.auditArchive, 'write', [AUDIT_CHAIN_OBJECTS])
      .triggerOnStream(data.table, {
        eventName: lambda.FilterRule.isEqual('INSERT'),
        dynamodb: { NewImage: { kind: { S: lambda.FilterRule.or(AUDIT_ITEM_KINDS.jurisdiction, AUDIT_ITEM_KINDS.partnership) } } },
      });

    // Replies to review emails (docs/review.md, "Replies"): SES stores each in the inbound bucket and invokes the
    // reply function, which decides through the same hand-off as the pages and answers the sender.
    const reviewReply = fn('review-reply', 'Reads emailed replies to review emails: decides by reply, or refuses and says why', { invocation: 'async', timeout: Duration.seconds(60) })
      .bindTable(data.table, data.indexNames, 'write')
      .bindStateMachine('REVIEW_STATE_MACHINE_ARN', reviewWorkflow.stateMachine, 'resume')
      .bindSecret('CURSOR_SECRET', cursorKey)
      .bindMail(mail);
    const inboundMail = new InboundMail(this, 'InboundMail', { domain: config.inboundDomain, bucket: buckets.inboundMail, key: data.key, replyFunction: reviewReply });
    // The review emails' Reply-To names this domain.
    reviewTasks.addEnvironment('INBOUND_DOMAIN', config.inboundDomain);

    // Survey invitations (docs/survey.md): derives the personal links' tokens (HMAC), so the table holds only digests.
    const surveyInviteKey = key(
      'SurveyInviteKey',
      'Key that derives the personal survey links from invitation ids (the table keeps only their digests)',
      'replacing its value breaks the personal links of every open invitation wave; rotate between waves, when none is open.',
    );
    // The survey workflows: send a wave's invitations after an import, remind, close past their date, delete staff lists.
    const surveyTasks = fn('survey-tasks', "Runs the survey workflows' steps: writes and emails invitations and reminders, closes waves, deletes staff lists", {
      timeout: Duration.seconds(120),
    })
      .grantSurveyWork(data.table, data.indexNames)
      // Closing a wave is audited in its jurisdiction's log (found by the local IAM gate: the grant was missing).
      .grantAuditAppends(data.table)
      .bindSecret('SURVEY_INVITE_SECRET', surveyInviteKey)
      .bindMail(mail);
    const surveyWorkflow = new SurveyWorkflow(this, 'SurveyWorkflow', { key: data.key, alarmTopic, logRetention, tasks: surveyTasks });
    new SurveyDailyWorkflow(this, 'SurveyDailyWorkflow', { key: data.key, alarmTopic, logRetention, tasks: surveyTasks });

    // The reports (docs/reports.md): aggregate each jurisdiction, protect small cells, publish, email the digest.
    // Renders the charts with Vega when the report is built: the one function outside the 150 KB budget.
    const reportTasks = fn('report-tasks', "Runs the reports workflow's steps: aggregates a jurisdiction, then protects, writes, publishes and emails a period's report", {
      timeout: Duration.minutes(10),
      memorySize: 1536,
      // Checked here too, so a bad setting fails the synth rather than the first report run.
      environment: { STAGE: config.stage, REPORT_PROTECTION: checkedReportProtection(config.reportProtection) },
    })
      // Read-only beside its digests' markers and the period switches, and only the items it aggregates.
      .grantItemReads(data.table, leadingKeyPatterns.reportReads)
      .grantProfileRead(data.table)
      .grantIndexQueries(data.table, data.indexNames, [keys.registryPartition, keys.publishedNoticesIndex])
      .grantReportWrites(data.table)
      .bindBucket('EXPORTS_BUCKET', buckets.exports, 'write')
      .bindMail(mail);
    const reportsWorkflow = new ReportsWorkflow(this, 'ReportsWorkflow', { key: data.key, alarmTopic, logRetention, tasks: reportTasks, cadences: config.reportCadences });

    // The warehouse feed (docs/warehouse.md, "The pipeline"): consenting jurisdictions' approved records, de-identified,
    // as Parquet datasets under warehouse/datasets/ of the exports bucket, monthly and on demand.
    const warehouseTasks = fn('warehouse-tasks', "Runs the warehouse workflow's steps: extracts a jurisdiction's shared records, then de-identifies, writes and switches a release", {
      timeout: Duration.minutes(10),
      memorySize: 1536,
      environment: { STAGE: config.stage, WAREHOUSE_K: String(config.warehouseK), WAREHOUSE_COUNTY_ALLOWED: String(config.warehouseCountyAllowed) },
    })
      .grantItemReads(data.table, leadingKeyPatterns.warehouseReads)
      .grantProfileRead(data.table)
      .grantIndexQueries(data.table, data.indexNames, [keys.registryPartition])
      .grantWarehouseWrites(data.table)
      .bindBucket('EXPORTS_BUCKET', buckets.exports, 'write', WAREHOUSE_WRITE_PATTERNS)
      .grantObjectDeletes(buckets.exports, WAREHOUSE_DELETE_PREFIXES);
    const warehouseWorkflow = new WarehouseWorkflow(this, 'WarehouseWorkflow', { key: data.key, alarmTopic, logRetention, tasks: warehouseTasks });

    const httpFunctions: Record<HttpFunctionId, PlatformFunction> = {
      health: fn('health', 'Reports whether the platform and each service it depends on answer')
        .bindTable(data.table, data.indexNames, 'describe')
        // HeadBucket only: it reads no object.
        .bindBucket('EXPORTS_BUCKET', buckets.exports, 'read', [])
        .bindStateMachine('REGISTRY_EXPORT_STATE_MACHINE_ARN', registryExportWorkflow.stateMachine, 'describe')
        .grantMailCheck(),
      // The profiles it writes (and their audit events) go through per-jurisdiction credentials: see below.
      jurisdictions: fn('jurisdictions', 'Serves the jurisdictions registry, and lets platform admins keep it')
        .grantProfileRead(data.table)
        .grantIndexQueries(data.table, data.indexNames, [keys.registryPartition])
        .grantSessions(data.table),
      records: fn('records', "Drafts, saves, submits, reads, lists, reviews and amends a jurisdiction's records")
        .grantProfileRead(data.table)
        .grantIndexQueries(data.table, data.indexNames, [keys.registryPartition])
        .bindStateMachine('REVIEW_STATE_MACHINE_ARN', reviewWorkflow.stateMachine, 'resume')
        .grantSessions(data.table)
        .bindSecret('CURSOR_SECRET', cursorKey),
      audit: fn('audit', 'Serves the audit log of a jurisdiction, and of all jurisdictions to platform admins')
        .grantProfileRead(data.table)
        .grantIndexQueries(data.table, data.indexNames, [keys.registryPartition, keys.auditIndexPartition])
        .grantItemReads(data.table, [keys.partnershipAuditPartition])
        .grantSessions(data.table)
        .bindSecret('CURSOR_SECRET', cursorKey),
      dictionary: fn('dictionary', 'Serves the data dictionary generated from the form definitions'),
      auth: fn('auth', 'Signs people in and out (OIDC code flow with PKCE) and keeps their sessions')
        .grantProfileRead(data.table)
        .grantPeopleWrite(data.table)
        .grantSessions(data.table)
        .bindSecret('CSRF_SECRET', csrfKey),
      web: fn('web', 'Serves the server-rendered web pages')
        .grantProfileRead(data.table)
        .grantIndexQueries(data.table, data.indexNames, leadingKeyPatterns.indexListings)
        .grantItemReads(data.table, leadingKeyPatterns.publishedNotices)
        // Partnership items: reads (releases, settings); writes only the survey targets and their audit events.
        .grantItemReads(data.table, leadingKeyPatterns.partnership)
        .grantItemWrites(data.table, leadingKeyPatterns.surveyTargets)
        .bindStateMachine('REVIEW_STATE_MACHINE_ARN', reviewWorkflow.stateMachine, 'resume')
        .bindStateMachine('SURVEY_STATE_MACHINE_ARN', surveyWorkflow.stateMachine, 'start')
        .bindStateMachine('REPORTS_STATE_MACHINE_ARN', reportsWorkflow.stateMachine, 'start')
        .bindStateMachine('WAREHOUSE_STATE_MACHINE_ARN', warehouseWorkflow.stateMachine, 'start')
        // Only the files of published releases: the ledger and the partial aggregates hold unsuppressed counts.
        .bindBucket('EXPORTS_BUCKET', buckets.exports, 'read', RELEASE_FILE_PATTERNS)
        .grantSessions(data.table)
        .bindSecret('CURSOR_SECRET', cursorKey)
        .bindSecret('CSRF_SECRET', csrfKey),
      // The anonymous survey: no sessions, and a table grant confined to survey partitions (it cannot read a record).
      survey: fn('survey', 'Serves the anonymous safety culture survey of a wave link and stores its answers')
        .grantSurveyResponses(data.table)
        .grantProfileRead(data.table)
        .bindSecret('CSRF_SECRET', csrfKey),
      openapi: fn('openapi', 'Serves the OpenAPI document generated from the route contracts'),
      // Reads sessions only so that its 404 page greets a signed-in person as every other page does.
      'not-found': fn('not-found', 'Answers requests that match no route with 404 or 405')
        .grantProfileRead(data.table)
        .grantSessions(data.table)
        .bindSecret('CSRF_SECRET', csrfKey),
    };

    for (const f of Object.values(httpFunctions)) f.bindSecret('ORIGIN_SECRET', originSigner.secret);

    // The functions that serve one jurisdiction's records reach its items only with credentials confined to it
    // (docs/records.md, "Credentials confined to one jurisdiction"); their own roles hold no record.
    const confined = [httpFunctions.records, httpFunctions.web, httpFunctions.jurisdictions, httpFunctions.audit];
    const jurisdictionData = new JurisdictionDataAccess(this, 'JurisdictionData', { table: data.table, key: data.key, trusted: confined.map((f) => f.role) });
    for (const f of confined) f.bindJurisdictionData(jurisdictionData);

    const api = new Api(this, 'Api', {
      functions: httpFunctions,
      originSigner: originSigner.fn.currentVersion,
      key: data.key,
      logRetention,
      staticAssets: buckets.staticAssets,
      domainName: config.domainName,
      certificateArn: config.certificateArn,
    });

    const appUrl = config.domainName ? `https://${config.domainName}` : `https://${api.distribution.distributionDomainName}`;
    const identity = new Identity(this, 'Identity', {
      retain,
      domainPrefix: config.loginDomainPrefix,
      callbackUrls: [`${appUrl}/auth/callback`],
      logoutUrls: [`${appUrl}/`],
    });
    // Functions that read sessions need the app's origin (cookie names and flags depend on it); the OpenAPI document names both.
    for (const f of [httpFunctions.auth, httpFunctions.web, httpFunctions.survey, httpFunctions.jurisdictions, httpFunctions.records, httpFunctions.audit, httpFunctions.openapi, httpFunctions['not-found']]) f.addEnvironment('APP_ORIGIN', appUrl);
    for (const [name, value] of Object.entries(identity.functionEnvironment())) httpFunctions.auth.addEnvironment(name, value);
    // The review emails' links, and the links of the answers to replies.
    reviewTasks.addEnvironment('APP_ORIGIN', appUrl);
    reviewReply.addEnvironment('APP_ORIGIN', appUrl);
    // The survey invitations' personal links.
    surveyTasks.addEnvironment('APP_ORIGIN', appUrl);
    // The report digests' links.
    reportTasks.addEnvironment('APP_ORIGIN', appUrl);
    // The safety notices' emailed links.
    noticeTasks.addEnvironment('APP_ORIGIN', appUrl);

    // SQL over the de-identified warehouse datasets (docs/warehouse.md, "In AWS"): Glue catalog, Athena, analyst role.
    const warehouse = new Warehouse(this, 'Warehouse', { bucket: buckets.exports, key: data.key, bytesScannedCutoffPerQuery: config.warehouseBytesScannedCutoff });

    // Who read or wrote which item and object (CloudTrail data events), outside dev only: data events are billed
    // per event, and dev holds no real cases.
    if (config.stage !== 'dev') {
      new DataEventsTrail(this, 'DataEventsTrail', { table: data.table, accessLogs: buckets.accessLogs, retentionDays: config.logRetentionDays });
    }

    this.acknowledgeStackWide();

    new CfnOutput(this, 'Url', { value: appUrl });
    new CfnOutput(this, 'UserPoolId', { value: identity.userPool.userPoolId });
    new CfnOutput(this, 'LoginUrl', { value: identity.domain.baseUrl() });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    // What a restore needs (docs/operations.md, "Backups and restore"): the key a restored table must be encrypted with, and the vault.
    new CfnOutput(this, 'DataKeyArn', { value: data.key.keyArn });
    new CfnOutput(this, 'BackupVaultName', { value: data.vault.backupVaultName });
    new CfnOutput(this, 'ExportsBucketName', { value: buckets.exports.bucketName });
    // npm run audit:verify -- --bucket <AuditArchiveBucketName> --table <TableName>
    new CfnOutput(this, 'AuditArchiveBucketName', { value: buckets.auditArchive.bucketName });
    new CfnOutput(this, 'WarehouseDatabase', { value: warehouse.databaseName });
    new CfnOutput(this, 'WarehouseWorkGroup', { value: warehouse.workGroup.ref });
    new CfnOutput(this, 'WarehouseAnalystRoleArn', { value: warehouse.analystRole.roleArn });
    // CloudFormation cannot activate a receipt rule set: the one-time step after the first deploy names it (README).
    new CfnOutput(this, 'ReceiptRuleSetName', { value: inboundMail.ruleSet.receiptRuleSetName });
  }

  /** Findings that hold for every function of the platform, each with the reason it is accepted. */
  private acknowledgeStackWide(): void {
    const v = Validations.of(this);
    const noVpc =
      "Functions reach no private network resource: they call AWS service endpoints only (DynamoDB, S3, Step Functions, SES, Secrets Manager, STS for the per-jurisdiction credentials, and Cognito's sign-in endpoints from the auth function) over TLS with IAM or OIDC authorization. Outside a VPC their outbound traffic is not restricted, so a compromised dependency could send data to another host; a VPC with service endpoints and no internet route would close that at the cost of an endpoint per service and zone, a known gap (docs/architecture.md). The Lambda@Edge origin signer cannot run in a VPC at all.";
    v.acknowledge({ id: 'HIPAA.Security-LambdaInsideVPC', reason: noVpc });
    v.acknowledge({ id: 'NIST.800.53.R5-LambdaInsideVPC', reason: noVpc });
  }
}

const RETENTIONS = Object.values(logs.RetentionDays).filter((d): d is number => typeof d === 'number' && d > 0).sort((a, b) => a - b);

/** CloudWatch accepts only certain retention periods: take the smallest one that keeps logs at least as long. */
function nearestRetention(days: number): logs.RetentionDays {
  return (RETENTIONS.find((d) => d >= days) ?? logs.RetentionDays.INFINITE) as logs.RetentionDays;
}

/** The protection settings as the function gets them: the configured JSON, or the policy's default threshold for all. */
function checkedReportProtection(json: string | undefined): string {
  const value = json ?? JSON.stringify({ default: { threshold: SMALL_CELL_THRESHOLD } });
  parseReportProtection(value);
  return value;
}

const AUDIT_CHAIN_OBJECTS = `${CHAIN_PREFIX}*`;

const pascal = (id: string) => id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
