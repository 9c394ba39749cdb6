import { describe, expect, it } from 'vitest';
import { Buckets } from '#infra/constructs/buckets.ts';
import { Data } from '#infra/constructs/data.ts';
import {
  actionsOn,
  allowStatementsOfRole,
  allows,
  asArray,
  child,
  fn,
  functionsById,
  globMatches,
  logicalIdOf,
  policiesOfRole,
  policyDocuments,
  referencedIds,
  roleOf,
  synth,
  type Statement,
} from './helpers.ts';

describe('IAM least privilege', () => {
  const { stack, template } = synth();
  const data = child(stack, 'Data', Data);
  const tableId = logicalIdOf(data.table);
  const exportsId = logicalIdOf(child(stack, 'Buckets', Buckets).exports);
  const docs = policyDocuments(template);
  const allowStatements = docs.flatMap((d) => d.statements.map((s) => ({ owner: d.owner, s }))).filter(({ s }) => s.Effect === 'Allow');
  const functions = [...functionsById(template).values()];

  it('helpers see the policies (sanity: identity and resource policies found)', () => {
    const types = new Set(docs.map((d) => d.type));
    expect(types).toContain('AWS::IAM::ManagedPolicy');
    expect(types).toContain('AWS::S3::BucketPolicy');
    expect(types).toContain('AWS::KMS::Key');
  });

  it.each(['dynamodb:Scan', 'dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'])(
    'no policy allows %s (directly or through a wildcard)',
    (action) => {
      const offending = allowStatements.filter(({ s }) => allows(s, action));
      expect(offending.map(({ owner, s }) => `${owner}: ${JSON.stringify(s.Action ?? s.NotAction)}`)).toEqual([]);
    },
  );

  it('no policy allows a whole service: dynamodb:*, s3:* or *', () => {
    const services = ['dynamodb', 's3'];
    const offending = allowStatements.filter(({ s }) => {
      if (s.NotAction !== undefined) return true;
      // A pattern that grants a made-up action of the service grants every action of it.
      return services.some((svc) => allows(s, `${svc}:ZzNoSuchAction`)) || asArray(s.Action).includes('*');
    });
    expect(offending.map(({ owner, s }) => `${owner}: ${JSON.stringify(s.Action ?? s.NotAction)}`)).toEqual([]);
  });

  it('the health function may only read the table (item reads, queries, describe)', () => {
    const statements = allowStatementsOfRole(template, roleOf(fn(template, 'health')));
    const onTable = actionsOn(statements, tableId);
    expect(onTable.length).toBeGreaterThan(0);
    const readOnly = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
    expect(onTable.filter((a) => !readOnly.includes(a))).toEqual([]);
    // And the index grant (table ARN + /index/gsi1) is read-only too, with no Scan on it.
    expect(statements.filter((s) => allows(s, 'dynamodb:Query') && JSON.stringify(s.Resource).includes('/index/gsi1'))).not.toHaveLength(0);
  });

  it('registry-export can put objects in the exports bucket; jurisdictions and health cannot', () => {
    const canPut = (id: string) =>
      allowStatementsOfRole(template, roleOf(fn(template, id))).some(
        (s) => allows(s, 's3:PutObject') && referencedIds(s.Resource).has(exportsId) && JSON.stringify(s.Resource).includes('/*'),
      );
    expect(canPut('registry-export')).toBe(true);
    expect(canPut('jurisdictions')).toBe(false);
    expect(canPut('health')).toBe(false);
    // Nobody else gets s3:PutObject anywhere.
    const putters = functions.filter((f) => allowStatementsOfRole(template, roleOf(f)).some((s) => allows(s, 's3:PutObject')));
    expect(putters.map((f) => f.id)).toEqual(['registry-export']);
  });

  it.each(functions.map((f) => f.id))('%s: grants live in a customer-managed policy, never inline', (id) => {
    const roleId = roleOf(fn(template, id));
    const { inline, managed, roleInline } = policiesOfRole(template, roleId);
    expect(inline, 'AWS::IAM::Policy attached').toEqual([]);
    expect(roleInline, 'Role.Policies').toBe(0);
    expect(managed.length).toBeGreaterThan(0);
  });

  it('no AWS::IAM::Policy (inline) exists in the stack at all', () => {
    expect(docs.filter((d) => d.type === 'AWS::IAM::Policy').map((d) => d.owner)).toEqual([]);
  });

  it('every function role trusts only lambda.amazonaws.com', () => {
    for (const f of functions) {
      const role = template.toJSON().Resources[roleOf(f)];
      const principals = (role.Properties.AssumeRolePolicyDocument.Statement as Statement[]).map((s) => s.Principal);
      expect(principals).toEqual([{ Service: 'lambda.amazonaws.com' }]);
    }
  });
});
