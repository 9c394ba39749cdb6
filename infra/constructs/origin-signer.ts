import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { bundledCode } from './bundling.ts';
import { ManagedPolicyRole } from './managed-policy-role.ts';
import type { PlatformFunction } from './platform-function.ts';
import { wildcardResourceFinding } from './nag.ts';


/** Marks the edge function in the template: the local gateway plays its part (the parity test reads this). */
export const EDGE_FUNCTION_METADATA = 'npcs:edge-function';
export const ORIGIN_SIGNER_ID = 'origin-signer';

export interface OriginSignerProps {
  /** Encrypts the key secret. */
  readonly key: kms.IKey;
  /** The function Secrets Manager invokes to rotate the key (functions/origin-key-rotation). */
  readonly rotation: PlatformFunction;
  readonly rotateEvery: Duration;
}

/**
 * The key that proves a request passed CloudFront, and the Lambda@Edge function that signs every request forwarded
 * to the API with it (shared/http/origin.ts). Nothing secret sits in the distribution's configuration: only this
 * function's version ARN.
 */
export class OriginSigner extends Construct {
  /** JSON `{"current": ..., "previous": ...}`; the HTTP functions read it to verify (bindSecret('ORIGIN_SECRET')). */
  readonly secret: secretsmanager.Secret;
  readonly fn: lambda.Function;

  constructor(scope: Construct, id: string, props: OriginSignerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Named after the stack: Lambda@Edge has no environment variables, so the bundle carries the name, and a
    // secret's ARN (with its random suffix) is not known when the bundle is built.
    const secretName = `${stack.stackName}/origin-key`;
    this.secret = new secretsmanager.Secret(this, 'Key', {
      secretName,
      description: 'Key of the proof that CloudFront adds to every request it forwards to the HTTP API',
      encryptionKey: props.key,
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'current', passwordLength: 48, excludePunctuation: true },
    });

    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('lambda.amazonaws.com'), new iam.ServicePrincipal('edgelambda.amazonaws.com')),
      description: 'Runs the origin-signer Lambda@Edge function',
    });
    this.secret.grantRead(role);
    // Lambda@Edge writes to a log group named /aws/lambda/us-east-1.<function name> in each region where it runs.
    const edgeLogGroups = `arn:${stack.partition}:logs:*:${stack.account}:log-group:/aws/lambda/us-east-1.${stack.stackName}-*`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], resources: [edgeLogGroups] }));

    this.fn = new lambda.Function(this, 'Function', {
      role,
      code: bundledCode(ORIGIN_SIGNER_ID, { __ORIGIN_KEY_SECRET_ID__: JSON.stringify(secretName), __ORIGIN_KEY_REGION__: JSON.stringify(stack.region) }),
      handler: 'index.handler',
      description: 'Lambda@Edge: adds the proof that a request passed CloudFront to every request forwarded to the API',
      runtime: lambda.Runtime.NODEJS_24_X,
      // Lambda@Edge runs x86_64 functions only, with at most 5 seconds for an origin request.
      architecture: lambda.Architecture.X86_64,
      memorySize: 128,
      timeout: Duration.seconds(5),
    });
    (this.fn.node.defaultChild as lambda.CfnFunction).addMetadata(EDGE_FUNCTION_METADATA, ORIGIN_SIGNER_ID);

    // Rotated by Secrets Manager (functions/origin-key-rotation): the new value keeps the old key as `previous`.
    this.secret.addRotationSchedule('Rotation', { rotationLambda: props.rotation.fn, automaticallyAfter: props.rotateEvery });
    Validations.of(props.rotation.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "CDK's rotation schedule grants secretsmanager:GetRandomPassword, which has no resource-level permission (the function makes its keys with node:crypto), besides X-Ray's actions that have none either.",
    });

    const findings: Record<string, string> = {
      [wildcardResourceFinding(role, edgeLogGroups)]:
        'Lambda@Edge writes to a log group named /aws/lambda/us-east-1.<function name> in each region where it runs; the name is generated at deploy, so the grant covers the log groups of this stack\'s functions (names start with the stack name) in every region.',
      ...Object.fromEntries(
        ['HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ', 'Serverless-LambdaDLQ'].map((id) => [
          id,
          'CloudFront invokes the function synchronously for each request it forwards; a failure answers that request with an error and counts in the distribution\'s Lambda@Edge error metrics. A dead-letter queue only catches asynchronous invocations.',
        ]),
      ),
      ...Object.fromEntries(
        ['HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaConcurrency'].map((id) => [
          id,
          'The function signs requests that the WAF rate limits and the API throttle already bound, and calls Secrets Manager at most once per five minutes per execution environment: a limit would shield no downstream service and would only refuse page loads.',
        ]),
      ),
      'Serverless-LambdaTracing':
        'One HMAC per request and one cached secret read: a trace would hold a single span. Its latency and errors show in CloudFront\'s Lambda@Edge metrics and, per request, in the API access log\'s latency.',
    };
    for (const [id, reason] of Object.entries(findings)) Validations.of(id.startsWith('AwsSolutions-IAM5') ? role : this.fn).acknowledge({ id, reason });
  }
}
