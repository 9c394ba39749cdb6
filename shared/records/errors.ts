/** Conflicts of the record life cycle, with messages for the person at the screen and a machine-readable reason. */
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import type { RecordStatus } from './model.ts';

export type ConflictReason = 'stale_version' | 'locked' | 'not_editable' | 'already_submitted' | 'illegal_transition' | 'not_approved' | 'busy' | 'not_awaiting_decision' | 'already_decided';

export class RecordConflictError extends ConflictError {
  constructor(
    message: string,
    readonly reason: ConflictReason,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
  override details(): Record<string, unknown> {
    return { reason: this.reason, ...this.extra };
  }
}

/** One message whether the record is absent, malformed, or another jurisdiction's (which cannot be addressed). */
export const RECORD_NOT_FOUND_MESSAGE = 'There is no record with this id in your jurisdiction.';
export const recordNotFound = () => new NotFoundError(RECORD_NOT_FOUND_MESSAGE);

const STATUS_WORDS: Record<RecordStatus, string> = {
  draft: 'a draft',
  submitted: 'submitted',
  in_review: 'in review',
  returned: 'returned for changes',
  approved: 'approved',
};
export const statusWords = (s: RecordStatus) => STATUS_WORDS[s];

export const staleVersion = (current: number, yours: number) =>
  new RecordConflictError(
    `Someone else saved this record first (it is now at version ${current}; you had version ${yours}). ` +
      'Nothing was lost: their changes are saved, and yours are still with you, not applied. Reload the record and make your changes again.',
    'stale_version',
    { currentVersion: current, expectedVersion: yours },
  );

export const locked = () =>
  new RecordConflictError('This record is approved and locked. To change it, amend it: the approved version is kept as it is.', 'locked');

export const notEditable = (status: RecordStatus) =>
  new RecordConflictError(`This record is ${statusWords(status)}, so it cannot be edited or submitted until a reviewer returns it.`, 'not_editable', { status });

export const alreadySubmitted = (status: RecordStatus) =>
  new RecordConflictError(
    `This record was already submitted by another submission and is now ${statusWords(status)}. Reload it to see where it stands.`,
    'already_submitted',
    { status },
  );

export function illegalTransition(from: RecordStatus, to: RecordStatus, allowed: readonly RecordStatus[]) {
  const hint =
    to === 'submitted'
      ? ' Use submit, which checks the answers.'
      : allowed.length
        ? ` From ${statusWords(from)} it can become: ${allowed.map(statusWords).join(', ')}.`
        : from === 'approved'
          ? ' Approved records are locked; amend it instead.'
          : ' Submit it first.';
  return new RecordConflictError(`A record that is ${statusWords(from)} cannot become ${statusWords(to)}.${hint}`, 'illegal_transition', { status: from, to });
}

export const notApproved = (status: RecordStatus) =>
  new RecordConflictError(
    `Only an approved record is amended; this one is ${statusWords(status)}. ${isEditableWords(status)}`,
    'not_approved',
    { status },
  );
const isEditableWords = (s: RecordStatus) => (s === 'draft' || s === 'returned' ? 'Edit it directly.' : 'A reviewer can return it for changes.');

export const busy = () => new RecordConflictError('This record is being changed by several people at once. Reload it and try again.', 'busy');
