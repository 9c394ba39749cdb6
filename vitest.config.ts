import { defineConfig } from 'vitest/config';

// Three projects: unit and infra tests need nothing running; integration tests share one local cloud
// (DynamoDB Local, s3rver, MailDev, local Step Functions, the local HTTP API) started once per run.
export default defineConfig({
  test: {
    // Two files at a time even on a 2-core machine (vitest's default there is one): most of a file's time is spent
    // waiting on other processes (DynamoDB Local, Chromium, the Nu checker, the local Step Functions' timers).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      // Real Chromium (Debian's chromium package, driven by playwright-core).
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
