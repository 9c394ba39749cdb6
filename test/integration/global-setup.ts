import type { TestProject } from 'vitest/node';
import type { LocalCloud } from '#local/cloud.ts';
import { startTestCloud } from '../support/local-cloud.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    assemblyDir: string;
    endpoints: LocalCloud['endpoints'];
    /** The local IAM gate (local/standins/iam-gate.ts): `/report`, `/fn/<id>` (DynamoDB as a function), `/sts/<id>`. */
    iamGate: string;
    tableName: string;
    buckets: { logicalId: string; name: string }[];
    /** State machine ARNs by workflow id (`npcs:workflow-id`): tests find a workflow by its id, never by count. */
    stateMachineArns: Record<string, string>;
    /** Stream batches given up after their retries (local/streams.ts): the local dead-letter queues, one JSON line each. */
    streamDeadLettersFile: string;
    served: { routes: { routeKey: string; functionId: string }[]; functions: string[]; stateMachines: string[]; schedules: string[] };
  }
}

/** One synth and one local cloud for the whole integration run, on free ports, torn down at the end. */
export default async function setup(project: TestProject) {
  // Function logs stay on stdout, where a failing test's output shows them.
  const { cloud, assemblyDir, close } = await startTestCloud({ retryIntervalMs: 10, logSink: process.stdout });
  project.provide('baseUrl', cloud.url);
  project.provide('assemblyDir', assemblyDir);
  project.provide('endpoints', cloud.endpoints);
  project.provide('iamGate', cloud.iamGate.baseUrl);
  project.provide('tableName', cloud.assembly.tables[0]!.name);
  project.provide('buckets', cloud.assembly.buckets);
  project.provide('streamDeadLettersFile', cloud.streamDeadLettersFile);
  project.provide('stateMachineArns', Object.fromEntries(cloud.stepFunctions.list().map((s) => [s.id, s.arn])));
  project.provide('served', {
    routes: cloud.assembly.routes.filter((r) => cloud.lambdas.has(r.functionId)).map((r) => ({ routeKey: r.routeKey, functionId: r.functionId })),
    functions: cloud.assembly.functions.map((f) => f.id).filter((id) => cloud.lambdas.has(id)),
    stateMachines: cloud.stepFunctions.list().map((s) => s.id),
    schedules: cloud.scheduler.list().map((s) => s.id),
  });
  return close;
}
