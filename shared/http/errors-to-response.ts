import { isAppError, MethodNotAllowedError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { json, type HttpResult } from './response.ts';

/**
 * The one place where errors become HTTP answers. Typed errors below 500 show their message (it was written for
 * the caller); anything else is logged by name and stack — never with the request — and answered with a generic 500.
 */
export function errorToResponse(error: unknown, requestId: string): HttpResult {
  if (isAppError(error) && error.status < 500) {
    const headers: Record<string, string> = error instanceof MethodNotAllowedError ? { allow: error.allowed.join(', ') } : {};
    return json(error.status, { error: { code: error.code, message: error.message, ...error.details(), requestId } }, headers);
  }
  if (isAppError(error)) {
    logger.warn('Dependency unavailable', { errorName: error.name, errorCode: error.code });
    return json(error.status, { error: { code: error.code, message: error.message, requestId } }, { 'retry-after': '5' });
  }
  logger.error('Unhandled error', error instanceof Error ? { error: { name: error.name, message: error.message, stack: error.stack } } : { errorType: typeof error });
  return json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side. Nothing was saved. Please try again; if it keeps happening, quote this request id to support.', requestId } });
}
