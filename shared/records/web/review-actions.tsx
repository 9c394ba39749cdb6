/**
 * The reviewer's decision forms on the read-only record page: the moves of the review life cycle that are legal from
 * the record's status (TRANSITIONS in shared/records/model.ts), each a small form posting to
 * POST /records/{id}/transitions with the version the page showed. The records service decides; the page only offers
 * what it would accept, to principals the policy allows `records:review`.
 */
import type { Principal } from '#shared/auth/principal.ts';
import { isAllowed } from '#shared/auth/policy.ts';
import { REASON_MAX_LENGTH, REASON_REQUIRED, TRANSITIONS, type RecordStatus, type RecordView } from '#shared/records/model.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { CONTROL } from '#shared/web/form-values.ts';
import { RequiredTextarea } from '#shared/web/components/form-group.tsx';
import { recordPath } from '../paths.ts';
import { STATUS_LABELS } from './record-pages.tsx';

export const REVIEW_MOVES = ['in_review', 'returned', 'approved'] as const satisfies readonly RecordStatus[];
export type ReviewMove = (typeof REVIEW_MOVES)[number];

/** Form field names of the decision forms, and the id the error summary links to. */
export const MOVE_FIELDS = { to: 'to', reason: 'reason' } as const;
export const REASON_INPUT_ID = 'review-reason';

export const isReviewMove = (s: string | undefined): s is ReviewMove => (REVIEW_MOVES as readonly string[]).includes(s ?? '');

const MOVES: Record<ReviewMove, { button: string; hint: string; done: string }> = {
  in_review: {
    button: 'Start review',
    hint: 'Shows the submitter and other reviewers that you are reviewing this record.',
    done: 'Review started: the record is now in review.',
  },
  returned: {
    button: 'Return for changes',
    hint: 'The submitter can edit the record again and sees your reason until they submit it again.',
    done: 'Returned for changes. The submitter can edit the record again and sees your reason.',
  },
  approved: {
    button: 'Approve',
    hint: 'Approving locks the record. Any later change is an amendment; the approved version is kept as it is.',
    done: 'Approved. The record is now locked; any later change is an amendment.',
  },
};

/** The confirmation shown after a move (GET /records/{id}?moved=...). */
export const moveDoneText = (move: ReviewMove): string => MOVES[move].done;

/** The moves this principal may make on the record now: none for roles without `records:review`. */
export function reviewMoves(principal: Principal, record: RecordView): ReviewMove[] {
  if (!isAllowed(principal, 'records:review', { jurisdictionId: record.jurisdictionId })) return [];
  return TRANSITIONS[record.status].filter(isReviewMove);
}

export interface ReviewActionsProps {
  record: RecordView;
  moves: readonly ReviewMove[];
  csrf: string;
  /** What was typed in the reason box (kept when the page comes back with an error or a conflict). */
  reason?: string | undefined;
  /** The reason's inline error. */
  reasonError?: string | undefined;
}

export function ReviewActions({ record, moves, csrf, reason, reasonError }: ReviewActionsProps) {
  return (
    <section class="npcs-review-actions margin-top-5 npcs-no-print" id="review-actions" aria-labelledby="review-actions-heading">
      <h2 id="review-actions-heading">Review decision</h2>
      <p>
        This record is <strong>{STATUS_LABELS[record.status].toLowerCase()}</strong>. Choose what happens next.
      </p>
      {moves.map((move) => {
        const hintId = `move-${move}-hint`;
        const needsReason = REASON_REQUIRED.includes(move);
        return (
          <form class="usa-form usa-form--large margin-top-3" method="post" action={`${recordPath(record.recordId)}/transitions`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <input type="hidden" name={CONTROL.version} value={String(record.version)} />
            <input type="hidden" name={MOVE_FIELDS.to} value={move} />
            {needsReason ? <ReasonField value={reason} error={reasonError} /> : null}
            <p class="usa-hint" id={hintId}>
              {MOVES[move].hint}
            </p>
            <button class={`usa-button${move === 'returned' ? ' usa-button--secondary' : ''}`} type="submit" aria-describedby={hintId}>
              {MOVES[move].button}
            </button>
          </form>
        );
      })}
    </section>
  );
}

/** The USWDS textarea with character count for "what must change" (required to return; the server says so if empty). */
function ReasonField({ value, error }: { value?: string | undefined; error?: string | undefined }) {
  return (
    <RequiredTextarea
      id={REASON_INPUT_ID}
      name={MOVE_FIELDS.reason}
      label="What must the submitter change?"
      hint="Required to return the record. Say which answers need changing and why; the submitter sees exactly what you write."
      maxLength={REASON_MAX_LENGTH}
      value={value}
      error={error}
    />
  );
}
