import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { registryActiveCheck } from '#shared/auth/active-jurisdiction.ts';
import { keys } from '#shared/storage/keys.ts';
import { client, tableName, uniqueJurisdiction } from '../records/setup.ts';

describe('the session check of a jurisdiction against the registry (DynamoDB Local)', () => {
  it('is true for an active profile, false for an inactive or missing one', async () => {
    const [on, off, missing] = [uniqueJurisdiction('on'), uniqueJurisdiction('off'), uniqueJurisdiction('none')];
    for (const [id, active] of [[on, true], [off, false]] as const) {
      await client.send(new PutCommand({ TableName: tableName(), Item: { ...keys.jurisdictionProfile(id), id, name: `Agency ${id}`, active, contacts: [{ name: 'Not read' }] } }));
    }
    const check = registryActiveCheck(tableName(), client);
    expect(await check(on)).toBe(true);
    expect(await check(off)).toBe(false);
    expect(await check(missing)).toBe(false);
  });
});
