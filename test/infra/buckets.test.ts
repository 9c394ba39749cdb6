import { describe, expect, it } from 'vitest';
import { Buckets } from '#infra/constructs/buckets.ts';
import { Data } from '#infra/constructs/data.ts';
import { asArray, child, logicalIdOf, refOf, resources, synth, type Props } from './helpers.ts';

describe('S3 buckets', () => {
  const { stack, template } = synth();
  const buckets = child(stack, 'Buckets', Buckets);
  const keyId = logicalIdOf(child(stack, 'Data', Data).key);
  const accessLogsId = logicalIdOf(buckets.accessLogs);
  const all = resources(template, 'AWS::S3::Bucket');
  const bucketIds = Object.keys(all);
  const policies = Object.values(resources(template, 'AWS::S3::BucketPolicy'));

  it('the five platform buckets are all there is', () => {
    expect(new Set(bucketIds)).toEqual(
      new Set([buckets.accessLogs, buckets.exports, buckets.inboundMail, buckets.staticAssets, buckets.auditArchive].map(logicalIdOf)),
    );
  });

  it.each(bucketIds)('%s blocks all public access and is versioned', (id) => {
    const p = all[id]?.Properties ?? {};
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it.each(bucketIds)('%s has a bucket policy denying requests without TLS', (id) => {
    const policy = policies.find((p) => refOf(p.Properties?.Bucket) === id);
    expect(policy, `bucket policy of ${id}`).toBeDefined();
    const statements = asArray(policy?.Properties?.PolicyDocument?.Statement) as Props[];
    const denyTls = statements.find(
      (s) =>
        s.Effect === 'Deny' &&
        asArray(s.Action).includes('s3:*') &&
        s.Condition?.Bool?.['aws:SecureTransport'] === 'false' &&
        (s.Principal === '*' || s.Principal?.AWS === '*'),
    );
    expect(denyTls, `TLS-only statement on ${id}`).toBeDefined();
    // Both the bucket and its objects.
    const resourcesDenied = JSON.stringify(denyTls?.Resource);
    expect(resourcesDenied).toContain(`"${id}","Arn"`);
    expect(resourcesDenied).toContain('/*');
  });

  it.each([
    ['exports', () => buckets.exports],
    ['inbound mail', () => buckets.inboundMail],
    ['audit archive', () => buckets.auditArchive],
  ])('the %s bucket is encrypted with aws:kms under the platform key', (_name, bucket) => {
    const p = all[logicalIdOf(bucket())]?.Properties ?? {};
    expect(p.BucketEncryption?.ServerSideEncryptionConfiguration).toEqual([
      expect.objectContaining({
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      }),
    ]);
  });

  it('the access-log bucket receives S3 server access logs only (they allow no KMS); CloudFront logs elsewhere, to a KMS-encrypted log group', () => {
    const p = all[accessLogsId]?.Properties ?? {};
    expect(p.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    // Services that deliver logs (other than S3 server access logging, set on the buckets themselves).
    const logWriters = /^AWS::(CloudFront::Distribution|Logs::DeliveryDestination|CloudTrail::Trail|WAFv2::LoggingConfiguration|ElasticLoadBalancingV2::|ApiGatewayV2::Stage)/;
    const writers = Object.values(resources(template)).filter((r) => logWriters.test(r.Type) && JSON.stringify(r.Properties ?? {}).includes(`"${accessLogsId}"`));
    expect(writers.map((r) => r.Type)).toEqual([]);
    for (const d of Object.values(resources(template, 'AWS::CloudFront::Distribution'))) expect(d.Properties?.DistributionConfig?.Logging).toBeUndefined();
  });

  it('every bucket but the access-log bucket logs to the access-log bucket', () => {
    for (const id of bucketIds.filter((b) => b !== accessLogsId)) {
      const logging = all[id]?.Properties?.LoggingConfiguration;
      expect(refOf(logging?.DestinationBucketName), `logging of ${id}`).toBe(accessLogsId);
      expect(logging?.LogFilePrefix, `log prefix of ${id}`).toMatch(/\/$/);
    }
    // The access-log bucket does not log to itself (recursion), and keeps its logs for a bounded time.
    expect(all[accessLogsId]?.Properties?.LoggingConfiguration).toBeUndefined();
    expect(all[accessLogsId]?.Properties?.LifecycleConfiguration?.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ ExpirationInDays: expect.any(Number), Status: 'Enabled' })]),
    );
  });
});
