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
