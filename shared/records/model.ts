/**
 * The record model: statuses and their life cycle, what a record holds, the inputs of each operation (zod, so
 * HTTP handlers can reuse them) and how a record is laid out in the table.
 *
 * Items (pk shown after `<jid>#`; built by the key registry, shared/storage/keys.ts; see docs/records.md):
 *   record              RECORDS            REC#<recordId>          one item per record, answers included
 *   submission receipt  REC#<recordId>     SUBMISSION#<submissionId>
 *   kept version        REC#<recordId>     VERSION#<version, 9 digits>  answers as returned or as approved, before an amendment
 *   create receipt      REQUESTS           CREATE#<digest of subject + clientRequestId>
 */
import * as z from 'zod/mini';
import { built } from '#shared/zod-config.ts';
import { parseOrThrow } from '#shared/http/validation.ts';
import { dateBoundSchema, TIME_SORTABLE_ID } from '#shared/audit/ids.ts';
import type { Answers } from '#shared/forms/types.ts';
import type { Item } from '#shared/storage/scoped-table.ts';
import { normalizeSearch, referenceOf } from './naming.ts';

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
  /**
   * When the record was first approved: reports count it in that month (docs/reports.md). An amendment and the
   * approval after it keep it, so an amended review stays in its month with its new answers. Records approved
   * before it existed have only `updatedAt`.
   */
  approvedAt?: string;
  /** Why the record was last moved (e.g. returned with comments, or reopened to amend it). */
  statusReason?: string;
  /** Set once an approved record was amended: the approved version it amends, and why (kept through review). */
  amends?: { version: number };
  amendReason?: string;
  /** The agency's review id or the notice's title, copied from the answers on every write (naming.ts). */
  reference?: string;
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
  approvedAt: z.optional(z.string()),
  statusReason: z.optional(z.string()),
  amends: z.optional(z.object({ version: z.number().check(z.int()) })),
  amendReason: z.optional(z.string()),
  reference: z.optional(z.string()),
}));
const summarySchema = z.lazy(() => z.omit(built(recordSchema), { answers: true }));

/** What a list reads of each record: everything but the answers. */
export const SUMMARY_ATTRIBUTES: readonly (keyof RecordSummary)[] = [
  'jurisdictionId', 'recordId', 'formId', 'formVersion', 'status', 'version', 'createdBy', 'createdAt', 'updatedBy', 'updatedAt',
  'submittedAt', 'submissionId', 'approvedAt', 'statusReason', 'amends', 'amendReason', 'reference',
];

/** The item attribute list search matches: the reference in normalizeSearch form, never returned. */
export const SEARCH_ATTRIBUTE = 'searchName';

/**
 * A version kept when a reviewer hands a record back: the answers as returned (`returned`) or as approved, before
 * an amendment reopens it (`amended`). Written once, never changed; the review page compares the resubmission
 * with the latest one, and the version history lists their reasons.
 */
export interface KeptVersion {
  recordId: string;
  version: number;
  kind: 'returned' | 'amended';
  answers: Answers;
  /** When and by whom it was handed back, and why. */
  at: string;
  by: string;
  reason: string;
}
const keptVersionSchema = z.lazy(() => z.object({
  recordId: z.string(),
  version: z.number().check(z.int(), z.minimum(1)),
  kind: z.enum(['returned', 'amended']),
  answers: z.record(z.string(), z.unknown()),
  at: z.string(),
  by: z.string(),
  reason: z.string(),
}));
export function keptVersionFromItem(item: Item): KeptVersion {
  const { pk: _pk, sk: _sk, kind: _kind, keptAs, ...rest } = item;
  return keptVersionSchema.parse({ ...rest, kind: keptAs }) as KeptVersion;
}
export function keptVersionItem(v: KeptVersion): Item {
  const { kind, ...rest } = v;
  return { kind: 'version', keptAs: kind, ...rest };
}

/** The record with its `reference` taken from its answers (every write goes through this). */
export function named(record: RecordView): RecordView {
  const { reference: _old, ...rest } = record;
  const reference = referenceOf(record.formId, record.answers);
  return reference === undefined ? rest : { ...rest, reference };
}

export function toItem(record: RecordView): Item {
  const r = named(record);
  return { kind: 'record', ...r, ...(r.reference ? { [SEARCH_ATTRIBUTE]: normalizeSearch(r.reference) } : {}) };
}

export function fromItem(item: Item): RecordView {
  const { pk: _pk, sk: _sk, kind: _kind, [SEARCH_ATTRIBUTE]: _search, ...rest } = item;
  return recordSchema.parse(rest) as RecordView;
}

export function summaryFromItem(item: Item): RecordSummary {
  const { pk: _pk, sk: _sk, kind: _kind, answers: _answers, [SEARCH_ATTRIBUTE]: _search, ...rest } = item;
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
/** Longest search term (a review id is at most 40 characters, a notice title 200). */
export const SEARCH_MAX_LENGTH = 200;
/** Part of a review id or title; matched after normalizeSearch (case, spaces and punctuation ignored). */
export const searchTermSchema = z.lazy(() => z.string().check(
  z.maxLength(SEARCH_MAX_LENGTH, `search is at most ${SEARCH_MAX_LENGTH} characters`),
  z.refine((s) => normalizeSearch(s).length > 0, 'search needs at least one letter or digit of a review id or title'),
));
export const amendInputSchema = z.lazy(() => z.object({ reason, expectedVersion }));
export const listQuerySchema = z.lazy(() => z.object({
  search: z.optional(searchTermSchema),
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
  return parseOrThrow(schema, input, 'body');
}
