import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { accessFor, actAs, actForLink, withActingScope } from '#shared/storage/acting-scope.ts';
import { clientFor, stopRouting } from '#shared/storage/client-routing.ts';
import { confineToJurisdictions, CredentialRefusedError, JurisdictionCredentials, SESSION_SECONDS } from '#shared/storage/jurisdiction-credentials.ts';
import { STORAGE_MARSHALL_OPTIONS, STORAGE_UNMARSHALL_OPTIONS } from '#shared/storage/marshalling.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';

const CONFIG = { roleArn: 'arn:aws:iam::123456789012:role/JurisdictionData', tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Data' };
const submitter = (jurisdictionId: string): Principal => ({ subject: 's', role: 'submitter', jurisdictionId });

function fakeSts(now: () => number) {
  const calls: AssumeRoleCommandInput[] = [];
  let fail = false;
  return {
    calls,
    failNext: () => (fail = true),
    assume: async (input: AssumeRoleCommandInput) => {
      calls.push(input);
      await new Promise((r) => setTimeout(r, 5));
      if (fail) {
        fail = false;
        throw new Error('STS throttled');
      }
      return {
        Credentials: { AccessKeyId: `ASIA${calls.length}`, SecretAccessKey: 'x', SessionToken: 't', Expiration: new Date(now() + SESSION_SECONDS * 1000) },
        $metadata: {},
      };
    },
  };
}

describe('the acting scope', () => {
  it('gives jurisdiction people write on their own jurisdiction only, and partnership roles their narrow access', async () => {
    await withActingScope(async () => {
      expect(accessFor('ky-dcbs')).toBeUndefined();
      actAs(submitter('ky-dcbs'));
      expect(accessFor('ky-dcbs')).toBe('write');
      expect(accessFor('ky')).toBeUndefined();
      expect(accessFor('il-dcfs')).toBeUndefined();
    });
    await withActingScope(async () => {
      actAs({ subject: 'a', role: 'platform_admin' });
      expect(accessFor('ky-dcbs')).toBe('registry');
    });
    await withActingScope(async () => {
      actAs({ subject: 'l', role: 'partnership_lead' });
      expect(accessFor('ky-dcbs')).toBe('partnership');
    });
    // Outside any scope (a function that opened none) nothing is reached.
    expect(accessFor('ky-dcbs')).toBeUndefined();
  });

  it("adds an emailed link's jurisdiction, for that request only", async () => {
    await withActingScope(async () => {
      actForLink('tn');
      expect(accessFor('tn')).toBe('write');
      expect(accessFor('ky')).toBeUndefined();
    });
    await withActingScope(async () => expect(accessFor('tn')).toBeUndefined());
  });

  it('keeps concurrent requests apart', async () => {
    const seen = await Promise.all(
      ['ky', 'tn', 'il-dcfs'].map((id) =>
        withActingScope(async () => {
          actAs(submitter(id));
          await new Promise((r) => setTimeout(r, 5));
          return [accessFor(id), accessFor(id === 'ky' ? 'tn' : 'ky')];
        }),
      ),
    );
    expect(seen).toEqual([['write', undefined], ['write', undefined], ['write', undefined]]);
  });
});

describe('JurisdictionCredentials', () => {
  it('refuses a jurisdiction the principal does not belong to before STS is called', async () => {
    const sts = fakeSts(Date.now);
    const credentials = new JurisdictionCredentials(CONFIG, sts.assume);
    await withActingScope(async () => {
      actAs(submitter('ky-dcbs'));
      expect(() => credentials.accessFor('ky')).toThrow(CredentialRefusedError);
      expect(() => credentials.accessFor('il-dcfs')).toThrow(/does not reach the data of jurisdiction "il-dcfs"/);
      expect(() => credentials.accessFor('ky-dcbs*')).toThrow(CredentialRefusedError);
    });
    expect(() => credentials.accessFor('ky-dcbs')).toThrow(CredentialRefusedError);
    expect(sts.calls).toHaveLength(0);
    expect(credentials.stats.refused).toBe(4);
    expect(new CredentialRefusedError('ky').status).toBe(403);
  });

  it('assumes the role once per jurisdiction and access with the generated session policy, and caches it', async () => {
    const sts = fakeSts(Date.now);
    const credentials = new JurisdictionCredentials(CONFIG, sts.assume);
    const [a, b] = await Promise.all([credentials.credentials('ky-dcbs', 'write'), credentials.credentials('ky-dcbs', 'write')]);
    expect(a).toBe(b);
    await credentials.credentials('ky-dcbs', 'write');
    await credentials.credentials('il-dcfs', 'write');
    await credentials.credentials('ky-dcbs', 'partnership');
    expect(sts.calls.map((c) => c.RoleSessionName)).toEqual(['write-ky-dcbs', 'write-il-dcfs', 'partnership-ky-dcbs']);
    expect(sts.calls[0]).toMatchObject({ RoleArn: CONFIG.roleArn, DurationSeconds: SESSION_SECONDS });
    const policy = JSON.parse(sts.calls[0]!.Policy!);
    expect(policy.Statement[0].Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).toEqual(['ky-dcbs', 'ky-dcbs#*']);
    expect(credentials.stats).toMatchObject({ assumed: 3, cached: 2 });
  });

  it('assumes again five minutes before the credential expires, and never caches a failure', async () => {
    let now = Date.parse('2026-12-04T12:00:00Z');
    const sts = fakeSts(() => now);
    const credentials = new JurisdictionCredentials(CONFIG, sts.assume, () => now);
    await credentials.credentials('ky-dcbs', 'write');
    now += (SESSION_SECONDS - 6 * 60) * 1000;
    await credentials.credentials('ky-dcbs', 'write');
    expect(sts.calls).toHaveLength(1);
    now += 2 * 60 * 1000;
    await credentials.credentials('ky-dcbs', 'write');
    expect(sts.calls).toHaveLength(2);
    sts.failNext();
    now += SESSION_SECONDS * 1000;
    await expect(credentials.credentials('ky-dcbs', 'write')).rejects.toThrow('STS throttled');
    await expect(credentials.credentials('ky-dcbs', 'write')).resolves.toMatchObject({ accessKeyId: 'ASIA4' });
  });
});

describe('a scoped table on a confined client', () => {
  it("sends each jurisdiction's commands with that jurisdiction's own client, and refuses the others", async () => {
    const base = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2', endpoint: 'http://127.0.0.1:8123' }), {
      marshallOptions: STORAGE_MARSHALL_OPTIONS,
      unmarshallOptions: STORAGE_UNMARSHALL_OPTIONS,
    });
    const sts = fakeSts(Date.now);
    const credentials = new JurisdictionCredentials(CONFIG, sts.assume);
    confineToJurisdictions(base, credentials);
    try {
      await withActingScope(async () => {
        actAs(submitter('ky-dcbs'));
        const own = clientFor(base, 'ky-dcbs');
        expect(own).not.toBe(base);
        expect(clientFor(base, 'ky-dcbs')).toBe(own);
        expect(await own.config.credentials()).toMatchObject({ accessKeyId: 'ASIA1' });
        // The base client's region, endpoint and connections.
        expect(await own.config.region()).toBe('us-west-2');
        expect((await own.config.endpoint!()).hostname).toBe('127.0.0.1');
        expect(own.config.requestHandler).toBe(base.config.requestHandler);
        await expect(scopedTable(base, 'Data', 'il-dcfs').get({ sk: 'PROFILE' })).rejects.toBeInstanceOf(CredentialRefusedError);
      });
      expect(sts.calls).toHaveLength(1);
    } finally {
      stopRouting(base);
    }
    expect(clientFor(base, 'ky-dcbs')).toBe(base);
  });
});
