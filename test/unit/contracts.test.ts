import { describe, expect, it } from 'vitest';
import { CONTRACTS, buildOpenApiDocument } from '#shared/http/openapi.ts';
import { ROUTES } from '#shared/http/routes.ts';

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
});
