import { describe, expect, it } from 'vitest';
import { Data } from '#infra/constructs/data.ts';
import { asArray, child, logicalIdOf, PROD_CONTEXT, refOf, referencedIds, resources, synth, type Props } from './helpers.ts';

describe('CloudTrail data events (table and buckets)', () => {
  it('are off in dev (billed per event; dev holds no real cases)', () => {
    const { template } = synth();
    expect(Object.keys(resources(template, 'AWS::CloudTrail::Trail'))).toEqual([]);
  });

  describe.each([
    ['staging', { ...PROD_CONTEXT, stage: 'staging' }],
    ['prod', PROD_CONTEXT],
  ])('the %s stage', (_stage, context) => {
    const { stack, template } = synth(context);
    const trails = Object.values(resources(template, 'AWS::CloudTrail::Trail')).map((t) => t.Properties ?? {});
    const trail = trails[0] ?? {};
    const all = resources(template);
    const bucketId = refOf(trail.S3BucketName) ?? '';
    const keyId = refOf(trail.KMSKeyId) ?? '';

    it('has one trail, logging, with log file validation, encrypted with a rotating key of its own', () => {
      expect(trails).toHaveLength(1);
      expect(trail).toMatchObject({ IsLogging: true, EnableLogFileValidation: true });
      expect(all[keyId]?.Type).toBe('AWS::KMS::Key');
      expect(all[keyId]?.Properties?.EnableKeyRotation).toBe(true);
      expect(keyId).not.toBe(logicalIdOf(child(stack, 'Data', Data).key));
      const statements = asArray(all[keyId]?.Properties?.KeyPolicy?.Statement) as Props[];
      const cloudTrailUse = statements.find((s) => s.Principal?.Service === 'cloudtrail.amazonaws.com' && asArray(s.Action).includes('kms:GenerateDataKey*'));
      expect(JSON.stringify(cloudTrailUse?.Condition)).toContain('kms:EncryptionContext:aws:cloudtrail:arn');
    });

    it('records every item-level call on the table and nothing but data events', () => {
      expect(trail.EventSelectors).toBeUndefined();
      const selectors = trail.AdvancedEventSelectors as Props[];
      for (const s of selectors) expect(s.FieldSelectors).toContainEqual({ Field: 'eventCategory', Equals: ['Data'] });
      const table = selectors.find((s) => JSON.stringify(s.FieldSelectors).includes('AWS::DynamoDB::Table'));
      const arn = (table?.FieldSelectors as Props[]).find((f) => f.Field === 'resources.ARN');
      expect(asArray(arn?.Equals)).toHaveLength(1);
      expect(refOf(asArray(arn?.Equals)[0])).toBe(Object.keys(resources(template, 'AWS::DynamoDB::GlobalTable'))[0]);
    });

    it("records object-level calls on every bucket of the stack but the trail's own", () => {
      const selectors = trail.AdvancedEventSelectors as Props[];
      const objects = selectors.find((s) => JSON.stringify(s.FieldSelectors).includes('AWS::S3::Object'));
      const arns = asArray((objects?.FieldSelectors as Props[]).find((f) => f.Field === 'resources.ARN')?.StartsWith) as Props[];
      const recorded = arns.map((a) => [...referencedIds(a)].find((id) => all[id]?.Type === 'AWS::S3::Bucket'));
      const expected = Object.keys(resources(template, 'AWS::S3::Bucket')).filter((id) => id !== bucketId);
      expect(expected.length).toBeGreaterThanOrEqual(4);
      expect(recorded.sort()).toEqual(expected.sort());
      // Each value names the bucket's objects (`<arn>/`), not a bucket-name prefix that another bucket could share.
      for (const a of arns) expect(JSON.stringify(a)).toMatch(/"\/"\]\]\}$/);
    });

    it('keeps its files in a locked-down bucket: KMS, versioned, private, TLS only, logged, and no deletes by anyone', () => {
      const bucket = all[bucketId]?.Properties ?? {};
      expect(bucket.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.OwnershipControls?.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
      expect(bucket.LoggingConfiguration?.DestinationBucketName).toBeDefined();
      expect(all[bucketId]?.DeletionPolicy).toBe('Retain');
      const policy = Object.values(resources(template, 'AWS::S3::BucketPolicy')).find((p) => refOf(p.Properties?.Bucket) === bucketId)?.Properties?.PolicyDocument;
      const statements = asArray(policy?.Statement) as Props[];
      const denyDelete = statements.find((s) => s.Effect === 'Deny' && asArray(s.Action).includes('s3:DeleteObject') && asArray(s.Action).includes('s3:DeleteObjectVersion'));
      expect(denyDelete?.Principal).toEqual({ AWS: '*' });
      expect(statements.find((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBeDefined();
      // Only CloudTrail writes, and only under this account's prefix.
      const writers = statements.filter((s) => s.Effect === 'Allow' && asArray(s.Action).includes('s3:PutObject'));
      expect(writers.map((s) => s.Principal)).toEqual([{ Service: 'cloudtrail.amazonaws.com' }]);
    });
  });
});
