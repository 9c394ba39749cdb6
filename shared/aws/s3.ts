/**
 * The S3 client, created once per container on first use. Loading @aws-sdk/client-s3 costs about as much as the
 * rest of a function's cold start: a function that needs S3 only on some paths (health) does not pay it up front,
 * and the others pay it on first use rather than in module init.
 */
type S3Sdk = typeof import('@aws-sdk/client-s3');

let loading: Promise<{ sdk: S3Sdk; client: InstanceType<S3Sdk['S3Client']> }> | undefined;

export function s3() {
  loading ??= import('@aws-sdk/client-s3').then((sdk) => ({
    sdk,
    // Locally AWS_ENDPOINT_URL_S3 points at the S3 emulator, which only understands path-style addressing.
    client: new sdk.S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined }),
  }));
  return loading;
}

/** An object's bytes, or undefined when there is none. */
export async function getObject(bucket: string, key: string): Promise<Uint8Array | undefined> {
  const { sdk, client } = await s3();
  try {
    const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body ? await out.Body.transformToByteArray() : undefined;
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw e;
  }
}

export async function putObject(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  const { sdk, client } = await s3();
  await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

/** Tries of one object of a batch (putObjects), each with the SDK's own retries inside. */
export const BATCH_OBJECT_TRIES = 5;

/**
 * Writes many objects, `concurrency` at a time, each tried again on its own when it fails with a transient error (the
 * SDK's classification: throttling, 5xx, timeouts, dropped connections). Written here because the SDK's retry quota
 * is per client and drains when many calls fail together (its guard against retry storms): a run writing hundreds
 * of files then failed whole, and a retry of the task started over and failed the same way. Backoff with full jitter
 * keeps the extra tries from becoming that storm.
 */
export async function putObjects(bucket: string, objects: readonly { key: string; body: Uint8Array | string; contentType: string }[], concurrency = 8): Promise<void> {
  const { isServerError, isThrottlingError, isTransientError } = await import('@smithy/core/retry');
  const transient = (e: unknown) => {
    const error = e as Parameters<typeof isTransientError>[0];
    return isTransientError(error) || isThrottlingError(error) || isServerError(error);
  };
  const putWithTries = async (o: { key: string; body: Uint8Array | string; contentType: string }) => {
    for (let tried = 1; ; tried++) {
      try {
        return await putObject(bucket, o.key, o.body, o.contentType);
      } catch (e) {
        if (tried >= BATCH_OBJECT_TRIES || !transient(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** tried));
      }
    }
  };
  for (let i = 0; i < objects.length; i += concurrency) await Promise.all(objects.slice(i, i + concurrency).map(putWithTries));
}

/** Every key under a prefix (paged). */
export async function listKeys(bucket: string, prefix: string): Promise<string[]> {
  const { sdk, client } = await s3();
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    out.push(...(page.Contents ?? []).flatMap((c) => (c.Key ? [c.Key] : [])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Deletes the keys (1,000 per request, S3's limit); a key that is already gone is not an error. */
export async function deleteKeys(bucket: string, keys: readonly string[]): Promise<void> {
  const { sdk, client } = await s3();
  for (let i = 0; i < keys.length; i += 1000) {
    const out = await client.send(new sdk.DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    if (out.Errors?.length) throw new Error(`${out.Errors.length} object(s) could not be deleted; first: ${out.Errors[0]?.Code ?? 'unknown'}`);
  }
}
