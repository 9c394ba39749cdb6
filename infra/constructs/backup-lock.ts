import { Duration } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';

/**
 * The backup plan's rules (infra/constructs/data.ts) and how long each kind of recovery point is kept: in the
 * table's vault, and as a copy in the second region outside dev (infra/backup-copy-stack.ts). Both vaults' locks are
 * derived from these numbers, so a lock can never refuse (or outlast) what the plan asks for.
 */
export const BACKUP_RULES = [
  { ruleName: 'Daily', schedule: events.Schedule.cron({ hour: '5', minute: '0' }), keepDays: 35, copyKeepDays: 35 },
  { ruleName: 'Monthly', schedule: events.Schedule.cron({ day: '1', hour: '5', minute: '0' }), keepDays: 365, copyKeepDays: 365 },
] as const;

/**
 * Vault Lock's two modes. Governance: people with the right IAM permissions may still delete recovery points or
 * remove the lock (dev, where tearing a stack down must stay possible). Compliance: after the grace period nobody,
 * not even the account's root user, can shorten a retention, delete a recovery point early or remove the lock.
 */
export type VaultLockMode = 'governance' | 'compliance';

/**
 * Days a compliance lock can still be changed or removed after it is set (AWS's minimum is 3): time to notice a
 * mistake in a first deploy. After that the lock is immutable.
 */
export const COMPLIANCE_GRACE_DAYS = 3;

/**
 * The lock of a vault that keeps recovery points for `keepDays` (one entry per rule): minimum retention = the shortest
 * rule, maximum = the longest. A rule outside [min, max] would make every backup (or copy) job of that rule fail.
 */
export function vaultLock(keepDays: readonly number[], mode: VaultLockMode): backup.LockConfiguration {
  const min = Math.min(...keepDays);
  const max = Math.max(...keepDays);
  // AWS wants max > min; a single retention still locks to exactly that many days from below.
  return {
    minRetention: Duration.days(min),
    maxRetention: Duration.days(max > min ? max : min + 1),
    ...(mode === 'compliance' ? { changeableFor: Duration.days(COMPLIANCE_GRACE_DAYS) } : {}),
  };
}
