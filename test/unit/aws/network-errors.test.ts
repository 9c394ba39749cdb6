import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { isNetworkError, NETWORK_ERROR_NAME, namedNetworkErrors } from '#shared/aws/network-errors.ts';

const failingWith = (error: unknown) =>
  middy(async () => {
    throw error;
  }).use(namedNetworkErrors());

describe('network errors of the workflow task functions (shared/aws/network-errors.ts)', () => {
  it('a dropped connection leaves the function named Aws.NetworkError, the retry name of every workflow task', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = (await failingWith(reset)(undefined, {} as never).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.name).toBe(NETWORK_ERROR_NAME);
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toBe('ECONNRESET: socket hang up');
  });

  it('any other error leaves as it is (a bug is not retried as if the network had failed)', async () => {
    const bug = new TypeError('x is undefined');
    await expect(failingWith(bug)(undefined, {} as never)).rejects.toBe(bug);
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    await expect(failingWith(throttled)(undefined, {} as never)).rejects.toBe(throttled);
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG' }))).toBe(false);
    expect(isNetworkError(undefined)).toBe(false);
  });
});
