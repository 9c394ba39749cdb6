import { describe, expect, it } from 'vitest';
import { activeJurisdictionCheck } from '#shared/auth/active-jurisdiction.ts';

describe('the active-jurisdiction check', () => {
  it('asks the registry once a minute per jurisdiction, and treats unknown ones as inactive', async () => {
    let now = 0;
    const asked: string[] = [];
    const registry: Record<string, { active: boolean }> = { 'ky-dcbs': { active: true }, 'mt-old': { active: false } };
    const check = activeJurisdictionCheck(async (id) => (asked.push(id), registry[id]), () => now);
    expect(await check('ky-dcbs')).toBe(true);
    expect(await check('ky-dcbs')).toBe(true);
    expect(await check('mt-old')).toBe(false);
    expect(await check('nowhere')).toBe(false);
    expect(asked).toEqual(['ky-dcbs', 'mt-old', 'nowhere']);
    registry['ky-dcbs'] = { active: false };
    now += 59_000;
    expect(await check('ky-dcbs')).toBe(true); // still cached
    now += 2_000;
    expect(await check('ky-dcbs')).toBe(false); // a minute later the registry is asked again
  });
});
