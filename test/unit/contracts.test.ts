import { describe, expect, it } from 'vitest';
import { CONTRACTS, buildOpenApiDocument } from '#shared/site/openapi.ts';
import { ROUTES } from '#shared/http/routes.ts';
import { ACTION_DESCRIPTIONS } from '#shared/auth/policy.ts';

describe('route contracts', () => {
  it('exist for every declared route, and for nothing else', () => {
    expect(Object.keys(CONTRACTS).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('produce an OpenAPI document with one operation per route and unique operation ids', () => {
    const doc = buildOpenApiDocument();
    const ops = Object.values(doc.paths ?? {}).flatMap((p) => Object.values(p as Record<string, { operationId: string }>));
    expect(ops).toHaveLength(ROUTES.length);
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ROUTES.length);
  });

  it("say in each operation which action of the policy it needs and which roles have it", () => {
    const op = (method: string, path: string) => (buildOpenApiDocument().paths?.[path] as Record<string, { description: string }>)[method];
    expect(op('get', '/healthz')!.description).toBe(`Action \`health:read\`: ${ACTION_DESCRIPTIONS['health:read']}. Open to everyone.`);
    const amend = op('post', '/records/{recordId}/amend')!.description;
    expect(amend).toContain('Action `records:amend`');
    expect(amend).toContain('Reviewer (agency review lead) (own jurisdiction)');
    expect(amend).not.toContain('Submitter (agency staff)');
    for (const r of ROUTES) expect(op(r.method.toLowerCase(), r.path)!.description, `${r.method} ${r.path}`).toContain(`\`${r.action}\``);
  });

  it('make every state-changing browser route a form post (CSRF token, urlencoded; multipart only where a file is uploaded), and document it so', () => {
    const doc = buildOpenApiDocument();
    // The JSON API lives under /api/; sign-in's redirects are GETs. Every other non-GET route is a page's form.
    const browserPosts = ROUTES.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/'));
    expect(browserPosts.length).toBeGreaterThanOrEqual(10);
    // The staff list upload is the one file upload.
    expect(ROUTES.filter((r) => CONTRACTS[`${r.method} ${r.path}`]!.multipart).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /survey-waves/{waveId}/staff']);
    for (const r of ROUTES) {
      const key = `${r.method} ${r.path}`;
      const isForm = browserPosts.includes(r);
      expect(CONTRACTS[key]!.form ?? false, key).toBe(isForm);
      const op = (doc.paths?.[r.path] as Record<string, { requestBody?: { content: Record<string, unknown> } }>)[r.method.toLowerCase()];
      const multipart = CONTRACTS[key]!.multipart ? ['multipart/form-data'] : [];
      if (op?.requestBody) expect(Object.keys(op.requestBody.content), key).toEqual(isForm ? ['application/x-www-form-urlencoded', ...multipart] : ['application/json']);
    }
  });
});
