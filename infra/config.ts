import * as z from 'zod';
import { WAREHOUSE_K_RANGE } from '#shared/warehouse/settings.ts';

/**
 * Deploy-time configuration, read from CDK context (`-c stage=prod -c domainName=...` or cdk.json).
 * Parsed once; a missing or malformed value stops synth with a message naming the key.
 */
const stageSchema = z.enum(['dev', 'staging', 'prod']);
export type Stage = z.infer<typeof stageSchema>;

const configSchema = z
  .object({
    stage: stageSchema,
    /** CloudFront serves the platform; its WAF web ACL must live in us-east-1, so the stack does too. */
    region: z.literal('us-east-1', { error: 'region must be us-east-1 (CloudFront WAF web ACLs live there)' }),
    account: z.string().regex(/^\d{12}$/, 'account must be a 12-digit AWS account id').optional(),
    /** Custom domain and its ACM certificate (us-east-1); required outside dev so TLS 1.2+ can be enforced. */
    domainName: z.string().min(3).optional(),
    certificateArn: z.string().startsWith('arn:aws:acm:us-east-1:').optional(),
    /** The address review emails and digests come from; its domain is the stack's SES identity (infra/constructs/mail-sending.ts). */
    senderAddress: z.email({ error: 'senderAddress must be an email address' }),
    /**
     * The domain of reply addresses (`reply+<id>@<inboundDomain>`): SES receives its mail (its MX record points at
     * SES inbound, and it is a verified SES identity). A domain of its own, so no other mail of the agency's passes
     * through the receipt rule.
     */
    inboundDomain: z
      .string({ error: 'inboundDomain is required outside dev (the domain of reply addresses)' })
      .regex(/^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'inboundDomain is a lowercase domain name, such as replies.safety.example.org'),
    /** Where operational alarms are sent. */
    alarmEmail: z.email({ error: 'alarmEmail must be an email address' }),
    /** Prefix of Cognito's managed login domain (<prefix>.auth.<region>.amazoncognito.com); unique in the region. */
    loginDomainPrefix: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'loginDomainPrefix is lowercase letters, digits and hyphens')
      .refine((p) => !/aws|amazon|cognito/.test(p), 'loginDomainPrefix may not contain aws, amazon or cognito'),
    logRetentionDays: z.coerce.number().int().positive(),
    /**
     * How far back the table's point-in-time restores reach (DynamoDB allows 1-35 days). A restore brings back what
     * was deleted, such as a closed survey wave's staff list (docs/survey.md): a shorter window forgets sooner.
     */
    pointInTimeRecoveryDays: z.coerce.number({ error: 'pointInTimeRecoveryDays must be a number of days' }).int().min(1, 'pointInTimeRecoveryDays is at least 1').max(35, 'pointInTimeRecoveryDays is at most 35 (the DynamoDB limit)'),
    /**
     * Which report releases run on a schedule (docs/reports.md): monthly (the 2nd of each month, for the month
     * before) and quarterly (the 2nd day after a quarter ends). Platform admins can start any period on demand.
     */
    reportCadences: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v),
      z.array(z.enum(['monthly', 'quarterly'], { error: 'reportCadences lists monthly and/or quarterly' })).refine((a) => new Set(a).size === a.length, 'reportCadences names each cadence once'),
    ),
    /**
     * Small-cell protection per dataset, as JSON: `{"default":{"threshold":10,"minIntervalWidth":5},"<dataset>":{...}}`
     * (shared/reports/settings.ts checks it at synth, so a bad value fails the deploy, not a report run).
     */
    reportProtection: z.preprocess((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v), z.optional(z.string())),
    /**
     * The most a warehouse analyst's Athena query may scan, in bytes (docs/warehouse.md, "In AWS"): the workgroup
     * cancels a query past it, which bounds the cost of one careless query. Athena's floor is 10 MB.
     */
    warehouseBytesScannedCutoff: z.coerce
      .number({ error: 'warehouseBytesScannedCutoff must be a number of bytes' })
      .int('warehouseBytesScannedCutoff is a whole number of bytes')
      .min(10_000_000, 'warehouseBytesScannedCutoff is at least 10000000 (10 MB, the Athena minimum)'),
    /** The warehouse release's k (docs/warehouse.md, "k-anonymity"): every class of quasi-identifiers has k rows or more. */
    warehouseK: z.coerce.number({ error: 'warehouseK must be a whole number' }).int('warehouseK is a whole number').min(WAREHOUSE_K_RANGE.min, `warehouseK is at least ${WAREHOUSE_K_RANGE.min}`).max(WAREHOUSE_K_RANGE.max, `warehouseK is at most ${WAREHOUSE_K_RANGE.max}`),
    /** Whether a county agency's county ships (sub-state geography: only where the partnership's agreements allow it). */
    warehouseCountyAllowed: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean({ error: 'warehouseCountyAllowed is true or false' })),
    /**
     * How long each batch of the audit archive is kept under S3 Object Lock in compliance mode (docs/audit.md): no one,
     * the root user included, can delete or overwrite it before then, and the period cannot be shortened. 6 years by
     * default (HIPAA's retention of documentation); S3 allows up to 100 years.
     */
    auditRetentionDays: z.coerce
      .number({ error: 'auditRetentionDays must be a whole number of days' })
      .int('auditRetentionDays is a whole number of days')
      .min(1, 'auditRetentionDays is at least 1')
      .max(36_500, 'auditRetentionDays is at most 36500 (100 years, the S3 Object Lock limit)'),
    /** Reserved concurrency per function: bounds blast radius and cost of a runaway caller. */
    functionConcurrency: z.coerce.number().int().min(1).max(1000),
    /**
     * Where every backup is copied outside dev (infra/backup-copy-stack.ts; docs/operations.md): a second U.S. region of
     * the commercial partition. Copies cannot leave the partition of us-east-1, and the platform serves U.S. agencies
     * only, so a region outside the U.S. would raise a data-residency question this setting must not answer alone.
     */
    backupCopyRegion: z
      .string()
      .regex(/^us-(?:east|west)-\d$/, 'backupCopyRegion is a U.S. commercial region, such as us-west-2')
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.stage !== 'dev') {
      if (!c.domainName) ctx.addIssue({ code: 'custom', path: ['domainName'], message: `domainName is required for stage ${c.stage}` });
      if (!c.certificateArn) ctx.addIssue({ code: 'custom', path: ['certificateArn'], message: `certificateArn is required for stage ${c.stage}` });
      if (c.inboundDomain.endsWith('.invalid')) ctx.addIssue({ code: 'custom', path: ['inboundDomain'], message: `inboundDomain must be a real domain for stage ${c.stage}` });
    }
    if (c.stage !== 'dev' && !c.backupCopyRegion) {
      ctx.addIssue({ code: 'custom', path: ['backupCopyRegion'], message: `backupCopyRegion is required for stage ${c.stage}` });
    }
    // Dev keeps no copy: its data is synthetic, and a copy in a locked vault would outlive a torn-down dev stack.
    if (c.stage === 'dev' && c.backupCopyRegion) {
      ctx.addIssue({ code: 'custom', path: ['backupCopyRegion'], message: 'backupCopyRegion is not used in dev (dev keeps no copy of its backups)' });
    }
    if (c.backupCopyRegion === c.region) {
      ctx.addIssue({ code: 'custom', path: ['backupCopyRegion'], message: `backupCopyRegion must differ from the stack's region (${c.region})` });
    }
    if (Boolean(c.domainName) !== Boolean(c.certificateArn)) {
      ctx.addIssue({ code: 'custom', path: ['certificateArn'], message: 'domainName and certificateArn go together' });
    }
  });

export type PlatformConfig = z.infer<typeof configSchema>;

const GIB = 1024 ** 3;
/** Six years (2192 days, leap days included): the audit archive's default Object Lock retention. */
const AUDIT_RETENTION_DAYS = 2192;

/** Defaults that make `cdk synth` work offline for a dev stage; every other stage must say more. */
const DEV_DEFAULTS = {
  stage: 'dev',
  region: 'us-east-1',
  senderAddress: 'no-reply@dev.npcs.invalid',
  inboundDomain: 'replies.dev.npcs.invalid',
  alarmEmail: 'alarms@dev.npcs.invalid',
  logRetentionDays: 30,
  pointInTimeRecoveryDays: 35,
  auditRetentionDays: AUDIT_RETENTION_DAYS,
  functionConcurrency: 10,
  warehouseBytesScannedCutoff: GIB,
  warehouseK: 5,
  warehouseCountyAllowed: false,
  reportCadences: ['monthly', 'quarterly'],
} as const;

const PROD_LIKE_DEFAULTS = { region: 'us-east-1', backupCopyRegion: 'us-west-2', logRetentionDays: 365 * 6, pointInTimeRecoveryDays: 35, auditRetentionDays: AUDIT_RETENTION_DAYS, functionConcurrency: 50, warehouseBytesScannedCutoff: GIB, warehouseK: 5, warehouseCountyAllowed: false, reportCadences: ['monthly', 'quarterly'] } as const;

export function loadConfig(context: (key: string) => unknown): PlatformConfig {
  const stage = (context('stage') ?? 'dev') as string;
  const defaults = stage === 'dev' ? DEV_DEFAULTS : PROD_LIKE_DEFAULTS;
  const keys = ['stage', 'region', 'account', 'domainName', 'certificateArn', 'senderAddress', 'inboundDomain', 'alarmEmail', 'loginDomainPrefix', 'logRetentionDays', 'pointInTimeRecoveryDays', 'auditRetentionDays', 'functionConcurrency', 'warehouseBytesScannedCutoff', 'warehouseK', 'warehouseCountyAllowed', 'reportCadences', 'reportProtection', 'backupCopyRegion'] as const;
  const raw: Record<string, unknown> = { ...defaults, stage, loginDomainPrefix: `npcs-platform-${stage}` };
  for (const key of keys) {
    const value = context(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || 'config'}: ${i.message}`).join('\n');
    throw new Error(`Invalid deploy configuration (CDK context):\n${problems}`);
  }
  return parsed.data;
}
