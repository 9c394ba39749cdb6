import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { bundleFunction } from '#infra/constructs/bundling.ts';

/**
 * Bundles one entry point exactly as the CDK app bundles a function (infra/constructs/bundling.ts, the one source of
 * the esbuild options); returns the path of the `index.mjs` written into `outDir`.
 */
export async function bundleLikeAFunction(entry: string, outDir: string): Promise<string> {
  bundleFunction(entry, outDir);
  return join(outDir, 'index.mjs');
}

/** Every file of a bundled asset folder (index.mjs, chunks/*.mjs and their maps), by path inside the folder. */
export function assetFiles(assetDir: string): { name: string; data: Buffer }[] {
  const files: { name: string; data: Buffer }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push({ name: relative(assetDir, full), data: readFileSync(full) });
    }
  };
  walk(assetDir);
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
