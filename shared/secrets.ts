import { optionalEnv, requiredEnv } from '#shared/config.ts';

interface Cached {
  readonly value: Promise<string>;
  readonly fetchedAt: number;
}

const cache = new Map<string, Cached>();

export interface SecretOptions {
  /** Read the secret again once the cached value is this old (for keys that rotate); forever when unset. */
  readonly maxAgeMs?: number;
}

/**
 * A secret by name: `NAME` itself when the environment carries it (the local runtime, which has no Secrets
 * Manager), otherwise the Secrets Manager secret whose ARN is in `NAME_ARN` — fetched once per container, on
 * first use (and again past `maxAgeMs`), so the value never sits in the function's configuration.
 */
export function secret(name: string, options: SecretOptions = {}): Promise<string> {
  const direct = optionalEnv(name);
  if (direct) return Promise.resolve(direct);
  const cached = cache.get(name);
  if (cached && (options.maxAgeMs === undefined || Date.now() - cached.fetchedAt < options.maxAgeMs)) return cached.value;
  const arn = requiredEnv(`${name}_ARN`);
  const fetched = import('@aws-sdk/client-secrets-manager').then(async ({ SecretsManagerClient, GetSecretValueCommand }) => {
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error(`Secret ${name} has no string value`);
    return out.SecretString;
  });
  // A refresh that fails keeps the value already read (Secrets Manager down must not refuse every request).
  const value = cached ? fetched.catch(() => cached.value) : fetched;
  const entry = { value, fetchedAt: Date.now() };
  // A first fetch that fails is retried by the next request.
  value.catch(() => {
    if (cache.get(name) === entry) cache.delete(name);
  });
  cache.set(name, entry);
  return value;
}
