/**
 * What people call a record: the agency's own review id (critical incident review) or the notice's title, with
 * the system id secondary. The reference is copied out of the answers onto the record item on every write, so
 * lists show names without reading answers; `searchName` is its normalized form, what list search matches.
 */
import type { Answers } from '#shared/forms/types.ts';

/** The answer that names a record, per form. */
export const REFERENCE_FIELDS: Readonly<Record<string, string>> = {
  critical_incident_review: 'review_id',
  safety_notice: 'title',
};

/** Lower-case form names, for "Untitled ..." (kept here so emails and lists need no form definitions). */
const FORM_NOUNS: Readonly<Record<string, string>> = {
  critical_incident_review: 'critical incident review',
  safety_notice: 'safety notice',
};

/** Longest reference kept on the item (a notice title is at most 200 characters). */
export const REFERENCE_MAX_LENGTH = 200;

/** The record's own name from its answers, trimmed; undefined while it has none. */
export function referenceOf(formId: string, answers: Answers): string | undefined {
  const field = REFERENCE_FIELDS[formId];
  const value = field ? answers[field] : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\s+/g, ' ').trim().slice(0, REFERENCE_MAX_LENGTH);
  return text || undefined;
}

/**
 * The search form of a name or a search term: NFKC, lower case, letters and digits only. "CIR-2024-017",
 * "cir 2024 017" and "2024017" then match each other with a substring test.
 */
export function normalizeSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export interface DisplayName {
  /** The review id or title, or "Untitled <form>". */
  name: string;
  /** The system id, shown beside (or under) the name. */
  secondaryId: string;
  /** True while the record has no review id or title yet. */
  untitled: boolean;
}

/** How every page, list and email names a record. */
export function recordDisplayName(record: { formId: string; recordId: string; reference?: string | undefined }): DisplayName {
  const reference = record.reference?.trim();
  if (reference) return { name: reference, secondaryId: record.recordId, untitled: false };
  return { name: `Untitled ${FORM_NOUNS[record.formId] ?? 'record'}`, secondaryId: record.recordId, untitled: true };
}

/** The name and the system id as one line of text, for page titles and emails: `CIR-2024-017 (01J...)`. */
export function recordLabel(record: { formId: string; recordId: string; reference?: string | undefined }): string {
  const { name, secondaryId } = recordDisplayName(record);
  return `${name} (${secondaryId})`;
}
