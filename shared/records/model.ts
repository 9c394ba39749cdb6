/**
 * The record model: statuses and their life cycle, what a record holds, the inputs of each operation (zod, so
 * HTTP handlers can reuse them) and how a record is laid out in the table.
 *
 * Items (pk shown after `<jid>#`; built by the key registry, shared/storage/keys.ts; see docs/records.md):
 *   record              RECORDS            REC#<recordId>          one item per record, answers included
 *   submission receipt  REC#<recordId>     SUBMISSION#<submissionId>
 *   amendment claim     REC#<recordId>     AMENDED                 (the approved record's forward link)
 *   create receipt      REQUESTS           CREATE#<digest of subject + clientRequestId>
 */
import * as z from 'zod/mini';
import { built } from '#shared/zod-config.ts';
import { ValidationError, type FieldError } from '#shared/errors.ts';
import { dateBoundSchema, TIME_SORTABLE_ID } from '#shared/audit/ids.ts';
import type { Answers } from '#shared/forms/types.ts';
import type { Item } from '#shared/storage/scoped-table.ts';

export const RECORD_STATUSES = ['draft', 'submitted', 'in_review', 'returned', 'approved'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Statuses whose answers can be saved and submitted. */
export const EDITABLE_STATUSES: readonly RecordStatus[] = ['draft', 'returned'];

/**
 * The moves `transition` makes (the review workflow drives them). draft/returned -> submitted is `submit`,
 * because it validates the answers; approved is final (locked) and changes only through `amend`.
 */
export const TRANSITIONS: Readonly<Record<RecordStatus, readonly RecordStatus[]>> = {
  draft: [],
  returned: [],
  submitted: ['in_review', 'returned', 'approved'],
  in_review: ['returned', 'approved'],
  approved: [],
};

/** Statuses a transition into which must say why (the submitter is told). */
export const REASON_REQUIRED: readonly RecordStatus[] = ['returned'];

export const isEditable = (s: RecordStatus): boolean => EDITABLE_STATUSES.includes(s);

/** A record as the API returns it. */
export interface RecordView {
  jurisdictionId: string;
  recordId: string;
  formId: string;
  formVersion: number;
  status: RecordStatus;
  /** Incremented by every change: the optimistic concurrency token (`expectedVersion`). */
  version: number;
  answers: Answers;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
  /** The last submission. */
  submittedAt?: string;
  submissionId?: string;
  /** Why the record was last moved (e.g. returned with comments). */
  statusReason?: string;
  /** Set on an amendment: the approved record and version it amends, and why. */
  amends?: { recordId: string; version: number };
  amendReason?: string;
}

/** A record in a list: everything but the answers. */
export type RecordSummary = Omit<RecordView, 'answers'>;

/** A stored record as the service returns it (also the API's response schema, shared/records/api.ts). */
export const recordSchema = z.lazy(() => z.object({
  jurisdictionId: z.string(),
  recordId: z.string().check(z.regex(TIME_SORTABLE_ID)),
  formId: z.string(),
  formVersion: z.number().check(z.int()),
  status: z.enum(RECORD_STATUSES),
  version: z.number().check(z.int(), z.minimum(1)),
  answers: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedBy: z.string(),
  updatedAt: z.string(),
  submittedAt: z.optional(z.string()),
  submissionId: z.optional(z.string()),
  statusReason: z.optional(z.string()),
  amends: z.optional(z.object({ recordId: z.string(), version: z.number().check(z.int()) })),
  amendReason: z.optional(z.string()),
}));
const summarySchema = z.lazy(() => z.omit(built(recordSchema), { answers: true }));

/** What a list reads of each record: everything but the answers. */
export const SUMMARY_ATTRIBUTES: readonly (keyof RecordSummary)[] = [
  'jurisdictionId', 'recordId', 'formId', 'formVersion', 'status', 'version', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt',
  'submittedAt', 'submissionId', 'statusReason', 'amends', 'amendReason',
];

export function toItem(record: RecordView): Item {
  return { kind: 'record', ...record };
}

export function fromItem(item: Item): RecordView {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return recordSchema.parse(rest) as RecordView;
}

export function summaryFromItem(item: Item): RecordSummary {
  const { pk: _pk, sk: _sk, kind: _kind, answers: _answers, ...rest } = item;
  return summarySchema.parse(rest);
}

// ---------------------------------------------------------------------------------------------------
// Inputs.

/** A client-made idempotency token, e.g. a UUID. */
const token = z.lazy(() => z.string().check(z.regex(/^[A-Za-z0-9_-]{8,128}$/, 'Use 8-128 letters, digits, "-" or "_" (a UUID works)')));
const expectedVersion = z.lazy(() => z.number({ error: 'Give the version you last read' }).check(z.int(), z.minimum(1)));
/** Longest reason a transition or amendment keeps (the web's textarea says so too). */
export const REASON_MAX_LENGTH = 2000;
const reason = z.lazy(() => z.string().check(z.trim(), z.minLength(1, 'Give a reason'), z.maxLength(REASON_MAX_LENGTH, 'Keep the reason under 2,000 characters')));
const answers = z.lazy(() => z.record(z.string(), z.unknown(), { error: 'Answers are an object of variable names and values' }));

/**
 * Forms kept as jurisdiction records, tied to the staff who write them. The safety culture survey is not one of
 * them: its answers are anonymous and must never be stored with a subject (it gets its own anonymous path).
 */
export const RECORD_FORMS = ['critical_incident_review', 'safety_notice'] as const;

export const createDraftInputSchema = z.lazy(() => z.object({
  formId: z.enum(RECORD_FORMS, { error: `formId is one of ${RECORD_FORMS.join(', ')}; survey answers are anonymous and are not records` }),
  formVersion: z.optional(z.number().check(z.int(), z.minimum(1))),
  answers: z.optional(answers),
  clientRequestId: z.optional(token),
}));
export const saveDraftInputSchema = z.lazy(() => z.object({ answers, expectedVersion }));
export const submitInputSchema = z.lazy(() => z.object({ expectedVersion, submissionId: token }));
export const transitionInputSchema = z.lazy(() => z.object({ to: z.enum(RECORD_STATUSES), expectedVersion, reason: z.optional(reason) }));
export const amendInputSchema = z.lazy(() => z.object({ reason }));
export const listQuerySchema = z.lazy(() => z.object({
  formId: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'Not a form id'))),
  status: z.optional(z.union([z.enum(RECORD_STATUSES), z.array(z.enum(RECORD_STATUSES)).check(z.minLength(1), z.maxLength(RECORD_STATUSES.length))])),
  /** Inclusive bounds on createdAt: `YYYY-MM-DD` (a UTC day) or an ISO date-time. */
  from: z.optional(dateBoundSchema),
  to: z.optional(dateBoundSchema),
  limit: z._default(z.number().check(z.int(), z.minimum(1, 'At least 1'), z.maximum(100, 'At most 100')), 25),
  cursor: z.optional(z.string().check(z.maxLength(4096))),
}));

export type CreateDraftInput = z.input<typeof createDraftInputSchema>;
export type SaveDraftInput = z.input<typeof saveDraftInputSchema>;
export type SubmitInput = z.input<typeof submitInputSchema>;
export type TransitionInput = z.input<typeof transitionInputSchema>;
export type AmendInput = z.input<typeof amendInputSchema>;
export type ListQuery = z.input<typeof listQuerySchema>;

/** Parses an operation's input; ValidationError (422) with one entry per field otherwise. */
export function parseInput<S extends z.core.$ZodType>(schema: S, input: unknown): z.output<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'body', message: i.message }));
  throw new ValidationError(`${errors.length} value${errors.length === 1 ? ' needs' : 's need'} attention`, errors);
}
