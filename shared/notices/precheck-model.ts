/**
 * What the pre-publication check returns (shared/notices/precheck.ts computes it). Kept apart from the check so that
 * the pages (shared/notices/web/precheck-view.tsx) render a stored report without bundling compromise and chrono.
 */
export type PrecheckKind = 'name' | 'date' | 'address' | 'phone' | 'case_number' | 'email';

export const PRECHECK_KINDS: readonly PrecheckKind[] = ['name', 'date', 'address', 'phone', 'case_number', 'email'];

/** One passage to look at: `start`/`end` are UTF-16 offsets into the field's text, `text` is the slice between. */
export interface PrecheckFinding {
  kind: PrecheckKind;
  start: number;
  end: number;
  text: string;
}

export interface PrecheckFieldReport {
  /** The field's variable name (`systemic_issue`, `actions[0].action`). */
  field: string;
  label: string;
  text: string;
  /** Sorted by start, non-overlapping. */
  findings: PrecheckFinding[];
}

export interface PrecheckReport {
  fields: PrecheckFieldReport[];
  findingCount: number;
}

/** Findings per kind of one field, every kind present (0 when none). */
export function countByKind(findings: readonly PrecheckFinding[]): Record<PrecheckKind, number> {
  const counts = Object.fromEntries(PRECHECK_KINDS.map((k) => [k, 0])) as Record<PrecheckKind, number>;
  for (const f of findings) counts[f.kind] += 1;
  return counts;
}
