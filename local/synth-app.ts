import { mkdirSync } from 'node:fs';
import { buildApp } from '#infra/build-app.ts';

/**
 * Synthesizes the CDK app — the same app `cdk deploy` deploys, dev stage — into `outdir`, bundling every function
 * with esbuild and running the cdk-nag packs. The local runtime then serves that cloud assembly.
 */
export function synthesize(outdir: string, context: Record<string, unknown> = { stage: 'dev' }): string {
  mkdirSync(outdir, { recursive: true });
  const { app } = buildApp({ outdir, context });
  app.synth();
  return outdir;
}
