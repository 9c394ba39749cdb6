/**
 * Configuration comes from environment variables set by the CDK app (and, locally, by the local runtime from
 * the same template). Read them at module load with requiredEnv so a missing one fails the cold start loudly
 * instead of surfacing later as an empty table name.
 */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

export function optionalEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
