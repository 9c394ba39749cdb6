import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface DataEventsTrailProps {
  /** The table whose item-level calls are recorded. */
  readonly table: dynamodb.ITableV2;
  /** Where the trail bucket's own server access logs go. */
  readonly accessLogs: s3.IBucket;
  /** How long the log files are kept. */
  readonly retentionDays: number;
}

/**
 * A CloudTrail trail of data events: every item-level call on the table (GetItem, Query, PutItem, ...) and every
 * object-level call on the stack's buckets (GetObject, PutObject, ...), with who made it. Management events are not
 * selected (CloudTrail's event history keeps them). Log files are KMS-encrypted with a key of their own, validated
 * by digest files, and kept in a bucket that nobody can delete from (only its lifecycle expires files).
 */
export class DataEventsTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DataEventsTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // A key of its own: reading the trail is the security team's business, not every holder of the data key.
    this.key = new kms.Key(this, 'Key', { description: 'Encrypts the CloudTrail data-event log files', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    const trailArns = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: '*' });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailArns }, StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/cloudtrail/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(props.retentionDays), noncurrentVersionExpiration: Duration.days(props.retentionDays) }],
    });
    // Nobody deletes a log file or a version of one, whatever their IAM rights; the lifecycle rule (not subject to
    // bucket policies) expires them after the retention.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.bucket,
      encryptionKey: this.key,
      enableFileValidation: true,
      // The table and buckets live in the stack's region; global service events are management events.
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
    });
    const cfn = this.trail.node.defaultChild as cloudtrail.CfnTrail;
    cfn.addPropertyDeletionOverride('EventSelectors');
    cfn.advancedEventSelectors = [
      {
        name: 'Item-level calls on the platform table',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
          { field: 'resources.ARN', equalTo: [props.table.tableArn] },
        ],
      },
      {
        name: "Object-level calls on the stack's buckets",
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
          // Every bucket of the stack, also those added after this construct, but not the trail's own (its log
          // files would record their own writing without end).
          { field: 'resources.ARN', startsWith: Lazy.list({ produce: () => this.recordedBuckets().map((b) => `${b.bucketArn}/`) }) },
        ],
      },
    ];

    const noCloudWatch =
      'The log files in S3 are the record: KMS-encrypted, digest-validated, undeletable until their retention ends. Data events are the trail\'s whole content and high in volume; a CloudWatch Logs copy would double the cost and the places that hold who read what.';
    for (const rule of ['HIPAA.Security-CloudTrailCloudWatchLogsEnabled', 'NIST.800.53.R5-CloudTrailCloudWatchLogsEnabled']) {
      Validations.of(this.trail).acknowledge({ id: rule, reason: noCloudWatch });
    }
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5']) {
      Validations.of(this.bucket).acknowledge({
        id: `${pack}-S3BucketReplicationEnabled`,
        reason: 'The trail records calls in this region only; its files are versioned and undeletable here. A copy elsewhere would be one more place holding who read which record.',
      });
    }
  }

  /** Every bucket of the stack but the trail's own, by construct (the template's buckets). */
  recordedBuckets(): s3.Bucket[] {
    return Stack.of(this)
      .node.findAll()
      .filter((c): c is s3.Bucket => c instanceof s3.Bucket && c !== this.bucket);
  }
}
