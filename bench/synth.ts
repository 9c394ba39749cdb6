import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface SynthesizedFunction {
  /** Value of the template metadata `npcs:function-id`. */
  id: string;
  logicalId: string;
  /** Directory of the bundled asset: index.mjs, chunks/ and their source maps. */
  assetDir: string;
  bundlePath: string;
  /** Environment variables of the function; CloudFormation references replaced by dummy strings. */
  environment: Record<string, string>;
}

const FUNCTION_ID_METADATA = 'npcs:function-id';

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: {
    Code?: { S3Key?: unknown };
    Environment?: { Variables?: Record<string, unknown> };
  };
}

/**
 * Synthesizes the CDK app into `outDir` (every function is bundled by esbuild on the way) and lists the functions
 * the template declares. `outDir` gets a `node_modules` link to the project's, so that the bundles' externals
 * (`@aws-sdk/*`, `@smithy/*`, supplied by Lambda's runtime in AWS) resolve when the bundles are imported locally.
 */
export async function synthesize(projectRoot: string, outDir: string): Promise<SynthesizedFunction[]> {
  const { buildApp } = await import('#infra/build-app.ts');
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const { app, stack } = buildApp({ outdir: outDir, context: cdkJson.context ?? {} });
  app.synth();
  symlinkSync(join(projectRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');

  const stackName = stack.stackName;
  const template = JSON.parse(readFileSync(join(outDir, `${stackName}.template.json`), 'utf8')) as {
    Resources: Record<string, TemplateResource>;
  };
  const assets = JSON.parse(readFileSync(join(outDir, `${stackName}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };

  const functions: SynthesizedFunction[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const id = resource.Metadata?.[FUNCTION_ID_METADATA];
    if (typeof id !== 'string') continue; // CDK's own providers (e.g. S3 auto-delete) are not ours to measure.
    const key = resource.Properties?.Code?.S3Key;
    if (typeof key !== 'string' || !key.endsWith('.zip')) throw new Error(`${id}: Code.S3Key is not an asset zip (${JSON.stringify(key)})`);
    const hash = key.slice(0, -'.zip'.length);
    const asset = assets.files[hash];
    if (!asset) throw new Error(`${id}: asset ${hash} is not in ${stackName}.assets.json`);
    const assetDir = join(outDir, asset.source.path);
    functions.push({
      id,
      logicalId,
      assetDir,
      bundlePath: join(assetDir, 'index.mjs'),
      environment: dummyEnvironment(resource.Properties?.Environment?.Variables ?? {}),
    });
  }
  if (functions.length === 0) throw new Error(`no function with metadata ${FUNCTION_ID_METADATA} in the template`);
  return functions.sort((a, b) => a.id.localeCompare(b.id));
}

/** Literal values stay; Ref/GetAtt/Join objects become a plausible dummy (an ARN or a URL where the name says so). */
function dummyEnvironment(variables: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') env[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
    else if (/_(ORIGIN|ISSUER|URL|ENDPOINT)$/.test(name)) env[name] = `https://bench-${name.toLowerCase().replaceAll('_', '-')}.example.org`;
    else if (/_ARN$/.test(name)) env[name] = `arn:aws:states:us-east-1:123456789012:stateMachine:bench-${name.toLowerCase()}`;
    else if (/_URL$/.test(name)) env[name] = `https://bench.invalid/${name.toLowerCase()}`;
    else env[name] = `bench-${name.toLowerCase().replaceAll('_', '-')}`;
  }
  return env;
}
