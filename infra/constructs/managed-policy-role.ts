import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * An IAM role whose grants land in one customer-managed policy attached to it, instead of the inline
 * DefaultPolicy CDK would create: HIPAA and NIST 800-53 ask for no inline policies (they cannot be reviewed,
 * versioned or reused on their own). Every `grantX(role)` of the CDK keeps working unchanged.
 */
export class ManagedPolicyRole extends iam.Role {
  private policy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.policy) {
      this.policy = new iam.ManagedPolicy(this, 'Policy', { roles: [this] });
    }
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  /** The managed policy that holds the grants (created with the first one). */
  get grantsPolicy(): iam.ManagedPolicy | undefined {
    return this.policy;
  }
}
