import type middy from '@middy/core';

/**
 * The name a workflow's retry matches (infra/constructs/workflow.ts, AWS_TRANSIENT_ERRORS) for a dropped or timed-out
 * connection to an AWS service that outlasted the SDK's own retries (or its retry quota, spent when many calls fail
 * together). Node names such an error plain `Error` (its `code` says ECONNRESET...), and Step Functions matches errors
 * by name only: without this, one reset connection failed a whole execution for good.
 */
export const NETWORK_ERROR_NAME = 'Aws.NetworkError';

// The codes the SDK itself retries as transient (NODEJS_TIMEOUT_ERROR_CODES and NODEJS_NETWORK_ERROR_CODES).
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code);
}

/** Middleware of the workflows' task functions: a network error leaves the function named NETWORK_ERROR_NAME. */
export function namedNetworkErrors(): middy.MiddlewareObj {
  return {
    onError: (request) => {
      if (!isNetworkError(request.error)) return;
      const error = request.error as Error & { code: string };
      // The message and code only: the SDK's error carries no request data, and this keeps it so.
      throw Object.assign(new Error(`${error.code}: ${error.message}`, { cause: error }), { name: NETWORK_ERROR_NAME, code: error.code });
    },
  };
}
