import { defineConfig } from 'vitest/config';

// The unit project alone, for Stryker (bench/mutation-config.ts): nothing to start, so each mutant runs in seconds.
export default defineConfig({
  test: { include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 },
});
