import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { PlatformFunction } from './platform-function.ts';

/** Where SES stores each raw reply: `<prefix><SES message id>` (the reply function reads the same key). */
export const INBOUND_OBJECT_PREFIX = 'replies/';

export interface InboundMailProps {
  /** The domain of reply addresses (config `inboundDomain`). */
  readonly domain: string;
  /** The inbound bucket (infra/constructs/buckets.ts): KMS-encrypted with `key`. */
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  /** The reply function: the only reader of the bucket. */
  readonly replyFunction: PlatformFunction;
}

/**
 * Receiving replies (docs/review.md, "Replies"): an SES receipt rule set with one rule for the inbound domain. The
 * rule first stores the raw message in the inbound bucket (S3 action; the bucket's default encryption, SSE-KMS with
 * the platform key, encrypts it), then invokes the reply function with InvocationType Event (Lambda action). The
 * Lambda action, not a bucket notification, starts the function because only SES's event carries the receipt's
 * SPF, DKIM and DMARC verdicts and the envelope; the object key is the S3 action's prefix and the message id.
 * Asynchronous: SES does not wait (a reply is never bounced because the function is slow); Lambda retries a failed
 * invocation and gives it up to the function's dead-letter queue, which alarms.
 *
 * The S3 action's own `KmsKeyArn` (SES encrypting client-side, before S3) is not used: reading such an object
 * needs the S3 encryption client, which the AWS SDK for JavaScript v3 does not have.
 *
 * CloudFormation cannot make a rule set the active one: that is one call after the first deploy (README, "Deploy").
 */
export class InboundMail extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;

  constructor(scope: Construct, id: string, props: InboundMailProps) {
    super(scope, id);
    const { region, account } = Stack.of(this);
    const fn = props.replyFunction;

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet');
    // The rule's name is CloudFormation's, so grants name any rule of this rule set (which holds only this one).
    const sourceArn = `arn:aws:ses:${region}:${account}:receipt-rule-set/${this.ruleSet.receiptRuleSetName}:receipt-rule/*`;
    const fromThisRuleSet = { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } };

    // SES may put objects under the prefix, for this account's rule set only.
    const bucketGrant = props.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRulePuts',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${INBOUND_OBJECT_PREFIX}*`)],
        conditions: fromThisRuleSet,
      }),
    );
    // SSE-KMS: the writer needs a data key from the platform key, through S3 only. (Naming the bucket in the
    // encryption context would make the key's policy refer to the bucket, whose encryption refers to the key: a
    // cycle CloudFormation cannot create. The bucket policy above is what confines SES to this bucket.)
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesInboundMailThroughS3',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account, 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      }),
    );
    const invoke = new iam.ServicePrincipal('ses.amazonaws.com');
    fn.fn.addPermission('AllowSesReceiptRule', { principal: invoke, action: 'lambda:InvokeFunction', sourceAccount: account, sourceArn });

    this.rule = this.ruleSet.addRule('Replies', {
      recipients: [props.domain],
      // Spam and virus scanning on; TLS required of the sending server (agency mail systems all offer it).
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        { bind: () => ({ s3Action: { bucketName: props.bucket.bucketName, objectKeyPrefix: INBOUND_OBJECT_PREFIX } }) },
        { bind: () => ({ lambdaAction: { functionArn: fn.fn.functionArn, invocationType: 'Event' } }) },
      ],
    });
    // SES checks its permissions when the rule is created: the grants first.
    if (bucketGrant.policyDependable) this.rule.node.addDependency(bucketGrant.policyDependable);
    this.rule.node.addDependency(fn.fn.permissionsNode.findChild('AllowSesReceiptRule'));

    fn.bindBucket('INBOUND_BUCKET', props.bucket, 'read').addEnvironment('INBOUND_PREFIX', INBOUND_OBJECT_PREFIX).addEnvironment('INBOUND_DOMAIN', props.domain);
  }
}
