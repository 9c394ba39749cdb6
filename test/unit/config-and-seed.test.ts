import { describe, expect, it } from 'vitest';
import { loadConfig } from '#infra/config.ts';
import { requiredEnv } from '#shared/config.ts';
import { jurisdictionSchema } from '#shared/jurisdictions/model.ts';
import { readJurisdictionSeed } from '#shared/jurisdictions/seed.ts';
import { JURISDICTION_SEED } from '#local/cloud.ts';

describe('configuration fails fast', () => {
  it('requiredEnv throws naming the variable', () => {
    delete process.env.NPCS_TEST_MISSING;
    expect(() => requiredEnv('NPCS_TEST_MISSING')).toThrow('Missing required environment variable NPCS_TEST_MISSING');
    process.env.NPCS_TEST_BLANK = '  ';
    expect(() => requiredEnv('NPCS_TEST_BLANK')).toThrow('NPCS_TEST_BLANK');
  });

  it('deploy config names each bad key', () => {
    const ctx = (values: Record<string, unknown>) => (key: string) => values[key];
    expect(loadConfig(ctx({})).stage).toBe('dev');
    expect(() => loadConfig(ctx({ stage: 'prod', senderAddress: 'a@b.org', alarmEmail: 'c@d.org', inboundDomain: 'replies.b.org' }))).toThrow(/domainName is required for stage prod/);
    expect(() => loadConfig(ctx({ stage: 'qa' }))).toThrow(/stage/);
    expect(() => loadConfig(ctx({ alarmEmail: 'nope' }))).toThrow(/alarmEmail must be an email address/);
  });
});

describe('jurisdictions seed', () => {
  it('is valid, with unique ids, and covers state, county and tribal agencies', () => {
    const seed = readJurisdictionSeed(JURISDICTION_SEED);
    expect(new Set(seed.map((j) => j.id)).size).toBe(seed.length);
    expect(new Set(seed.map((j) => j.type))).toEqual(new Set(['state', 'county', 'tribal']));
  });

  it('gives most jurisdictions a data-sharing agreement with the 24-month research lag, and some none', () => {
    const seed = readJurisdictionSeed(JURISDICTION_SEED);
    const sharing = seed.filter((j) => j.dataSharing?.sharesWithWarehouse);
    expect(sharing.length).toBeGreaterThan(seed.length / 2);
    expect(new Set(sharing.map((j) => j.dataSharing?.lagMonths))).toEqual(new Set([24]));
    const none = seed.filter((j) => !j.dataSharing).map((j) => j.id);
    expect(none.length).toBeGreaterThanOrEqual(1);
    expect(none.length).toBeLessThanOrEqual(2);
  });

  it('rejects a county without its county, and duplicate unit codes', () => {
    const base = { id: 'xx-test', name: 'Test Agency', type: 'state', state: 'KY', units: [], contacts: [], active: true, joinedYear: 2024 };
    expect(jurisdictionSchema.safeParse(base).success).toBe(true);
    expect(jurisdictionSchema.safeParse({ ...base, type: 'county' }).success).toBe(false);
    const dupes = { ...base, units: [{ code: 'a', label: 'A' }, { code: 'a', label: 'B' }] };
    expect(jurisdictionSchema.safeParse(dupes).error?.issues[0]?.message).toBe('Unit codes must be unique');
  });
});
