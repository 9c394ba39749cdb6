import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Which way imports run in shared/ (docs/architecture.md, "Feature modules"). Floors, bottom-up: mechanisms (http,
 * auth, storage, forms, aws, the web mechanisms csrf/assets/form values, errors, config...), the components every page
 * uses, the domains with their pages, the site.
 */
const ROOT = join(import.meta.dirname, '..', '..');
/** Folders of shared/ that are domains: model, store, service, API contract and web/ pages of one domain. */
const DOMAINS = ['records', 'survey', 'jurisdictions', 'audit', 'review', 'mail', 'reports', 'warehouse', 'notices'];
/** Domains without pages: mail (the workflow's emails name records through records/naming.ts). */
const NO_PAGES = ['mail'];
/** Folders whose web/ holds pages: the domains, and the forms engine's data dictionary. */
const PAGE_OWNERS = [...DOMAINS.filter((d) => !NO_PAGES.includes(d)), 'forms'];

type Floor = { floor: 'mechanism' } | { floor: 'components' } | { floor: 'domain'; owner: string } | { floor: 'pages'; owner: string } | { floor: 'site' };

function floorOf(path: string): Floor {
  const [top, second] = path.split('/').slice(1);
  if (top === 'site') return { floor: 'site' };
  if (top === 'web' && second === 'components') return { floor: 'components' };
  if (top && PAGE_OWNERS.includes(top) && second === 'web') return { floor: 'pages', owner: top };
  if (top && DOMAINS.includes(top)) return { floor: 'domain', owner: top };
  return { floor: 'mechanism' };
}

const describeFloor = (f: Floor) => ('owner' in f ? `the ${f.owner} ${f.floor === 'pages' ? 'web pages' : 'domain'}` : f.floor);

/** Why `from` may not import `to` (both repository paths under shared/), or undefined when it may. */
function refusal(from: string, to: string): string | undefined {
  const a = floorOf(from);
  const b = floorOf(to);
  if (b.floor === 'site' && a.floor !== 'site') return 'nothing below the site imports the site';
  if (a.floor === 'components' && b.floor !== 'components' && b.floor !== 'mechanism') return `components import no domain (${describeFloor(b)})`;
  if (a.floor === 'mechanism' && b.floor !== 'mechanism') return `mechanisms import no domain, page or component (${describeFloor(b)})`;
  if (a.floor === 'domain' && (b.floor === 'pages' || b.floor === 'components')) return `a domain's model, store and service import no pages (${describeFloor(b)})`;
  if (a.floor === 'pages' && b.floor === 'pages' && a.owner !== b.owner) return `a domain's web/ never imports another domain's web/ (${describeFloor(b)})`;
  return undefined;
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;

/** The shared/ files an import statement of `file` names (packages and node: modules left out). */
function importsOf(file: string, source: string): string[] {
  const found: string[] = [];
  for (const [, , spec] of source.matchAll(SPECIFIER)) {
    if (spec!.startsWith('#shared/')) found.push(`shared/${spec!.slice('#shared/'.length)}`);
    else if (spec!.startsWith('.')) found.push(posix.normalize(posix.join(posix.dirname(file), spec!)));
  }
  return found.filter((p) => p.startsWith('shared/'));
}

function sharedFiles(dir = join(ROOT, 'shared')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sharedFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [relative(ROOT, join(dir, e.name)).split('\\').join('/')] : [],
  );
}

describe('import direction in shared/ (docs/architecture.md)', () => {
  const files = sharedFiles();

  it('finds the layout it checks: components, every page owner, the site', () => {
    expect(files).toContain('shared/web/components/layout.tsx');
    expect(files).toContain('shared/site/home-page.tsx');
    for (const owner of PAGE_OWNERS) expect(files.some((f) => f.startsWith(`shared/${owner}/web/`)), owner).toBe(true);
    // Every folder of shared/ is either a known domain or a mechanism: a new domain folder must be added above.
    const tops = new Set(files.map((f) => f.split('/')[1]!).filter((t) => !t.includes('.')));
    expect([...tops].filter((t) => !DOMAINS.includes(t)).sort()).toEqual(['auth', 'aws', 'forms', 'http', 'site', 'storage', 'web']);
  });

  it('reads every kind of import statement', () => {
    const src = [
      "import { a } from '#shared/records/model.ts';",
      "import type { B } from './pages.tsx';",
      "export { c } from '../store.ts';",
      "import '#shared/zod-config.ts';",
      "const d = () => import('#shared/site/home-page.tsx');",
      "import { z } from 'zod/mini';",
    ].join('\n');
    expect(importsOf('shared/survey/web/flow.tsx', src)).toEqual([
      'shared/records/model.ts',
      'shared/survey/web/pages.tsx',
      'shared/survey/store.ts',
      'shared/zod-config.ts',
      'shared/site/home-page.tsx',
    ]);
  });

  it('refuses what the rules forbid', () => {
    expect(refusal('shared/web/components/layout.tsx', 'shared/records/model.ts')).toMatch(/components import no domain/);
    expect(refusal('shared/survey/web/pages.tsx', 'shared/records/web/record-pages.tsx')).toMatch(/another domain's web/);
    expect(refusal('shared/audit/web/admin-pages.tsx', 'shared/site/home-page.tsx')).toMatch(/below the site/);
    expect(refusal('shared/http/handler.ts', 'shared/site/api.ts')).toMatch(/below the site/);
    expect(refusal('shared/storage/keys.ts', 'shared/records/model.ts')).toMatch(/mechanisms import no domain/);
    expect(refusal('shared/records/service.ts', 'shared/records/web/record-pages.tsx')).toMatch(/import no pages/);
    // Allowed: own domain, mechanisms and components from pages; anything from the site.
    expect(refusal('shared/survey/web/pages.tsx', 'shared/survey/model.ts')).toBeUndefined();
    expect(refusal('shared/survey/web/pages.tsx', 'shared/web/components/alerts.tsx')).toBeUndefined();
    expect(refusal('shared/survey/web/flow.tsx', 'shared/web/csrf.ts')).toBeUndefined();
    expect(refusal('shared/site/home-page.tsx', 'shared/records/web/record-flow.tsx')).toBeUndefined();
  });

  it('every import statement of shared/ follows them', () => {
    const broken = files.flatMap((file) =>
      importsOf(file, readFileSync(join(ROOT, file), 'utf8')).flatMap((target) => {
        const why = refusal(file, target);
        return why ? [`${file} -> ${target}: ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });
});
