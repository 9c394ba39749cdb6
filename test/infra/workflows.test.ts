import * as sns from 'aws-cdk-lib/aws-sns';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { WORKFLOW_ID_METADATA } from '#infra/constructs/workflow.ts';
import { MAIL_LEASE_SECONDS } from '#shared/mail/once.ts';
import {
  allowStatementsOfRole,
  allows,
  child,
  fn,
  logicalIdOf,
  refOf,
  referencedIds,
  resolveDefinition,
  resources,
  synth,
  type Props,
} from './helpers.ts';

// Named here, not imported: the test says which errors must be retried, whatever the construct lists.
const AWS_TRANSIENT_ERRORS = ['Aws.NetworkError', 'ProvisionedThroughputExceededException', 'ThrottlingException', 'TooManyRequestsException', 'SlowDown', 'InternalServerError', 'InternalError', 'ServiceUnavailable', 'TimeoutError'];
const LAMBDA_SERVICE_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
const isLambdaTask = (s: Props) => s.Type === 'Task' && !String(s.Resource).endsWith(':states:::sns:publish');
type Definition = ConstructorParameters<typeof StateMachine>[0];

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
  const tasks = Object.entries(m.states).filter(([, s]) => isLambdaTask(s));

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

  it.each(tasks.map(([name]) => name))('task %s retries transient AWS errors of its function (throttling, 5xx, timeouts) with backoff', (name) => {
    const retry = (m.states[name]?.Retry ?? []) as Props[];
    const onTransient = retry.find((r) => AWS_TRANSIENT_ERRORS.every((e) => (r.ErrorEquals as string[]).includes(e)));
    expect(onTransient, `Retry of ${name} on ${AWS_TRANSIENT_ERRORS.join(', ')}`).toBeDefined();
    expect(onTransient?.MaxAttempts).toBeGreaterThanOrEqual(2);
    expect(onTransient?.BackoffRate).toBeGreaterThan(1);
  });

  it.each(tasks.map(([name]) => name))("task %s catches States.ALL into its failure path: its name noted, the alert, then a Fail state with the task's error and cause", (name) => {
    const catchAll = ((m.states[name]?.Catch ?? []) as Props[]).find((c) => (c.ErrorEquals as string[]).includes('States.ALL'));
    expect(catchAll, `Catch States.ALL of ${name}`).toBeDefined();
    const noted = m.states[catchAll?.Next as string];
    expect(noted).toMatchObject({ Type: 'Pass', Result: name, ResultPath: '$.failedState' });
    const alert = m.states[noted?.Next as string];
    expect(String(alert?.Resource)).toMatch(/:states:::sns:publish$/);
    const fail = m.states[alert?.Next as string];
    expect(fail?.Type).toBe('Fail');
    expect(fail?.ErrorPath).toBe(`${catchAll?.ResultPath}.Error`);
    expect(fail?.CausePath).toBe(`${catchAll?.ResultPath}.Cause`);
  });

  it('the failure alert publishes to the alarm topic a message of ids only (workflow, execution name, failed state, error name), retries, and fails the execution even if it cannot publish', () => {
    const alerts = Object.entries(m.states).filter(([, s]) => String(s.Resource).endsWith(':states:::sns:publish'));
    expect(alerts).toHaveLength(1);
    const [, alert] = alerts[0]!;
    expect(refOf(m.tokens.get(alert.Parameters.TopicArn))).toBe(topicId);
    expect(alert.Parameters['Message.$']).toBe(
      `States.Format('Workflow ${m.workflowId}: execution {} failed in state {} with {} after its retries. Its history is in the Step Functions console.', $$.Execution.Name, $.failedState, $.error.Error)`,
    );
    // Only those paths: never the cause (an error message) or the state's data (form answers, task tokens).
    expect(String(alert.Parameters['Message.$']).match(/\$[$.\w]*/g)?.sort()).toEqual(['$$.Execution.Name', '$.error.Error', '$.failedState']);
    expect(alert.ResultPath).toBeNull();
    expect((alert.Retry as Props[])[0]).toMatchObject({ ErrorEquals: ['States.ALL'], MaxAttempts: 3 });
    const [catchAll] = alert.Catch as Props[];
    expect(catchAll).toMatchObject({ ErrorEquals: ['States.ALL'], Next: alert.Next });
    expect(catchAll?.ResultPath).not.toBe('$.error');
    expect(m.states[alert.Next]?.Type).toBe('Fail');
  });

  it("the state machine's role may publish to the alarm topic, with its key, and to no other topic", () => {
    const statements = allowStatementsOfRole(template, refOf(m.props.RoleArn) ?? '');
    const publish = statements.filter((s) => allows(s, 'sns:Publish'));
    expect(publish.map((s) => refOf(s.Resource))).toEqual([topicId]);
    const topicKey = refOf(resources(template, 'AWS::SNS::Topic')[topicId]?.Properties?.KmsMasterKeyId);
    expect(statements.some((s) => allows(s, 'kms:GenerateDataKey') && referencedIds(s.Resource).has(topicKey ?? '-'))).toBe(true);
  });
});

/** Runs a workflow's synthesized definition with aws-local-stepfunctions, the given states handled locally. */
function run(m: (typeof machines)[number], handlers: Record<string, (input: any) => Promise<unknown>>, retryIntervalOverrides?: Record<string, number>) {
  // aws-local-stepfunctions reads TimeoutSecondsPath from the task's Parameters instead of its input (the local
  // service works around it, local/stepfunctions/definition.ts): here the waits get a fixed timeout instead.
  const asl = JSON.parse(JSON.stringify(m.asl), (key, value) =>
    value && typeof value === 'object' && 'TimeoutSecondsPath' in value ? { ...Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'TimeoutSecondsPath')), TimeoutSeconds: 60 } : value,
  );
  const execution = new StateMachine(asl as Definition, { validationOptions: { checkArn: false } }).run(
    { jurisdictionId: 'ky-dcbs', recordId: 'rec-1', submissionId: 'sub-1' },
    {
      context: { Execution: { StartTime: new Date().toISOString(), Name: 'ky-dcbs-rec-1-sub-1' }, Task: { Token: 'token-1' } } as never,
      overrides: { taskResourceLocalHandlers: handlers as never, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) },
    },
  );
  return execution.result.then(
    (output: unknown) => ({ ok: true as const, output }),
    (e: unknown) => ({ ok: false as const, error: e }),
  );
}

describe('workflow registry-export', () => {
  const m = machine('registry-export');
  const tasks = Object.entries(m.states).filter(([, s]) => s.Type === 'Task');

  it('its task invokes the registry-export function', () => {
    const invoked = tasks.map(([, s]) => refOf(m.tokens.get(s.Resource as string)));
    expect(invoked).toContain(fn(template, 'registry-export').logicalId);
  });

  it("a failing task alerts (workflow, state, execution; not the cause), then fails the execution with the task's own error and cause (the definition run by aws-local-stepfunctions)", async () => {
    const [taskName] = tasks[0]!;
    const alerts: any[] = [];
    const outcome = await run(m, {
      [taskName]: async () => {
        throw Object.assign(new Error('The exports bucket refused the write'), { name: 'S3.AccessDenied' });
      },
      AlertFailure: async (input) => {
        alerts.push(input);
        return { MessageId: 'm-1' };
      },
    });
    expect(outcome.ok).toBe(false);
    const failure = (outcome as { error: unknown }).error;
    expect(failure).toBeInstanceOf(ExecutionError);
    expect((failure as ExecutionError).cause).toMatchObject({ name: 'S3.AccessDenied', message: 'The exports bucket refused the write' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0].Message).toBe(`Workflow registry-export: execution ky-dcbs-rec-1-sub-1 failed in state ${taskName} with S3.AccessDenied after its retries. Its history is in the Step Functions console.`);
    expect(alerts[0].Message).not.toContain('refused');
  });

  it('an alert that cannot be published still fails the execution with the task\'s error', async () => {
    const [taskName] = tasks[0]!;
    const outcome = await run(
      m,
      {
        [taskName]: async () => {
          throw Object.assign(new Error('no'), { name: 'S3.AccessDenied' });
        },
        AlertFailure: async () => {
          throw Object.assign(new Error('SNS is down'), { name: 'SNS.InternalErrorException' });
        },
      },
      { AlertFailure: 0 },
    );
    expect(((outcome as { error: ExecutionError }).error.cause as Error).name).toBe('S3.AccessDenied');
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

describe('workflow review: a mail transport that fails is retried, not the review', () => {
  const m = machine('review');
  const lambdaTasks = Object.entries(m.states).filter(([, s]) => isLambdaTask(s));
  const mailRetry = (s: Props) => ((s.Retry ?? []) as Props[]).find((r) => (r.ErrorEquals as string[]).includes('MailTransportError'));

  it.each(lambdaTasks.map(([name]) => name))('task %s retries MailTransportError and MailInFlightError with backoff, long enough for a claim\'s lease to run out', (name) => {
    const retry = mailRetry(m.states[name]!);
    expect(retry?.ErrorEquals).toEqual(['MailTransportError', 'MailInFlightError']);
    expect(retry?.BackoffRate).toBeGreaterThan(1);
    // Every retry waits min(interval * rate^n, max delay): together longer than the lease of another run's claim.
    const waits = Array.from({ length: retry?.MaxAttempts }, (_, n) => Math.min(retry?.IntervalSeconds * retry?.BackoffRate ** n, retry?.MaxDelaySeconds ?? Infinity));
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(MAIL_LEASE_SECONDS * 2);
    expect(retry?.MaxDelaySeconds).toBeLessThanOrEqual(900);
  });

  const handlers = (notify: () => Promise<unknown>, published: string[]) => ({
    Begin: async () => ({ recordId: 'rec-1', settings: { reminderSeconds: 60, resubmissionReminderSeconds: 60 } }),
    NotifyReviewers: notify,
    AwaitDecision: async () => ({}),
    ApplyDecision: async (input: any) => ({ to: 'approved', state: input.state }),
    EndReview: async () => ({}),
    NotifyAuthorApproved: async () => ({}),
    AlertFailure: async (input: any) => {
      published.push(input.Message);
      return { MessageId: 'm-1' };
    },
  });

  it.each(['MailTransportError', 'MailInFlightError'])('%s twice while the review request is sent: the task is retried, the review goes on to its decision, no alert', async (errorName) => {
    let calls = 0;
    const published: string[] = [];
    const outcome = await run(
      m,
      handlers(async () => {
        calls++;
        if (calls <= 2) throw Object.assign(new Error('SMTP 421'), { name: errorName });
        return {};
      }, published),
      { NotifyReviewers: 0 },
    );
    expect(outcome.ok, String((outcome as { error?: ExecutionError }).error?.cause)).toBe(true);
    expect(calls).toBe(3);
    expect(published).toEqual([]);
  });

  it('a transport that stays down: the retries run out, the alert names the state, the execution fails with MailTransportError', async () => {
    let calls = 0;
    const published: string[] = [];
    const outcome = await run(
      m,
      handlers(async () => {
        calls++;
        throw Object.assign(new Error('SES throttled'), { name: 'MailTransportError' });
      }, published),
      { NotifyReviewers: 0, AlertFailure: 0 },
    );
    expect(outcome.ok).toBe(false);
    expect(calls).toBe(1 + mailRetry(m.states.NotifyReviewers!)?.MaxAttempts);
    expect(published).toEqual(['Workflow review: execution ky-dcbs-rec-1-sub-1 failed in state NotifyReviewers with MailTransportError after its retries. Its history is in the Step Functions console.']);
    expect(((outcome as { error: ExecutionError }).error.cause as Error).name).toBe('MailTransportError');
  });

  it('another error (a bug) is not retried as a mail error: one call, then the alert', async () => {
    let calls = 0;
    const published: string[] = [];
    await run(
      m,
      handlers(async () => {
        calls++;
        throw new TypeError('x is undefined');
      }, published),
      { AlertFailure: 0 },
    );
    expect(calls).toBe(1);
    expect(published).toHaveLength(1);
    expect(published[0]).toContain('failed in state NotifyReviewers with TypeError');
  });
});
