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
import { jurisdictionIdSchema, leadingKeyPatterns, type JurisdictionId } from './keys.ts';

export type PolicyAccess = 'read' | 'write';

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
  if (opts.access !== 'read' && opts.access !== 'write') throw new Error('access is "read" or "write"');
  const actions = opts.access === 'write' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : [...READ_ACTIONS];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'JurisdictionItemsOnly',
        Effect: 'Allow',
        Action: actions,
        Resource: opts.tableArn,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.jurisdiction(id) },
          // Without a leading key ForAllValues would hold vacuously.
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      },
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
