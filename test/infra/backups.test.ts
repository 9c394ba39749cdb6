import * as s3 from 'aws-cdk-lib/aws-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { COMPLIANCE_GRACE_DAYS } from '#infra/constructs/backup-lock.ts';
import { Data } from '#infra/constructs/data.ts';
import { PROD_CONTEXT, SKIP_BUNDLING, SYNTH_TIMEOUT, child, errorOf, logicalIdOf, refOf, resources, type Props } from './helpers.ts';

interface Lock {
  MinRetentionDays: number;
  MaxRetentionDays?: number;
  ChangeableForDays?: number;
}

interface Rule {
  RuleName: string;
  Lifecycle?: { DeleteAfterDays?: number };
  TargetBackupVault: unknown;
  CopyActions?: { DestinationBackupVaultArn: unknown; Lifecycle?: { DeleteAfterDays?: number } }[];
}

/**
 * What AWS Backup would refuse: a recovery point kept for fewer days than the vault's minimum retention, more than its
 * maximum, or forever (no deletion: a lock with a maximum fails such jobs).
 */
function lockProblems(lock: Lock, keptDays: Record<string, number | undefined>): string[] {
  return Object.entries(keptDays).flatMap(([what, days]) => {
    if (days === undefined) return [`${what} is kept forever`];
    if (days < lock.MinRetentionDays) return [`${what} keeps ${days} days, under the lock's minimum ${lock.MinRetentionDays}`];
    if (lock.MaxRetentionDays !== undefined && days > lock.MaxRetentionDays) return [`${what} keeps ${days} days, over the lock's maximum ${lock.MaxRetentionDays}`];
    return [];
  });
}

/** Dev, and prod: the app's stacks and the backup resources of each. */
function synthStage(context: Record<string, unknown>) {
  const { app, stack, backupCopyStack } = buildApp({ context: { ...SKIP_BUNDLING, ...context } });
  const template = Template.fromStack(stack);
  const data = child(stack, 'Data', Data);
  const vaults = resources(template, 'AWS::Backup::BackupVault');
  const plans = Object.values(resources(template, 'AWS::Backup::BackupPlan'));
  expect(plans).toHaveLength(1);
  const rules = plans[0]!.Properties?.BackupPlan?.BackupPlanRule as Rule[];
  const vault = vaults[logicalIdOf(data.vault)]!;
  return { app, stack, backupCopyStack, template, vaults, rules, vault, vaultLock: vault.Properties?.LockConfiguration as Lock };
}

describe('backups: locked vaults, and a copy in a second region outside dev', () => {
  it('the lock agreement check finds a rule outside the lock (so the tests below can fail)', () => {
    const lock = { MinRetentionDays: 35, MaxRetentionDays: 365 };
    expect(lockProblems(lock, { Daily: 35, Monthly: 365 })).toEqual([]);
    expect(lockProblems(lock, { Weekly: 7, Yearly: 400, Forever: undefined })).toEqual([
      "Weekly keeps 7 days, under the lock's minimum 35",
      "Yearly keeps 400 days, over the lock's maximum 365",
      'Forever is kept forever',
    ]);
  });

  describe('dev', () => {
    const dev = synthStage({});

    it('has one stack: no copy in a second region (synthetic data; a locked copy would outlive the stack)', () => {
      expect(dev.backupCopyStack).toBeUndefined();
      expect(dev.app.node.children.filter((c) => c.constructor.name.endsWith('Stack'))).toHaveLength(1);
      for (const rule of dev.rules) expect(rule.CopyActions ?? []).toEqual([]);
    });

    it('the vault is locked in governance mode (no grace period that would make it immutable)', () => {
      expect(dev.vaultLock).toBeDefined();
      expect(dev.vaultLock.ChangeableForDays).toBeUndefined();
    });

    it('the stack outputs what a restore needs: the data key and the vault (docs/operations.md)', () => {
      const data = child(dev.stack, 'Data', Data);
      const outputs = (dev.template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs;
      expect(refOf(outputs.DataKeyArn?.Value)).toBe(logicalIdOf(data.key));
      expect(refOf(outputs.BackupVaultName?.Value)).toBe(logicalIdOf(data.vault));
      expect(refOf(outputs.TableName?.Value)).toBe(logicalIdOf(data.table));
    });

    it("every rule writes into the locked vault and agrees with the lock's retentions", () => {
      expect(dev.rules.length).toBeGreaterThan(0);
      for (const rule of dev.rules) expect(refOf(rule.TargetBackupVault)).toBe(logicalIdOf(child(dev.stack, 'Data', Data).vault));
      expect(lockProblems(dev.vaultLock, Object.fromEntries(dev.rules.map((r) => [r.RuleName, r.Lifecycle?.DeleteAfterDays])))).toEqual([]);
    });
  });

  describe('prod', () => {
    const prod = synthStage(PROD_CONTEXT);
    const copyStack = prod.backupCopyStack!;
    const copyTemplate = Template.fromStack(copyStack);
    const copyVaults = Object.values(resources(copyTemplate, 'AWS::Backup::BackupVault'));
    const copyVault = copyVaults[0]!;
    const copyLock = copyVault.Properties?.LockConfiguration as Lock;

    it('the vault is locked in compliance mode, changeable only during the grace period', () => {
      expect(prod.vaultLock.ChangeableForDays).toBe(COMPLIANCE_GRACE_DAYS);
      expect(COMPLIANCE_GRACE_DAYS).toBeGreaterThanOrEqual(3);
      expect(lockProblems(prod.vaultLock, Object.fromEntries(prod.rules.map((r) => [r.RuleName, r.Lifecycle?.DeleteAfterDays])))).toEqual([]);
    });

    it('a second stack in the copy region (us-west-2 by default) holds one vault, locked in compliance mode, encrypted with its own rotating key', () => {
      expect(copyStack.region).toBe('us-west-2');
      expect(copyStack.region).not.toBe(prod.stack.region);
      expect(copyVaults).toHaveLength(1);
      expect(copyLock.ChangeableForDays).toBe(COMPLIANCE_GRACE_DAYS);
      const keyId = refOf(copyVault.Properties?.EncryptionKeyArn);
      const key = keyId ? resources(copyTemplate, 'AWS::KMS::Key')[keyId] : undefined;
      expect(key?.Properties?.EnableKeyRotation).toBe(true);
      expect(key?.DeletionPolicy).toBe('Retain');
      expect(copyVault.DeletionPolicy).toBe('Retain');
    });

    it('every rule copies to that vault, with a retention its lock accepts', () => {
      const vaultName = copyVault.Properties?.BackupVaultName as string;
      expect(vaultName).toBe(copyStack.vaultName);
      for (const rule of prod.rules) {
        expect(rule.CopyActions, rule.RuleName).toHaveLength(1);
        const destination = JSON.stringify(rule.CopyActions![0]!.DestinationBackupVaultArn);
        expect(destination).toContain(`:backup:${copyStack.region}:`);
        expect(destination).toContain(`:backup-vault:${vaultName}`);
      }
      expect(lockProblems(copyLock, Object.fromEntries(prod.rules.map((r) => [`copy of ${r.RuleName}`, r.CopyActions?.[0]?.Lifecycle?.DeleteAfterDays])))).toEqual([]);
    });

    it('the platform stack depends on the copy stack, so `cdk deploy --all` creates the vault first', () => {
      expect(prod.stack.dependencies).toContain(copyStack);
    });

    it('with an explicit account and copy region, the destination names them (no account token)', () => {
      const { rules, backupCopyStack } = synthStage({ ...PROD_CONTEXT, account: '123456789012', backupCopyRegion: 'us-east-2' });
      expect(backupCopyStack?.region).toBe('us-east-2');
      for (const rule of rules) {
        const destination = JSON.stringify(rule.CopyActions![0]!.DestinationBackupVaultArn);
        expect(destination).toContain(`:backup:us-east-2:123456789012:backup-vault:${backupCopyStack!.vaultName}`);
        expect(destination).not.toContain('AWS::AccountId');
      }
    });

    it('cdk-nag checks the copy stack too: a finding there fails synth', () => {
      const { app, backupCopyStack } = buildApp({ context: { ...SKIP_BUNDLING, ...PROD_CONTEXT, '@aws-cdk/core:appMode': 'inmemory' } });
      new s3.CfnBucket(backupCopyStack!, 'UnsafeBucket', {});
      const message = errorOf(() => app.synth());
      expect(message).toContain('Npcs-prod-BackupCopy/UnsafeBucket');
      expect(message).toContain('AwsSolutions-S1');
    }, SYNTH_TIMEOUT);
  });

  describe('the backupCopyRegion setting', () => {
    const build = (context: Props) => () => buildApp({ context: { ...SKIP_BUNDLING, ...context } });
    it('is refused in dev, equal to the stack region, or outside the U.S. commercial regions', () => {
      expect(errorOf(build({ backupCopyRegion: 'us-west-2' }))).toMatch(/backupCopyRegion: backupCopyRegion is not used in dev/);
      expect(errorOf(build({ ...PROD_CONTEXT, backupCopyRegion: 'us-east-1' }))).toMatch(/backupCopyRegion: backupCopyRegion must differ from the stack's region \(us-east-1\)/);
      expect(errorOf(build({ ...PROD_CONTEXT, backupCopyRegion: 'eu-west-1' }))).toMatch(/backupCopyRegion is a U.S. commercial region/);
      expect(errorOf(build({ ...PROD_CONTEXT, backupCopyRegion: 'us-gov-west-1' }))).toMatch(/backupCopyRegion is a U.S. commercial region/);
    });
  });
}, SYNTH_TIMEOUT);
