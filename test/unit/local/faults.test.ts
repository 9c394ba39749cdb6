import { Readable } from 'node:stream';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { faultMiddleware } from '#local/faults/sdk.ts';
import { faultPlan, FaultTally, parseFaultSpec, type FaultEvent, type FaultKind } from '#local/faults/spec.ts';

/** A client whose "server" counts the requests it carried out and answers an empty GetItem. */
function dynamodbWith(faults: (FaultKind | undefined)[], maxAttempts = 4) {
  const server = { handled: 0 };
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts,
    requestHandler: {
      handle: async () => {
        server.handled++;
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from('{}')]) } };
      },
    } as never,
  });
  const events: FaultEvent[] = [];
  const plan = () => faults.shift();
  client.middlewareStack.add(faultMiddleware(parseFaultSpec('rate:0,seed:1,timeoutMs:5'), plan, (e) => events.push(e)) as never, { step: 'deserialize', priority: 'low', name: 'faults' });
  return { client, server, events };
}
const get = new GetItemCommand({ TableName: 'table', Key: { pk: { S: 'a' } } });

describe('LOCAL_FAULTS (local/faults/spec.ts)', () => {
  it('reads rate, seed, kinds and the timeout; refuses anything else, so a typo never runs without faults', () => {
    expect(parseFaultSpec('rate:0.2,seed:42')).toEqual({ rate: 0.2, seed: 42, kinds: ['throttle', 'server', 'timeout', 'reset', 'lost'], timeoutMs: 100 });
    expect(parseFaultSpec('rate:1,seed:7,kinds:lost+throttle,timeoutMs:50')).toMatchObject({ kinds: ['lost', 'throttle'], timeoutMs: 50 });
    for (const bad of ['rate:2,seed:1', 'rate:0.2', 'rate:0.2,seed:x', 'rate:0.2,seed:1,kinds:slow', 'rate:0.2,seed:1,every:3']) expect(() => parseFaultSpec(bad), bad).toThrow(/LOCAL_FAULTS/);
  });

  it('the same seed and stream give the same faults; another stream another sequence; the rate holds', () => {
    const spec = parseFaultSpec('rate:0.2,seed:42');
    const run = (stream: string) => Array.from({ length: 5000 }, faultPlan(spec, stream));
    expect(run('records')).toEqual(run('records'));
    expect(run('records')).not.toEqual(run('web'));
    const share = run('records').filter(Boolean).length / 5000;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    const kinds = new Set(run('records').filter(Boolean));
    expect([...kinds].sort()).toEqual(['lost', 'reset', 'server', 'throttle', 'timeout']);
  });

  it('tallies calls per service and faults per kind', () => {
    const tally = new FaultTally();
    tally.add({ service: 'DynamoDB', operation: 'GetItem', fault: undefined });
    tally.add({ service: 'DynamoDB', operation: 'PutItem', fault: 'lost' });
    tally.add({ service: 'S3', operation: 'PutObject', fault: 'throttle' });
    expect(tally.totalCalls()).toBe(3);
    expect(tally.totalFaults()).toBe(2);
    expect(tally.totalFaults('lost')).toBe(1);
    expect(tally.summary()).toBe('DynamoDB 2 calls (lost 1); S3 1 calls (throttle 1)');
  });
});

describe('the SDK middleware (local/faults/sdk.ts): failures as the service sends them, inside the SDK retries', () => {
  it.each([
    ['throttle', 'ProvisionedThroughputExceededException'],
    ['server', 'InternalServerError'],
    ['timeout', 'TimeoutError'],
  ] as const)('%s: the SDK sees %s, retries, and the call succeeds', async (kind, name) => {
    const { client, server, events } = dynamodbWith([kind]);
    const out = await client.send(get);
    expect(out.$metadata.attempts).toBe(2);
    expect(server.handled).toBe(1);
    expect(events.map((e) => e.fault)).toEqual([kind, undefined]);
    const { client: failing } = dynamodbWith([kind], 1);
    await expect(failing.send(get)).rejects.toMatchObject({ name });
  });

  it('lost: the server carried the request out, the caller sees a dropped connection, and the SDK sends it again', async () => {
    const { client, server } = dynamodbWith(['lost']);
    await client.send(get);
    expect(server.handled).toBe(2);
    const { client: once, server: s1 } = dynamodbWith(['lost'], 1);
    await expect(once.send(get)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(s1.handled).toBe(1);
  });

  it('reset: nothing reaches the server', async () => {
    const { client, server } = dynamodbWith(['reset'], 1);
    await expect(client.send(get)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(server.handled).toBe(0);
  });

  it('S3 throttling is SlowDown (503), in the XML S3 sends', async () => {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    s3.middlewareStack.add(faultMiddleware(parseFaultSpec('rate:0,seed:1'), () => 'throttle', () => undefined) as never, { step: 'deserialize', priority: 'low', name: 'faults' });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
  });
});
