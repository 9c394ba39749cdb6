/**
 * The review workflow's items and messages (docs/review.md). One Step Functions execution reviews a submission:
 * it waits for a decision, applies it, waits for a resubmission after a return, and ends on approval. People hand
 * their decision to the waiting execution; only the workflow's task applies it (RecordService.transition), so the
 * workflow is the one writer of review statuses.
 *
 * Items (pk after `<jid>#`, keys in shared/storage/keys.ts):
 *   wait      REC#<recordId>  REVIEW#WAIT                      what the execution waits for, and its task token
 *   decision  REC#<recordId>  REVIEW#DECISION#<version, 9 digits>  the one decision claimed for that version
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import type { Actor } from '#shared/audit/model.ts';
import { REVIEW_ESCALATE_AFTER_REMINDERS, REVIEW_REMINDER_HOURS, RESUBMISSION_REMINDER_HOURS } from '#shared/policy.ts';

/** A move a reviewer hands to the workflow. */
export const REVIEW_MOVES = ['in_review', 'returned', 'approved'] as const;
export type ReviewMove = (typeof REVIEW_MOVES)[number];

export interface ReviewWait {
  /** `ended`: the review is over (approved); a new submission (after an amendment) starts a new one. */
  kind: 'decision' | 'resubmission' | 'ended';
  /** The Step Functions task token: stored here only, never in an email, a URL or a log. */
  token: string;
  /** The record version the wait is for (a decision claims this version). */
  version: number;
  executionName: string;
  since: string;
  reminders: number;
}

export const reviewWaitSchema = z.lazy(() =>
  z.object({
    kind: z.enum(['decision', 'resubmission', 'ended']),
    token: z.string(),
    version: z.number().check(z.int(), z.minimum(1)),
    executionName: z.string(),
    since: z.string(),
    reminders: z.number().check(z.int(), z.minimum(0)),
  }),
);

export interface ClaimedDecision {
  version: number;
  to: ReviewMove;
  reason?: string;
  actor: Actor;
  at: string;
  /** How it was made: the record page, the JSON API, an email link or an email reply. */
  via: 'web' | 'api' | 'email-link' | 'email-reply';
}

/** Per jurisdiction (registry profile), with the partnership's defaults. */
export interface ReviewSettings {
  reminderSeconds: number;
  escalateAfterReminders: number;
  resubmissionReminderSeconds: number;
}

export function reviewSettings(profile: { review?: { reminderHours: number; escalateAfterReminders: number } | undefined } | undefined): ReviewSettings {
  return {
    reminderSeconds: (profile?.review?.reminderHours ?? REVIEW_REMINDER_HOURS) * 3600,
    escalateAfterReminders: profile?.review?.escalateAfterReminders ?? REVIEW_ESCALATE_AFTER_REMINDERS,
    resubmissionReminderSeconds: RESUBMISSION_REMINDER_HOURS * 3600,
  };
}

/**
 * The execution of a submission: named from the jurisdiction, record and submission, so a retried start never
 * starts a second one (Step Functions names are at most 80 characters of [A-Za-z0-9_-]).
 */
export function reviewExecutionName(jurisdictionId: string, recordId: string, submissionId: string): string {
  return `review-${createHash('sha256').update(`${jurisdictionId}\0${recordId}\0${submissionId}`).digest('hex').slice(0, 48)}`;
}

/** What the workflow's state carries between tasks (no answers, no names: execution data is not logged anyway). */
export interface ReviewState {
  jurisdictionId: string;
  recordId: string;
  submissionId: string;
  settings: ReviewSettings;
  reminders: number;
  /** When the review began (Begin), ISO: the age the jurisdiction admin sees. */
  openedAt: string;
}
