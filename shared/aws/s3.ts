import { S3Client } from '@aws-sdk/client-s3';

// Locally AWS_ENDPOINT_URL_S3 points at the S3 emulator, which only understands path-style addressing.
export const s3 = new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined });
