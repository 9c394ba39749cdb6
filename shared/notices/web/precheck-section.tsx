/**
 * The pre-publication check on the reviewer's record page, above the decision forms (docs/notices.md): the stored
 * report of the record's current submission, or, while the notice-tasks function has not written it yet, an info
 * alert. Never blocks a decision. Reads the stored report only: the check itself (compromise, chrono-node) is never
 * bundled into the web function.
 */
import type { ComponentChildren } from 'preact';
import { NOTICE_FORM_ID } from '#shared/notices/model.ts';
import { precheckFor, type StoredPrecheck } from '#shared/notices/precheck-store.ts';
import type { RecordView } from '#shared/records/model.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { AlertBox } from '#shared/web/components/alerts.tsx';
import { PrecheckView } from './precheck-view.tsx';

export const PRECHECK_RUNNING_TEXT = 'The pre-publication check is running; reload in a moment.';

export function ReviewerPrecheck({ stored }: { stored: StoredPrecheck | undefined }) {
  return (
    <section class="npcs-precheck-section margin-top-5" id="precheck" aria-label="Pre-publication check">
      {stored ? <PrecheckView report={stored.report} /> : <AlertBox alert={{ type: 'info', text: PRECHECK_RUNNING_TEXT }} />}
    </section>
  );
}

/** For a safety notice, the check to show the reviewer (through the record's scoped table); nothing for other forms. */
export async function precheckBeforeDecision(table: ScopedTable, record: RecordView): Promise<ComponentChildren> {
  if (record.formId !== NOTICE_FORM_ID) return undefined;
  return <ReviewerPrecheck stored={await precheckFor(table, record)} />;
}
