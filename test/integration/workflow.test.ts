import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { readJurisdictionSeed } from '#shared/jurisdictions/seed.ts';
import { JURISDICTION_SEED } from '#local/cloud.ts';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The workflow by its id (`npcs:workflow-id`): other workflows may sit beside it in the template. */
function registryExportArn(): string {
  const arn = inject('stateMachineArns')['registry-export'];
  if (!arn) throw new Error('no state machine of workflow registry-export');
  return arn;
}

describe('registry-export state machine, run locally from the synthesized definition', () => {
  it('runs its Lambda task end to end and writes the snapshot to the exports bucket', async () => {
    const endpoints = inject('endpoints');
    const sfn = new SFNClient({ endpoint: endpoints.stepFunctions, region: 'us-east-1', credentials });
    const s3 = new S3Client({ endpoint: endpoints.s3, region: 'us-east-1', credentials, forcePathStyle: true });
    const name = `it-${randomUUID()}`;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: registryExportArn(), name, input: '{}' }));
    let status = 'RUNNING';
    let output: string | undefined;
    for (let i = 0; i < 100 && status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      status = d.status ?? 'UNKNOWN';
      output = d.output;
    }
    expect(status).toBe('SUCCEEDED');
    const result = JSON.parse(output!) as { snapshot: { count: number; keys: { json: string; csv: string } } };
    const seed = readJurisdictionSeed(JURISDICTION_SEED);
    // Other tests of the run may add jurisdictions: the snapshot has at least the seeded ones.
    expect(result.snapshot.count).toBeGreaterThanOrEqual(seed.length);
    expect(result.snapshot.keys.json).toMatch(new RegExp(`^registry/\\d{4}-\\d{2}-\\d{2}/${name}\\.json$`));

    const bucket = inject('buckets').find((b) => b.logicalId.startsWith('BucketsExports'))!.name;
    const json = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: result.snapshot.keys.json }))).Body!.transformToString());
    expect(json.jurisdictions).toHaveLength(result.snapshot.count);
    expect(json.jurisdictions.map((j: { id: string }) => j.id)).toEqual(expect.arrayContaining(seed.map((j) => j.id)));
    expect(JSON.stringify(json)).not.toContain('example.org'); // no contacts leave in exports
    const csv = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: result.snapshot.keys.csv }))).Body!.transformToString();
    expect(csv.trim().split('\n')).toHaveLength(result.snapshot.count + 1);
    expect(csv.split('\n')[0]).toBe('id,name,type,state,county,active,joinedYear,unitCount');
  });

  it('refuses a second execution with the same name, as Step Functions does', async () => {
    const endpoints = inject('endpoints');
    const sfn = new SFNClient({ endpoint: endpoints.stepFunctions, region: 'us-east-1', credentials });
    const arn = registryExportArn();
    const name = `dup-${randomUUID()}`;
    await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name }));
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});
