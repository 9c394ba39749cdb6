// `npm run bench:mutation [name...]`: mutation testing (Stryker, unit tests) of the modules listed in
// bench/mutation-config.ts, and the mutation score of each against the target. Names (e.g. `scores policy`) narrow the run
// to those modules, the way to work on one. Never part of `npm test`: it runs the related unit tests once per mutant.
import { relative, resolve } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import type { MutantResult } from '@stryker-mutator/api/core';
import { mutationModules, mutationTarget, strykerOptions, type MutationModule } from './mutation-config.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');

export interface ModuleScore {
  name: string;
  file: string;
  killed: number;
  survived: number;
  noCoverage: number;
  /** Invalid mutants (compile or runtime errors outside a test) and disabled ones: not in the score. */
  excluded: number;
  /** Detected / valid mutants in percent, as Stryker counts it (timeouts count as detected). */
  score: number;
}

/** Scores per module from Stryker's results. */
export function scoreByModule(results: readonly MutantResult[], modules: readonly MutationModule[]): ModuleScore[] {
  return modules.map(({ name, file }) => {
    const mine = results.filter((r) => relative(PROJECT_ROOT, resolve(PROJECT_ROOT, r.fileName)) === file);
    const count = (...statuses: string[]) => mine.filter((r) => statuses.includes(r.status)).length;
    const killed = count('Killed', 'Timeout');
    const survived = count('Survived');
    const noCoverage = count('NoCoverage');
    const valid = killed + survived + noCoverage;
    return { name, file, killed, survived, noCoverage, excluded: mine.length - valid, score: valid === 0 ? Number.NaN : (100 * killed) / valid };
  });
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !mutationModules.some((m) => m.name === w || m.file === w));
  if (unknown.length > 0) {
    console.error(`Unknown module(s): ${unknown.join(', ')}. Known: ${mutationModules.map((m) => m.name).join(', ')}`);
    process.exit(2);
  }
  const modules = wanted.length === 0 ? mutationModules : mutationModules.filter((m) => wanted.includes(m.name) || wanted.includes(m.file));
  const started = performance.now();
  // One Stryker run per module: a mutant of module-level code (a "static" mutant) reruns every test of the run, so
  // a run over all modules would rerun the unit tests of all of them for each one.
  const results: MutantResult[] = [];
  for (const m of modules) {
    console.log(`\n== ${m.name} (${m.file})`);
    results.push(...(await new Stryker({ ...strykerOptions, mutate: [m.file], testFiles: [...m.tests], htmlReporter: { fileName: `reports/mutation/${m.name.replace(/\W+/g, '-')}.html` } }).runMutationTest()));
  }
  const scores = scoreByModule(results, modules);

  console.log(`\n== mutation score per module (target >= ${mutationTarget}%)`);
  const rows = scores.map((s) => [
    s.name,
    s.file,
    Number.isFinite(s.score) ? s.score.toFixed(1) : 'n/a',
    String(s.killed),
    String(s.survived),
    String(s.noCoverage),
    String(s.excluded),
    s.score >= mutationTarget ? 'PASS' : 'FAIL',
  ]);
  const header = ['module', 'file', 'score %', 'killed', 'survived', 'no cov', 'excluded', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const cells of [header, ...rows]) console.log(cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  for (const s of scores) {
    for (const r of results.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')) {
      if (relative(PROJECT_ROOT, resolve(PROJECT_ROOT, r.fileName)) !== s.file) continue;
      console.log(`  ${r.status.padEnd(10)} ${s.file}:${r.location.start.line}:${r.location.start.column + 1} ${r.mutatorName} -> ${r.replacement.replace(/\s+/g, ' ').slice(0, 80)}`);
    }
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(0)} s; reports: reports/mutation/<module>.html)`);
}

await main();
