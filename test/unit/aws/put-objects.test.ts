import { describe, expect, it, vi } from 'vitest';

// The S3 SDK as shared/aws/s3.ts loads it: each key fails as scripted, then succeeds.
const s3Fake = vi.hoisted(() => ({ failures: new Map<string, unknown[]>(), written: [] as string[], calls: 0 }));
vi.mock('@aws-sdk/client-s3', () => ({
  S3Client: class {
    async send(command: { input: { Key: string } }) {
      s3Fake.calls++;
      const next = s3Fake.failures.get(command.input.Key)?.shift();
      if (next) throw next;
      s3Fake.written.push(command.input.Key);
      return {};
    }
  },
  PutObjectCommand: class {
    constructor(readonly input: { Key: string }) {}
  },
}));
const { BATCH_OBJECT_TRIES, putObjects } = await import('#shared/aws/s3.ts');

const slowDown = () => Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const objects = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, body: `body ${i}`, contentType: 'text/plain' }));

describe('putObjects (shared/aws/s3.ts): a batch where each object is tried again on its own', () => {
  it('an object throttled or cut off is tried again alone; the batch completes', async () => {
    s3Fake.written.length = 0;
    s3Fake.failures.set('k3', [slowDown(), reset()]);
    s3Fake.failures.set('k17', [reset()]);
    await putObjects('bucket', objects(20));
    expect([...s3Fake.written].sort()).toEqual(objects(20).map((o) => o.key).sort());
  });

  it('gives up after BATCH_OBJECT_TRIES, and at once on an error that is not transient', async () => {
    s3Fake.calls = 0;
    s3Fake.failures.set('k0', Array.from({ length: BATCH_OBJECT_TRIES }, slowDown));
    await expect(putObjects('bucket', objects(1))).rejects.toThrow('reduce your request rate');
    expect(s3Fake.calls).toBe(BATCH_OBJECT_TRIES);
    s3Fake.calls = 0;
    s3Fake.failures.set('k0', [Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })]);
    await expect(putObjects('bucket', objects(1))).rejects.toThrow('Access Denied');
    expect(s3Fake.calls).toBe(1);
  });
});
