import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { SOURCE_MAPPED_STACKS } from '#infra/constructs/platform-function.ts';

/**
 * The esbuild options of every Lambda function, as infra/constructs/platform-function.ts gives them to
 * NodejsFunction (`bundling`). Keep the two in step: the init-time ratio is only fair if the reference bundle is
 * built exactly like the functions.
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
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  inject: [SOURCE_MAPPED_STACKS],
  external: ['@aws-sdk/*', '@smithy/*'],
} as const satisfies esbuild.BuildOptions;

/** Bundles one entry point like a function; returns the path of the `index.mjs` written into `outDir`. */
export async function bundleLikeAFunction(projectRoot: string, entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.mjs');
  await esbuild.build({
    ...FUNCTION_ESBUILD_OPTIONS,
    mainFields: [...FUNCTION_ESBUILD_OPTIONS.mainFields],
    external: [...FUNCTION_ESBUILD_OPTIONS.external],
    inject: [...FUNCTION_ESBUILD_OPTIONS.inject],
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** Fails loudly when the synthesized bundles were not built with the banner above (options drifted). */
export function assertSameBanner(bundlePath: string): void {
  const head = readFileSync(bundlePath, 'utf8').slice(0, 400);
  if (!head.includes('createRequire as __cr')) {
    throw new Error(
      `${bundlePath} does not start with the createRequire banner: bench/bundle.ts FUNCTION_ESBUILD_OPTIONS no longer matches infra/constructs/platform-function.ts`,
    );
  }
}
