/** The hand-off of a decision made by link or reply to the review workflow (the workflow module implements it). */
import type { Actor } from '#shared/audit/model.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import type { Decision } from './action-ids.ts';

/** What the workflow is handed once the id is burned (the lead's hand-off to the waiting execution). */
export interface DecisionInput {
  recordId: string;
  action: Decision;
  reason?: string | undefined;
  actor: Actor;
  /** The round the id was issued for: the hand-off decides only if the record still awaits this round. */
  round: number;
}

/**
 * Hands a decision to the workflow. Throws ConflictError when the record no longer awaits this decision (someone
 * decided first): the id stays used. Any other error means the decision was not handed on: the id is released.
 */
export type DecisionHandOff = (scope: ScopedTable, decision: DecisionInput) => Promise<void>;
