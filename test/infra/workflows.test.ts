import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_ID_METADATA } from '#infra/constructs/workflows.ts';
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

describe('workflows: registry export', () => {
  const { stack, template } = synth();
  const machines = Object.entries(resources(template, 'AWS::StepFunctions::StateMachine'));
  const [machineId, machine] = machines.find(([, m]) => m.Metadata?.[WORKFLOW_ID_METADATA] === 'registry-export') ?? [];
  const props = machine?.Properties ?? {};
  const topicId = logicalIdOf(child(stack, 'Alarms', sns.Topic));
  const { asl, tokens } = resolveDefinition(props.DefinitionString);
  const states = asl.States as Record<string, Props>;
  const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');

  it('the state machine exists and is tagged registry-export', () => {
    expect(machineId).toBeDefined();
    expect(props.StateMachineType).toBe('STANDARD');
  });

  it('traces with X-Ray and logs ALL events without execution data', () => {
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const logGroup = resources(template, 'AWS::Logs::LogGroup')[refOf(props.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn) ?? ''];
    expect(logGroup?.Properties?.KmsKeyId).toBeDefined();
  });

  it('has a bounded execution time', () => {
    expect(asl.TimeoutSeconds).toEqual(expect.any(Number));
  });

  it('its task invokes the registry-export function', () => {
    expect(tasks.length).toBeGreaterThan(0);
    const invoked = tasks.map(([, s]) => refOf(tokens.get(s.Resource as string)));
    expect(invoked).toContain(fn(template, 'registry-export').logicalId);
  });

  it.each(tasks.map(([name]) => name))('task %s retries Lambda service errors with backoff', (name) => {
    const retry = (states[name]?.Retry ?? []) as Props[];
    const onService = retry.find((r) => LAMBDA_SERVICE_ERRORS.every((e) => (r.ErrorEquals as string[]).includes(e)));
    expect(onService, `Retry of ${name} on ${LAMBDA_SERVICE_ERRORS.join(', ')}`).toBeDefined();
    expect(onService?.MaxAttempts).toBeGreaterThanOrEqual(2);
    expect(onService?.BackoffRate).toBeGreaterThan(1);
  });

  it.each(tasks.map(([name]) => name))('task %s catches States.ALL into a Fail state', (name) => {
    const catchAll = ((states[name]?.Catch ?? []) as Props[]).find((c) => (c.ErrorEquals as string[]).includes('States.ALL'));
    expect(catchAll, `Catch States.ALL of ${name}`).toBeDefined();
    expect(states[catchAll?.Next as string]?.Type).toBe('Fail');
  });

  it('an ExecutionsFailed alarm notifies the alarm topic', () => {
    const alarm = Object.values(resources(template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties ?? {})
      .find(
        (a) =>
          a.Namespace === 'AWS/States' &&
          a.MetricName === 'ExecutionsFailed' &&
          (a.Dimensions as Props[]).some((d) => d.Name === 'StateMachineArn' && refOf(d.Value) === machineId),
      );
    expect(alarm).toBeDefined();
    expect((alarm?.AlarmActions as unknown[]).map(refOf)).toContain(topicId);
  });

  it('a cron schedule starts the state machine, with a role allowed only to start it', () => {
    const schedules = Object.values(resources(template, 'AWS::Scheduler::Schedule')).filter((s) => refOf(s.Properties?.Target?.Arn) === machineId);
    expect(schedules).toHaveLength(1);
    const schedule = schedules[0];
    expect(schedule?.Metadata?.[WORKFLOW_ID_METADATA]).toEqual(expect.any(String));
    expect(schedule?.Properties?.ScheduleExpression).toMatch(/^cron\(.+\)$/);
    expect(schedule?.Properties?.State ?? 'ENABLED').toBe('ENABLED');
    const statements = allowStatementsOfRole(template, refOf(schedule?.Properties?.Target?.RoleArn) ?? '');
    expect(statements.some((s) => allows(s, 'states:StartExecution') && refOf(s.Resource) === machineId)).toBe(true);
    expect(statements.flatMap((s) => s.Action ?? [])).toEqual(['states:StartExecution']);
  });
});
