import type { CloudFrontRequestEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORIGIN_HEADER, ORIGIN_KEYS_MAX_AGE_SECONDS, originVerified } from '#shared/http/origin.ts';

// The edge function reads one secret through this client; the test plays Secrets Manager.
const secretsManager = vi.hoisted(() => ({ send: vi.fn(), ids: [] as string[] }));
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    send = secretsManager.send;
  },
  GetSecretValueCommand: class {
    constructor(readonly input: { SecretId: string }) {
      secretsManager.ids.push(input.SecretId);
    }
  },
}));

const OLD = 'old-key-old-key-old-key-old-key-old-key-old-key!';
const NEW = 'new-key-new-key-new-key-new-key-new-key-new-key!';

let handler: (event: CloudFrontRequestEvent) => Promise<unknown>;

beforeAll(async () => {
  // What the bundle's esbuild `define` provides in AWS (infra/constructs/origin-signer.ts).
  Object.assign(globalThis, { __ORIGIN_KEY_SECRET_ID__: 'Npcs-test/origin-key', __ORIGIN_KEY_REGION__: 'us-east-1' });
  ({ handler } = await import('../../functions/origin-signer/handler.ts'));
});

afterEach(() => {
  vi.useRealTimers();
});

const request = (headers: Record<string, { key: string; value: string }[]> = {}) =>
  ({ Records: [{ cf: { config: {}, request: { uri: '/records', method: 'GET', querystring: '', clientIp: '192.0.2.1', headers } } }] }) as unknown as CloudFrontRequestEvent;

const proofOf = (result: unknown) => (result as { headers: Record<string, { value: string }[]> }).headers[ORIGIN_HEADER]?.[0]?.value;

describe('origin-signer (Lambda@Edge, origin request)', () => {
  it('refuses to forward when the key cannot be read the first time', async () => {
    secretsManager.send.mockRejectedValueOnce(new Error('AccessDenied'));
    await expect(handler(request())).rejects.toThrow('AccessDenied');
  });

  it('adds a proof the functions accept, in place of one a viewer sent, reading the named secret', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-04T19:00:00Z'), toFake: ['Date'] });
    secretsManager.send.mockResolvedValueOnce({ SecretString: JSON.stringify({ current: NEW, previous: OLD }), CreatedDate: new Date('2026-11-01T00:00:00Z') });
    const result = await handler(request({ [ORIGIN_HEADER]: [{ key: ORIGIN_HEADER, value: 'v1.1.forged' }] }));
    expect(secretsManager.ids.at(-1)).toBe('Npcs-test/origin-key');
    const proof = proofOf(result);
    expect(proof).not.toBe('v1.1.forged');
    expect(originVerified(proof, { current: NEW }, new Date())).toBe(true);
  });

  it('reads the secret again after the cache age, and keeps the keys it has when that read fails', async () => {
    vi.useFakeTimers({ now: new Date(Date.parse('2026-12-04T19:00:00Z') + (ORIGIN_KEYS_MAX_AGE_SECONDS + 1) * 1000), toFake: ['Date'] });
    const calls = secretsManager.send.mock.calls.length;
    secretsManager.send.mockRejectedValueOnce(new Error('ThrottlingException'));
    const proof = proofOf(await handler(request()));
    expect(secretsManager.send.mock.calls.length).toBe(calls + 1);
    expect(originVerified(proof, { current: NEW }, new Date())).toBe(true);
  });

  it('right after a rotation signs with the previous key, which verifiers that have not read the new value yet hold', async () => {
    const rotatedAt = new Date('2026-12-04T20:00:00Z');
    vi.useFakeTimers({ now: new Date(rotatedAt.getTime() + 60_000), toFake: ['Date'] });
    secretsManager.send.mockResolvedValueOnce({ SecretString: JSON.stringify({ current: 'newest-key-newest-key-newest-key-newest', previous: NEW }), CreatedDate: rotatedAt });
    const proof = proofOf(await handler(request()));
    expect(originVerified(proof, { current: NEW, previous: OLD }, new Date())).toBe(true);
  });
});
