import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PlatformFunction } from '../platform-function.ts';
import { Workflow } from '../workflow.ts';

export interface RegistryExportWorkflowProps {
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /** The task function that writes the snapshot (functions/registry-export). */
  readonly registryExport: PlatformFunction;
}

/**
 * The weekly snapshot of the jurisdictions registry to the exports bucket: the walking skeleton of wave 2's
 * scheduled aggregate exports. A schedule starts the workflow; one Lambda task writes the snapshot.
 */
export class RegistryExportWorkflow extends Construct {
  readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props: RegistryExportWorkflowProps) {
    super(scope, id);
    this.workflow = new Workflow(this, 'Workflow', {
      workflowId: 'registry-export',
      description: 'Writes a snapshot of the jurisdictions registry (public fields) to the exports bucket',
      key: props.key,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      definition: (steps) =>
        steps.invoke('WriteRegistrySnapshot', props.registryExport, { resultPath: '$.snapshot' }).next(new sfn.Succeed(this, 'SnapshotWritten')),
    });
    this.workflow.schedule('Weekly', {
      scheduleId: 'registry-export-weekly',
      description: 'Weekly snapshot of the jurisdictions registry to the exports bucket',
      expression: scheduler.ScheduleExpression.cron({ weekDay: 'MON', hour: '6', minute: '0' }),
    });
  }

  get stateMachine(): sfn.StateMachine {
    return this.workflow.stateMachine;
  }
}
