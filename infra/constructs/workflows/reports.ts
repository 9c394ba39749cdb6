import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Cadence } from '#shared/reports/model.ts';
import type { PlatformFunction } from '../platform-function.ts';
import { Workflow } from '../workflow.ts';
import { planPerJurisdictionPublish } from './per-jurisdiction.ts';
import { MAIL_RETRY } from './review.ts';

export interface ReportsWorkflowProps {
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /** The workflow's tasks (functions/report-tasks). */
  readonly tasks: PlatformFunction;
  /** The cadences that run on a schedule (config `reportCadences`). */
  readonly cadences: readonly Cadence[];
}

/** The schedule of each cadence: early on the 2nd, so the period before is complete in every U.S. time zone. */
const SCHEDULES: Record<Cadence, scheduler.CronOptionsWithTimezone> = {
  monthly: { day: '2', hour: '7', minute: '0' },
  quarterly: { month: '1,4,7,10', day: '2', hour: '8', minute: '0' },
};

/**
 * A report release (docs/reports.md): Plan (which period, which jurisdictions), a Map that aggregates each active
 * jurisdiction into a partial in S3 (one task each, retried; one that still fails fails the run), then Publish:
 * combine, protect, audit, write every output, switch the period's release to this run, and email the digest. A
 * failure anywhere ends in the alarm and publishes nothing: the switch is the last write.
 * Input: `{ cadence }` from a schedule (the period before the start time), or `{ cadence, periodId }` on demand.
 */
export class ReportsWorkflow extends Construct {
  readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props: ReportsWorkflowProps) {
    super(scope, id);
    this.workflow = new Workflow(this, 'Workflow', {
      workflowId: 'reports',
      description: 'Aggregates every active jurisdiction, protects small cells, publishes the period report and emails its digest',
      key: props.key,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      timeout: Duration.hours(2),
      transientErrors: [MAIL_RETRY],
      definition: (steps) => planPerJurisdictionPublish(this, steps, props.tasks, { mapId: 'AggregateJurisdictions', itemTask: 'aggregate', itemsPath: '$.plan.jurisdictions' }),
    });
    for (const cadence of props.cadences) {
      this.workflow.schedule(cadence === 'monthly' ? 'Monthly' : 'Quarterly', {
        scheduleId: `reports-${cadence}`,
        description: `The ${cadence} report release, for the ${cadence === 'monthly' ? 'month' : 'quarter'} that just ended`,
        expression: scheduler.ScheduleExpression.cron(SCHEDULES[cadence]),
        input: { cadence },
      });
    }
  }

  get stateMachine(): sfn.StateMachine {
    return this.workflow.stateMachine;
  }
}
