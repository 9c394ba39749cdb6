/**
 * An IAM policy that confines a credential to one jurisdiction's items, e.g. as the session policy of an STS
 * AssumeRole (the session gets the INTERSECTION of the role's policies and this one).
 *
 * - dynamodb:LeadingKeys, ForAllValues:StringLike [`<id>`, `<id>#*`]: every partition key the request touches is
 *   the jurisdiction's. Jurisdiction ids contain no `#` and no wildcard characters, so `ky#*` never matches
 *   `ky-dcbs#...`. ForAllValues is also true for a request with NO leading key (Scan has none), so the policy
 *   pairs it with a Null check and allows only item actions that carry a key: no Scan, no PartiQL, no Delete.
 * - Resource is the table ARN only, so index queries (gsi1 mixes jurisdictions) are not allowed.
 * - Transactions are authorized per item action (PutItem, UpdateItem, ConditionCheckItem), so they need no action
 *   of their own and are confined the same way.
 * - KMS is left to the role: DynamoDB uses the table key on the caller's behalf (kms:ViaService), and the role's
 *   own policy names the key; this policy only lets that through.
 */
import { jurisdictionIdSchema, keys, leadingKeyPatterns, partitions, type JurisdictionId } from './keys.ts';

/**
 * What a credential may do in its jurisdiction:
 * - `write`: every partition, read and write (the jurisdiction's own people: submitters, reviewers, admins);
 * - `read`: every partition, read only;
 * - `partnership`: read only, and only the partitions partnership-wide work reads (the profile, the audit log, the
 *   survey's waves and frozen results, the published notices and the answers to partners' notices): never a record,
 *   a survey response, a person or an emailed link (partnership leads);
 * - `registry`: `partnership`, plus writing the profile and appending to the audit log (platform admins keep the
 *   registry: docs/auth.md).
 */
export const POLICY_ACCESSES = ['read', 'write', 'partnership', 'registry'] as const;
export type PolicyAccess = (typeof POLICY_ACCESSES)[number];

/** The partitions `partnership` and `registry` credentials read, as suffixes of the jurisdiction's key (none: the profile). */
export const PARTNERSHIP_READ_PARTITIONS = [undefined, partitions.audit, partitions.survey, partitions.published, partitions.noticeAnswers] as const;
/** The partitions `registry` credentials write. */
export const REGISTRY_WRITE_PARTITIONS = [undefined, partitions.audit] as const;

const exactKeys = (id: JurisdictionId, suffixes: readonly (string | undefined)[]) =>
  suffixes.map((s) => (s === undefined ? keys.jurisdictionProfile(id).pk : keys.owned(id, s)));

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'] as const;
export const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
/** Actions without a leading key or beyond items: denied outright, whatever the role allows. */
export const DENIED_ACTIONS = ['dynamodb:Scan', 'dynamodb:PartiQL*', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/;

export function jurisdictionSessionPolicy(opts: { tableArn: string; jurisdictionId: JurisdictionId; access: PolicyAccess }): PolicyDocument {
  const id = jurisdictionIdSchema.parse(opts.jurisdictionId);
  if (!TABLE_ARN.test(opts.tableArn)) throw new Error('tableArn must be a DynamoDB table ARN (not an index or a wildcard)');
  if (!(POLICY_ACCESSES as readonly string[]).includes(opts.access)) throw new Error(`access is one of ${POLICY_ACCESSES.join(', ')}`);
  const itemsOnly = (sid: string, actions: readonly string[], leadingKeys: string[]): PolicyStatement => ({
    Sid: sid,
    Effect: 'Allow',
    Action: [...actions],
    Resource: opts.tableArn,
    Condition: {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys },
      // Without a leading key ForAllValues would hold vacuously.
      Null: { 'dynamodb:LeadingKeys': 'false' },
    },
  });
  const allows: PolicyStatement[] =
    opts.access === 'write'
      ? [itemsOnly('JurisdictionItemsOnly', [...READ_ACTIONS, ...WRITE_ACTIONS], leadingKeyPatterns.jurisdiction(id))]
      : opts.access === 'read'
        ? [itemsOnly('JurisdictionItemsOnly', READ_ACTIONS, leadingKeyPatterns.jurisdiction(id))]
        : [
            itemsOnly('PartnershipReads', READ_ACTIONS, exactKeys(id, PARTNERSHIP_READ_PARTITIONS)),
            ...(opts.access === 'registry' ? [itemsOnly('RegistryWrites', WRITE_ACTIONS, exactKeys(id, REGISTRY_WRITE_PARTITIONS))] : []),
          ];
  return {
    Version: '2012-10-17',
    Statement: [
      ...allows,
      { Sid: 'NoScanPartiQLOrDelete', Effect: 'Deny', Action: [...DENIED_ACTIONS], Resource: '*' },
      { Sid: 'NoIndexes', Effect: 'Deny', Action: ['dynamodb:*'], Resource: `${opts.tableArn}/index/*` },
      {
        Sid: 'TableKeyLeftToRole',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } },
      },
    ],
  };
}
