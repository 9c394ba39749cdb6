import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

// The CDK app (aws-cdk-lib, cdk-nag, esbuild: about 2.5 s to load) is imported only when an assembly is made.
const synthesizeApp = async (outdir: string, context: Record<string, unknown>) => void (await import('./synth-app.ts')).synthesize(outdir, context);

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
/** Everything the synthesized assembly is made from: the CDK app, the functions and what they bundle, the lock file. */
export const SYNTH_INPUTS = ['infra', 'functions', 'shared', 'forms', 'web', 'package-lock.json'] as const;
/** Written last into a finished assembly: the hash of the inputs it was made from. */
export const INPUTS_HASH_FILE = 'npcs-inputs.sha256';

/** sha256 over every file of the inputs (relative path and bytes, in a stable order) and the context. */
export function synthInputsHash(context: Record<string, unknown>, projectRoot: string = PROJECT_ROOT, inputs: readonly string[] = SYNTH_INPUTS): string {
  const hash = createHash('sha256');
  const add = (relative: string) => {
    const full = path.join(projectRoot, relative);
    const stat = statSync(full, { throwIfNoEntry: false });
    // A missing input hashes differently from an empty one, so deleting it re-synthesizes too.
    if (!stat) return void hash.update(`missing\0${relative}\0`);
    const files = stat.isFile()
      ? [full]
      : readdirSync(full, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    for (const file of files.sort()) {
      hash.update(`${path.relative(projectRoot, file).split(path.sep).join('/')}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  };
  for (const input of inputs) add(input);
  hash.update(`context\0${stableJson(context)}`);
  return hash.digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface CachedSynthOptions {
  context?: Record<string, unknown>;
  projectRoot?: string;
  inputs?: readonly string[];
  /** Tests replace the (slow) synth. */
  synth?: (outdir: string, context: Record<string, unknown>) => void | Promise<void>;
}

/**
 * `synthesize`, unless `outdir` already holds an assembly made from the same inputs: then it is reused as is.
 * A new assembly is synthesized into a temp directory and renamed into place with its hash inside, so an
 * interrupted synth leaves either the old complete assembly or none, never half of one with a matching hash.
 */
export async function synthesizeCached(outdir: string, options: CachedSynthOptions = {}): Promise<{ dir: string; reused: boolean }> {
  const context = options.context ?? { stage: 'dev' };
  const hash = synthInputsHash(context, options.projectRoot, options.inputs);
  if (matches(outdir, hash)) return { dir: outdir, reused: true };
  mkdirSync(path.dirname(outdir), { recursive: true });
  const tmp = `${outdir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await (options.synth ?? synthesizeApp)(tmp, context);
    writeFileSync(path.join(tmp, INPUTS_HASH_FILE), hash);
    const old = `${outdir}.${process.pid}.old`;
    if (existsSync(outdir)) renameSync(outdir, old);
    try {
      renameSync(tmp, outdir);
    } catch (e) {
      // Another process (a parallel test file) put the same assembly in place meanwhile: use it.
      if (!['ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '') || !matches(outdir, hash)) throw e;
      rmSync(tmp, { recursive: true, force: true });
      return { dir: outdir, reused: true };
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir: outdir, reused: false };
}

/** Whether `outdir` holds a finished assembly made from inputs of this hash. */
function matches(outdir: string, hash: string): boolean {
  const hashFile = path.join(outdir, INPUTS_HASH_FILE);
  return existsSync(hashFile) && readFileSync(hashFile, 'utf8') === hash && existsSync(path.join(outdir, 'manifest.json'));
}
