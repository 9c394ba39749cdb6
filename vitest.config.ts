import { defineConfig } from 'vitest/config';

// Three projects: unit and infra tests need nothing running; integration tests share one local cloud
// (DynamoDB Local, s3rver, MailDev, local Step Functions, the local HTTP API) started once per run.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
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
