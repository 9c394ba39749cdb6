import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLikeAFunction } from '../../bench/bundle.ts';

const root = join(import.meta.dirname, '..', '..');
const fixture = 'test/unit/fixtures/throws-deep.ts';
const chunkFixture = 'test/unit/fixtures/throws-deep-answers.ts';
let work: string;
let bundle: string;

/** Runs the bundle in a fresh node, as Lambda would (no flags unless given); returns what it printed. */
function stackOf(bundlePath: string, nodeOptions = ''): string {
  const run = spawnSync(process.execPath, [bundlePath], { env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout;
}

describe('stack traces of a function bundle (shared/source-mapped-stacks.ts, injected into every bundle)', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'npcs-stacks-'));
    bundle = await bundleLikeAFunction(join(root, fixture), work);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('name the TypeScript source, line, column and original function names without --enable-source-maps', () => {
    const lines = stackOf(bundle).split('\n');
    expect(lines[0]).toBe('TypeError: bad answers: section 2');
    // Sources are named relative to the map with the leading ../ dropped: project-relative for a bundle in cdk.out.
    expect(lines[1]).toMatch(new RegExp(`^    at validateAnswers \\((?:[\\w.-]+/)*${chunkFixture}:3:9\\)$`));
    expect(lines[2]).toMatch(new RegExp(`^    at submitReview \\((?:[\\w.-]+/)*${fixture}:6:5\\)$`));
    expect(lines.join('\n')).not.toContain('index.mjs');
  });

  it("leave frames as V8 writes them when the map is missing, and never fail", () => {
    rmSync(`${bundle}.map`);
    for (const chunk of readdirSync(join(work, 'chunks')).filter((f) => f.endsWith('.map'))) rmSync(join(work, 'chunks', chunk));
    const stack = stackOf(bundle);
    expect(stack.split('\n')[0]).toBe('TypeError: bad answers: section 2');
    expect(stack).toMatch(/chunks\/throws-deep-answers-\w+\.mjs:\d+:\d+\)/);
    expect(stack).toMatch(/index\.mjs:\d+:\d+\)/);
    expect(stack).not.toContain('fixtures/');
  });

  it("step aside for Node's own mapping when node runs with --enable-source-maps", async () => {
    const again = await bundleLikeAFunction(join(root, fixture), join(work, 'again'));
    const stack = stackOf(again, '--enable-source-maps');
    expect(stack).toContain('throws-deep-answers.ts:3:9');
    expect(stack).not.toContain('index.mjs');
  });
});
