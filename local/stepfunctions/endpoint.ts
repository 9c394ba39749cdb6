import { createServer, type Server } from 'node:http';
import { StepFunctionsApiError, type Execution, type LocalStepFunctions } from './service.ts';

/**
 * The Step Functions API (AWS JSON 1.0 protocol) for the calls the platform's code makes, so that handlers use
 * the ordinary SDK client with AWS_ENDPOINT_URL_SFN pointing here. Written by hand: no npm package emulates
 * Step Functions' API (AWS's own Step Functions Local is a Docker image / jar download).
 */
export function startStepFunctionsEndpoint(service: LocalStepFunctions, port: number, host = '127.0.0.1'): Promise<Server> {
  const epoch = (d?: Date) => (d ? d.getTime() / 1000 : undefined);
  const describe = (e: Execution) => ({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epoch(e.startDate),
    stopDate: epoch(e.stopDate),
    input: e.input,
    output: e.output,
    error: e.error,
    cause: e.cause,
  });

  const actions: Record<string, (body: Record<string, string | undefined>) => unknown> = {
    StartExecution: (b) => {
      const e = service.startExecution(required(b, 'stateMachineArn'), b.input, b.name);
      return { executionArn: e.executionArn, startDate: epoch(e.startDate) };
    },
    DescribeExecution: (b) => describe(service.describeExecution(required(b, 'executionArn'))),
    StopExecution: (b) => ({ stopDate: epoch(service.stopExecution(required(b, 'executionArn')).stopDate ?? new Date()) }),
    ListExecutions: (b) => ({
      executions: service
        .listExecutions(required(b, 'stateMachineArn'))
        .filter((e) => !b.statusFilter || e.status === b.statusFilter)
        .map((e) => ({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate), stopDate: epoch(e.stopDate) })),
    }),
    DescribeStateMachine: (b) => {
      const sm = service.describeStateMachine(required(b, 'stateMachineArn'));
      return { stateMachineArn: sm.arn, name: sm.logicalId, status: 'ACTIVE', definition: JSON.stringify(sm.definition), roleArn: 'arn:aws:iam::000000000000:role/local', type: 'STANDARD', creationDate: 0 };
    },
    // Callback tasks (service.ts): an empty answer on success, AWS's error types otherwise. The token is never logged
    // nor echoed in an error message.
    SendTaskSuccess: (b) => {
      service.sendTaskSuccess(required(b, 'taskToken'), requiredString(b, 'output'));
      return {};
    },
    SendTaskFailure: (b) => {
      service.sendTaskFailure(required(b, 'taskToken'), b.error, b.cause);
      return {};
    },
    SendTaskHeartbeat: (b) => {
      service.sendTaskHeartbeat(required(b, 'taskToken'));
      return {};
    },
    ListStateMachines: () => ({
      stateMachines: service.list().map((sm) => ({ stateMachineArn: sm.arn, name: sm.logicalId, type: 'STANDARD', creationDate: 0 })),
    }),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      const target = String(req.headers['x-amz-target'] ?? '');
      const action = actions[target.replace(/^AWSStepFunctions\./, '')];
      if (!action) return reply(400, { __type: 'UnknownOperationException', message: `Operation ${target || '(none)'} is not supported locally` });
      try {
        const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>) : {};
        reply(200, action(body));
      } catch (e) {
        if (e instanceof StepFunctionsApiError) return reply(400, { __type: e.type, message: e.message });
        reply(400, { __type: 'ValidationException', message: (e as Error).message });
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function required(body: Record<string, string | undefined>, name: string): string {
  const value = body[name];
  if (!value) throw new StepFunctionsApiError('ValidationException', `${name} is required`);
  return value;
}

/** A required string that may be empty only where AWS allows it: `output` must be present (JSON, checked by the service). */
function requiredString(body: Record<string, string | undefined>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw new StepFunctionsApiError('ValidationException', `${name} is required`);
  return value;
}
