// `npm run bench:init` — only the module-init ratios, for working on them (npm run bench measures everything).
// ONLY=web,records picks functions; ROUNDS (default 30) sets the interleaved rounds. Same method as bench/run.ts.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLikeAFunction } from './bundle.ts';
import { measureInit, median, type InitSample } from './init-time.ts';
import { synthesize } from './synth.ts';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'npcs-bench-init-'));
const only = (process.env.ONLY ?? '').split(',').filter(Boolean);
const rounds = Number(process.env.ROUNDS ?? 30);
try {
  const functions = (await synthesize(root, join(work, 'cdk.out'))).filter((f) => only.length === 0 || only.includes(f.id));
  const reference = await bundleLikeAFunction(join(root, 'bench', 'reference-handler.ts'), join(work, 'cdk.out', 'bench-reference'));
  const { results } = await measureInit(
    { name: 'reference', bundlePath: reference, environment: { POWERTOOLS_SERVICE_NAME: 'reference', POWERTOOLS_LOG_LEVEL: 'INFO', TABLE_NAME: 'bench-reference' } },
    functions.map((f) => ({ name: f.id, bundlePath: f.bundlePath, environment: f.environment })),
    rounds,
  );
  const ratio = (a: InitSample[], b: InitSample[], k: keyof InitSample) => (median(a.map((s) => s[k])) / median(b.map((s) => s[k]))).toFixed(2);
  console.log(`init / reference, ${rounds} interleaved rounds (wall, CPU, bundle)`);
  for (const r of results) {
    const kb = statSync(functions.find((f) => f.id === r.name)!.bundlePath).size / 1024;
    console.log(`  ${r.name.padEnd(16)} ${ratio(r.samples, r.referenceSamples, 'wall')}  cpu ${ratio(r.samples, r.referenceSamples, 'cpu')}  ${kb.toFixed(0)} KB`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
