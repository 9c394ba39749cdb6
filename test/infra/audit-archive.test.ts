import { describe, expect, it } from 'vitest';
import { Buckets } from '#infra/constructs/buckets.ts';
import { Data } from '#infra/constructs/data.ts';
import {
  allowStatementsOfRole,
  allows,
  asArray,
  child,
  errorOf,
  fn,
  logicalIdOf,
  resources,
  roleOf,
  statementsOfRole,
  synth,
  SKIP_BUNDLING,
  SYNTH_TIMEOUT,
  type Props,
} from './helpers.ts';
import { buildApp } from '#infra/build-app.ts';
import { loadConfig } from '#infra/config.ts';

describe('the audit archive (docs/audit.md)', () => {
  const { stack, template } = synth();
  const buckets = child(stack, 'Buckets', Buckets);
  const archiveId = logicalIdOf(buckets.auditArchive);
  const keyId = logicalIdOf(child(stack, 'Data', Data).key);
  const tableId = logicalIdOf(child(stack, 'Data', Data).table);
  const archive = resources(template, 'AWS::S3::Bucket')[archiveId]!;
  const archiveFn = fn(template, 'audit-archive');

  it('the bucket: Object Lock in compliance mode for 2192 days (6 years) by default, KMS under the platform key, kept when the stack goes', () => {
    expect(archive.Properties?.ObjectLockEnabled).toBe(true);
    expect(archive.Properties?.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2192 } } });
    expect(archive.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(archive.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(archive.DeletionPolicy).toBe('Retain');
    // No auto-delete custom resource: it could not delete locked objects and would fail the stack's deletion.
    const autoDelete = Object.values(resources(template, 'Custom::S3AutoDeleteObjects')).filter((r) => JSON.stringify(r.Properties?.BucketName).includes(archiveId));
    expect(autoDelete).toHaveLength(0);
  });

  it('its bucket policy: for everyone, a put only if the key is free, and no delete of any object or version', () => {
    const policy = Object.values(resources(template, 'AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: archiveId }));
    const statements = asArray(policy?.Properties?.PolicyDocument?.Statement) as Props[];
    const objects = [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [archiveId, 'Arn'] }, '/*']] }];
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'BatchesAreWrittenOnce', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Condition: { Null: { 's3:if-none-match': 'true' } } }),
        expect.objectContaining({ Sid: 'BatchesAreNeverDeleted', Effect: 'Deny', Principal: { AWS: '*' }, Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'] }),
      ]),
    );
    for (const sid of ['BatchesAreWrittenOnce', 'BatchesAreNeverDeleted']) expect(asArray(statements.find((st) => st.Sid === sid)?.Resource)).toEqual(objects);
  });

  it(
    'the retention is a setting, checked at synth',
    () => {
      expect(loadConfig((k) => (k === 'auditRetentionDays' ? '3650' : undefined)).auditRetentionDays).toBe(3650);
      const build = (value: unknown) => () => buildApp({ context: { ...SKIP_BUNDLING, auditRetentionDays: value } });
      expect(errorOf(build(0))).toMatch(/auditRetentionDays: auditRetentionDays is at least 1/);
      expect(errorOf(build('6 years'))).toMatch(/auditRetentionDays must be a whole number of days/);
      expect(errorOf(build(2.5))).toMatch(/auditRetentionDays is a whole number of days/);
      expect(errorOf(build(40_000))).toMatch(/auditRetentionDays is at most 36500/);
      const { template: t } = synth({ auditRetentionDays: 30 });
      const [bucket] = Object.values(resources(t, 'AWS::S3::Bucket')).filter((b) => b.Properties?.ObjectLockEnabled);
      expect(bucket?.Properties?.ObjectLockConfiguration?.Rule?.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 30 });
    },
    SYNTH_TIMEOUT,
  );

  it('the function runs on new audit items only (both kinds), retried, then parked in its dead-letter queue, which alarms', () => {
    const mappings = Object.values(resources(template, 'AWS::Lambda::EventSourceMapping')).filter((m) => JSON.stringify(m.Properties?.FunctionName).includes(archiveFn.logicalId));
    expect(mappings).toHaveLength(1);
    const p = mappings[0]!.Properties as Props;
    expect(p.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['audit', 'partnership_audit'] } } } },
    ]);
    expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(p.MaximumRetryAttempts).toBe(10);
    expect(p.BisectBatchOnFunctionError).toBe(true);
    const queueArn = p.DestinationConfig?.OnFailure?.Destination;
    const queueId = queueArn?.['Fn::GetAtt']?.[0] as string;
    expect(resources(template, 'AWS::SQS::Queue')[queueId]?.Properties?.KmsMasterKeyId).toBeDefined();
    const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties?.Dimensions).includes(queueId),
    );
    expect(alarms).toHaveLength(1);
    // One message is enough (anyOccurrenceAlarm).
    expect(alarms[0]!.Properties?.Threshold).toBe(1);
    expect(alarms[0]!.Properties?.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    expect(asArray(alarms[0]!.Properties?.AlarmActions)).toHaveLength(1);
  });

  it('its grants: get and put of the chains\' heads only in the table; get and put of chain objects only in the bucket; no delete anywhere', () => {
    const statements = allowStatementsOfRole(template, roleOf(archiveFn));
    const items = statements.filter((s) => ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'].some((a) => allows(s, a)));
    expect(items).toHaveLength(1);
    expect(items[0]!.Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(items[0]!.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['PARTNERSHIP#AUDIT_CHAIN'] } });
    expect(JSON.stringify(items[0]!.Resource)).toContain(tableId);
    const objects = statements.filter((s) => allows(s, 's3:PutObject') || allows(s, 's3:GetObject'));
    expect(objects).toHaveLength(1);
    expect(objects[0]!.Action).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(asArray(objects[0]!.Resource))).toBe(JSON.stringify([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [archiveId, 'Arn'] }, '/audit-chain/*']] }]));
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:BypassGovernanceRetention', 's3:PutBucketObjectLockConfiguration', 'dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:UpdateItem']) {
      expect(statements.some((s) => allows(s, action)), action).toBe(false);
    }
    // Like every writer, it is denied changes of audit items, and the table's items are otherwise out of its reach.
    const denies = statementsOfRole(template, roleOf(archiveFn)).filter((s) => s.Effect === 'Deny');
    expect(denies.map((s) => s.Condition?.['ForAnyValue:StringLike']?.['dynamodb:LeadingKeys'])).toEqual([['*#AUDIT']]);
    expect((archiveFn.props.Environment?.Variables as Props).AUDIT_ARCHIVE_BUCKET).toEqual({ Ref: archiveId });
  });
});
