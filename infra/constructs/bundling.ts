import * as path from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as esbuild from 'esbuild';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Injected first into every bundle: source-mapped stack traces without Node's load-time cost. */
export const SOURCE_MAPPED_STACKS = path.join(PROJECT_ROOT, 'shared', 'source-mapped-stacks.ts');

/**
 * The esbuild options of every Lambda function (and of the bench's reference handler, so that init ratios compare
 * like with like): ESM for node24, minified, with source maps beside the code.
 */
export const FUNCTION_ESBUILD_OPTIONS = {
  bundle: true,
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // ESM bundles still meet CommonJS dependencies that call require(); give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  // Stack traces in the TypeScript sources, the map read only when a stack is formatted; replaces Node's
  // --enable-source-maps, which walks the whole bundle at every cold start (shared/source-mapped-stacks.ts).
  inject: [SOURCE_MAPPED_STACKS],
  // The AWS SDK v3 comes with the nodejs24.x runtime (and from node_modules locally): bundling it would triple
  // every bundle (docs/architecture.md, "Bundles").
  external: ['@aws-sdk/*', '@smithy/*'],
} as const satisfies esbuild.BuildOptions;

/**
 * Bundles `functions/<id>/handler.ts` into `outDir`: `index.mjs` (the handler) and, with code splitting, a chunk
 * per dynamically imported module group under `chunks/`. A cold start loads the entry and the chunks it imports
 * statically; a route's own code (`await import(...)` in the handler) is read and compiled on its first request.
 */
export function bundleFunction(entry: string, outDir: string, define?: Record<string, string>): esbuild.BuildResult<{ metafile: true }> {
  const options = {
    ...FUNCTION_ESBUILD_OPTIONS,
    mainFields: [...FUNCTION_ESBUILD_OPTIONS.mainFields],
    inject: [...FUNCTION_ESBUILD_OPTIONS.inject],
    external: [...FUNCTION_ESBUILD_OPTIONS.external],
    absWorkingDir: PROJECT_ROOT,
    entryPoints: { index: entry },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    ...(define ? { define } : {}),
    metafile: true,
    logLevel: 'warning',
  } satisfies esbuild.BuildOptions;
  return esbuild.buildSync(options);
}

/**
 * The Lambda code of `functions/<id>/`: bundled in-process with esbuild (no Docker) by bundleFunction, with `define`
 * replacing identifiers at build time. The asset hash is the bundle's, so an unchanged bundle deploys nothing.
 */
export function bundledCode(functionId: string, define?: Record<string, string>): lambda.Code {
  const functionDir = path.join(PROJECT_ROOT, 'functions', functionId);
  return lambda.Code.fromAsset(functionDir, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type, never pulled: local bundling always runs (esbuild is a dependency) or throws.
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle: (outputDir) => {
          bundleFunction(path.join(functionDir, 'handler.ts'), outputDir, define);
          return true;
        },
      },
    },
  });
}
