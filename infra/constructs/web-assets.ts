import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role.ts';
import { wildcardResourceFinding } from './nag.ts';
import { buildWebAssets, type AssetManifest } from '../build-web-assets.ts';

/** Where the assets live in the bucket; CloudFront's `/assets/*` behavior serves this prefix. */
export const WEB_ASSETS_PREFIX = 'assets/';

export interface WebAssetsProps {
  readonly bucket: s3.IBucket;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The static assets of the web pages (USWDS CSS, fonts, icons, our script): built by infra/build-web-assets.ts at
 * synth, deployed to the static bucket under assets/. The local runtime serves the same staged directory.
 */
export class WebAssets extends Construct {
  readonly manifest: AssetManifest;

  constructor(scope: Construct, id: string, props: WebAssetsProps) {
    super(scope, id);
    const { dir, manifest } = buildWebAssets();
    this.manifest = manifest;
    // Like every function of the platform: its own role with grants in a customer-managed policy (never inline),
    // and an encrypted log group with retention.
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', { retention: props.logRetention, encryptionKey: props.key });
    const role = new ManagedPolicyRole(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the web assets into the static bucket at deployment (CDK BucketDeployment)',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      role,
      logGroup,
      sources: [s3deploy.Source.asset(dir)],
      destinationBucket: props.bucket,
      destinationKeyPrefix: WEB_ASSETS_PREFIX,
      // Names are content-hashed: a file never changes under its name, so browsers and CloudFront may keep it a year.
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
      // Old hashed files stay for pages still cached in browsers; new names never collide.
      prune: false,
      memoryLimit: 512,
    });
    // The deployment's Lambda is CDK's deploy-time plumbing (a stack-level singleton): CloudFormation invokes it only
    // while deploying, to copy the asset zip into the bucket. It is never reachable from the platform.
    const provider = Stack.of(this).node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    const deployTime = 'CDK BucketDeployment provider: invoked synchronously by CloudFormation only during a deployment, whose failure it fails; never invoked by the platform or by users.';
    // The source asset (staged in the CDK bootstrap bucket) is the deployment's child `Asset1` (Source.asset).
    const source = deployment.node.findChild('Asset1') as s3assets.Asset;
    const findings: Record<string, string> = {
      'AwsSolutions-IAM5[Action::s3:Abort*]': `${deployTime} CDK grants it write on the static-assets bucket only.`,
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `${deployTime} CDK grants it write on the static-assets bucket only (prune is off).`,
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': `${deployTime} Read of the CDK asset bucket and the static-assets bucket only.`,
      'AwsSolutions-IAM5[Action::s3:GetObject*]': `${deployTime} Read of the CDK asset bucket and the static-assets bucket only.`,
      'AwsSolutions-IAM5[Action::s3:List*]': `${deployTime} Listing of the CDK asset bucket and the static-assets bucket only.`,
      [wildcardResourceFinding(this, props.bucket.arnForObjects('*'))]: `${deployTime} Objects of the static-assets bucket (public CSS, fonts, icons, script).`,
      [wildcardResourceFinding(this, source.bucket.arnForObjects('*'))]: `${deployTime} Objects of the CDK bootstrap asset bucket, where the asset zip is uploaded.`,
      'AwsSolutions-L1': `${deployTime} CDK picks its runtime and updates it with aws-cdk-lib.`,
      'Serverless-LambdaLatestVersion': `${deployTime} CDK picks its runtime and updates it with aws-cdk-lib.`,
      'HIPAA.Security-LambdaConcurrency': `${deployTime} It runs once per deployment.`,
      'NIST.800.53.R5-LambdaConcurrency': `${deployTime} It runs once per deployment.`,
      'HIPAA.Security-LambdaDLQ': `${deployTime} A failure fails the deployment; there is no event to keep.`,
      'NIST.800.53.R5-LambdaDLQ': `${deployTime} A failure fails the deployment; there is no event to keep.`,
      'Serverless-LambdaDLQ': `${deployTime} A failure fails the deployment; there is no event to keep.`,
      'Serverless-LambdaTracing': `${deployTime} Deployment logs in CloudFormation and CloudWatch cover it.`,
    };
    for (const c of provider) for (const [id, reason] of Object.entries(findings)) Validations.of(c).acknowledge({ id, reason });
    for (const [id, reason] of Object.entries(findings)) if (id.startsWith('AwsSolutions-IAM5')) Validations.of(role).acknowledge({ id, reason });
  }
}
