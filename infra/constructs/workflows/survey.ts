import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PlatformFunction } from '../platform-function.ts';
import { Workflow, type WorkflowSteps } from '../workflow.ts';
import { MAIL_RETRY } from './review.ts';

export interface SurveyWorkflowProps {
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /** The workflows' tasks (functions/survey-tasks). */
  readonly tasks: PlatformFunction;
}

/**
 * "Step until done": each Step runs one bounded step of a survey job (shared/survey/lifecycle/jobs.ts) and returns
 * its state at `$.state`; the loop ends when the state says done. A step that fails is retried from the state it was
 * given, so no step's work is lost or done twice (every write is idempotent, every email goes through sendOnce).
 */
function stepLoop(scope: Construct, steps: WorkflowSteps, tasks: PlatformFunction, first?: sfn.INextable & sfn.IChainable): sfn.IChainable {
  const step = steps.invoke('Step', tasks, { payload: sfn.TaskInput.fromObject({ task: 'step', 'state.$': '$.state' }), resultPath: '$.state' });
  const loop = new sfn.Choice(scope, 'Done')
    .when(sfn.Condition.booleanEquals('$.state.done', true), new sfn.Succeed(scope, 'Finished'))
    .otherwise(step);
  step.next(loop);
  return first ? first.next(loop) : loop;
}

/**
 * A wave's staff list work, started by the web function (docs/survey.md): after an import, write the invitations
 * and send each person one email; after "Close now", freeze the results (again: nothing is computed twice) and
 * delete the staff list. Input: `{ state: <job> }`.
 */
export class SurveyWorkflow extends Construct {
  readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props: SurveyWorkflowProps) {
    super(scope, id);
    this.workflow = new Workflow(this, 'Workflow', {
      workflowId: 'survey-invitations',
      description: "Writes a survey wave's invitations and emails them, or deletes a closed wave's staff list, in bounded steps",
      key: props.key,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      // 20,000 emails in steps, with up to an hour of mail outage retried per step.
      timeout: Duration.hours(12),
      transientErrors: [MAIL_RETRY],
      definition: (steps) => stepLoop(this, steps, props.tasks),
    });
  }

  get stateMachine(): sfn.StateMachine {
    return this.workflow.stateMachine;
  }
}

/**
 * Every day at 13:00 UTC (morning in every U.S. time zone but Hawaii's): reminders on the waves' reminder days, to
 * people who have not answered; waves past their closing date closed, results frozen, staff lists deleted.
 */
export class SurveyDailyWorkflow extends Construct {
  readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props: SurveyWorkflowProps) {
    super(scope, id);
    this.workflow = new Workflow(this, 'Workflow', {
      workflowId: 'survey-daily',
      description: 'Sends the survey reminders due today and closes survey waves past their closing date',
      key: props.key,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      timeout: Duration.hours(12),
      transientErrors: [MAIL_RETRY],
      definition: (steps) =>
        stepLoop(this, steps, props.tasks, steps.invoke('Plan', props.tasks, { payload: sfn.TaskInput.fromObject({ task: 'daily-plan', 'requestedAt.$': '$$.Execution.StartTime' }), resultPath: '$.state' })),
    });
    this.workflow.schedule('Daily', {
      scheduleId: 'survey-daily',
      description: 'Daily survey reminders and closing of waves past their date',
      expression: scheduler.ScheduleExpression.cron({ hour: '13', minute: '0' }),
    });
  }
}
