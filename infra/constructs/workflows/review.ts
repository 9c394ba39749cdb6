import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
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
          // The whole input: a resumed review (local restart, local/review-resume.ts) adds resumeAt and its reminders.
          payload: sfn.TaskInput.fromObject({ task: 'begin', 'input.$': '$' }),
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
        awaitDecision.next(applyDecision).next(
          new sfn.Choice(this, 'Decided')
            .when(sfn.Condition.stringEquals('$.to', 'approved'), nextState('ApprovedState')
                .next(steps.invoke('EndReview', props.tasks, { payload: task('end', { 'executionName.$': '$$.Execution.Name' }), resultPath: sfn.JsonPath.DISCARD }))
                .next(notify('NotifyAuthorApproved', 'approved'))
                .next(approved))
            .when(sfn.Condition.stringEquals('$.to', 'returned'), nextState('Returned').next(notify('NotifyAuthorReturned', 'returned')).next(awaitResubmission))
            .otherwise(nextState('InReview').next(awaitDecision)),
        );
        // A review started again at the wait it was in (the local Step Functions keep executions in memory): no email
        // again, the wait stores a new token. Every other start tells the reviewers first.
        const resumeAt = (kind: string) => sfn.Condition.and(sfn.Condition.isPresent('$.resumeAt'), sfn.Condition.stringEquals('$.resumeAt', kind));
        return begin.next(
          new sfn.Choice(this, 'Resume')
            .when(resumeAt('decision'), awaitDecision)
            .when(resumeAt('resubmission'), awaitResubmission)
            .otherwise(notify('NotifyReviewers', 'review_request').next(awaitDecision)),
        );
      },
    });
  }

  get stateMachine(): sfn.StateMachine {
    return this.workflow.stateMachine;
  }
}

/**
 * The daily reminder digest (docs/review.md, "Reminders"): once a day, everyone with an overdue review or
 * resubmission in an active jurisdiction, and the reviewers and admins of a jurisdiction with a partner's safety
 * notice due or overdue, get one email listing everything pending for them, unless a reminder step sent today's
 * already; then passed notice deadlines are escalated to the admins, once (docs/notices.md, "Follow-up"). At 13:00
 * UTC: morning in every U.S. time zone but Hawaii's.
 */
export class ReviewDigestWorkflow extends Construct {
  readonly workflow: Workflow;

  constructor(scope: Construct, id: string, props: ReviewWorkflowProps) {
    super(scope, id);
    this.workflow = new Workflow(this, 'Workflow', {
      workflowId: 'review-digest',
      description: 'Sends the daily reminder digest (overdue reviews and resubmissions, safety notices due) and escalates passed notice deadlines',
      key: props.key,
      alarmTopic: props.alarmTopic,
      logRetention: props.logRetention,
      // A mail outage: the run is retried (digests already sent are not sent again: one marker a person a day).
      transientErrors: [MAIL_RETRY],
      definition: (steps) =>
        steps
          .invoke('SendDigests', props.tasks, { payload: sfn.TaskInput.fromObject({ task: 'daily-digest' }), resultPath: '$.digest' })
          .next(new sfn.Succeed(this, 'DigestsSent')),
    });
    this.workflow.schedule('Daily', {
      scheduleId: 'review-digest-daily',
      description: 'Daily reminder digest of overdue reviews, resubmissions and safety notices due',
      expression: scheduler.ScheduleExpression.cron({ hour: '13', minute: '0' }),
    });
  }
}
