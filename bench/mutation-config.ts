// Mutation testing of the modules that decide who sees what and what a number means (`npm run bench:mutation`,
// bench/mutation.ts; docs/bench.md "Mutation"). Never part of `npm test`.
import type { PartialStrykerOptions } from '@stryker-mutator/api/core';

export interface MutationModule {
  name: string;
  file: string;
  tests: readonly string[];
}

/**
 * The one list of mutated modules: add each module that protects data here. `name` labels it in the report; `tests`
 * are its own unit tests, the only ones run against its mutants, so a score says what those tests catch (and a run
 * stays minutes, not the hours of every test that happens to import the module).
 */
export const mutationModules: readonly MutationModule[] = [
  { name: 'policy', file: 'shared/auth/policy.ts', tests: ['test/unit/auth/policy.test.ts'] },
  { name: 'scoped table', file: 'shared/storage/scoped-table.ts', tests: ['test/unit/records/scoped-table.test.ts'] },
  { name: 'conditions', file: 'shared/forms/conditions.ts', tests: ['test/unit/forms/conditions.test.ts', 'test/unit/forms/branching.test.ts'] },
  { name: 'scores', file: 'shared/forms/scores.ts', tests: ['test/unit/forms/scores.test.ts'] },
  { name: 'diff', file: 'shared/records/diff.ts', tests: ['test/unit/records/model.test.ts'] },
  { name: 'action ids', file: 'shared/review/action-ids.ts', tests: ['test/unit/review/action-ids.test.ts'] },
  { name: 'action store', file: 'shared/review/action-store.ts', tests: ['test/unit/review/action-store.test.ts'] },
  { name: 'replies', file: 'shared/review/replies.ts', tests: ['test/unit/review/replies.test.ts'] },
  { name: 'reply flow', file: 'shared/review/reply-flow.ts', tests: ['test/unit/review/reply-flow.test.ts'] },
  { name: 'action flow', file: 'shared/review/web/action-flow.tsx', tests: ['test/unit/review/action-flow.test.ts'] },
  { name: 'review hand-off', file: 'shared/review/handoff.ts', tests: ['test/unit/review/handoff.test.ts'] },
];

/** Target mutation score per module, in percent. */
export const mutationTarget = 90;

export const strykerOptions: PartialStrykerOptions = {
  testRunner: 'vitest',
  // The unit project alone; bench/mutation.ts runs one module at a time with its `testFiles`.
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // Module-level ("static") mutants are never switched on by the vitest runner with Vitest 5: they survive even where
  // the same change made by hand fails the module's tests (isGroup in shared/records/diff.ts), so they are not
  // counted. Module-level tables (the policy's) are held by tests that spell them out.
  ignoreStatic: true,
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
