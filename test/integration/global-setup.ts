import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalCloud, type LocalCloud } from '#local/cloud.ts';
import { synthesize } from '#local/synth.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    assemblyDir: string;
    endpoints: LocalCloud['endpoints'];
    tableName: string;
    buckets: { logicalId: string; name: string }[];
    /** State machine ARNs by workflow id (`npcs:workflow-id`): tests find a workflow by its id, never by count. */
    stateMachineArns: Record<string, string>;
    served: { routes: { routeKey: string; functionId: string }[]; functions: string[]; stateMachines: string[]; schedules: string[] };
  }
}

/** One synth and one local cloud for the whole integration run, on free ports, torn down at the end. */
export default async function setup(project: TestProject) {
  const workDir = mkdtempSync(path.join(tmpdir(), 'npcs-it-'));
  const assemblyDir = synthesize(path.join(workDir, 'cdk.out'));
  const cloud = await startLocalCloud({ port: 0, assemblyDir, retryIntervalMs: 10, schedules: false });
  project.provide('baseUrl', cloud.url);
  project.provide('assemblyDir', assemblyDir);
  project.provide('endpoints', cloud.endpoints);
  project.provide('tableName', cloud.assembly.tables[0]!.name);
  project.provide('buckets', cloud.assembly.buckets);
  project.provide('stateMachineArns', Object.fromEntries(cloud.stepFunctions.list().map((s) => [s.id, s.arn])));
  project.provide('served', {
    routes: cloud.assembly.routes.filter((r) => cloud.lambdas.has(r.functionId)).map((r) => ({ routeKey: r.routeKey, functionId: r.functionId })),
    functions: cloud.assembly.functions.map((f) => f.id).filter((id) => cloud.lambdas.has(id)),
    stateMachines: cloud.stepFunctions.list().map((s) => s.id),
    schedules: cloud.scheduler.list().map((s) => s.id),
  });
  return async () => {
    await cloud.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
}
