/**
 * A notice's status table (docs/notices.md, "Status table"): every partner jurisdiction, its answer, and how many days
 * it is overdue, as FDA recall status reports count the notified, the answered and the silent. Pure.
 */
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import type { NoticeAnswer } from './answers.ts';
import type { PublishedNotice } from './model.ts';

export interface StatusRow {
  jurisdictionId: string;
  name: string;
  state: string;
  answer?: NoticeAnswer;
  /** Days past the deadline the jurisdiction has not met yet (acknowledgement, then action); 0 when none is passed. */
  daysOverdue: number;
  /** Which deadline is passed, when one is. */
  overdue?: 'acknowledgement' | 'action';
  /** It left the partnership: no longer expected to answer (its answer, if any, is kept). */
  left: boolean;
}

const DAY_MS = 86_400_000;
const daysAfter = (deadline: string | undefined, today: string): number => {
  if (!deadline) return 0;
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${deadline.slice(0, 10)}T00:00:00Z`)) / DAY_MS);
  return Number.isFinite(days) && days > 0 ? days : 0;
};

/** The rows, most overdue first, then by name. `today` is a UTC day (YYYY-MM-DD). */
export function statusRows(notice: PublishedNotice, answers: readonly NoticeAnswer[], registry: readonly Pick<Jurisdiction, 'id' | 'name' | 'state' | 'active'>[], today: string): StatusRow[] {
  const byJurisdiction = new Map(answers.map((a) => [a.jurisdictionId, a]));
  const rows: StatusRow[] = [];
  for (const j of registry) {
    if (j.id === notice.issuerId) continue;
    const answer = byJurisdiction.get(j.id);
    // A jurisdiction that left is listed only when it had answered.
    if (!j.active && !answer) continue;
    const row: StatusRow = { jurisdictionId: j.id, name: j.name, state: j.state, daysOverdue: 0, left: !j.active, ...(answer ? { answer } : {}) };
    if (j.active && notice.status === 'active') {
      if (!answer) {
        row.daysOverdue = daysAfter(notice.acknowledgeBy, today);
        if (row.daysOverdue > 0) row.overdue = 'acknowledgement';
      } else if (answer.status === 'acknowledged' || answer.status === 'in_progress') {
        row.daysOverdue = daysAfter(notice.actBy, today);
        if (row.daysOverdue > 0) row.overdue = 'action';
      }
    }
    rows.push(row);
  }
  return rows.sort((a, b) => b.daysOverdue - a.daysOverdue || a.name.localeCompare(b.name));
}

/** What the table adds up to: expected answers, given, final, overdue. */
export function statusCounts(rows: readonly StatusRow[]) {
  const expected = rows.filter((r) => !r.left);
  return {
    expected: expected.length,
    answered: expected.filter((r) => r.answer).length,
    done: expected.filter((r) => r.answer?.status === 'completed' || r.answer?.status === 'not_applicable').length,
    overdue: expected.filter((r) => r.daysOverdue > 0).length,
  };
}

export const STATUS_CSV_COLUMNS = ['jurisdiction_id', 'jurisdiction', 'state', 'answer', 'first_answered', 'last_answered', 'answered_by', 'reason', 'days_overdue', 'overdue_deadline', 'left_partnership'] as const;

export function statusCsvRows(rows: readonly StatusRow[]) {
  return rows.map((r) => {
    const last = r.answer?.steps.at(-1);
    return {
      jurisdiction_id: r.jurisdictionId,
      jurisdiction: r.name,
      state: r.state,
      answer: r.answer?.status ?? 'none',
      first_answered: r.answer?.acknowledgedAt ?? '',
      last_answered: r.answer?.updatedAt ?? '',
      answered_by: last?.byName ?? '',
      reason: r.answer?.steps.findLast((s) => s.reason)?.reason ?? '',
      days_overdue: r.daysOverdue,
      overdue_deadline: r.overdue ?? '',
      left_partnership: r.left ? 'yes' : 'no',
    };
  });
}
