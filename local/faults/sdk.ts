// Fault injection into the AWS SDK v3 clients of a local function (the worker thread installs it before the bundle
// loads, when LOCAL_FAULTS is set). Each attempt of a call passes a middleware at the end of the 'deserialize' step,
// between the SDK's deserializer and the HTTP handler, inside the SDK's own retries: a faulty answer is built as the
// service sends it on the wire (status, error type, body), so the SDK's deserializer, retry strategy and the
// function's error handling see what they would see in AWS. Erasable TypeScript only (type stripping in the worker).
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { faultPlan, type FaultEvent, type FaultKind, type FaultSpec } from './spec.ts';

/** The answers of one service: its protocol decides how an error is written. */
interface ServiceFaults {
  /** The name reported in the tally. */
  service: string;
  errorResponse(kind: 'throttle' | 'server'): { statusCode: number; headers: Record<string, string>; body: string };
}

const json = (statusCode: number, type: string, message: string, typeInHeader = false) => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'local-fault', ...(typeInHeader ? { 'x-amzn-errortype': type } : {}) },
  body: JSON.stringify(typeInHeader ? { message } : { __type: type, message }),
});
const xml = (statusCode: number, code: string, message: string) => ({
  statusCode,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'local-fault' },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>local-fault</RequestId></Error>`,
});

/** By the SDK client's class name (`context.clientName`). */
const SERVICES: Record<string, ServiceFaults> = {
  // AWS JSON 1.0
  DynamoDBClient: {
    service: 'DynamoDB',
    errorResponse: (kind) =>
      kind === 'throttle'
        ? json(400, 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.')
        : json(500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error'),
  },
  SFNClient: {
    service: 'StepFunctions',
    errorResponse: (kind) => (kind === 'throttle' ? json(400, 'ThrottlingException', 'Rate exceeded') : json(500, 'ServiceUnavailable', 'Service unavailable')),
  },
  // REST XML
  S3Client: {
    service: 'S3',
    errorResponse: (kind) => (kind === 'throttle' ? xml(503, 'SlowDown', 'Please reduce your request rate.') : xml(500, 'InternalError', 'We encountered an internal error. Please try again.')),
  },
  // REST JSON: the error type travels in a header
  SESv2Client: {
    service: 'SES',
    errorResponse: (kind) => (kind === 'throttle' ? json(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.', true) : json(500, 'InternalFailure', 'Internal failure', true)),
  },
};

interface HandlerContext {
  clientName?: string;
  commandName?: string;
}
type Next = (args: unknown) => Promise<{ response: { body?: unknown } }>;

const socketError = (message: string) => Object.assign(new Error(message), { code: 'ECONNRESET' });
// What @smithy/node-http-handler throws when its request timeout fires.
const timeoutError = (ms: number) => Object.assign(new Error(`the request did not answer within ${ms} ms (fault injected)`), { name: 'TimeoutError' });

/** The middleware of one client: `plan` decides each attempt's fault, `report` is told about every attempt. */
export function faultMiddleware(spec: FaultSpec, plan: () => FaultKind | undefined, report: (event: FaultEvent) => void) {
  return (next: Next, context: HandlerContext) => async (args: unknown) => {
    const service = SERVICES[context.clientName ?? ''];
    if (!service) return next(args);
    const fault = plan();
    report({ service: service.service, operation: context.commandName ?? 'unknown', fault });
    switch (fault) {
      case undefined:
        return next(args);
      case 'throttle':
      case 'server': {
        const { statusCode, headers, body } = service.errorResponse(fault);
        return { response: { statusCode, reason: undefined, headers, body: Readable.from([Buffer.from(body)]) } };
      }
      case 'timeout':
        await sleep(spec.timeoutMs);
        throw timeoutError(spec.timeoutMs);
      case 'reset':
        throw socketError('socket hang up (fault injected before the request was sent)');
      case 'lost': {
        const out = await next(args);
        // The answer is dropped: release its stream so the connection is not held.
        const body = out.response.body as { destroy?: () => void; resume?: () => void } | undefined;
        body?.destroy?.();
        throw socketError('socket hang up (fault injected after the server carried the request out)');
      }
    }
  };
}

interface MiddlewareStack {
  add(middleware: unknown, options: { step: string; priority: string; name: string }): void;
}

/**
 * Adds the fault middleware to every SDK client of this thread, on its first call: the clients of the bundles are
 * created at module scope in code that knows nothing of this, so `send` of the one Client class every SDK v3
 * client extends (@smithy/core/client, from the node_modules that stand in for the Lambda runtime's SDK) does it.
 * Stacks are marked, not clients: the document client shares its DynamoDB client's stack.
 */
export function installSdkFaults(spec: FaultSpec, options: { sdkParent: string; stream: string; report: (event: FaultEvent) => void }): void {
  const { Client } = createRequire(options.sdkParent)('@smithy/core/client') as { Client: { prototype: { send: (...args: unknown[]) => unknown; middlewareStack?: MiddlewareStack } } };
  const plan = faultPlan(spec, options.stream);
  const middleware = faultMiddleware(spec, plan, options.report);
  const armed = new WeakSet<object>();
  const send = Client.prototype.send;
  Client.prototype.send = function (this: { middlewareStack: MiddlewareStack }, ...args: unknown[]) {
    if (!armed.has(this.middlewareStack)) {
      armed.add(this.middlewareStack);
      this.middlewareStack.add(middleware, { step: 'deserialize', priority: 'low', name: 'localFaultInjection' });
    }
    return send.apply(this, args);
  };
}
