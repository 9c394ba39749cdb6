import { describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/http/routes.ts';
import { baseUrl, call, signIn } from './helpers.ts';

describe('the OpenAPI document', () => {
  it('is served at /api/openapi.json, OpenAPI 3.1, with every declared route and its parameters', async () => {
    const res = await call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json;
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    const list = doc.paths['/api/jurisdictions'].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['active', 'state', 'type']);
    expect(list.responses['422'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    expect(doc.components.schemas.Jurisdiction.properties.id.type).toBe('string');
  });

  it('names the app as its server and the session cookie as the local app sets it (no __Host- prefix on http://127.0.0.1)', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json;
    expect(doc.servers.map((s: { url: string }) => s.url)).toEqual([new URL(baseUrl()).origin]);
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'npcs_session' });
    // Signing in sets that cookie.
    const browser = await signIn('demo-ky-dcbs-submitter');
    expect([...(browser.jar.get(new URL(baseUrl()).origin)?.keys() ?? [])]).toContain(doc.components.securitySchemes.session.name);
  });
});
