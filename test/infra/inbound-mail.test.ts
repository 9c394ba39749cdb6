import { describe, expect, it } from 'vitest';
import { Buckets } from '#infra/constructs/buckets.ts';
import { Data } from '#infra/constructs/data.ts';
import { INBOUND_OBJECT_PREFIX } from '#infra/constructs/inbound-mail.ts';
import { INBOUND_MAIL_KEPT_DAYS } from '#shared/policy.ts';
import { actionsOn, allowStatementsOfRole, asArray, child, fn, functionsById, logicalIdOf, policyDocuments, refOf, resource, resources, roleOf, synth, type Props } from './helpers.ts';

describe('receiving replies (SES receipt rule, inbound bucket, reply function)', () => {
  const { stack, template } = synth();
  const bucketId = logicalIdOf(child(stack, 'Buckets', Buckets).inboundMail);
  const keyId = logicalIdOf(child(stack, 'Data', Data).key);
  const reply = fn(template, 'review-reply');
  const rules = Object.values(resources(template, 'AWS::SES::ReceiptRule'));
  const ruleSets = Object.keys(resources(template, 'AWS::SES::ReceiptRuleSet'));

  it('one rule in one rule set, for the dev inbound domain: store the raw message, then invoke the reply function asynchronously', () => {
    expect(ruleSets).toHaveLength(1);
    expect(rules).toHaveLength(1);
    const p = rules[0]!.Properties!;
    expect(refOf(p.RuleSetName)).toBe(ruleSets[0]);
    expect(p.Rule).toMatchObject({ Enabled: true, Recipients: ['replies.dev.npcs.invalid'], ScanEnabled: true, TlsPolicy: 'Require' });
    const [store, invoke, ...more] = asArray(p.Rule.Actions) as Props[];
    expect(more).toEqual([]);
    expect(refOf(store!.S3Action.BucketName)).toBe(bucketId);
    expect(store!.S3Action.ObjectKeyPrefix).toBe(INBOUND_OBJECT_PREFIX);
    // SSE-KMS by the bucket's default, not SES's client-side encryption (which SDK v3 for JavaScript cannot read).
    expect(store!.S3Action.KmsKeyArn).toBeUndefined();
    expect(refOf(invoke!.LambdaAction.FunctionArn)).toBe(reply.logicalId);
    expect(invoke!.LambdaAction.InvocationType).toBe('Event');
  });

  it('the inbound bucket: KMS with the platform key, access logs, versions, raw mail expires', () => {
    const p = resource(template, bucketId).Properties!;
    expect(refOf(p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.KMSMasterKeyID)).toBe(keyId);
    expect(p.LoggingConfiguration).toBeDefined();
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: INBOUND_MAIL_KEPT_DAYS, Status: 'Enabled' })]);
  });

  it('SES may put objects under the prefix only, for this account and rule set; and use the key only through S3', () => {
    const bucketPolicy = policyDocuments(template).find((d) => d.type === 'AWS::S3::BucketPolicy' && refOf(resource(template, d.owner).Properties!.Bucket) === bucketId)!;
    const ses = bucketPolicy.statements.filter((s) => JSON.stringify(s.Principal).includes('ses.amazonaws.com'));
    expect(ses).toHaveLength(1);
    expect(ses[0]).toMatchObject({ Effect: 'Allow', Action: 's3:PutObject' });
    expect(JSON.stringify(ses[0]!.Resource)).toContain(`/${INBOUND_OBJECT_PREFIX}*`);
    expect(Object.keys(ses[0]!.Condition!.StringEquals)).toEqual(['aws:SourceAccount']);
    expect(JSON.stringify(ses[0]!.Condition!.ArnLike['aws:SourceArn'])).toContain(`receipt-rule-set/`);

    const keyPolicy = policyDocuments(template).find((d) => d.owner === keyId)!;
    const sesKey = keyPolicy.statements.filter((s) => JSON.stringify(s.Principal).includes('ses.amazonaws.com'));
    expect(sesKey).toHaveLength(1);
    expect(sesKey[0]!.Action).toBe('kms:GenerateDataKey');
    expect(sesKey[0]!.Condition!.StringEquals['kms:ViaService']).toMatch(/^s3\./);

    const permissions = Object.values(resources(template, 'AWS::Lambda::Permission')).filter((r) => refOf(r.Properties!.FunctionName) === reply.logicalId);
    expect(permissions).toHaveLength(1);
    expect(permissions[0]!.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'ses.amazonaws.com' });
    expect(permissions[0]!.Properties!.SourceAccount).toBeDefined();
    expect(JSON.stringify(permissions[0]!.Properties!.SourceArn)).toContain('receipt-rule-set/');
  });

  it('only the reply function reads the inbound bucket (GetObject), and it cannot write it', () => {
    const readers = [...functionsById(template).values()].filter((f) => actionsOn(allowStatementsOfRole(template, roleOf(f)), bucketId).length > 0).map((f) => f.id);
    expect(readers).toEqual(['review-reply']);
    const actions = actionsOn(allowStatementsOfRole(template, roleOf(reply)), bucketId);
    expect(actions).toContain('s3:GetObject');
    expect(actions).not.toContain('s3:PutObject');
    expect(reply.props.Environment.Variables).toMatchObject({ INBOUND_PREFIX: INBOUND_OBJECT_PREFIX, INBOUND_DOMAIN: 'replies.dev.npcs.invalid' });
    expect(refOf(reply.props.Environment.Variables.INBOUND_BUCKET)).toBe(bucketId);
    // Async (SES does not wait): failed events end in the function's dead-letter queue.
    expect(reply.props.DeadLetterConfig).toBeDefined();
    // The review emails name the same domain in their Reply-To.
    expect(fn(template, 'review-tasks').props.Environment.Variables.INBOUND_DOMAIN).toBe('replies.dev.npcs.invalid');
  });
});
