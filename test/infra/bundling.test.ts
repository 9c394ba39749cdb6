import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction } from '#infra/constructs/bundling.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'npcs-bundling-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The source modules a cold start evaluates: those of index.mjs and of the chunks it imports statically. */
function loadedAtColdStart(functionId: string): string[] {
  const { metafile } = bundleFunction(join(root, 'functions', functionId, 'handler.ts'), join(work, functionId));
  const outputs: Metafile['outputs'] = metafile.outputs;
  const entry = Object.keys(outputs).find((k) => k.endsWith(`${functionId}/index.mjs`))!;
  const files = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const i of outputs[file]!.imports) if (i.kind === 'import-statement' && !i.external) pending.push(i.path);
  }
  return [...files].flatMap((f) => Object.keys(outputs[f]!.inputs));
}

describe('function bundles (infra/constructs/bundling.ts): what a cold start loads', () => {
  it('web: the HTTP stack and sessions, not the pages, which load on their first request', () => {
    const modules = loadedAtColdStart('web');
    expect(modules).toContain('shared/http/handler.ts');
    expect(modules).toContain('shared/auth/sessions.ts');
    expect(modules).toContain('shared/source-mapped-stacks.ts');
    for (const page of ['shared/site/home-page.tsx', 'shared/records/web/record-flow.tsx', 'shared/jurisdictions/web/registry-flow.tsx', 'shared/survey/web/admin-flow.tsx', 'shared/audit/web/audit-flow.tsx', 'shared/forms/web/dictionary-page.tsx', 'shared/forms/dictionary.ts', 'shared/http/csp-reports.ts']) {
      expect(modules, page).not.toContain(page);
    }
    expect(modules.filter((m) => m.includes('node_modules/rate-limiter-flexible/'))).toEqual([]);
  });

  it('auth: the session routes without the OpenID client (first sign-in) or the page layout (first error page)', () => {
    const modules = loadedAtColdStart('auth');
    expect(modules).toContain('shared/auth/oidc.ts');
    expect(modules.filter((m) => m.includes('node_modules/openid-client/') || m.includes('node_modules/oauth4webapi/'))).toEqual([]);
    expect(modules.filter((m) => m.includes('node_modules/preact') || ['shared/web/components/page.tsx', 'shared/web/components/layout.tsx'].includes(m))).toEqual([]);
  });
}, 60_000);
