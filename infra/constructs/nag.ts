import { Stack } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * The AwsSolutions-IAM5 finding id of a wildcard resource, rendered from the resource value itself the way cdk-nag
 * renders it. An acknowledgement written by hand (`...-<AWS::AccountId>-us-east-1/*`) stops matching as soon as the
 * account or region is given explicitly, because CDK then writes them as literals.
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}
