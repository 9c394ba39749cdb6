/**
 * What a published notice asks of one recipient jurisdiction on a given day (docs/notices.md, "Follow-up"): a
 * reminder in the last days before a deadline, then overdue every day once it has passed unmet, with one escalation
 * to the jurisdiction's admins. The deadline that counts is the status table's (shared/notices/status.ts): the
 * acknowledgement deadline while the jurisdiction has not answered, then the action deadline while it has
 * acknowledged or is in progress. Pure: the daily run (shared/notices/reminders.ts) reads and sends.
 */
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import type { NoticeAnswer } from './answers.ts';
import type { PublishedNotice } from './model.ts';

/** A deadline is reminded on each of the days before it (this many) and on the day itself. */
export const NOTICE_REMINDER_DAYS = 3;

export type NoticeDeadline = 'acknowledgement' | 'action';

export interface NoticeFollowup {
  deadline: NoticeDeadline;
  /** The deadline's day (YYYY-MM-DD). */
  due: string;
  /** Days past `due` (0 on the day and before it). */
  daysOverdue: number;
  /** Past its deadline unmet: listed as overdue and escalated (once, by the run's mail marker) to the admins. */
  overdue: boolean;
}

const DAY_MS = 86_400_000;
/** Whole days from the deadline to today: negative before it, 0 on the day. NaN for a date that is not one. */
const daysPast = (deadline: string, today: string) => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${deadline.slice(0, 10)}T00:00:00Z`)) / DAY_MS);

/** Whether the notice still asks anything of its partners today: not withdrawn, not past its review or expiry date. */
export const isFollowedUp = (notice: Pick<PublishedNotice, 'status' | 'reviewBy'>, today: string): boolean => notice.status === 'active' && notice.reviewBy >= today;

/**
 * Whether any partner could have something due today: the notice is followed up and one of its deadlines is within
 * the reminder window or passed. The run reads a notice's answers only when this holds.
 */
export function hasSomethingDue(notice: Pick<PublishedNotice, 'status' | 'reviewBy' | 'acknowledgeBy' | 'actBy'>, today: string): boolean {
  if (!isFollowedUp(notice, today)) return false;
  return [notice.acknowledgeBy, notice.actBy].some((d) => d !== undefined && daysPast(d, today) >= -NOTICE_REMINDER_DAYS);
}

/**
 * What the notice asks of the jurisdiction today, or undefined when nothing: a withdrawn or expired notice, the
 * issuer itself, a jurisdiction that left the partnership, a final answer (completed, not applicable), a deadline
 * still more than NOTICE_REMINDER_DAYS away, or no deadline for the current step.
 */
export function followupOn(
  notice: Pick<PublishedNotice, 'issuerId' | 'status' | 'reviewBy' | 'acknowledgeBy' | 'actBy'>,
  jurisdiction: Pick<Jurisdiction, 'id' | 'active'>,
  answer: Pick<NoticeAnswer, 'status'> | undefined,
  today: string,
): NoticeFollowup | undefined {
  if (!isFollowedUp(notice, today) || !jurisdiction.active || jurisdiction.id === notice.issuerId) return undefined;
  const step: { deadline: NoticeDeadline; due: string | undefined } | undefined = !answer
    ? { deadline: 'acknowledgement', due: notice.acknowledgeBy }
    : answer.status === 'acknowledged' || answer.status === 'in_progress'
      ? { deadline: 'action', due: notice.actBy }
      : undefined;
  if (!step?.due) return undefined;
  const past = daysPast(step.due, today);
  if (!Number.isFinite(past) || past < -NOTICE_REMINDER_DAYS) return undefined;
  const due = step.due.slice(0, 10);
  return past > 0 ? { deadline: step.deadline, due, daysOverdue: past, overdue: true } : { deadline: step.deadline, due, daysOverdue: 0, overdue: false };
}
