/**
 * The typed data of the review workflow's emails, validated before anything is rendered. What an email may say is
 * fixed here: the jurisdiction's name, the form, the record's name (the agency's review id or the notice title,
 * shared/records/naming.ts), the due date and links. Schemas are objects that drop unknown keys, so a caller that
 * hands over a whole record (answers included) gets no answer into an email.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import { recordDisplayName } from '#shared/records/naming.ts';
import { REASON_MAX_LENGTH } from '#shared/records/model.ts';

/** A digest lists at most this many records; the rest are counted, with a link to the list (Gmail clips long mail). */
export const DIGEST_MAX_ITEMS = 50;

/** The record an email is about. */
export interface MailRecord {
  recordId: string;
  formId: string;
  /** The form's title, e.g. "Critical incident review" (the form registry's `title`). */
  formTitle: string;
  /** The agency's review id or the notice's title (RecordSummary.reference); absent while the record has none. */
  reference?: string;
  /** When the review (or resubmission) is due: YYYY-MM-DD. */
  dueDate: string;
}

export interface ReviewerLinks {
  open: string;
  approve: string;
  return: string;
}

/** (a) To each of the jurisdiction's reviewers when a record is submitted (or resubmitted). */
export interface ReviewRequestData {
  jurisdictionName: string;
  record: MailRecord;
  links: ReviewerLinks;
  /** Submitted again after a return. */
  resubmitted?: boolean;
  /** The email's Reply-To takes "approve" / "return <reason>" replies. */
  acceptsReplies?: boolean;
}

/** (b) To the submitter when a reviewer returns the record, with the reviewer's reason. */
export interface ReturnedData {
  jurisdictionName: string;
  record: MailRecord;
  reason: string;
  links: { open: string };
}

/** (c) To the submitter when the record is approved. */
export interface ApprovedData {
  jurisdictionName: string;
  record: MailRecord;
  links: { open: string };
}

export interface DigestItem extends MailRecord {
  /** Approve and Return are given for records the person reviews. */
  links: { open: string; approve?: string; return?: string };
}

/** A partner's safety notice waiting for the person's jurisdiction's answer (docs/notices.md, "Follow-up"). */
export interface DigestNotice {
  issuerName: string;
  title: string;
  /** The deadline the jurisdiction has to meet next: acknowledging the notice, or reporting its actions done. */
  deadline: 'acknowledgement' | 'action';
  /** That deadline (YYYY-MM-DD): overdue when before `today`. */
  dueDate: string;
  /** The notice's page. */
  links: { open: string };
}

/** (d) The daily reminder: one email per person with everything they have pending. */
export interface ReminderDigestData {
  jurisdictionName: string;
  /** The day the digest is for (YYYY-MM-DD): what is due before it is overdue. */
  today: string;
  /** Records waiting for the person (possibly none when notices wait). */
  items: DigestItem[];
  /** Partners' safety notices waiting for the jurisdiction's answer, for the people who may answer them. */
  notices?: DigestNotice[];
  /** The person's list of pending records. */
  links: { list: string };
}

/** (e) To the jurisdiction admin when a review has waited past the jurisdiction's escalation limit. */
export interface EscalationData {
  jurisdictionName: string;
  record: MailRecord;
  today: string;
  /** When the record was submitted (YYYY-MM-DD). */
  submittedOn: string;
  remindersSent: number;
  links: { open: string };
}

// ---------------------------------------------------------------------------------------------------
// Schemas.

/** Bidirectional overrides and isolates can make text read differently from what it is (a spoofed review id). */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;
/** One line: control characters and bidi marks out, runs of white space as one space. */
export const oneLine = (s: string) => s.replace(BIDI, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
/** Paragraph text (a reason): line breaks kept (CRLF as LF, at most one empty line), other control characters out. */
export const paragraphs = (s: string) =>
  s.replace(BIDI, '').replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ').replace(/[ \t]+/g, ' ').replace(/ \n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();

const isRealDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const date = (what: string) => z.string().check(z.refine(isRealDate, `${what} is a date, YYYY-MM-DD`));
const text = (what: string, max: number) =>
  z.pipe(z.string(), z.transform(oneLine)).check(z.minLength(1, `${what} is required`), z.maxLength(max, `${what} has at most ${max} characters`));
/** Links are http(s) only: a `javascript:` or `data:` URL never reaches a button. */
const link = (what: string) => z.url({ protocol: /^https?$/, error: `${what} is an http(s) URL` });

const recordSchema = z.object({
  recordId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'recordId is 1-128 letters, digits, "-" or "_"')),
  formId: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'formId is a form id')),
  formTitle: text('formTitle', 120),
  reference: z.optional(z.pipe(z.string(), z.transform(oneLine)).check(z.maxLength(200, 'reference has at most 200 characters'))),
  dueDate: date('dueDate'),
});
const jurisdictionName = text('jurisdictionName', 160);
const reviewerLinks = z.object({ open: link('links.open'), approve: link('links.approve'), return: link('links.return') });
const openLink = z.object({ open: link('links.open') });

const schemas = {
  review_request: z.lazy(() => z.object({ jurisdictionName, record: recordSchema, links: reviewerLinks, resubmitted: z.optional(z.boolean()), acceptsReplies: z.optional(z.boolean()) })),
  returned: z.lazy(() =>
    z.object({
      jurisdictionName,
      record: recordSchema,
      reason: z.pipe(z.string(), z.transform(paragraphs)).check(z.minLength(1, 'reason is required'), z.maxLength(REASON_MAX_LENGTH, `reason has at most ${REASON_MAX_LENGTH} characters`)),
      links: openLink,
    }),
  ),
  approved: z.lazy(() => z.object({ jurisdictionName, record: recordSchema, links: openLink })),
  reminder: z.lazy(() =>
    z
      .object({
        jurisdictionName,
        today: date('today'),
        items: z.array(z.object({ ...recordSchema.shape, links: z.object({ open: link('links.open'), approve: z.optional(link('links.approve')), return: z.optional(link('links.return')) }) })).check(z.maxLength(10_000)),
        notices: z.optional(
          z
            .array(z.object({ issuerName: text('issuerName', 160), title: text('title', 500), deadline: z.enum(['acknowledgement', 'action']), dueDate: date('dueDate'), links: openLink }))
            .check(z.maxLength(10_000)),
        ),
        links: z.object({ list: link('links.list') }),
      })
      .check(z.refine((d) => d.items.length + (d.notices?.length ?? 0) > 0, { message: 'A reminder lists at least one pending record or notice', path: ['items'] })),
  ),
  escalation: z.lazy(() =>
    z.object({
      jurisdictionName,
      record: recordSchema,
      today: date('today'),
      submittedOn: date('submittedOn'),
      remindersSent: z.number().check(z.int('remindersSent is a whole number'), z.minimum(0, 'remindersSent is 0 or more')),
      links: openLink,
    }),
  ),
};

export const parseReviewRequest = (input: ReviewRequestData): ReviewRequestData => parseOrThrow(schemas.review_request, input, 'mail data') as ReviewRequestData;
export const parseReturned = (input: ReturnedData): ReturnedData => parseOrThrow(schemas.returned, input, 'mail data') as ReturnedData;
export const parseApproved = (input: ApprovedData): ApprovedData => parseOrThrow(schemas.approved, input, 'mail data') as ApprovedData;
export const parseReminderDigest = (input: ReminderDigestData): ReminderDigestData => parseOrThrow(schemas.reminder, input, 'mail data') as ReminderDigestData;
export const parseEscalation = (input: EscalationData): EscalationData => parseOrThrow(schemas.escalation, input, 'mail data') as EscalationData;

// ---------------------------------------------------------------------------------------------------
// What the templates say about a record.

/** The record's name as every page names it: the review id or notice title, or "Untitled <form>". */
export const recordName = (r: MailRecord): string => recordDisplayName(r).name;

const LONG_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
/** "March 5, 2026" (the date itself, in no time zone). */
export const longDate = (d: string): string => LONG_DATE.format(new Date(`${d}T00:00:00Z`));

/** Whole days from `from` to `to` (dates, YYYY-MM-DD). */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export const isOverdue = (dueDate: string, today: string): boolean => dueDate < today;

/** Overdue first (the longest overdue at the top), then by due date, then by name: the order of a digest. */
export function digestOrder<T extends MailRecord>(items: readonly T[], today: string): T[] {
  return [...items].sort((a, b) => {
    const overdue = Number(isOverdue(b.dueDate, today)) - Number(isOverdue(a.dueDate, today));
    if (overdue !== 0) return overdue;
    if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
    return recordName(a).localeCompare(recordName(b)) || a.recordId.localeCompare(b.recordId);
  });
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
