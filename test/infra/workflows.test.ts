import * as sns from 'aws-cdk-lib/aws-sns';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_ID_METADATA } from '#infra/constructs/workflow.ts';
import {
  allowStatementsOfRole,
  allows,
  child,
  fn,
  logicalIdOf,
  refOf,
  resolveDefinition,
  resources,
  synth,
  type Props,
} from './helpers.ts';

const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];

const { stack, template } = synth();
const topicId = logicalIdOf(child(stack, 'Alarms', sns.Topic));
const machines = Object.entries(resources(template, 'AWS::StepFunctions::StateMachine')).map(([logicalId, r]) => {
  const { asl, tokens } = resolveDefinition(r.Properties?.DefinitionString);
  return { logicalId, workflowId: r.Metadata?.[WORKFLOW_ID_METADATA] as string | undefined, props: r.Properties ?? {}, asl, tokens, states: asl.States as Record<string, Props> };
});
const machine = (workflowId: string) => {
  const found = machines.find((m) => m.workflowId === workflowId);
  if (!found) throw new Error(`no state machine with ${WORKFLOW_ID_METADATA}=${workflowId}`);
  return found;
};
const alarmsOf = (logicalId: string) =>
  Object.values(resources(template, 'AWS::CloudWatch::Alarm'))
    .map((a) => a.Properties ?? {})
    .filter((a) => a.Namespace === 'AWS/States' && (a.Dimensions as Props[]).some((d) => d.Name === 'StateMachineArn' && refOf(d.Value) === logicalId));

// The defaults of infra/constructs/workflow.ts, asserted of every state machine the template declares.
describe.each(machines.map((m) => [m.workflowId ?? m.logicalId, m] as const))('workflow %s: the safe defaults', (_name, m) => {
  const tasks = Object.entries(m.states).filter(([, s]) => s.Type === 'Task');

  it('carries a workflow id, unique in the template', () => {
    expect(m.workflowId).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(machines.filter((other) => other.workflowId === m.workflowId)).toHaveLength(1);
  });

  it('is a standard state machine with a bounded execution time', () => {
    expect(m.props.StateMachineType).toBe('STANDARD');
    expect(m.asl.TimeoutSeconds).toEqual(expect.any(Number));
  });

  it('traces with X-Ray and logs ALL events without execution data, to a KMS-encrypted log group', () => {
    expect(m.props.TracingConfiguration).toEqual({ Enabled: true });
    expect(m.props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const logGroup = resources(template, 'AWS::Logs::LogGroup')[refOf(m.props.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn) ?? ''];
    expect(logGroup?.Properties?.KmsKeyId).toBeDefined();
  });

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])('an %s alarm notifies the alarm topic', (metric) => {
    const alarm = alarmsOf(m.logicalId).find((a) => a.MetricName === metric);
    expect(alarm, `${metric} alarm`).toBeDefined();
    expect(alarm?.Threshold).toBe(1);
    expect((alarm?.AlarmActions as unknown[]).map(refOf)).toContain(topicId);
  });

  it('has tasks', () => {
    expect(tasks.length).toBeGreaterThan(0);
  });

  it.each(tasks.map(([name]) => name))('task %s retries Lambda service errors with backoff', (name) => {
    const retry = (m.states[name]?.Retry ?? []) as Props[];
    const onService = retry.find((r) => LAMBDA_SERVICE_ERRORS.every((e) => (r.ErrorEquals as string[]).includes(e)));
    expect(onService, `Retry of ${name} on ${LAMBDA_SERVICE_ERRORS.join(', ')}`).toBeDefined();
    expect(onService?.MaxAttempts).toBeGreaterThanOrEqual(2);
    expect(onService?.BackoffRate).toBeGreaterThan(1);
  });

  it.each(tasks.map(([name]) => name))("task %s catches States.ALL into a Fail state that ends with the task's error and cause", (name) => {
    const catchAll = ((m.states[name]?.Catch ?? []) as Props[]).find((c) => (c.ErrorEquals as string[]).includes('States.ALL'));
    expect(catchAll, `Catch States.ALL of ${name}`).toBeDefined();
    const fail = m.states[catchAll?.Next as string];
    expect(fail?.Type).toBe('Fail');
    expect(fail?.ErrorPath).toBe(`${catchAll?.ResultPath}.Error`);
    expect(fail?.CausePath).toBe(`${catchAll?.ResultPath}.Cause`);
  });
});

describe('workflow registry-export', () => {
  const m = machine('registry-export');
  const tasks = Object.entries(m.states).filter(([, s]) => s.Type === 'Task');

  it('its task invokes the registry-export function', () => {
    const invoked = tasks.map(([, s]) => refOf(m.tokens.get(s.Resource as string)));
    expect(invoked).toContain(fn(template, 'registry-export').logicalId);
  });

  it("a failing task fails the execution with the task's own error and cause (the definition run by aws-local-stepfunctions)", async () => {
    const [taskName] = tasks[0]!;
    const run = new StateMachine(m.asl as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { checkArn: false } }).run(
      {},
      {
        context: { Execution: { StartTime: new Date().toISOString(), Name: 'failing-task' } } as never,
        overrides: {
          taskResourceLocalHandlers: {
            [taskName]: async () => {
              throw Object.assign(new Error('The exports bucket refused the write'), { name: 'S3.AccessDenied' });
            },
          },
        },
      },
    );
    const failure = await run.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ExecutionError);
    expect((failure as ExecutionError).cause).toMatchObject({ name: 'S3.AccessDenied', message: 'The exports bucket refused the write' });
  });

  it('a weekly cron schedule starts it without an input, with a role allowed only to start it', () => {
    const schedules = Object.values(resources(template, 'AWS::Scheduler::Schedule')).filter((s) => refOf(s.Properties?.Target?.Arn) === m.logicalId);
    expect(schedules).toHaveLength(1);
    const schedule = schedules[0];
    expect(schedule?.Metadata?.[WORKFLOW_ID_METADATA]).toBe('registry-export-weekly');
    expect(schedule?.Properties?.ScheduleExpression).toMatch(/^cron\(.+\)$/);
    expect(schedule?.Properties?.State ?? 'ENABLED').toBe('ENABLED');
    // The task reads the start time and execution name from the context; an input would be read by nothing.
    expect(schedule?.Properties?.Target?.Input).toBeUndefined();
    const statements = allowStatementsOfRole(template, refOf(schedule?.Properties?.Target?.RoleArn) ?? '');
    expect(statements.some((s) => allows(s, 'states:StartExecution') && refOf(s.Resource) === m.logicalId)).toBe(true);
    expect(statements.flatMap((s) => s.Action ?? [])).toEqual(['states:StartExecution']);
  });
});
