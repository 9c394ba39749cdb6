import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '#shared/aws/dynamodb.ts';
import { s3 } from '#shared/aws/s3.ts';
import { sfn } from '#shared/aws/sfn.ts';
import { checkMail } from '#shared/mail.ts';

export type ServiceState = 'ok' | 'unavailable';

export interface HealthReport {
  status: 'ok' | 'degraded';
  services: Record<string, ServiceState>;
}

export interface HealthTargets {
  tableName: string;
  bucketName: string;
  stateMachineArn: string;
}

const CHECK_TIMEOUT_MS = 2_000;

/** Asks each dependency one cheap question, in parallel, each bounded by a timeout. */
export async function checkHealth(targets: HealthTargets): Promise<HealthReport> {
  const checks: Record<string, () => Promise<unknown>> = {
    dynamodb: () => dynamodb.send(new DescribeTableCommand({ TableName: targets.tableName })),
    s3: async () => {
      const { sdk, client } = await s3();
      return client.send(new sdk.HeadBucketCommand({ Bucket: targets.bucketName }));
    },
    stepfunctions: async () => {
      const { sdk, client } = await sfn();
      return client.send(new sdk.DescribeStateMachineCommand({ stateMachineArn: targets.stateMachineArn }));
    },
    mail: () => checkMail(),
  };
  const names = Object.keys(checks);
  const results = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!(), CHECK_TIMEOUT_MS)));
  const services = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'ok' : 'unavailable'])) as Record<string, ServiceState>;
  return { status: Object.values(services).every((s) => s === 'ok') ? 'ok' : 'degraded', services };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
