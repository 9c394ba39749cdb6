import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { leadingKeyPatterns } from '#shared/storage/keys.ts';
import { READ_ACTIONS, WRITE_ACTIONS } from '#shared/storage/session-policy.ts';
import { SESSION_SECONDS } from '#shared/storage/jurisdiction-credentials.ts';
import { ManagedPolicyRole } from './managed-policy-role.ts';

/**
 * The data-access role behind per-jurisdiction credentials (shared/storage/jurisdiction-credentials.ts, docs/records.md):
 * the functions that serve one jurisdiction's records assume it with a session policy confined to that jurisdiction's
 * keys, and only they may (its trust policy names their roles). The role itself reaches jurisdiction items and nothing
 * else (no index, no Scan, no PartiQL, no delete, no session or partnership item, no change to an audit event); the
 * session policy narrows it to one jurisdiction.
 */
export class JurisdictionDataAccess extends Construct {
  readonly role: ManagedPolicyRole;
  readonly table: dynamodb.ITableV2;

  constructor(scope: Construct, id: string, props: { table: dynamodb.ITableV2; key: kms.IKey; trusted: readonly iam.IRole[] }) {
    super(scope, id);
    this.table = props.table;
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.CompositePrincipal(...props.trusted.map((r) => new iam.ArnPrincipal(r.roleArn))),
      description: "Reaches one jurisdiction's items, as the session policy of each AssumeRole says",
      maxSessionDuration: Duration.seconds(SESSION_SECONDS),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...READ_ACTIONS, ...WRITE_ACTIONS],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringNotLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.notJurisdiction },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns.audit } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [props.key.keyArn] }),
    );
  }
}
