import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Data } from '#infra/constructs/data.ts';
import { child, logicalIdOf, referencedIds, resources, synth } from './helpers.ts';

describe('data: the one table and its key', () => {
  const { stack, template } = synth();
  const data = child(stack, 'Data', Data);
  const tableId = logicalIdOf(data.table);
  const keyId = logicalIdOf(data.key);

  it('there is exactly one table', () => {
    const tables = { ...resources(template, 'AWS::DynamoDB::Table'), ...resources(template, 'AWS::DynamoDB::GlobalTable') };
    expect(Object.keys(tables)).toEqual([tableId]);
  });

  it('is on-demand, with PITR and SSE under the customer-managed key', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          }),
        ],
      }),
    });
  });

  it('has pk/sk keys and the gsi1 index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
    expect(data.indexNames).toContain('gsi1');
  });

  it('the key rotates', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(resources(template, 'AWS::KMS::Key')[keyId]?.Properties?.EnableKeyRotation).toBe(true);
  });

  it('a backup plan selects the table, into a vault encrypted with the key', () => {
    const selections = Object.values(resources(template, 'AWS::Backup::BackupSelection'));
    const selecting = selections.filter((s) => referencedIds(s.Properties?.BackupSelection?.Resources).has(tableId));
    expect(selecting).toHaveLength(1);
    const planId = [...referencedIds(selecting[0]?.Properties?.BackupPlanId)][0];
    const plan = planId ? resources(template, 'AWS::Backup::BackupPlan')[planId] : undefined;
    expect(plan, 'selection belongs to a backup plan').toBeDefined();
    const rules = plan?.Properties?.BackupPlan?.BackupPlanRule as { Lifecycle?: { DeleteAfterDays?: number } }[];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.Lifecycle?.DeleteAfterDays).toBeGreaterThanOrEqual(35);
    template.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });
});
