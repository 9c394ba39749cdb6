import { describe, expect, it } from 'vitest';
import { readJurisdictionSeed } from '#shared/jurisdictions/seed.ts';
import { JURISDICTION_SEED } from '#local/cloud.ts';
import { baseUrl, call, expectNoInternals, signIn } from './helpers.ts';

const seed = readJurisdictionSeed(JURISDICTION_SEED);

describe('jurisdictions registry API (through the local HTTP API and the deployed bundle)', () => {
  it('lists every seeded jurisdiction, ordered by state then name, without contacts', async () => {
    const res = await call('GET', '/api/jurisdictions');
    expect(res.status).toBe(200);
    // Other tests of the run may add jurisdictions (registry-admin): every seeded one is there, and count is honest.
    const ids = res.json.jurisdictions.map((j: { id: string }) => j.id);
    expect(ids).toEqual(expect.arrayContaining(seed.map((j) => j.id)));
    expect(res.json.count).toBe(ids.length);
    const keys = res.json.jurisdictions.map((j: { state: string; name: string }) => `${j.state}#${j.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(res.text).not.toContain('example.org');
    expect(res.text).not.toContain('contacts');
  });

  it('filters by state (case-insensitive), type and active', async () => {
    const oh = await call('GET', '/api/jurisdictions?state=oh&type=county');
    expect(oh.status).toBe(200);
    expect(oh.json.jurisdictions.map((j: { id: string }) => j.id).sort()).toEqual(
      seed.filter((j) => j.state === 'OH' && j.type === 'county').map((j) => j.id).sort(),
    ); // (tests add jurisdictions only in KY)
    // Other tests may deactivate jurisdictions they add (in KY): every seeded inactive one is listed, and only inactive ones.
    const inactive = await call('GET', '/api/jurisdictions?active=false');
    const listed = inactive.json.jurisdictions as { id: string; active: boolean }[];
    expect(listed.map((j) => j.id)).toEqual(expect.arrayContaining(seed.filter((j) => !j.active).map((j) => j.id)));
    expect(listed.every((j) => j.active === false)).toBe(true);
  });

  it('reads one jurisdiction, and says plainly when there is none', async () => {
    const ky = await call('GET', '/api/jurisdictions/ky-dcbs');
    expect(ky.status).toBe(200);
    expect(ky.json).toMatchObject({ id: 'ky-dcbs', type: 'state', state: 'KY' });
    const missing = await call('GET', '/api/jurisdictions/zz-nowhere');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'not_found', message: 'There is no jurisdiction with id "zz-nowhere".' });
  });

  it('rejects bad query and path input with 422 naming each field', async () => {
    const res = await call('GET', '/api/jurisdictions?type=city&state=XX&colour=blue');
    expect(res.status).toBe(422);
    const fields = res.json.error.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['colour', 'state', 'type']);
    const badId = await call('GET', '/api/jurisdictions/Not_An_Id');
    expect(badId.status).toBe(422);
    expect(badId.json.error.errors[0].field).toBe('jurisdictionId');
  });

  it('answers an unknown route with 404 and a wrong method with 405 and Allow', async () => {
    const unknown = await call('GET', '/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe('There is nothing at GET /api/nothing-here.');
    const wrong = await call('DELETE', '/api/jurisdictions/ky-dcbs');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PUT');
    expect(wrong.json.error.message).toContain('DELETE is not allowed');
  });

  it('refuses a body where none belongs, and a body over 256 KB with 413, before touching data', async () => {
    const withBody = await call('GET', '/api/jurisdictions', { body: '{"x":1}', headers: { 'content-type': 'application/json' } });
    expect(withBody.status).toBe(400);
    expect(withBody.json.error.message).toBe('GET /api/jurisdictions takes no request body.');
    const big = await call('GET', '/api/jurisdictions', { body: 'x'.repeat(300 * 1024), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expect(big.json.error.message).toBe('The request body is 300 KB; the limit is 256 KB.');
    // A protected route checks the session before it reads the body: no parse feedback for strangers.
    const malformed = await call('POST', '/api/jurisdictions', { body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(401);
    const admin = await signIn('demo-platform-admin');
    const signedIn = await admin.go(`${baseUrl()}/api/jurisdictions`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(signedIn.status).toBe(400);
    expect(((await signedIn.json()) as { error: { message: string } }).error.message).toMatch(/^The request body is not valid JSON/);
    const wrongType = await admin.go(`${baseUrl()}/api/jurisdictions`, { method: 'POST', body: 'id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);
  });

  it('never answers with a stack trace, and always with security headers', async () => {
    const badEncoding = await call('GET', '/%E0%A4%A');
    expect(badEncoding.status).toBe(400);
    expectNoInternals(badEncoding.text);
    for (const [method, path] of [['GET', '/api/jurisdictions/Bad'], ['PUT', '/healthz'], ['GET', '/api/jurisdictions?state=']]) {
      const res = await call(method!, path!);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectNoInternals(res.text);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('reports each service as ok on /healthz', async () => {
    const res = await call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok', services: { dynamodb: 'ok', s3: 'ok', stepfunctions: 'ok', mail: 'ok' } });
  });
});
