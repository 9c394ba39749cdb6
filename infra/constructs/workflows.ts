import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role.ts';
import type { PlatformFunction } from './platform-function.ts';

/** Template metadata key that names a state machine or schedule by a stable id, for the local runtime. */
export const WORKFLOW_ID_METADATA = 'npcs:workflow-id';

export interface WorkflowsProps {
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  readonly registryExport: PlatformFunction;
}

/**
 * State machines and their schedules. The registry export is the walking skeleton of wave 2's scheduled
 * aggregate exports: a schedule starts the state machine, a Lambda task writes the snapshot to the exports bucket.
 */
export class Workflows extends Construct {
  readonly registryExport: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);

    const write = new tasks.LambdaInvoke(this, 'WriteRegistrySnapshot', {
      lambdaFunction: props.registryExport.fn,
      payload: sfn.TaskInput.fromObject({ 'requestedAt.$': '$$.Execution.StartTime', 'executionId.$': '$$.Execution.Name' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      resultPath: '$.snapshot',
    });
    write.addRetry({ errors: ['States.Timeout'], maxAttempts: 2, interval: Duration.seconds(5), backoffRate: 2 });
    const failed = new sfn.Fail(this, 'SnapshotFailed', { error: 'RegistryExportFailed', cause: 'The registry snapshot could not be written' });
    write.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const done = new sfn.Succeed(this, 'SnapshotWritten');

    const role = new ManagedPolicyRole(this, 'RegistryExportRole', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    this.registryExport = new sfn.StateMachine(this, 'RegistryExport', {
      role,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(write.next(done)),
      timeout: Duration.minutes(15),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'RegistryExportLogs', { retention: props.logRetention, encryptionKey: props.key }),
        level: sfn.LogLevel.ALL,
        // Execution data can carry form answers in later workflows: never log it.
        includeExecutionData: false,
      },
    });
    (this.registryExport.node.defaultChild as sfn.CfnStateMachine).addMetadata(WORKFLOW_ID_METADATA, 'registry-export');

    new cloudwatch.Alarm(this, 'RegistryExportFailedAlarm', {
      metric: this.registryExport.metricFailed({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'registry-export: execution failed',
    }).addAlarmAction(new cwActions.SnsAction(props.alarmTopic));

    const ack = (finding: string, reason: string) => Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    ack('Resource::*', 'CloudWatch Logs delivery and X-Ray actions of Step Functions support no resource-level permissions.');
    ack(`Resource::<${Stack.of(this).resolve((props.registryExport.fn.node.defaultChild as CfnElement).logicalId)}.Arn>:*`, 'Versions and aliases of the one task function.');

    const schedulerRole = new ManagedPolicyRole(this, 'SchedulerRole', { assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com') });
    const weekly = new scheduler.Schedule(this, 'RegistryExportWeekly', {
      description: 'Weekly snapshot of the jurisdictions registry to the exports bucket',
      schedule: scheduler.ScheduleExpression.cron({ weekDay: 'MON', hour: '6', minute: '0', timeZone: undefined }),
      target: new targets.StepFunctionsStartExecution(this.registryExport, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        role: schedulerRole,
      }),
    });
    (weekly.node.defaultChild as scheduler.CfnSchedule).addMetadata(WORKFLOW_ID_METADATA, 'registry-export-weekly');
  }
}
