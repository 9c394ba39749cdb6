import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INPUTS_HASH_FILE, SYNTH_INPUTS, synthesizeCached, synthInputsHash } from '#local/synth.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
/** One file in each input: a directory's gets a nested path, to show that subdirectories count. */
const fileOf = (input: string) => (input.includes('.') ? input : `${input}/nested/file.ts`);

describe('synthesizeCached: reuse the cloud assembly only when none of its inputs changed', () => {
  let root: string;
  let outdir: string;
  let synths: string[];
  const fakeSynth = (dir: string) => {
    synths.push(dir);
    // Never written in place: the final directory only ever holds a finished assembly.
    expect(path.dirname(dir)).toBe(path.dirname(outdir));
    expect(dir).not.toBe(outdir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'manifest.json'), `{"n":${synths.length}}`);
  };
  const run = (context: Record<string, unknown> = { stage: 'dev' }, synth = fakeSynth) => synthesizeCached(outdir, { projectRoot: root, context, synth });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'npcs-synth-cache-'));
    outdir = path.join(root, '.local', 'data', 'cdk.out');
    synths = [];
    for (const input of SYNTH_INPUTS) {
      mkdirSync(path.dirname(path.join(root, fileOf(input))), { recursive: true });
      writeFileSync(path.join(root, fileOf(input)), `content of ${input}`);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('covers infra, functions, shared, forms, web and the lock file, all of which exist in this project', async () => {
    expect([...SYNTH_INPUTS].sort()).toEqual(['forms', 'functions', 'infra', 'package-lock.json', 'shared', 'web']);
    for (const input of SYNTH_INPUTS) expect(existsSync(path.join(PROJECT_ROOT, input)), input).toBe(true);
  });

  it('synthesizes the first time, then reuses the assembly while nothing changed', async () => {
    expect(await run()).toEqual({ dir: outdir, reused: false });
    expect(await run()).toEqual({ dir: outdir, reused: true });
    expect(await run()).toEqual({ dir: outdir, reused: true });
    expect(synths).toHaveLength(1);
    expect(readFileSync(path.join(outdir, INPUTS_HASH_FILE), 'utf8')).toBe(synthInputsHash({ stage: 'dev' }, root));
  });

  it.each([...SYNTH_INPUTS])('a one-byte change in %s re-synthesizes', async (input) => {
    await run();
    const file = path.join(root, fileOf(input));
    const bytes = readFileSync(file);
    bytes[0] = bytes[0]! ^ 1;
    writeFileSync(file, bytes);
    expect((await run()).reused).toBe(false);
    expect(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe('{"n":2}');
    expect((await run()).reused).toBe(true);
  });

  it('a new file, a deleted file or a renamed file re-synthesizes', async () => {
    await run();
    writeFileSync(path.join(root, 'shared', 'added.ts'), '');
    expect((await run()).reused).toBe(false);
    rmSync(path.join(root, 'shared', 'added.ts'));
    expect((await run()).reused).toBe(false);
    const from = path.join(root, fileOf('web'));
    writeFileSync(path.join(path.dirname(from), 'renamed.ts'), readFileSync(from));
    rmSync(from);
    expect((await run()).reused).toBe(false);
  });

  it('another context re-synthesizes', async () => {
    await run({ stage: 'dev' });
    expect((await run({ stage: 'dev', extra: 1 })).reused).toBe(false);
    expect((await run({ extra: 1, stage: 'dev' })).reused).toBe(true);
  });

  it('writes into a temp directory and renames it: an interrupted synth is never reused', async () => {
    const crash = (dir: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'manifest.json'), '{"half":true}');
      throw new Error('killed mid-synth');
    };
    await expect(run(undefined, crash)).rejects.toThrow('killed mid-synth');
    expect(existsSync(outdir)).toBe(false);
    expect((await run()).reused).toBe(false);
    expect(synths[0]).not.toBe(outdir);

    // With a complete assembly in place, a failed re-synth leaves the old one, which does not match the new inputs.
    writeFileSync(path.join(root, fileOf('infra')), 'changed');
    await expect(run(undefined, crash)).rejects.toThrow('killed mid-synth');
    expect(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe('{"n":1}');
    expect((await run()).reused).toBe(false);
    expect(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe('{"n":2}');
  });

  it('an assembly without its hash (written by an older version, or by hand) is not reused', async () => {
    mkdirSync(outdir, { recursive: true });
    writeFileSync(path.join(outdir, 'manifest.json'), '{}');
    expect((await run()).reused).toBe(false);
    rmSync(path.join(outdir, 'manifest.json'));
    expect((await run()).reused).toBe(false);
  });
});
