/**
 * The platform's policy values, in one place: code enforces them and pages say them from here, so what a page
 * promises is what the code does (test/unit/policy.test.ts renders the pages against these constants).
 * No dependencies: every bundle may import it.
 */

/** Aggregates that leave a jurisdiction suppress counts from 1 up to this one (docs: the partnership's domain notes). */
export const SMALL_CELL_THRESHOLD = 10;

/**
 * A critical incident's initial review is due this many days after the agency is notified (the partnership's
 * practice standard): the reports count reviews within it and over it (docs/reports.md).
 */
export const REVIEW_TIMELINESS_STANDARD_DAYS = 30;

/** Survey results of a group are shown only when it has at least this many respondents. */
export const MIN_SURVEY_GROUP = 5;

/**
 * A respondent's scale score counts when at least this share of its items is answered (AHRQ SOPS practice): fewer
 * answers make the score a different, shorter instrument. A scale's own `minAnswered` may ask for more.
 */
export const SCALE_ANSWERED_SHARE = 0.75;

/**
 * The review workflow's partnership defaults; a jurisdiction's registry profile may set its own. A decision not made
 * within the interval sends a reminder and waits again; after this many reminders the jurisdiction admin is told.
 */
export const REVIEW_REMINDER_HOURS = 72;
export const REVIEW_ESCALATE_AFTER_REMINDERS = 2;
/** A returned record's author is reminded this often until they resubmit. */
export const RESUBMISSION_REMINDER_HOURS = 7 * 24;

/** Session lengths when the environment does not set SESSION_IDLE_MINUTES / SESSION_ABSOLUTE_HOURS. */
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;

/** "30 minutes", "1 hour", "12 hours": a session length in the words pages use. */
export function durationWords(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * How the platform treats a record form, for every version of it. Kept here rather than in the form definition
 * because a published version is immutable (forms/published.lock.json) and these rules must hold for every
 * version, old records included.
 */
export interface FormPolicy {
  /** Reads by someone other than the record's author are audited (`record.read`, once per session and record). */
  auditedReads: boolean;
  /**
   * Answers the server sets from the record and never takes from a person: variable name -> source. A given value
   * must equal the server's (422 otherwise); a missing one is filled in.
   */
  serverAnswers?: Readonly<Record<string, 'record_jurisdiction'>>;
}

/** Every record form (test/unit/policy.test.ts checks that none is missing). */
export const FORM_POLICIES: Readonly<Record<string, FormPolicy>> = {
  critical_incident_review: { auditedReads: true },
  // The issuer of a notice is the jurisdiction whose record it is (v1 asked for it, and anyone could name any).
  safety_notice: { auditedReads: false, serverAnswers: { issuing_jurisdiction: 'record_jurisdiction' } },
};

export function formPolicy(formId: string): FormPolicy {
  const policy = FORM_POLICIES[formId];
  if (!policy) throw new Error(`Form ${formId} has no entry in FORM_POLICIES (shared/policy.ts)`);
  return policy;
}

/** How long an emailed review link (an action id: approve, return, open) stays usable (docs/review.md). */
export const REVIEW_ACTION_TTL_HOURS = 72;

/** How long a spent or expired action id is kept, so its page says "used" or "expired" rather than "unknown". */
export const REVIEW_ACTION_KEPT_DAYS = 30;

/** Inbound replies larger than this are refused before they are parsed (docs/review.md). */
export const MAX_REPLY_BYTES = 10 * 1024 * 1024;

/**
 * How long the raw inbound replies are kept in the inbound bucket (its lifecycle rule), and the reply function's
 * record of each message (table TTL): long enough to look into a disputed reply, short for a mailbox's content.
 */
export const INBOUND_MAIL_KEPT_DAYS = 30;
