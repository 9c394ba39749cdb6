import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';
import { assertPlatformForms } from '#shared/forms/registry.ts';
import { BackupCopyStack } from './backup-copy-stack.ts';
import { loadConfig } from './config.ts';
import { PlatformStack } from './platform-stack.ts';

export interface BuiltApp {
  app: App;
  stack: PlatformStack;
  /** The second region's backup vault; none in dev (infra/config.ts, `backupCopyRegion`). */
  backupCopyStack?: BackupCopyStack;
}

/**
 * Builds the CDK app: one platform stack for the configured stage (plus, outside dev, the second region's backup
 * vault: infra/backup-copy-stack.ts), with the four cdk-nag packs run on every
 * synth (an unacknowledged finding fails it). Used by the CDK CLI (infra/app.ts), the local runtime and tests.
 */
export function buildApp(props: AppProps = {}): BuiltApp {
  // The functions bundle the form definitions without re-checking them at cold start: an unsound one fails here.
  assertPlatformForms();
  const app = new App(props);
  const config = loadConfig((key) => app.node.tryGetContext(key));
  const tags = { project: 'npcs-platform', stage: config.stage };
  const backupCopyStack = config.backupCopyRegion
    ? new BackupCopyStack(app, `Npcs-${config.stage}-BackupCopy`, {
        env: { region: config.backupCopyRegion, account: config.account },
        description: `National Partnership for Child Safety platform (${config.stage}): copies of the backups, in ${config.backupCopyRegion}`,
        tags,
      })
    : undefined;
  const stack = new PlatformStack(app, `Npcs-${config.stage}`, {
    config,
    backupCopy: backupCopyStack && config.backupCopyRegion ? { region: config.backupCopyRegion, vaultName: backupCopyStack.vaultName } : undefined,
    env: { region: config.region, account: config.account },
    description: `National Partnership for Child Safety platform (${config.stage})`,
    tags,
  });
  if (backupCopyStack) stack.addStackDependency(backupCopyStack, 'the backup plan copies into its vault');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  Validations.of(app).addPlugins(new HIPAASecurityChecks(app));
  Validations.of(app).addPlugins(new NIST80053R5Checks(app));
  Validations.of(app).addPlugins(new ServerlessChecks(app));
  return { app, stack, backupCopyStack };
}
