import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { GSI1 } from '#shared/storage/keys.ts';
import { BACKUP_RULES, vaultLock, type VaultLockMode } from './backup-lock.ts';

export interface DataProps {
  /** Outside dev the table and key are kept when the stack is deleted, and the table has deletion protection. */
  readonly retain: boolean;
  /** Days point-in-time restores reach back (1-35; infra/config.ts). */
  readonly pointInTimeRecoveryDays: number;
  /** The backup vault's lock: governance in dev, compliance elsewhere (infra/constructs/backup-lock.ts). */
  readonly vaultLock: VaultLockMode;
  /** The vault in the second region every backup is copied to (outside dev: infra/backup-copy-stack.ts). */
  readonly copyTo?: { readonly region: string; readonly vaultName: string };
}

/**
 * The data key and the one table. Every jurisdiction-owned item's partition key starts with the jurisdiction id
 * (see shared/storage/keys.ts), so that dynamodb:LeadingKeys can confine a credential to one jurisdiction.
 */
export class Data extends Construct {
  readonly key: kms.Key;
  readonly table: dynamodb.TableV2;
  /** Where the table's backups are kept in the stack's region. */
  readonly vault: backup.BackupVault;
  /** Global secondary indexes of the table, for least-privilege grants. */
  readonly indexNames = [GSI1.name] as const;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const { region, account } = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the platform data: table, buckets, logs, queues, topics',
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch Logs encrypts log groups with this key, but only for log groups of this account and region.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` } },
      }),
    );

    // CloudWatch alarms publish to the encrypted alarm topic, and SNS moves undeliverable notifications to an
    // encrypted queue: both services need the key, and only on behalf of this account.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: props.pointInTimeRecoveryDays },
      deletionProtection: props.retain,
      timeToLiveAttribute: 'expiresAt',
      // The table's change log: what a submission committed starts its review workflow (functions/review-start),
      // so the start cannot be lost between the commit and a call the submitting function makes.
      dynamoStream: dynamodb.StreamViewType.NEW_IMAGE,
      removalPolicy,
      globalSecondaryIndexes: [
        {
          // Partnership-wide listings (the jurisdictions registry, later safety notices) by kind.
          indexName: GSI1.name,
          partitionKey: { name: GSI1.pk, type: dynamodb.AttributeType.STRING },
          sortKey: { name: GSI1.sk, type: dynamodb.AttributeType.STRING },
        },
      ],
    });

    // Daily backups kept 35 days and monthly kept a year, on top of point-in-time recovery; outside dev each is
    // also copied to the second region. The vault is locked, so no one can delete a recovery point early.
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: this.key,
      removalPolicy,
      lockConfiguration: vaultLock(BACKUP_RULES.map((r) => r.keepDays), props.vaultLock),
    });
    const plan = new backup.BackupPlan(this, 'Backups', { backupVault: this.vault });
    const copyVault = props.copyTo
      ? backup.BackupVault.fromBackupVaultArn(
          this,
          'CopyVault',
          Stack.of(this).formatArn({ region: props.copyTo.region, service: 'backup', resource: 'backup-vault', resourceName: props.copyTo.vaultName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        )
      : undefined;
    for (const rule of BACKUP_RULES) {
      plan.addRule(
        new backup.BackupPlanRule({
          ruleName: rule.ruleName,
          scheduleExpression: rule.schedule,
          deleteAfter: Duration.days(rule.keepDays),
          copyActions: copyVault ? [{ destinationBackupVault: copyVault, deleteAfter: Duration.days(rule.copyKeepDays) }] : undefined,
        }),
      );
    }
    plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(this.table)] });
    Validations.of(plan).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup needs its service-managed policy AWSBackupServiceRolePolicyForBackup to back the table up (and, outside dev, to copy each backup to the second region\'s vault).',
    });
  }
}
