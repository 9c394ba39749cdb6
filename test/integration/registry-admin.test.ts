import { describe, expect, it } from 'vitest';
import { baseUrl, signIn } from './helpers.ts';
import { newJurisdiction } from '../support/jurisdiction-fixtures.ts';


describe('platform admins keep the registry without a deploy', () => {
  it('add, read the profile, edit with the version, refuse a stale edit, and audit each change', async () => {
    const admin = await signIn('demo-platform-admin');
    const id = `it-${Date.now().toString(36)}`;
    const post = (body: unknown) => admin.go(`${baseUrl()}/api/jurisdictions`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const created = await post(newJurisdiction(id));
    expect(created.status).toBe(201);
    expect(((await created.json()) as { version: number }).version).toBe(1);
    expect((await post(newJurisdiction(id))).status).toBe(409);

    const profile = (await (await admin.go(`${baseUrl()}/api/jurisdictions/${id}/profile`)).json()) as { version: number; contacts: unknown[] };
    expect(profile.contacts).toHaveLength(1);
    const put = (expectedVersion: number, name: string) =>
      admin.go(`${baseUrl()}/api/jurisdictions/${id}`, {
        method: 'PUT',
        body: JSON.stringify({ jurisdiction: { ...newJurisdiction(id), name }, expectedVersion }),
        headers: { 'content-type': 'application/json' },
      });
    const edited = await put(profile.version, 'Renamed Agency');
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { version: number }).version).toBe(2);
    const stale = await put(1, 'Lost Update');
    expect(stale.status).toBe(409);
    const publicView = (await (await fetch(`${baseUrl()}/api/jurisdictions/${id}`)).json()) as { name: string };
    expect(publicView.name).toBe('Renamed Agency');

    const audit = (await (await admin.go(`${baseUrl()}/api/jurisdictions/${id}/audit`)).json()) as { items: { action: string; changedFields?: string[] }[] };
    expect(audit.items.map((e) => e.action)).toEqual(['registry.updated', 'registry.created']);
    expect(audit.items[0]!.changedFields).toEqual(['name']);
  });

  it('takes a jurisdiction\'s review timing through the API too: checked by the schema, kept in the profile, never public', async () => {
    const admin = await signIn('demo-platform-admin');
    const id = `it-rv-${Date.now().toString(36)}`;
    const send = (method: string, path: string, body: unknown) => admin.go(`${baseUrl()}${path}`, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await send('POST', '/api/jurisdictions', { ...newJurisdiction(id), review: { reminderHours: 48, escalateAfterReminders: 3 } })).status).toBe(201);
    const profile = (await (await admin.go(`${baseUrl()}/api/jurisdictions/${id}/profile`)).json()) as { version: number; review?: unknown };
    expect(profile.review).toEqual({ reminderHours: 48, escalateAfterReminders: 3 });
    const bad = await send('PUT', `/api/jurisdictions/${id}`, { jurisdiction: { ...newJurisdiction(id), review: { reminderHours: 0, escalateAfterReminders: 3 } }, expectedVersion: profile.version });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('Remind at most every hour');
    const half = await send('PUT', `/api/jurisdictions/${id}`, { jurisdiction: { ...newJurisdiction(id), review: { reminderHours: 24 } }, expectedVersion: profile.version });
    expect(half.status).toBe(422);
    expect(((await (await fetch(`${baseUrl()}/api/jurisdictions/${id}`)).json()) as Record<string, unknown>).review).toBeUndefined();
  });

  it("keeps a jurisdiction's data-sharing agreement: 422 naming each wrong part, audited when withdrawn, never public", async () => {
    const admin = await signIn('demo-platform-admin');
    const id = `it-ds-${Date.now().toString(36)}`;
    const send = (method: string, path: string, body: unknown) => admin.go(`${baseUrl()}${path}`, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const agreement = { sharesWithWarehouse: true, since: '2024-07-01', lagMonths: 24 };

    // Each wrong part: 422 with the field and the schema's message, and nothing written.
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...agreement, since: '2024-02-30' }, 'dataSharing.since', 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01'],
      [{ ...agreement, since: '07/01/2024' }, 'dataSharing.since', 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01'],
      [{ ...agreement, lagMonths: 121 }, 'dataSharing.lagMonths', 'The lag is at most 120 months (10 years)'],
      [{ ...agreement, lagMonths: -1 }, 'dataSharing.lagMonths', 'The lag cannot be negative: 0 months shares records as soon as they are approved'],
      [{ ...agreement, lagMonths: 1.5 }, 'dataSharing.lagMonths', 'The lag is a whole number of months'],
      [{ ...agreement, lagMonths: '24' }, 'dataSharing.lagMonths', 'Give the lag in months as a whole number, such as 24'],
      [{ ...agreement, sharesWithWarehouse: 'yes' }, 'dataSharing.sharesWithWarehouse', 'Say whether the jurisdiction shares with the warehouse: true or false'],
      [{ since: '2024-07-01', lagMonths: 24 }, 'dataSharing.sharesWithWarehouse', 'Say whether the jurisdiction shares with the warehouse: true or false'],
    ];
    for (const [dataSharing, field, message] of cases) {
      const res = await send('POST', '/api/jurisdictions', { ...newJurisdiction(id), dataSharing });
      expect(res.status, JSON.stringify(dataSharing)).toBe(422);
      expect(((await res.json()) as { error: { errors: unknown[] } }).error.errors).toEqual([{ field, message }]);
    }
    expect((await admin.go(`${baseUrl()}/api/jurisdictions/${id}/profile`)).status).toBe(404);

    // A valid one: kept in the profile, in no public answer.
    expect((await send('POST', '/api/jurisdictions', { ...newJurisdiction(id), dataSharing: agreement })).status).toBe(201);
    const profile = (await (await admin.go(`${baseUrl()}/api/jurisdictions/${id}/profile`)).json()) as { version: number; dataSharing?: unknown };
    expect(profile.dataSharing).toEqual(agreement);
    const one = await fetch(`${baseUrl()}/api/jurisdictions/${id}`);
    expect(((await one.json()) as Record<string, unknown>).dataSharing).toBeUndefined();
    const list = await (await fetch(`${baseUrl()}/api/jurisdictions?state=KY`)).text();
    expect(list).toContain(id);
    expect(list).not.toContain('dataSharing');
    expect(list).not.toContain('sharesWithWarehouse');

    // Through PUT too, the path names the body's jurisdiction; then withdrawn: audited as data_sharing.
    const bad = await send('PUT', `/api/jurisdictions/${id}`, { jurisdiction: { ...newJurisdiction(id), dataSharing: { ...agreement, since: '' } }, expectedVersion: profile.version });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { errors: unknown[] } }).error.errors).toEqual([
      { field: 'jurisdiction.dataSharing.since', message: 'Give the date the agreement starts as a real date written YYYY-MM-DD, such as 2024-07-01' },
    ]);
    const withdrawn = await send('PUT', `/api/jurisdictions/${id}`, { jurisdiction: { ...newJurisdiction(id), dataSharing: { ...agreement, sharesWithWarehouse: false } }, expectedVersion: profile.version });
    expect(withdrawn.status).toBe(200);
    const audit = (await (await admin.go(`${baseUrl()}/api/jurisdictions/${id}/audit`)).json()) as { items: { action: string; changedFields?: string[] }[] };
    expect(audit.items[0]).toMatchObject({ action: 'registry.updated', changedFields: ['data_sharing'] });
  });

  it('refuses everyone else: 403 for signed-in agency staff, 401 without a session', async () => {
    const staff = await signIn('demo-ky-dcbs-admin');
    const res = await staff.go(`${baseUrl()}/api/jurisdictions`, { method: 'POST', body: JSON.stringify(newJurisdiction('it-forbidden')), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(403);
    const anon = await fetch(`${baseUrl()}/api/jurisdictions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(anon.status).toBe(401);
  });
});
