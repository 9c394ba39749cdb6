// Mutation testing of the modules that decide who sees what and what a number means (`npm run bench:mutation`,
// bench/mutation.ts; docs/bench.md "Mutation"). Never part of `npm test`.
import type { PartialStrykerOptions } from '@stryker-mutator/api/core';

/** The one list of mutated modules: add each module that protects data here (name: its label in the report). */
export const mutationModules: readonly { name: string; file: string }[] = [
  { name: 'policy', file: 'shared/auth/policy.ts' },
  { name: 'scoped table', file: 'shared/storage/scoped-table.ts' },
  { name: 'conditions', file: 'shared/forms/conditions.ts' },
  { name: 'scores', file: 'shared/forms/scores.ts' },
  { name: 'diff', file: 'shared/records/diff.ts' },
];

/** Target mutation score per module, in percent. */
export const mutationTarget = 90;

export const strykerOptions: PartialStrykerOptions = {
  testRunner: 'vitest',
  // The unit project alone: the integration project would start a local cloud for every mutant.
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: mutationModules.map((m) => m.file),
  coverageAnalysis: 'perTest',
  // The machine is shared: one test runner at a time.
  concurrency: 1,
  // Stryker rewrites `extends`/`references` of this tsconfig with TypeScript's JS API, which TypeScript 7 (native)
  // lacks; ours has neither, so name no file and the sandbox keeps tsconfig.json as it is. No type checker either.
  tsconfigFile: '',
  checkers: [],
  reporters: ['progress', 'html'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: mutationTarget, low: 80, break: null },
};
