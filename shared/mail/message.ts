/**
 * What the review workflow sends: one rendered message to one person. Each email goes to a single recipient
 * (reviewers' Approve/Return links are bound to the person they were sent to, and nobody sees another's address).
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';

/**
 * The five messages of the review workflow (docs/review.md, "Email"), and the answer to an emailed reply (sent by
 * the reply function, once per inbound message: shared/review/inbound.ts); the survey's personal invitation and its
 * reminders (shared/survey/invitations/); a published report's digest (shared/mail/templates/report.tsx); a partner's
 * safety notice, first published, updated or withdrawn (shared/mail/templates/notice.tsx, docs/notices.md), and the
 * escalation of a notice's deadline that a jurisdiction let pass (shared/notices/reminders.ts).
 */
export const MAIL_KINDS = [
  'review_request',
  'returned',
  'approved',
  'reminder',
  'escalation',
  'reply_answer',
  'survey_invitation',
  'survey_reminder',
  'report_published',
  'notice_published',
  'notice_updated',
  'notice_withdrawn',
  'notice_escalation',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** What a template renders. */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface MailMessage extends RenderedMail {
  kind: MailKind;
  /** One address. */
  to: string;
  /** Where a reply goes (the reply path's address that names the action id); From otherwise. */
  replyTo?: string;
}

/** Longest subject line kept (RFC 5322 recommends 78 characters per line; headers fold, but inboxes cut at ~100). */
export const SUBJECT_MAX_LENGTH = 250;
/** Gmail clips an HTML part over 102 KB: the templates stay far below, and a message above this is refused. */
export const PART_MAX_BYTES = 100_000;

const CONTROL = /[\u0000-\u001f\u007f]/;
const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

const messageSchema = z.lazy(() =>
  z.object({
    kind: z.enum(MAIL_KINDS, { error: `kind is one of ${MAIL_KINDS.join(', ')}` }),
    to: z.email({ error: 'to must be one email address' }),
    replyTo: z.optional(z.email({ error: 'replyTo must be one email address' })),
    subject: z.string().check(
      z.minLength(1, 'A subject is required'),
      z.maxLength(SUBJECT_MAX_LENGTH, `A subject has at most ${SUBJECT_MAX_LENGTH} characters`),
      z.refine((s) => !CONTROL.test(s), 'A subject is one line without control characters'),
    ),
    html: z.string().check(
      z.minLength(1, 'An HTML part is required'),
      z.refine((s) => byteLength(s) <= PART_MAX_BYTES, `The HTML part is at most ${PART_MAX_BYTES} bytes`),
    ),
    text: z.string().check(
      z.minLength(1, 'A plain-text part is required'),
      z.refine((s) => byteLength(s) <= PART_MAX_BYTES, `The plain-text part is at most ${PART_MAX_BYTES} bytes`),
    ),
  }),
);

/** The message, or a 422 (ValidationError) naming each field that is wrong. */
export function parseMailMessage(input: unknown): MailMessage {
  return parseOrThrow(messageSchema, input, 'message') as MailMessage;
}
