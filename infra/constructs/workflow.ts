import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { anyOccurrenceAlarm } from './alarms.ts';
import { ManagedPolicyRole } from './managed-policy-role.ts';
import { wildcardResourceFinding } from './nag.ts';
import type { PlatformFunction } from './platform-function.ts';
import { NETWORK_ERROR_NAME } from '#shared/aws/network-errors.ts';

/**
 * Template metadata key that names a state machine (by its workflow id) or a schedule (by its schedule id). The local
 * runtime and the tests find state machines by it, never by logical id or by count.
 */
export const WORKFLOW_ID_METADATA = 'npcs:workflow-id';

/** Where a task's error lands in the state's data when a catch sends it to the workflow's failure path. */
const ERROR_PATH = '$.error';
/** Where the failure path notes the name of the state that failed (the alert names it). */
const FAILED_STATE_PATH = '$.failedState';

/** Lambda's own transient errors (throttling, service faults): every Lambda task retries them with backoff. */
export const LAMBDA_SERVICE_ERRORS = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/**
 * Transient errors of the AWS services the task functions call (throttling, 5xx, timeouts), by the name the SDK gives
 * them, once the SDK's own retries ran out (or its retry quota did, when many calls fail together): the task is run
 * again, later. Without this, one throttled moment of DynamoDB failed the whole execution, e.g. a review that then
 * never waits for its decision (found by fault injection, docs/architecture.md "Faults"). Every task is written to be
 * run again (idempotent writes, emails through the exactly-once markers).
 */
export const AWS_TRANSIENT_ERRORS = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'InternalServerError',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // A dropped connection, as the task functions name it (shared/aws/network-errors.ts).
  NETWORK_ERROR_NAME,
];

/** Options of one Lambda task of a workflow. */
export interface InvokeOptions {
  /**
   * What the function receives.
   * @default the execution's start time and name: `{ requestedAt, executionId }` (a retried task can key its
   * writes by execution, so a retry overwrites instead of adding)
   */
  readonly payload?: sfn.TaskInput;
  /**
   * Where the function's result goes in the state's data.
   * @default `$` (the result replaces the state's data)
   */
  readonly resultPath?: string;
}

/** Options of a task that waits for a person (a callback: `.waitForTaskToken`). */
export interface AwaitOptions {
  /** What the function receives; must pass `sfn.JsonPath.taskToken` for the function to store. */
  readonly payload: sfn.TaskInput;
  /**
   * Where in the state the wait's length in seconds is (e.g. `$.settings.reminderSeconds`). Every callback task has
   * one: without it a task waits up to a year in AWS (and fails after 60 s in aws-local-stepfunctions).
   */
  readonly timeoutPath: string;
  /** Where the task's output (what SendTaskSuccess sent) goes. @default discarded: the state passes on unchanged */
  readonly resultPath?: string;
  /** The next state when the wait times out (`States.Timeout`): a reminder, then the wait again. */
  readonly onTimeout: sfn.IChainable;
  /** Errors of the function that end the wait on purpose, and where each goes (checked before the Fail state). */
  readonly onErrors?: readonly { errors: string[]; next: sfn.IChainable }[];
}

/** What a workflow's definition is built with: Lambda tasks with the platform's retry and failure handling. */
export interface WorkflowSteps {
  /**
   * A task that invokes a platform function: the function's result only (no Lambda envelope), retries on Lambda
   * service errors, on transient AWS errors of the function's calls (AWS_TRANSIENT_ERRORS) and on the workflow's
   * `transientErrors` with backoff, and any other error caught into the
   * workflow's failure path: an alert to the alarm topic that names the workflow, the state and the execution, then
   * the Fail state, which ends the execution with the task's own error and cause. The state machine's role may invoke
   * the function (and nothing else of it).
   */
  invoke(id: string, fn: PlatformFunction, options?: InvokeOptions): tasks.LambdaInvoke;
  /**
   * A task that invokes a function with a task token and waits until someone resumes it (SendTaskSuccess) or the
   * timeout at `timeoutPath` passes (then `onTimeout`); other errors go to the failure path like `invoke`'s.
   */
  await(id: string, fn: PlatformFunction, options: AwaitOptions): tasks.LambdaInvoke;
  /**
   * A Map state that invokes a function once per item of `itemsPath` (at most `maxConcurrency` at a time). Each
   * item's task retries like `invoke`'s, and also any error of the function itself (`retryFailures` more attempts),
   * because one item's failure fails the whole Map: then the Map's catch sends the execution to the failure path.
   * States inside a Map cannot go to states outside it, which is why the catch sits on the Map.
   */
  map(id: string, fn: PlatformFunction, options: MapOptions): sfn.Map;
}

/** Options of a Map over items, each handled by one Lambda task. */
export interface MapOptions {
  /** Where the items are in the state's data (a JSON array). */
  readonly itemsPath: string;
  /** What each item's task receives: a payload with `$` bound to the Map's item selector output. */
  readonly itemSelector: Record<string, unknown>;
  readonly maxConcurrency: number;
  /** Further attempts when an item's function fails (its own errors, not Lambda's: those are always retried). */
  readonly retryFailures: number;
  /** Where the list of the items' results goes. @default discarded */
  readonly resultPath?: string;
}

export interface WorkflowProps {
  /**
   * Stable id of the workflow (lowercase, hyphens): written as template metadata `npcs:workflow-id`, used in alarm
   * descriptions, and how the local runtime and the tests find the state machine.
   */
  readonly workflowId: string;
  /** What the workflow does, in one sentence (the state machine's comment). */
  readonly description: string;
  /** Builds the states, starting from the first one; use `steps.invoke(...)` for every Lambda task. */
  readonly definition: (steps: WorkflowSteps) => sfn.IChainable;
  /** Encrypts the execution logs. */
  readonly key: kms.IKey;
  /** Alarms on failed, timed-out and aborted executions notify this topic. */
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /**
   * The longest an execution may run before Step Functions stops it (a timed-out execution raises the alarm).
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * Errors of the workflow's own functions that pass (e.g. a mail transport that is down): every Lambda task retries
   * them as given, after which they fail into the failure path like any other error.
   * @default none
   */
  readonly transientErrors?: readonly sfn.RetryProps[];
}

/** A schedule that starts the workflow. */
export interface WorkflowScheduleProps {
  /** Stable id of the schedule (template metadata `npcs:workflow-id` of the schedule), e.g. `registry-export-weekly`. */
  readonly scheduleId: string;
  readonly description: string;
  /** An EventBridge Scheduler expression in UTC (the local scheduler runs UTC only). */
  readonly expression: scheduler.ScheduleExpression;
  /** The execution's input, when the workflow needs to know which schedule started it. @default none */
  readonly input?: Record<string, unknown>;
}

/**
 * One Step Functions workflow with the platform's safe defaults in one place: a standard state machine with its own
 * role (grants in a managed policy), X-Ray tracing, KMS-encrypted logs of every event but never execution data
 * (inputs and outputs can carry form answers), a bounded execution time, alarms on failed, timed-out and aborted
 * executions, Lambda tasks with retries, a failure path that alerts (an SNS message to the alarm topic naming the
 * workflow, the failed state and the execution, never the execution's data) and then fails with the task's error
 * and cause, and the cdk-nag
 * acknowledgements this needs. Add a workflow as a construct of its own that creates one of these (see
 * infra/constructs/workflows/registry-export.ts).
 */
export class Workflow extends Construct {
  readonly workflowId: string;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    this.workflowId = props.workflowId;
    if (!/^[a-z][a-z0-9-]*$/.test(props.workflowId)) throw new Error(`Workflow id "${props.workflowId}": lowercase letters, digits and hyphens`);

    const role = new ManagedPolicyRole(this, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    const invoked = new Set<PlatformFunction>();
    let failed: sfn.Fail | undefined;
    const failState = () =>
      (failed ??= new sfn.Fail(this, 'Failed', { comment: 'A task failed after its retries', errorPath: `${ERROR_PATH}.Error`, causePath: `${ERROR_PATH}.Cause` }));
    let alert: tasks.SnsPublish | undefined;
    // One alert for the whole workflow: the message names the state from FAILED_STATE_PATH, and only ids and the
    // error's name (class names), never the cause or the state's data, which can hold form answers or task tokens.
    const alertState = () => {
      if (alert) return alert;
      alert = new tasks.SnsPublish(this, 'AlertFailure', {
        comment: 'Tells the alarm topic which execution failed, where, and with which error',
        topic: props.alarmTopic,
        subject: `Workflow ${props.workflowId}: an execution failed`,
        message: sfn.TaskInput.fromText(
          sfn.JsonPath.format(
            `Workflow ${props.workflowId}: execution {} failed in state {} with {} after its retries. Its history is in the Step Functions console.`,
            sfn.JsonPath.stringAt('$$.Execution.Name'),
            sfn.JsonPath.stringAt(FAILED_STATE_PATH),
            sfn.JsonPath.stringAt(`${ERROR_PATH}.Error`),
          ),
        ),
        resultPath: sfn.JsonPath.DISCARD,
      });
      alert.addRetry({ errors: ['States.ALL'], maxAttempts: 3, interval: Duration.seconds(2), backoffRate: 2 });
      // An alert that cannot be sent still ends in the Fail state (and the failed-executions alarm), error kept.
      alert.addCatch(failState(), { errors: ['States.ALL'], resultPath: '$.alertError' });
      alert.next(failState());
      return alert;
    };
    // Each task's own entry to the failure path: it notes the task's name, then the shared alert and Fail state.
    const failurePath = (taskId: string) =>
      new sfn.Pass(this, `${taskId}Failed`, { comment: `${taskId} failed after its retries`, result: sfn.Result.fromString(taskId), resultPath: FAILED_STATE_PATH }).next(alertState());
    const retry = (task: tasks.LambdaInvoke) => {
      for (const transient of props.transientErrors ?? []) task.addRetry(transient);
      task.addRetry({ errors: LAMBDA_SERVICE_ERRORS, maxAttempts: 6, interval: Duration.seconds(2), backoffRate: 2 });
      task.addRetry({ errors: AWS_TRANSIENT_ERRORS, maxAttempts: 4, interval: Duration.seconds(2), backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    };
    const steps: WorkflowSteps = {
      await: (taskId, fn, options) => {
        invoked.add(fn);
        const task = new tasks.LambdaInvoke(this, taskId, {
          lambdaFunction: fn.fn,
          integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: options.payload,
          taskTimeout: sfn.Timeout.at(options.timeoutPath),
          retryOnServiceExceptions: false,
          resultPath: options.resultPath ?? sfn.JsonPath.DISCARD,
        });
        retry(task);
        // The timeout first: it is the reminder loop, not a failure.
        task.addCatch(options.onTimeout, { errors: ['States.Timeout'], resultPath: sfn.JsonPath.DISCARD });
        for (const c of options.onErrors ?? []) task.addCatch(c.next, { errors: c.errors, resultPath: sfn.JsonPath.DISCARD });
        task.addCatch(failurePath(taskId), { errors: ['States.ALL'], resultPath: ERROR_PATH });
        return task;
      },
      invoke: (taskId, fn, options = {}) => {
        invoked.add(fn);
        const task = new tasks.LambdaInvoke(this, taskId, {
          lambdaFunction: fn.fn,
          payload: options.payload ?? sfn.TaskInput.fromObject({ 'requestedAt.$': '$$.Execution.StartTime', 'executionId.$': '$$.Execution.Name' }),
          payloadResponseOnly: true,
          // The construct's own retries (below) include Lambda's throttling, which the CDK default leaves out.
          retryOnServiceExceptions: false,
          resultPath: options.resultPath,
        });
        retry(task);
        task.addRetry({ errors: ['States.Timeout'], maxAttempts: 2, interval: Duration.seconds(5), backoffRate: 2 });
        // The task's error and cause stay in the state's data, so the execution fails with them.
        task.addCatch(failurePath(taskId), { errors: ['States.ALL'], resultPath: ERROR_PATH });
        return task;
      },
      map: (mapId, fn, options) => {
        invoked.add(fn);
        const map = new sfn.Map(this, mapId, {
          itemsPath: options.itemsPath,
          itemSelector: options.itemSelector,
          maxConcurrency: options.maxConcurrency,
          resultPath: options.resultPath ?? sfn.JsonPath.DISCARD,
        });
        const task = new tasks.LambdaInvoke(this, `${mapId}Item`, {
          lambdaFunction: fn.fn,
          payloadResponseOnly: true,
          retryOnServiceExceptions: false,
        });
        retry(task);
        task.addRetry({ errors: ['States.Timeout'], maxAttempts: 2, interval: Duration.seconds(5), backoffRate: 2 });
        task.addRetry({ errors: ['States.TaskFailed'], maxAttempts: options.retryFailures, interval: Duration.seconds(10), backoffRate: 2 });
        map.itemProcessor(task);
        map.addCatch(failurePath(mapId), { errors: ['States.ALL'], resultPath: ERROR_PATH });
        return map;
      },
    };

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      role,
      comment: props.description,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(props.definition(steps)),
      timeout: props.timeout ?? Duration.minutes(15),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: props.logRetention, encryptionKey: props.key }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    (this.stateMachine.node.defaultChild as sfn.CfnStateMachine).addMetadata(WORKFLOW_ID_METADATA, props.workflowId);

    const alarm = (name: string, metric: cloudwatch.IMetric, what: string) => anyOccurrenceAlarm(this, name, metric, `${props.workflowId}: ${what}`, props.alarmTopic);
    alarm('FailedAlarm', this.stateMachine.metricFailed({ period: Duration.minutes(5) }), 'execution failed');
    alarm('TimedOutAlarm', this.stateMachine.metricTimedOut({ period: Duration.minutes(5) }), 'execution timed out');
    alarm('AbortedAlarm', this.stateMachine.metricAborted({ period: Duration.minutes(5) }), 'execution aborted');

    if (alert) {
      // The alarm topic is KMS-encrypted: publishing to it needs its key (sns:Publish itself is granted by SnsPublish).
      const topicKey = props.alarmTopic instanceof sns.Topic ? props.alarmTopic.masterKey : undefined;
      if (topicKey) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [topicKey.keyArn] }));
    }

    const ack = (id: string, reason: string) => Validations.of(role).acknowledge({ id, reason });
    ack('AwsSolutions-IAM5[Resource::*]', 'CloudWatch Logs delivery and X-Ray actions of Step Functions support no resource-level permissions.');
    for (const fn of invoked) ack(wildcardResourceFinding(this, `${fn.fn.functionArn}:*`), 'Versions and aliases of a task function of this workflow.');
  }

  /** A schedule that starts this workflow, with a role allowed to start this state machine and nothing else. */
  schedule(id: string, props: WorkflowScheduleProps): scheduler.Schedule {
    const role = new ManagedPolicyRole(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    const schedule = new scheduler.Schedule(this, id, {
      description: props.description,
      schedule: props.expression,
      // No input unless the workflow needs one: the tasks read the start time and execution name from the context.
      target: new targets.StepFunctionsStartExecution(this.stateMachine, { role, ...(props.input ? { input: scheduler.ScheduleTargetInput.fromObject(props.input) } : {}) }),
    });
    (schedule.node.defaultChild as scheduler.CfnSchedule).addMetadata(WORKFLOW_ID_METADATA, props.scheduleId);
    return schedule;
  }
}
