/**
 * Who did what, when. An audit event names the actor (by the display name the identity provider gave at sign-in,
 * and role), the action, the record and the NAMES of the fields that changed: never their values, never free text
 * (reasons stay on the record), never emails. Audit items are not logs: logs never carry the name.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';

/**
 * The person (or the platform) acting, as the HTTP layer authenticated them. `role` is a snake_case role name
 * owned by the identity module (submitter, reviewer, jurisdiction_admin, platform_admin, system...).
 */
export const actorSchema = z.lazy(() => z.object({
  subject: z.string().check(z.minLength(1), z.maxLength(256)),
  role: z.string().check(z.regex(/^[a-z][a-z_]{1,39}$/, 'A role is a snake_case name')),
  jurisdictionId: jurisdictionIdSchema,
  requestId: z.string().check(z.minLength(1), z.maxLength(128)),
  /** The person's name from the identity provider, kept on the event as it was when they acted. */
  displayName: z.optional(z.string().check(z.maxLength(200))),
}));
export type Actor = z.infer<typeof actorSchema>;

export const AUDIT_ACTIONS = [
  'record.created',
  'record.saved',
  'record.submitted',
  'record.status_changed',
  'record.amended',
  'record.read',
  'registry.created',
  'registry.updated',
  'survey.opened',
  'survey.closed',
  /** An emailed reply decided (the decision itself is the workflow's `record.status_changed`). */
  'review.reply_accepted',
  /** An emailed reply was refused (`reasonCode` says why) or ignored (an auto-reply): nothing changed. */
  'review.reply_refused',
  'review.reply_ignored',
  /** A safety notice was published to every partner (first approval), updated (approved again after an amendment) or withdrawn. */
  'notice.published',
  'notice.updated',
  'notice.withdrawn',
  /** The jurisdiction answered a partner's notice (acknowledged, action in progress, completed, not applicable). */
  'notice.answered',
  /**
   * An operator restored the jurisdiction's items to a point in time (scripts/restore-jurisdiction.ts,
   * docs/operations.md): `restoredTo` and `restoreCounts` say to when and how much changed.
   */
  'jurisdiction.restored',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const fieldName = z.lazy(() => z.string().check(z.regex(/^[a-z][a-z0-9_]*$/), z.maxLength(64)));

export const auditEventSchema = z.lazy(() => z.object({
  eventId: z.string().check(z.minLength(1)),
  jurisdictionId: jurisdictionIdSchema,
  /** ISO 8601 UTC with milliseconds. */
  at: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  /** displayName is absent on events written before names were kept (they show the role only). */
  actor: z.object({ subject: z.string(), role: z.string(), jurisdictionId: jurisdictionIdSchema, displayName: z.optional(z.string()) }),
  requestId: z.string(),
  recordId: z.optional(z.string()),
  /** For `survey.*`: the survey wave (never a respondent: answering is not audited). */
  waveId: z.optional(z.string()),
  formId: z.optional(z.string()),
  formVersion: z.optional(z.number().check(z.int())),
  /** The record's version after the change (or the version read). */
  recordVersion: z.optional(z.number().check(z.int())),
  /** Variable names of the answers that changed, sorted; never values. */
  changedFields: z.optional(z.array(fieldName)),
  fromStatus: z.optional(z.string()),
  toStatus: z.optional(z.string()),
  /** For `review.reply_*`: why a reply was refused or ignored, as a code (never the reply's text or address). */
  reasonCode: z.optional(z.string().check(z.regex(/^[a-z][a-z_]{1,39}$/))),
  /** For `jurisdiction.restored`: the point in time the items were restored to (ISO 8601 UTC). */
  restoredTo: z.optional(z.string()),
  /** For `jurisdiction.restored`: items put back, replaced by their earlier version, and deleted (never audit events). */
  restoreCounts: z.optional(z.object({ copied: z.number().check(z.int()), replaced: z.number().check(z.int()), deleted: z.number().check(z.int()) })),
}));
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** What a caller states about an event; id, time and who are filled in by newAuditEvent. */
export type AuditFacts = Omit<AuditEvent, 'eventId' | 'jurisdictionId' | 'at' | 'actor' | 'requestId'>;
