import { optionalEnv, requiredEnv } from '#shared/config.ts';

const cache = new Map<string, Promise<string>>();

/**
 * A secret by name: `NAME` itself when the environment carries it (the local runtime, which has no Secrets
 * Manager), otherwise the Secrets Manager secret whose ARN is in `NAME_ARN` — fetched once per container, on
 * first use, so the value never sits in the function's configuration.
 */
export function secret(name: string): Promise<string> {
  const direct = optionalEnv(name);
  if (direct) return Promise.resolve(direct);
  let pending = cache.get(name);
  if (!pending) {
    const arn = requiredEnv(`${name}_ARN`);
    pending = import('@aws-sdk/client-secrets-manager').then(async ({ SecretsManagerClient, GetSecretValueCommand }) => {
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
      if (!out.SecretString) throw new Error(`Secret ${name} has no string value`);
      return out.SecretString;
    });
    pending.catch(() => cache.delete(name)); // a failed fetch is retried by the next request
    cache.set(name, pending);
  }
  return pending;
}
