import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { assertPlatformForms } from '#shared/forms/registry.ts';
import { loadConfig } from './config.ts';
import { PlatformStack } from './platform-stack.ts';

export interface BuiltApp {
  app: App;
  stack: PlatformStack;
}

/**
 * Builds the CDK app: one platform stack for the configured stage, with the four cdk-nag packs run on every
 * synth (an unacknowledged finding fails it). Used by the CDK CLI (infra/app.ts), the local runtime and tests.
 */
export function buildApp(props: AppProps = {}): BuiltApp {
  // The functions bundle the form definitions without re-checking them at cold start: an unsound one fails here.
  assertPlatformForms();
  const app = new App(props);
  const config = loadConfig((key) => app.node.tryGetContext(key));
  const stack = new PlatformStack(app, `Npcs-${config.stage}`, {
    config,
    env: { region: config.region, account: config.account },
    description: `National Partnership for Child Safety platform (${config.stage})`,
    tags: { project: 'npcs-platform', stage: config.stage },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app));
  Validations.of(app).addPlugins(new NIST80053R5Checks(app));
  Validations.of(app).addPlugins(new ServerlessChecks(app));
  return { app, stack };
}
