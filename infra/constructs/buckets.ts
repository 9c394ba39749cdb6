import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INBOUND_MAIL_KEPT_DAYS } from '#shared/policy.ts';

export interface BucketsProps {
  readonly key: kms.IKey;
  readonly retain: boolean;
  /** Days each audit archive batch stays under Object Lock (compliance mode): infra/config.ts `auditRetentionDays`. */
  readonly auditRetentionDays: number;
}

const ARCHIVE_NOT_REPLICATED =
  'Single-region deployment: this bucket is itself the second, Object Lock copy of the audit events the table holds (with point-in-time recovery and AWS Backup); it is not replicated to another region.';

/**
 * The platform's buckets. All: versioned, TLS only, public access blocked, server access logs to the log bucket.
 * Data buckets (exports, inbound mail, the audit archive) use the customer-managed key. The access-log bucket uses S3-managed keys
 * because S3 server access logging delivers only to buckets with SSE-S3 default encryption (it holds nothing else:
 * CloudFront's access log goes to a KMS-encrypted log group, infra/constructs/api.ts); the static assets are public
 * CSS, JavaScript and fonts.
 */
export class Buckets extends Construct {
  readonly accessLogs: s3.Bucket;
  readonly exports: s3.Bucket;
  readonly inboundMail: s3.Bucket;
  readonly staticAssets: s3.Bucket;
  /** The audit trail's hash-chained copy (docs/audit.md): Object Lock in compliance mode, written by audit-archive only. */
  readonly auditArchive: s3.Bucket;

  constructor(scope: Construct, id: string, props: BucketsProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common: s3.BucketProps = {
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy,
      autoDeleteObjects: !props.retain,
    };

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // S3 server access logging is granted to the log delivery group by ACL here (CDK's default without the
      // serverAccessLogsUseBucketPolicy feature flag), so ACLs stay enabled; the bucket owner owns every object.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log bucket; logging its own access would recurse.',
    });
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.accessLogs).acknowledge({
        id: `${pack}-S3BucketLoggingEnabled`,
        reason: 'This is the access log bucket; logging its own access would recurse.',
      });
    }

    const withLogs = (prefix: string): s3.BucketProps => ({
      ...common,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: `s3/${prefix}/`,
    });

    this.exports = new s3.Bucket(this, 'Exports', {
      ...withLogs('exports'),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    });

    this.inboundMail = new s3.Bucket(this, 'InboundMail', {
      ...withLogs('inbound-mail'),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      // Replies are read within seconds of arriving; the raw messages are kept only for a short window to look into a
      // disputed reply (docs/review.md, "Replies").
      lifecycleRules: [{ expiration: Duration.days(INBOUND_MAIL_KEPT_DAYS), noncurrentVersionExpiration: Duration.days(1) }],
    });

    this.staticAssets = new s3.Bucket(this, 'StaticAssets', {
      ...withLogs('static'),
      encryption: s3.BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });

    this.auditArchive = new s3.Bucket(this, 'AuditArchive', {
      ...withLogs('audit-archive'),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      // Every object version is locked for the retention period from its write: not deletable or overwritable by
      // anyone, the root user included, and the mode and period of a written version cannot be relaxed.
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.auditRetentionDays)),
      // Locked objects cannot be deleted, so neither can the bucket, in any stage: it is kept when the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });
    // Object Lock keeps each version, but a put could still stack a new version on a key, and a delete could hide one
    // behind a delete marker: for everyone, a put must be conditional on the key being free (If-None-Match, so no
    // multipart uploads either) and nothing is deleted. Changing this takes a bucket policy change, which CloudTrail logs.
    this.auditArchive.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BatchesAreWrittenOnce',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.auditArchive.arnForObjects('*')],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
    this.auditArchive.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BatchesAreNeverDeleted',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.auditArchive.arnForObjects('*')],
      }),
    );

    for (const bucket of [this.accessLogs, this.staticAssets]) {
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
        Validations.of(bucket).acknowledge({
          id: `${pack}-S3DefaultEncryptionKMS`,
          reason:
            bucket === this.accessLogs
              ? 'Holds S3 server access logs only, and S3 delivers those only to buckets with SSE-S3 default encryption (SSE-KMS is not supported for server access log destinations). CloudFront\'s access log goes to a KMS-encrypted log group instead.'
              : 'Holds only public static assets (USWDS CSS, JavaScript, fonts, icons); no platform data.',
        });
      }
    }
    // Why no bucket is replicated to another region, bucket by bucket (the table is the record: point-in-time
    // recovery and AWS Backup; versioning guards every bucket's objects against overwrites and deletes).
    const noReplication = new Map<s3.Bucket, string>([
      [this.accessLogs, 'Operational access logs, kept 400 days in the stack\'s region; losing them with the region loses no platform data, and a replica would be one more copy of client addresses to protect.'],
      [this.exports, 'Its objects are built from the table (registry snapshots, report releases, warehouse datasets) by workflows that can run again; a replica would be one more place holding unsuppressed report aggregates.'],
      [this.inboundMail, `Raw email replies, read within seconds and expired after ${INBOUND_MAIL_KEPT_DAYS} days; the decisions they carry are in the table. A replica would copy reviewers' mail to another region with no recovery need.`],
      [this.auditArchive, ARCHIVE_NOT_REPLICATED],
      [this.staticAssets, 'Public build output that every deploy uploads again from the repository (BucketDeployment); nothing here exists only in the bucket.'],
    ]);
    for (const [bucket, reason] of noReplication) {
      for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
        Validations.of(bucket).acknowledge({ id: `${pack}-S3BucketReplicationEnabled`, reason });
      }
    }
  }
}
