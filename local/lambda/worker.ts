// One Lambda "execution environment": a worker thread with the function's own environment variables, which
// imports the deployed bundle once (the cold start) and then handles invocations one message at a time.
// Runs under Node's built-in type stripping, so it uses erasable TypeScript only.
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

interface WorkerInit {
  bundlePath: string;
  handlerName: string;
  functionName: string;
  functionArn: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** package.json of the project, whose node_modules stand in for the SDK that Lambda's runtime provides. */
  runtimeSdkParent: string;
}
interface InvokeMessage {
  invocationId: number;
  requestId: string;
  event: unknown;
  deadline: number;
}

const init = workerData as WorkerInit;

// Lambda's nodejs runtime supplies the AWS SDK v3 (the bundles leave it out); here the project's copy does,
// wherever the cloud assembly was written.
const runtimeSdkParent = pathToFileURL(init.runtimeSdkParent).href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('@aws-sdk/') || specifier.startsWith('@smithy/')) {
      return nextResolve(specifier, { ...context, parentURL: runtimeSdkParent });
    }
    return nextResolve(specifier, context);
  },
});
// Tests that turn faults on (LOCAL_FAULTS, local/faults/) get them in this function's SDK clients; every call is
// reported to the runtime, which keeps the tally. Off unless set: the deployed bundles know nothing of it.
const faultSetting = process.env.LOCAL_FAULTS;
if (faultSetting) {
  const { parseFaultSpec } = await import('../faults/spec.ts');
  const { installSdkFaults } = await import('../faults/sdk.ts');
  installSdkFaults(parseFaultSpec(faultSetting), {
    sdkParent: init.runtimeSdkParent,
    stream: init.functionName,
    report: (event) => parentPort!.postMessage({ fault: event }),
  });
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
let handlerPromise: Promise<Handler> | undefined;

function loadHandler(): Promise<Handler> {
  handlerPromise ??= import(pathToFileURL(init.bundlePath).href).then((mod: Record<string, unknown>) => {
    const handler = mod[init.handlerName];
    if (typeof handler !== 'function') throw new Error(`Bundle ${init.bundlePath} exports no function "${init.handlerName}"`);
    return handler as Handler;
  });
  return handlerPromise;
}

function serializeError(e: unknown): { errorType: string; errorMessage: string; stack?: string } {
  if (e instanceof Error) return { errorType: e.name, errorMessage: e.message, stack: e.stack };
  return { errorType: 'Error', errorMessage: String(e) };
}

parentPort!.on('message', async (message: InvokeMessage) => {
  const context = {
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: init.functionArn,
    memoryLimitInMB: String(init.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const handler = await loadHandler();
    const result = await handler(message.event, context);
    parentPort!.postMessage({ invocationId: message.invocationId, ok: true, result: result === undefined ? null : result });
  } catch (e) {
    parentPort!.postMessage({ invocationId: message.invocationId, ok: false, error: serializeError(e) });
  }
});
