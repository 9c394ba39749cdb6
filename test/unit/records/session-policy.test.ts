import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jurisdictionSessionPolicy, type PolicyDocument, type PolicyStatement } from '#shared/storage/session-policy.ts';
import { suffix, twoJurisdictions } from './arbitraries.ts';

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/Platform-DataTable-1ABC';

/** IAM StringLike: `*` any run of characters, `?` exactly one, everything else literal and case-sensitive. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Evaluates the policy for one DynamoDB request the way IAM does for the parts this policy uses: explicit Deny
 * wins; an Allow needs a matching action and resource and every condition block to hold (ForAllValues:StringLike:
 * every request value matches some pattern; Null "false": the key is present).
 */
function allows(policy: PolicyDocument, request: { action: string; resource: string; leadingKeys?: string[] }): boolean {
  const matches = (s: PolicyStatement) =>
    s.Action.some((a) => stringLike(a, request.action)) && [s.Resource].flat().some((r) => stringLike(r, request.resource));
  const conditionHolds = (s: PolicyStatement) =>
    Object.entries(s.Condition ?? {}).every(([operator, block]) =>
      Object.entries(block).every(([key, expected]) => {
        const values = key === 'dynamodb:LeadingKeys' ? request.leadingKeys : undefined;
        if (operator === 'ForAllValues:StringLike') return (values ?? []).every((v) => [expected].flat().some((p) => stringLike(p, v)));
        if (operator === 'Null') return (values === undefined) === (expected === 'true');
        if (operator === 'StringLike') return false; // kms:ViaService is not part of a DynamoDB request
        throw new Error(`operator ${operator} is not modelled`);
      }),
    );
  const applicable = policy.Statement.filter((s) => matches(s) && conditionHolds(s));
  return applicable.some((s) => s.Effect === 'Allow') && !applicable.some((s) => s.Effect === 'Deny');
}

describe('stringLike (the test matcher itself)', () => {
  it('follows IAM wildcard semantics', () => {
    expect(stringLike('ky#*', 'ky#')).toBe(true);
    expect(stringLike('ky#*', 'ky#A#B')).toBe(true);
    expect(stringLike('ky#*', 'ky-dcbs#A')).toBe(false);
    expect(stringLike('ky', 'KY')).toBe(false);
    expect(stringLike('k?', 'ky')).toBe(true);
    expect(stringLike('a.b', 'axb')).toBe(false);
    expect(stringLike('dynamodb:PartiQL*', 'dynamodb:PartiQLSelect')).toBe(true);
  });
});

describe('jurisdictionSessionPolicy', () => {
  const write = jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'ky', access: 'write' });
  const read = jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'ky', access: 'read' });

  it('confines items to the jurisdiction by leading key', () => {
    const get = (leadingKeys: string[]) => allows(read, { action: 'dynamodb:GetItem', resource: TABLE_ARN, leadingKeys });
    expect(get(['ky'])).toBe(true);
    expect(get(['ky#RECORDS'])).toBe(true);
    expect(get(['ky#REC#01J0000000000000000000000'])).toBe(true);
    expect(get(['ky-dcbs'])).toBe(false);
    expect(get(['ky-dcbs#RECORDS'])).toBe(false);
    expect(get(['kyx#RECORDS'])).toBe(false);
    expect(get(['k'])).toBe(false);
    expect(get(['KY#RECORDS'])).toBe(false);
    expect(get(['REGISTRY#JURISDICTION'])).toBe(false);
    // A batch is allowed only if every key is the jurisdiction's.
    expect(allows(read, { action: 'dynamodb:BatchGetItem', resource: TABLE_ARN, leadingKeys: ['ky#A', 'ky#B'] })).toBe(true);
    expect(allows(read, { action: 'dynamodb:BatchGetItem', resource: TABLE_ARN, leadingKeys: ['ky#A', 'ky-dcbs#B'] })).toBe(false);
    // No leading key at all would satisfy ForAllValues vacuously: the Null check closes that.
    expect(allows(read, { action: 'dynamodb:GetItem', resource: TABLE_ARN })).toBe(false);
  });

  it("never lets one jurisdiction's policy reach another's keys, prefixes included (property)", () => {
    fc.assert(
      fc.property(
        twoJurisdictions.chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), suffix(b), fc.constantFrom('read', 'write') as fc.Arbitrary<'read' | 'write'>)),
        ([a, b, rest, access]) => {
          const policy = jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: a, access });
          for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']) {
            expect(allows(policy, { action, resource: TABLE_ARN, leadingKeys: [b] })).toBe(false);
            expect(allows(policy, { action, resource: TABLE_ARN, leadingKeys: [`${b}#${rest}`] })).toBe(false);
          }
          expect(allows(policy, { action: 'dynamodb:GetItem', resource: TABLE_ARN, leadingKeys: [`${a}#${rest}`] })).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never allows Scan, PartiQL, deletes, batch writes or anything on an index', () => {
    for (const policy of [read, write]) {
      for (const action of ['dynamodb:Scan', 'dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
        for (const leadingKeys of [undefined, ['ky'], ['ky#RECORDS']]) expect(allows(policy, { action, resource: TABLE_ARN, leadingKeys }), action).toBe(false);
      }
      expect(allows(policy, { action: 'dynamodb:Query', resource: `${TABLE_ARN}/index/gsi1`, leadingKeys: ['ky#RECORDS'] })).toBe(false);
      const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);
      expect(allowed.some((a) => stringLike(a, 'dynamodb:Scan') || a.includes('PartiQL') || a === '*' || a === 'dynamodb:*')).toBe(false);
      expect(policy.Statement.filter((s) => s.Effect === 'Deny').flatMap((s) => s.Action)).toEqual(expect.arrayContaining(['dynamodb:Scan', 'dynamodb:PartiQL*']));
      // Every DynamoDB allow is on the table itself, never on indexes or wildcards.
      for (const s of policy.Statement.filter((x) => x.Effect === 'Allow' && x.Action.some((a) => a.startsWith('dynamodb:')))) expect(s.Resource).toBe(TABLE_ARN);
    }
  });

  it('read access reads; write access also puts and updates (transactions are authorized per item action)', () => {
    const put = { action: 'dynamodb:PutItem', resource: TABLE_ARN, leadingKeys: ['ky#RECORDS'] };
    expect(allows(read, put)).toBe(false);
    expect(allows(write, put)).toBe(true);
    expect(allows(read, { action: 'dynamodb:Query', resource: TABLE_ARN, leadingKeys: ['ky#AUDIT'] })).toBe(true);
    expect(allows(write, { ...put, action: 'dynamodb:ConditionCheckItem' })).toBe(true);
  });

  it('leaves KMS to the role: only through DynamoDB, on whatever key the role names', () => {
    const kms = write.Statement.find((s) => s.Action.some((a) => a.startsWith('kms:')))!;
    expect(kms.Effect).toBe('Allow');
    expect(kms.Condition).toEqual({ StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } });
    expect(kms.Action).not.toContain('kms:*');
  });

  it('fits an STS session policy (2,048 characters packed) and refuses bad input', () => {
    expect(JSON.stringify(jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'a'.repeat(40), access: 'write' })).length).toBeLessThanOrEqual(2048);
    expect(() => jurisdictionSessionPolicy({ tableArn: `${TABLE_ARN}/index/gsi1`, jurisdictionId: 'ky', access: 'read' })).toThrow();
    expect(() => jurisdictionSessionPolicy({ tableArn: 'arn:aws:dynamodb:*:*:table/*', jurisdictionId: 'ky', access: 'read' })).toThrow();
    expect(() => jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'ky*', access: 'read' })).toThrow();
    expect(() => jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'ky', access: 'admin' as 'read' })).toThrow();
  });
});
