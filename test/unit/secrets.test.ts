import { afterEach, describe, expect, it, vi } from 'vitest';

// Secrets Manager, as shared/secrets.ts reaches it (imported on first use).
const secretsManager = vi.hoisted(() => ({ send: vi.fn() }));
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    send = secretsManager.send;
  },
  GetSecretValueCommand: class {
    constructor(readonly input: { SecretId: string }) {}
  },
}));

const { secret } = await import('#shared/secrets.ts');

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('secret (shared/secrets.ts)', () => {
  it('takes the value from the environment when it is there (the local runtime)', async () => {
    vi.stubEnv('LOCAL_ONLY_SECRET', 'from-env');
    expect(await secret('LOCAL_ONLY_SECRET')).toBe('from-env');
    expect(secretsManager.send).not.toHaveBeenCalled();
  });

  it('reads Secrets Manager once per container without maxAgeMs', async () => {
    vi.stubEnv('FOREVER_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:forever');
    secretsManager.send.mockResolvedValueOnce({ SecretString: 'one' });
    expect(await secret('FOREVER_SECRET')).toBe('one');
    vi.useFakeTimers({ now: Date.now() + 86_400_000, toFake: ['Date'] });
    expect(await secret('FOREVER_SECRET')).toBe('one');
    expect(secretsManager.send).toHaveBeenCalledTimes(1);
  });

  it('with maxAgeMs reads it again once the value is that old, and keeps the old value when that read fails', async () => {
    secretsManager.send.mockClear();
    vi.stubEnv('ROTATING_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rotating');
    const start = Date.parse('2026-12-04T19:00:00Z');
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    secretsManager.send.mockResolvedValueOnce({ SecretString: 'first' });
    expect(await secret('ROTATING_SECRET', { maxAgeMs: 300_000 })).toBe('first');
    vi.setSystemTime(start + 299_000);
    expect(await secret('ROTATING_SECRET', { maxAgeMs: 300_000 })).toBe('first');
    expect(secretsManager.send).toHaveBeenCalledTimes(1);
    vi.setSystemTime(start + 300_000);
    secretsManager.send.mockResolvedValueOnce({ SecretString: 'second' });
    expect(await secret('ROTATING_SECRET', { maxAgeMs: 300_000 })).toBe('second');
    vi.setSystemTime(start + 600_000);
    secretsManager.send.mockRejectedValueOnce(new Error('ThrottlingException'));
    expect(await secret('ROTATING_SECRET', { maxAgeMs: 300_000 })).toBe('second');
    expect(secretsManager.send).toHaveBeenCalledTimes(3);
  });

  it('a first read that fails is tried again by the next call', async () => {
    secretsManager.send.mockClear();
    vi.stubEnv('FLAKY_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:flaky');
    secretsManager.send.mockRejectedValueOnce(new Error('AccessDenied'));
    await expect(secret('FLAKY_SECRET')).rejects.toThrow('AccessDenied');
    secretsManager.send.mockResolvedValueOnce({ SecretString: 'fine' });
    expect(await secret('FLAKY_SECRET')).toBe('fine');
  });
});
