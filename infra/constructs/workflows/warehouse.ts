import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PlatformFunction } from '../platform-function.ts';
import { Workflow } from '../workflow.ts';
import { planPerJurisdictionPublish } from './per-jurisdiction.ts';

export interface WarehouseWorkflowProps {
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /** The workflow's tasks (functions/warehouse-tasks). */
  readonly tasks: PlatformFunction;
}

/**
 * A warehouse release (docs/warehouse.md, "The pipeline"): Plan (every jurisdiction's consent window), a Map that
 * extracts each sharing jurisdiction's approved records into the run's staging folder (one task each, retried; one
 * that still fails fails the run), then Publish: de-identify each form version, write the files and the manifest,
 * switch the current release, remove the previous one's files. A failure anywhere ends in the alarm, and the
 * release before stays current. Input: `{}` from the monthly schedule, `{ trigger: "on_demand" }` from the admin page.
 */
export class WarehouseWorkflow extends Construct {
  readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props: WarehouseWorkflowProps) {
    super(scope, id);
    this.workflow = new Workflow(this, 'Workflow', {
      workflowId: 'warehouse',
      description: "De-identifies consenting jurisdictions' approved records and publishes them as the warehouse's Parquet datasets",
      key: props.key,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      timeout: Duration.hours(2),
      definition: (steps) => planPerJurisdictionPublish(this, steps, props.tasks, { mapId: 'ExtractJurisdictions', itemTask: 'extract', itemsPath: '$.plan.sharing' }),
    });
    this.workflow.schedule('Monthly', {
      scheduleId: 'warehouse-monthly',
      description: 'The monthly warehouse release, on the 3rd (after the monthly report of the 2nd)',
      expression: scheduler.ScheduleExpression.cron({ day: '3', hour: '7', minute: '0' }),
      input: { trigger: 'schedule' },
    });
  }

  get stateMachine(): sfn.StateMachine {
    return this.workflow.stateMachine;
  }
}
