/**
 * Lambda@Edge, origin request of the API behavior: adds the proof that the request passed CloudFront
 * (shared/http/origin.ts) with a key read from Secrets Manager. Lambda@Edge has no environment variables, so the
 * secret's name and region are compile-time constants of the bundle (infra/constructs/origin-signer.ts).
 * The proof is not logged, nor is anything of the request.
 */
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ORIGIN_HEADER, ORIGIN_KEYS_MAX_AGE_SECONDS, type OriginKeys, originProof, parseOriginKeys, signingKey } from '#shared/http/origin.ts';

declare const __ORIGIN_KEY_SECRET_ID__: string;
declare const __ORIGIN_KEY_REGION__: string;

// The function runs in the regional edge cache nearest the viewer; the secret lives in the stack's region.
const client = new SecretsManagerClient({ region: __ORIGIN_KEY_REGION__ });

interface CachedKeys {
  readonly keys: OriginKeys;
  readonly createdAt?: Date;
  readonly fetchedAt: number;
}

let cached: CachedKeys | undefined;

async function currentKeys(now: number): Promise<CachedKeys> {
  if (cached && now - cached.fetchedAt < ORIGIN_KEYS_MAX_AGE_SECONDS * 1000) return cached;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: __ORIGIN_KEY_SECRET_ID__ }));
    cached = { keys: parseOriginKeys(out.SecretString ?? ''), createdAt: out.CreatedDate, fetchedAt: now };
  } catch (error) {
    // Secrets Manager unreachable: keep signing with the keys already read; without any, the request fails.
    if (!cached) throw error;
    cached = { ...cached, fetchedAt: now };
  }
  return cached;
}

export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> {
  const request = event.Records[0]!.cf.request;
  const now = new Date();
  const { keys, createdAt } = await currentKeys(now.getTime());
  // Replaces any value a viewer sent under the same name.
  request.headers[ORIGIN_HEADER] = [{ key: ORIGIN_HEADER, value: originProof(signingKey(keys, createdAt, now), now) }];
  return request;
}
