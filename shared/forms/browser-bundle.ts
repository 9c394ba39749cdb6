/**
 * The condition evaluator as a browser script (IIFE exposing `globalThis.FormConditions`), built from the
 * same module the server uses, so branching behaves the same on both sides.
 */
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const BROWSER_GLOBAL = 'FormConditions';

/** esbuild options of the bundle (infra/build-web-assets.ts builds the pages' copy with them too). */
export const CONDITIONS_BUILD_OPTIONS: BuildOptions = {
  entryPoints: [fileURLToPath(new URL('./conditions.ts', import.meta.url))],
  bundle: true,
  platform: 'browser',
  format: 'iife',
  globalName: BROWSER_GLOBAL,
  target: 'es2022',
  logLevel: 'silent',
};

export async function buildConditionsBundle(options: { minify?: boolean } = {}): Promise<string> {
  const result = await build({ ...CONDITIONS_BUILD_OPTIONS, minify: options.minify ?? false, write: false });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}
