import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PlatformFunction } from '../platform-function.ts';
import { Workflow } from '../workflow.ts';

/**
 * The mail transport is down or refused for now (MailTransportError: SES or SMTP failed; the exactly-once marker
 * is `failed`, so a retry sends), or another run holds the email's claim (MailInFlightError: its lease,
 * shared/mail/once.ts MAIL_LEASE_SECONDS = 300 s, must run out first). Retried by name, not as States.TaskFailed,
 * which would retry bugs too: about an hour of outage (10 attempts: 30 s, doubling, capped at 10 minutes) before
 * the execution fails into its alert; no decision is lost meanwhile (the task that sends comes after it is applied).
 */
export const MAIL_RETRY: sfn.RetryProps = {
  errors: ['MailTransportError', 'MailInFlightError'],
  interval: Duration.seconds(30),
  backoffRate: 2,
  maxDelay: Duration.minutes(10),
  maxAttempts: 10,
};

export interface ReviewWorkflowProps {
  readonly key: kms.IKey;
  readonly alarmTopic: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  /** The workflow's tasks (functions/review-tasks). */
  readonly tasks: PlatformFunction;
}

/**
 * The review of one submission (docs/review.md): wait for a reviewer's decision, reminding at the jurisdiction's
 * interval; apply it; after a return wait for the resubmission, reminding its author, and review it in the same
 * execution; end on approval (the record is then locked). People resume the waits through the review hand-off
 * (shared/review/handoff.ts); the task tokens live only in the table.
 */
export class ReviewWorkflow extends Construct {
  readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props: ReviewWorkflowProps) {
    super(scope, id);
    const task = (name: string, extra: Record<string, unknown> = {}) => sfn.TaskInput.fromObject({ task: name, 'state.$': '$', ...extra });
    this.workflow = new Workflow(this, 'Workflow', {
      workflowId: 'review',
      description: 'Reviews a submitted record: waits for decisions with reminders and escalation, applies them, waits for resubmissions, ends on approval',
      key: props.key,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      // A review waits for people: a long one still ends (and alarms) within a year, as Step Functions requires.
      timeout: Duration.days(365),
      // Every task runs the one function that also sends the emails.
      transientErrors: [MAIL_RETRY],
      definition: (steps) => {
        const begin = steps.invoke('Begin', props.tasks, {
          payload: sfn.TaskInput.fromObject({ task: 'begin', 'jurisdictionId.$': '$.jurisdictionId', 'recordId.$': '$.recordId', 'submissionId.$': '$.submissionId' }),
        });
        // Emails: their result is not the state's (resultPath DISCARD keeps the state as it was).
        const notify = (id: string, kind: string, extra: Record<string, unknown> = {}) =>
          steps.invoke(id, props.tasks, { payload: task('notify', { kind, ...extra }), resultPath: sfn.JsonPath.DISCARD });
        const remindReviewers = steps.invoke('RemindReviewers', props.tasks, { payload: task('remind') });
        const applyDecision = steps.invoke('ApplyDecision', props.tasks, { payload: task('apply-decision') });
        const awaitDecision = steps.await('AwaitDecision', props.tasks, {
          payload: task('wait', { kind: 'decision', token: sfn.JsonPath.taskToken, 'executionName.$': '$$.Execution.Name' }),
          timeoutPath: '$.settings.reminderSeconds',
          onTimeout: remindReviewers,
          onErrors: [{ errors: ['Review.AlreadyHappened'], next: applyDecision }],
        });
        remindReviewers.next(awaitDecision);
        const remindAuthor = steps.invoke('RemindAuthor', props.tasks, { payload: task('remind') });
        const resubmitted = steps.invoke('Resubmitted', props.tasks, { payload: task('resubmitted') });
        const awaitResubmission = steps.await('AwaitResubmission', props.tasks, {
          payload: task('wait', { kind: 'resubmission', token: sfn.JsonPath.taskToken, 'executionName.$': '$$.Execution.Name' }),
          timeoutPath: '$.settings.resubmissionReminderSeconds',
          onTimeout: remindAuthor,
          onErrors: [{ errors: ['Review.AlreadyHappened'], next: resubmitted }],
        });
        remindAuthor.next(awaitResubmission);
        awaitResubmission.next(resubmitted);
        resubmitted.next(notify('NotifyReviewersAgain', 'review_request', { resubmitted: true })).next(awaitDecision);
        const nextState = (name: string) => new sfn.Pass(this, name, { outputPath: '$.state' });
        const approved = new sfn.Succeed(this, 'Approved', { comment: 'Approved: the record is locked; an amendment starts a new review' });
        return begin.next(notify('NotifyReviewers', 'review_request')).next(awaitDecision).next(applyDecision).next(
          new sfn.Choice(this, 'Decided')
            .when(sfn.Condition.stringEquals('$.to', 'approved'), nextState('ApprovedState')
                .next(steps.invoke('EndReview', props.tasks, { payload: task('end', { 'executionName.$': '$$.Execution.Name' }), resultPath: sfn.JsonPath.DISCARD }))
                .next(notify('NotifyAuthorApproved', 'approved'))
                .next(approved))
            .when(sfn.Condition.stringEquals('$.to', 'returned'), nextState('Returned').next(notify('NotifyAuthorReturned', 'returned')).next(awaitResubmission))
            .otherwise(nextState('InReview').next(awaitDecision)),
        );
      },
    });
  }

  get stateMachine(): sfn.StateMachine {
    return this.workflow.stateMachine;
  }
}
