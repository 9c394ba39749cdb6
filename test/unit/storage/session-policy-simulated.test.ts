/**
 * The per-jurisdiction session policy evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate), not by a
 * hand-written matcher (test/unit/records/session-policy.test.ts): the simulator implements IAM's own evaluation
 * (explicit deny, ForAllValues over a multi-valued key, Null, resource matching) and validates the actions, the
 * resource ARNs and the context keys against AWS's service reference, so a misspelt action or key fails the run.
 *
 * Every case runs twice:
 * - as the principal's only identity policy;
 * - as the session policy of an assumed-role session whose role allows every DynamoDB and KMS action on everything,
 *   so the session policy alone has to confine the credential, whatever the role grants.
 * The synthesized roles are simulated in test/infra/jurisdiction-iam-simulated.test.ts; the whole chain (STS, the
 * session, DynamoDB) runs through the local IAM gate in test/integration/jurisdiction-credentials.test.ts.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENIED_ACTIONS, jurisdictionSessionPolicy, READ_ACTIONS, WRITE_ACTIONS, type PolicyAccess, type PolicyDocument } from '#shared/storage/session-policy.ts';
import { suffix, twoJurisdictions } from '../records/arbitraries.ts';

const ACCOUNT = '123456789012';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Platform-DataTable-1ABC`;
const INDEX_ARN = `${TABLE_ARN}/index/gsi1`;
const SESSION_PRINCIPAL = `arn:aws:sts::${ACCOUNT}:assumed-role/JurisdictionData/session`;
const RECORD_ID = '01J0000000000000000000000';

const JURISDICTIONS = ['ky', 'ky-dcbs', 'tn'] as const;
const ACCESSES: PolicyAccess[] = ['read', 'write'];
/** `dynamodb:PartiQL*` of DENIED_ACTIONS, spelled out: a request names one action. */
const DENIED_REQUEST_ACTIONS = DENIED_ACTIONS.flatMap((a) =>
  a === 'dynamodb:PartiQL*' ? ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'] : [a],
);
const ITEM_ACTIONS = [...READ_ACTIONS, ...WRITE_ACTIONS];

/** The stand-in for a role that grants too much: the session policy must confine it alone. */
const PERMISSIVE_ROLE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['dynamodb:*', 'kms:*'], Resource: '*' }],
};

type Outcome = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

interface SimulatedCase {
  jurisdictionId: string;
  access: PolicyAccess;
  action: string;
  resource: string;
  /** undefined: the request carries no dynamodb:LeadingKeys at all, as a Scan does. */
  leadingKeys: string[] | undefined;
  expected: Outcome;
}

/**
 * AWS's service reference lists no dynamodb:LeadingKeys for Scan (DynamoDB never sends one with it), so the simulator
 * drops the key from a Scan request; the case still has to be denied.
 */
const NOT_APPLICABLE = ' (dynamodb:LeadingKeys not applicable)';
function expectedOutcome(c: SimulatedCase): string {
  return c.action === 'dynamodb:Scan' && c.leadingKeys !== undefined ? `${c.expected}${NOT_APPLICABLE}` : c.expected;
}

function allowedActions(access: PolicyAccess): string[] {
  return access === 'write' ? ITEM_ACTIONS : [...READ_ACTIONS];
}

function ownKeySets(id: string): string[][] {
  return [[id], [`${id}#RECORDS`], [`${id}#REC#${RECORD_ID}`], [id, `${id}#RECORDS`, `${id}#REC#${RECORD_ID}`, `${id}#AUDIT`]];
}

/** Another jurisdiction's keys, alone and mixed into a batch of the credential's own. */
function otherKeySets(id: string, other: string): string[][] {
  return [[other], [`${other}#RECORDS`], [`${other}#REC#${RECORD_ID}`], [`${id}#RECORDS`, `${other}#RECORDS`]];
}

/** Keys shaped to slip past a pattern: a bare separator, a literal wildcard, case, a space. */
function craftedKeys(target: string): string[] {
  return [`${target}#`, `${target}*`, `${target.toUpperCase()}#RECORDS`, `${target} #RECORDS`];
}

function casesFor(id: string, access: PolicyAccess): SimulatedCase[] {
  const cases: SimulatedCase[] = [];
  const add = (action: string, leadingKeys: string[] | undefined, expected: Outcome, resource = TABLE_ARN) =>
    cases.push({ jurisdictionId: id, access, action, resource, leadingKeys, expected });
  const actions = allowedActions(access);

  for (const action of actions) {
    for (const keys of ownKeySets(id)) add(action, keys, 'Allowed');
    for (const other of JURISDICTIONS.filter((j) => j !== id)) {
      for (const keys of otherKeySets(id, other)) add(action, keys, 'ImplicitlyDenied');
    }
    for (const target of JURISDICTIONS) {
      // `<id>#` is inside the credential's own `<id>#*` namespace (an empty suffix): allowed, and harmless.
      for (const key of craftedKeys(target)) add(action, [key], key === `${id}#` ? 'Allowed' : 'ImplicitlyDenied');
    }
    add(action, [''], 'ImplicitlyDenied');
  }
  if (access === 'read') {
    for (const action of WRITE_ACTIONS) for (const keys of ownKeySets(id)) add(action, keys, 'ImplicitlyDenied');
  }
  for (const action of DENIED_REQUEST_ACTIONS) {
    for (const keys of [undefined, [id], [`${id}#RECORDS`]]) add(action, keys, 'ExplicitlyDenied');
  }
  // Without the LeadingKeys context ForAllValues holds vacuously; the Null check must refuse it for every action.
  for (const action of ITEM_ACTIONS) add(action, undefined, 'ImplicitlyDenied');
  // gsi1 mixes jurisdictions.
  for (const keys of [undefined, [`${id}#RECORDS`]]) add('dynamodb:Query', keys, 'ExplicitlyDenied', INDEX_ARN);
  return cases;
}

const CASES = JURISDICTIONS.flatMap((id) => ACCESSES.flatMap((access) => casesFor(id, access)));

/**
 * Per jurisdiction: write 6 actions x (4 own + 8 other + 13 crafted) + 21 denied-action + 6 key-less + 2 index = 179;
 * read 4 x 25 + 8 write-on-read + 21 + 6 + 2 = 137. Three jurisdictions: 3 x 316.
 */
const EXPECTED_CASE_COUNT = 948;

const policies = new Map<string, PolicyDocument>();
function policyFor(jurisdictionId: string, access: PolicyAccess): PolicyDocument {
  const name = `${jurisdictionId}/${access}`;
  if (!policies.has(name)) policies.set(name, jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId, access }));
  return policies.get(name)!;
}

type Mode = 'identity policy' | 'session policy under a permissive role';
const MODES: Mode[] = ['identity policy', 'session policy under a permissive role'];

/** The simulator's outcome, or what went wrong: a validation error, or a context key it dropped as not applicable. */
async function simulate(policy: PolicyDocument, mode: Mode, request: Pick<SimulatedCase, 'action' | 'resource' | 'leadingKeys'>): Promise<string> {
  const simulation: Simulation = {
    request: {
      principal: SESSION_PRINCIPAL,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: request.leadingKeys === undefined ? {} : { 'dynamodb:LeadingKeys': request.leadingKeys },
    },
    identityPolicies: [{ name: mode === 'identity policy' ? 'JurisdictionSession' : 'PermissiveRole', policy: mode === 'identity policy' ? policy : PERMISSIVE_ROLE }],
    sessionPolicy: mode === 'identity policy' ? undefined : policy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') return `error: ${response.errors.message}`;
  if (response.resultType !== 'single') return `unexpected ${response.resultType} result`;
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length === 0) return response.overallResult;
  return ignored.join() === 'dynamodb:LeadingKeys' ? `${response.overallResult}${NOT_APPLICABLE}` : `${response.overallResult} (ignored: ${ignored.join(', ')})`;
}

/** Simulates every case in both modes; returns the ones whose outcome differs, described (policy ids and keys only). */
async function mismatches(cases: SimulatedCase[]): Promise<string[]> {
  const found: string[] = [];
  for (const c of cases) {
    for (const mode of MODES) {
      const outcome = await simulate(policyFor(c.jurisdictionId, c.access), mode, c);
      if (outcome !== expectedOutcome(c)) {
        found.push(`${c.jurisdictionId}/${c.access} as ${mode}: ${c.action} on ${c.resource} keys ${JSON.stringify(c.leadingKeys)}: ${outcome}, expected ${expectedOutcome(c)}`);
      }
    }
  }
  return found;
}

describe('the jurisdiction session policy in an IAM policy simulator', () => {
  it(`simulates ${EXPECTED_CASE_COUNT} cases, each as an identity policy and as a session policy`, () => {
    expect(CASES).toHaveLength(EXPECTED_CASE_COUNT);
    // The prefix sharers named in issue 16 are among them.
    const has = (id: string, keys: string[]) => CASES.some((c) => c.jurisdictionId === id && c.expected !== 'Allowed' && JSON.stringify(c.leadingKeys) === JSON.stringify(keys));
    expect(has('ky', ['ky-dcbs#RECORDS']) && has('ky', ['ky-dcbs']) && has('ky-dcbs', ['ky#RECORDS'])).toBe(true);
    expect(CASES.filter((c) => c.expected === 'Allowed').length).toBe(3 * (6 * 5 + 4 * 5));
  });

  it("allows every granted item action on the jurisdiction's own keys", async () => {
    expect(await mismatches(CASES.filter((c) => c.expected === 'Allowed'))).toEqual([]);
  });

  it("denies another jurisdiction's keys, mixed batches, prefix sharers and crafted keys", async () => {
    expect(await mismatches(CASES.filter((c) => c.expected === 'ImplicitlyDenied' && c.leadingKeys !== undefined))).toEqual([]);
  });

  it('denies Scan, PartiQL, DeleteItem, BatchWriteItem, requests without leading keys and the index', async () => {
    expect(await mismatches(CASES.filter((c) => c.expected === 'ExplicitlyDenied' || c.leadingKeys === undefined))).toEqual([]);
  });

  it("never allows one jurisdiction's credential on another's keys (property, 200 runs)", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        twoJurisdictions.chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), suffix(b), fc.constantFrom<PolicyAccess>('read', 'write'))),
        async ([a, b, rest, access]) => {
          runs += 1;
          const policy = jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: a, access });
          for (const mode of MODES) {
            for (const action of allowedActions(access)) {
              for (const leadingKeys of [[b], [`${b}#${rest}`], [`${a}#RECORDS`, `${b}#${rest}`]]) {
                expect(await simulate(policy, mode, { action, resource: TABLE_ARN, leadingKeys }), `${a} on ${leadingKeys.join(' ')}`).toBe('ImplicitlyDenied');
              }
            }
            // The same suffix under the credential's own id is allowed: the denials above are about whose key it is.
            expect(await simulate(policy, mode, { action: 'dynamodb:GetItem', resource: TABLE_ARN, leadingKeys: [`${a}#${rest}`] })).toBe('Allowed');
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(runs).toBe(200);
  }, 180_000);
});

describe('the partnership-wide session policies in an IAM policy simulator', () => {
  const OWN_PARTNERSHIP_READS = [['ky'], ['ky#AUDIT'], ['ky#SURVEY'], ['ky#PUBLISHED'], ['ky#NOTICE_ANSWERS'], ['ky', 'ky#SURVEY']];
  const NEVER_READ = [['ky#RECORDS'], [`ky#REC#${RECORD_ID}`], ['ky#SURVEY#01J0WAVE'], ['ky#SURVEY#01J0WAVE#STAFF'], ['ky#PEOPLE'], ['ky#MAIL'], ['ky#ACTIONS'], ['ky#NOTICE_LINKS'], ['ky#REVIEWS'], ['ky-dcbs'], ['ky-dcbs#AUDIT'], ['ky#AUDIT', 'ky-dcbs#AUDIT']];

  it('lets partnership leads and platform admins read only the partitions partnership-wide work reads', async () => {
    let cases = 0;
    for (const access of ['partnership', 'registry'] as const) {
      const policy = jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'ky', access });
      for (const mode of MODES) {
        for (const action of READ_ACTIONS) {
          for (const leadingKeys of OWN_PARTNERSHIP_READS) {
            cases += 1;
            expect(await simulate(policy, mode, { action, resource: TABLE_ARN, leadingKeys }), `${access} ${action} ${leadingKeys}`).toBe('Allowed');
          }
          for (const leadingKeys of NEVER_READ) {
            cases += 1;
            expect(await simulate(policy, mode, { action, resource: TABLE_ARN, leadingKeys }), `${access} ${action} ${leadingKeys}`).toBe('ImplicitlyDenied');
          }
        }
      }
    }
    expect(cases).toBe(2 * 2 * 4 * (6 + 12));
  });

  it('lets platform admins write the profile and append to the audit log, and partnership leads write nothing', async () => {
    const registry = jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'ky', access: 'registry' });
    const partnership = jurisdictionSessionPolicy({ tableArn: TABLE_ARN, jurisdictionId: 'ky', access: 'partnership' });
    for (const mode of MODES) {
      for (const action of WRITE_ACTIONS) {
        for (const leadingKeys of [['ky'], ['ky#AUDIT'], ['ky', 'ky#AUDIT']]) {
          expect(await simulate(registry, mode, { action, resource: TABLE_ARN, leadingKeys })).toBe('Allowed');
          expect(await simulate(partnership, mode, { action, resource: TABLE_ARN, leadingKeys })).toBe('ImplicitlyDenied');
        }
        for (const leadingKeys of [['ky#RECORDS'], ['ky#SURVEY'], ['ky-dcbs'], ['ky-dcbs#AUDIT']]) {
          expect(await simulate(registry, mode, { action, resource: TABLE_ARN, leadingKeys })).toBe('ImplicitlyDenied');
        }
      }
      for (const action of DENIED_REQUEST_ACTIONS) expect(await simulate(registry, mode, { action, resource: TABLE_ARN, leadingKeys: ['ky'] })).toMatch(/^ExplicitlyDenied/);
    }
  });
});
