import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import * as sass from 'sass-embedded';
import { CONDITIONS_BUILD_OPTIONS } from '../shared/forms/browser-bundle.ts';

/**
 * Builds the static assets of the web pages into dist/web-assets/ (served under /assets/): USWDS compiled from its Sass
 * packages with only the components and utilities the pages use (web/src/uswds.scss), with every file it references (fonts, icons), the USWDS icon sprite, and our own enhancement script (web/src/main.ts,
 * bundled by esbuild). Every file gets a content-hashed name; manifest.json maps logical names to them, and the web
 * function bundles that manifest (infra: PlatformFunction `define`). The CDK app runs this before synth; the same
 * directory is deployed to S3 (BucketDeployment) and served by the local runtime.
 */

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
export const WEB_ASSETS_DIR = path.join(PROJECT_ROOT, 'dist', 'web-assets');

/** Logical name → path under /assets/ (hashed). */
export type AssetManifest = Record<string, string>;

const hash = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

function hashedName(file: string, bytes: Buffer | string): string {
  const ext = path.extname(file);
  return `${path.basename(file, ext)}.${hash(bytes)}${ext}`;
}

/** Builds into a fresh directory and swaps it in, so concurrent synths (tests) never see a half-written tree. */
export function buildWebAssets(outDir: string = WEB_ASSETS_DIR): { dir: string; manifest: AssetManifest } {
  const require = createRequire(import.meta.url);
  const uswdsDist = path.join(path.dirname(require.resolve('@uswds/uswds')), '..');
  const tmp = `${outDir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  mkdirSync(tmp, { recursive: true });
  const write = (relative: string, bytes: Buffer | string) => {
    mkdirSync(path.dirname(path.join(tmp, relative)), { recursive: true });
    writeFileSync(path.join(tmp, relative), bytes);
    return relative;
  };
  const manifest: AssetManifest = {};

  // USWDS CSS: copy each file it references (url(../fonts/...), url(../img/...)) under a hashed name, and rewrite.
  // The Sass settings make those paths relative to USWDS's own dist/css, where its compiled stylesheet lives.
  const cssSource = path.join(uswdsDist, 'css', 'uswds.min.css');
  const copied = new Map<string, string>();
  const css = compileUswds(path.join(uswdsDist, '..', 'packages')).replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, (whole, _q: string, ref: string) => {
    if (/^(data:|https?:|#|\/)/.test(ref)) return whole;
    const [file, suffix = ''] = ref.split(/(?=[?#])/);
    const source = path.resolve(path.dirname(cssSource), file!);
    if (!existsSync(source)) return whole;
    let target = copied.get(source);
    if (!target) {
      const bytes = readFileSync(source);
      const relative = path.relative(uswdsDist, source).split(path.sep);
      target = write([...relative.slice(0, -1), hashedName(relative.at(-1)!, bytes)].join('/'), bytes);
      copied.set(source, target);
    }
    return `url(../${target}${suffix})`;
  });
  manifest['uswds.css'] = write(`css/${hashedName('uswds.min.css', css)}`, css);
  // The two faces every page's text uses, preloaded by the layout: text is drawn once, in its font, not swapped in later.
  for (const [source, target] of copied) {
    const face = /sourcesanspro-(regular|bold)-webfont\.woff2$/.exec(source)?.[1];
    if (face) manifest[`font-${face}.woff2`] = target;
  }

  const sprite = readFileSync(path.join(uswdsDist, 'img', 'sprite.svg'));
  manifest['sprite.svg'] = write(`img/${hashedName('sprite.svg', sprite)}`, sprite);

  // Our own script: one small ES module, no inline script anywhere.
  const bundled = buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'web', 'src', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    legalComments: 'none',
  });
  const js = bundled.outputFiles[0]!.contents;
  manifest['main.js'] = write(`js/${hashedName('main.js', Buffer.from(js))}`, Buffer.from(js));

  // The branching evaluator for the browser (globalThis.FormConditions), from the same module the server uses.
  const conditions = buildSync({ ...CONDITIONS_BUILD_OPTIONS, minify: true, write: false, legalComments: 'none' }).outputFiles[0]!.contents;
  manifest['conditions.js'] = write(`js/${hashedName('conditions.js', Buffer.from(conditions))}`, Buffer.from(conditions));

  const ours = path.join(PROJECT_ROOT, 'web', 'src', 'site.css');
  const siteCss = readFileSync(ours);
  manifest['site.css'] = write(`css/${hashedName('site.css', siteCss)}`, siteCss);

  write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);

  // Swap in; when another process got there first with the same content, keep theirs.
  const current = path.join(outDir, 'manifest.json');
  if (existsSync(current) && readFileSync(current, 'utf8') === readFileSync(path.join(tmp, 'manifest.json'), 'utf8')) {
    rmSync(tmp, { recursive: true, force: true });
    return { dir: outDir, manifest };
  }
  const old = `${outDir}.${process.pid}.old`;
  try {
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(tmp, outDir);
  } catch (e) {
    // Lost a race with another build: accept its result if it is the same.
    if (!(existsSync(current) && JSON.stringify(JSON.parse(readFileSync(current, 'utf8'))) === JSON.stringify(manifest))) throw e;
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  return { dir: outDir, manifest };
}

const USWDS_SCSS = path.join(PROJECT_ROOT, 'web', 'src', 'uswds.scss');
const SASS_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'npcs-uswds');

/**
 * Compiles web/src/uswds.scss against USWDS's packages. Compiling takes seconds and every synth (each test run's too)
 * builds the assets, so the CSS is kept under node_modules/.cache, keyed by the entry file and both packages' versions.
 */
export function compileUswds(packagesDir: string): string {
  const versionOf = (name: string) => (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  const key = hash(`${readFileSync(USWDS_SCSS, 'utf8')}\0${versionOf('@uswds/uswds')}\0${versionOf('sass-embedded')}`);
  const cached = path.join(SASS_CACHE_DIR, `uswds.${key}.css`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const { css } = sass.compile(USWDS_SCSS, { loadPaths: [packagesDir], style: 'compressed', quietDeps: true, silenceDeprecations: ['import', 'global-builtin'] });
  mkdirSync(SASS_CACHE_DIR, { recursive: true });
  // Temp file and rename: a parallel build never reads half a stylesheet.
  const tmp = `${cached}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, css);
  renameSync(tmp, cached);
  return css;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { dir, manifest } = buildWebAssets();
  process.stdout.write(`web assets in ${path.relative(PROJECT_ROOT, dir)}: ${Object.values(manifest).join(', ')}\n`);
}
