/**
 * The synthesized roles, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate): the template is read the
 * way the local cloud reads it (local/assembly.ts resolves references to local names), and each request is simulated
 * against the role's policies as CloudFormation would create them, with the generated session policy where the
 * credential is an assumed session of the data-access role. The session policies alone are covered case by case in
 * test/unit/storage/session-policy-simulated.test.ts.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { LOCAL_ACCOUNT, readAssembly, type LocalAssembly, type LocalRole } from '#local/assembly.ts';
import { jurisdictionSessionPolicy, type PolicyAccess } from '#shared/storage/session-policy.ts';
import { SKIP_BUNDLING, SYNTH_TIMEOUT } from './helpers.ts';

const CONFINED = ['records', 'web', 'jurisdictions', 'audit'] as const;
const RECORD = 'REC#01J0000000000000000000000';

let assembly: LocalAssembly;
let tableArn: string;
let dataRole: LocalRole;
const roleOf = (functionId: string) => {
  const fn = assembly.functions.find((f) => f.id === functionId)!;
  return assembly.roles.find((r) => r.arn === fn.roleArn)!;
};

beforeAll(() => {
  const { app } = buildApp({ context: SKIP_BUNDLING });
  assembly = readAssembly(app.synth().directory);
  const records = assembly.functions.find((f) => f.id === 'records')!;
  tableArn = records.environment.TABLE_ARN!;
  dataRole = assembly.roles.find((r) => r.arn === records.environment.DATA_ACCESS_ROLE_ARN)!;
}, 3 * SYNTH_TIMEOUT);

async function simulate(role: LocalRole, request: { action: string; resource?: string; leadingKeys?: string[] }, session?: { jurisdictionId: string; access: PolicyAccess }) {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.logicalId}/test`,
        action: request.action,
        resource: { resource: request.resource ?? tableArn, accountId: LOCAL_ACCOUNT },
        contextVariables: request.leadingKeys ? { 'dynamodb:LeadingKeys': request.leadingKeys } : {},
      },
      identityPolicies: role.policies.map((policy, i) => ({ name: `p${i}`, policy })),
      sessionPolicy: session ? jurisdictionSessionPolicy({ tableArn, ...session }) : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType !== 'single') throw new Error(`simulation failed: ${JSON.stringify(response)}`);
  return response.overallResult;
}

const ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem'];
/** Jurisdiction items other than the profile (the public registry entry, which some of these roles read). */
const JURISDICTION_KEYS = [['ky#RECORDS'], [`ky#${RECORD}`], ['ky#AUDIT'], ['ky-dcbs#RECORDS'], ['ky#SURVEY'], ['ky#PEOPLE']];

describe('the synthesized roles in an IAM policy simulator', () => {
  it("leaves the confined functions' own roles no jurisdiction's item", async () => {
    let cases = 0;
    for (const id of CONFINED) {
      const role = roleOf(id);
      for (const action of ITEM_ACTIONS) {
        for (const leadingKeys of JURISDICTION_KEYS) {
          cases += 1;
          expect(await simulate(role, { action, leadingKeys }), `${id}: ${action} on ${leadingKeys}`).not.toBe('Allowed');
        }
      }
      for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) expect(await simulate(role, { action, leadingKeys: ['ky'] }), `${id}: ${action} on the profile`).not.toBe('Allowed');
      expect(await simulate(role, { action: 'dynamodb:Scan' }), `${id}: Scan`).not.toBe('Allowed');
      expect(await simulate(role, { action: 'sts:AssumeRole', resource: dataRole.arn }), `${id} assumes the data role`).toBe('Allowed');
      expect(dataRole.trustedRoleArns, `${id} is trusted`).toContain(role.arn);
    }
    expect(cases).toBe(4 * 6 * 6);
  });

  it('keeps what the confined functions need beside the records on their own roles', async () => {
    for (const id of CONFINED) expect(await simulate(roleOf(id), { action: 'dynamodb:GetItem', leadingKeys: ['SESSION#abc'] }), id).toBe('Allowed');
    expect(await simulate(roleOf('web'), { action: 'dynamodb:GetItem', leadingKeys: ['ky#PUBLISHED'] })).toBe('Allowed');
    expect(await simulate(roleOf('web'), { action: 'dynamodb:Query', resource: `${tableArn}/index/gsi1`, leadingKeys: ['NOTICES#PUBLISHED'] })).toBe('Allowed');
    expect(await simulate(roleOf('web'), { action: 'dynamodb:Query', resource: `${tableArn}/index/gsi1`, leadingKeys: ['SURVEY#ALL'] })).not.toBe('Allowed');
    expect(await simulate(roleOf('records'), { action: 'dynamodb:Query', resource: `${tableArn}/index/gsi1`, leadingKeys: ['AUDIT#ALL'] })).not.toBe('Allowed');
  });

  it('lets no other function assume the data-access role', () => {
    const others = assembly.functions.filter((f) => !(CONFINED as readonly string[]).includes(f.id));
    expect(others.length).toBeGreaterThan(5);
    for (const f of others) expect(dataRole.trustedRoleArns, f.id).not.toContain(f.roleArn);
  });

  it("confines a session of the data-access role to one jurisdiction's keys", async () => {
    const ky = { jurisdictionId: 'ky', access: 'write' } as const;
    const dcbs = { jurisdictionId: 'ky-dcbs', access: 'write' } as const;
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']) {
      expect(await simulate(dataRole, { action, leadingKeys: ['ky#RECORDS'] }, ky)).toBe('Allowed');
      expect(await simulate(dataRole, { action, leadingKeys: ['ky-dcbs#RECORDS'] }, ky)).not.toBe('Allowed');
      expect(await simulate(dataRole, { action, leadingKeys: ['ky#RECORDS'] }, dcbs)).not.toBe('Allowed');
      expect(await simulate(dataRole, { action, leadingKeys: ['ky-dcbs'] }, ky)).not.toBe('Allowed');
      expect(await simulate(dataRole, { action, leadingKeys: ['ky#RECORDS', 'ky-dcbs#RECORDS'] }, ky)).not.toBe('Allowed');
    }
    expect(await simulate(dataRole, { action: 'dynamodb:Scan' }, ky)).not.toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:Query', resource: `${tableArn}/index/gsi1`, leadingKeys: ['ky#RECORDS'] }, ky)).not.toBe('Allowed');
    // The session policy allows UpdateItem on the audit partition; the role's deny keeps audit events append-only.
    expect(await simulate(dataRole, { action: 'dynamodb:UpdateItem', leadingKeys: ['ky#AUDIT'] }, ky)).toBe('ExplicitlyDenied');
    expect(await simulate(dataRole, { action: 'dynamodb:PutItem', leadingKeys: ['ky#AUDIT'] }, ky)).toBe('Allowed');
    // Partnership roles' sessions read no record; platform admins' write the profile and the audit log only.
    const lead = { jurisdictionId: 'ky', access: 'partnership' } as const;
    const admin = { jurisdictionId: 'ky', access: 'registry' } as const;
    expect(await simulate(dataRole, { action: 'dynamodb:GetItem', leadingKeys: ['ky#SURVEY'] }, lead)).toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:GetItem', leadingKeys: ['ky#RECORDS'] }, lead)).not.toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:Query', leadingKeys: [`ky#${RECORD}`] }, admin)).not.toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:PutItem', leadingKeys: ['ky'] }, admin)).toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:PutItem', leadingKeys: ['ky'] }, lead)).not.toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:PutItem', leadingKeys: ['ky#RECORDS'] }, admin)).not.toBe('Allowed');
  });

  it('gives the data-access role itself no session, partnership, index or Scan access, whatever the session policy', async () => {
    for (const leadingKeys of [['SESSION#abc'], ['SIGNIN#abc'], ['PARTNERSHIP#REPORTS'], ['INBOUND#abc']]) {
      expect(await simulate(dataRole, { action: 'dynamodb:GetItem', leadingKeys }), `${leadingKeys}`).not.toBe('Allowed');
    }
    expect(await simulate(dataRole, { action: 'dynamodb:Scan' })).not.toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:Query', resource: `${tableArn}/index/gsi1`, leadingKeys: ['AUDIT#ALL'] })).not.toBe('Allowed');
    expect(await simulate(dataRole, { action: 'dynamodb:DeleteItem', leadingKeys: ['ky#RECORDS'] })).not.toBe('Allowed');
  });
});
