import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { BACKUP_RULES, vaultLock } from './constructs/backup-lock.ts';

/**
 * The second region's backup vault (outside dev): the platform stack's backup plan copies every recovery point here,
 * so a backup survives the loss of us-east-1. A stack of its own because a vault and its key live in one region;
 * `cdk deploy --all` deploys it before the platform stack, which depends on it.
 *
 * The platform stack names this vault by ARN (built from `vaultName`, a plain string computed at synth), not by a
 * cross-stack reference: CloudFormation exports do not cross regions, and CDK's cross-region references would add a
 * custom resource (a Lambda function) to both stacks for one string that never changes.
 */
export class BackupCopyStack extends Stack {
  readonly vaultName: string;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    // Recovery points are encrypted with a key of this region: a copy must not depend on us-east-1's key to be read.
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the copies of the platform backups in the second region',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: vaultLock(BACKUP_RULES.map((r) => r.copyKeepDays), 'compliance'),
    });
    this.vaultName = (vault.node.defaultChild as backup.CfnBackupVault).backupVaultName;
  }
}
