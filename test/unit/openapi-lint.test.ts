import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#shared/site/openapi.ts';
import { ROUTES } from '#shared/http/routes.ts';
import { isPublicAction } from '#shared/auth/policy.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const REDOCLY = path.join(path.dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'npcs-openapi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Problem {
  ruleId: string;
  severity: string;
  message: string;
  location: { pointer: string }[];
}

/** `redocly lint` with the repository's redocly.yaml (recommended rules), offline: no telemetry, no update check. */
function redoclyLint(doc: unknown, name: string): Problem[] {
  const file = path.join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const run = spawnSync(process.execPath, [REDOCLY, 'lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'json'], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true', NO_COLOR: '1' },
    timeout: 60_000,
  });
  const json = run.stdout.slice(run.stdout.indexOf('{'));
  if (!json.startsWith('{')) throw new Error(`redocly lint gave no report (exit ${run.status}): ${run.stderr}`);
  return (JSON.parse(json) as { problems: Problem[] }).problems;
}

type Operation = { security?: unknown[]; responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: unknown }> } };
const operations = (doc: ReturnType<typeof buildOpenApiDocument>) =>
  ROUTES.map((r) => ({ route: r, op: (doc.paths?.[r.path] as Record<string, Operation>)[r.method.toLowerCase()]! }));

describe('the OpenAPI document, checked by Redocly CLI (recommended rules)', () => {
  it('has no problem as deployed (relative server, __Host- session cookie)', () => {
    const problems = redoclyLint(buildOpenApiDocument(), 'deployed');
    expect(problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
  }, 60_000);

  it('has no problem as served locally (the app origin as its server)', () => {
    const problems = redoclyLint(buildOpenApiDocument({ appOrigin: 'http://127.0.0.1:3000' }), 'local');
    expect(problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
  }, 60_000);
});

describe('the OpenAPI document says how to call the API', () => {
  it('names a server, and the session cookie as sign-in sets it (__Host- prefix except on http://localhost)', () => {
    const deployed = buildOpenApiDocument({ appOrigin: 'https://reviews.example.org' });
    expect(deployed.servers).toEqual([expect.objectContaining({ url: 'https://reviews.example.org' })]);
    expect(deployed.components?.securitySchemes?.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: '__Host-npcs_session' });
    const local = buildOpenApiDocument({ appOrigin: 'http://127.0.0.1:3000' });
    expect(local.components?.securitySchemes?.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'npcs_session' });
    expect(buildOpenApiDocument().servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('requires the session on exactly the routes the policy does not make public', () => {
    const doc = buildOpenApiDocument();
    expect(doc.security).toEqual([{ session: [] }]);
    for (const { route, op } of operations(doc)) {
      const key = `${route.method} ${route.path}`;
      if (isPublicAction(route.action)) expect(op.security, key).toEqual([]);
      else expect(op.security, key).toBeUndefined();
      // A signed-out client gets 401 wherever a session is needed.
      if (!isPublicAction(route.action)) expect(Object.keys(op.responses), key).toContain('401');
    }
  });

  it('makes every form post carry the CSRF token field, and every operation answer 2xx or 3xx and some 4xx', () => {
    for (const { route, op } of operations(buildOpenApiDocument())) {
      const key = `${route.method} ${route.path}`;
      const statuses = Object.keys(op.responses).map(Number);
      expect(statuses.some((s) => s >= 200 && s < 400), key).toBe(true);
      expect(statuses.some((s) => s >= 400 && s < 500), key).toBe(true);
      const form = op.requestBody?.content['application/x-www-form-urlencoded'];
      if (route.method !== 'GET' && !route.path.startsWith('/api/')) {
        expect(JSON.stringify(form?.schema), key).toContain('"_csrf"');
        // A closed object lists the token among its fields, or it would forbid what the stack requires.
        type Schema = { additionalProperties?: unknown; properties?: Record<string, unknown>; allOf?: Schema[] };
        const schema = form?.schema as Schema;
        for (const part of [schema, ...(schema.allOf ?? [])]) {
          if (part.additionalProperties === false) expect(Object.keys(part.properties ?? {}), key).toContain('_csrf');
        }
      }
    }
  });
});
