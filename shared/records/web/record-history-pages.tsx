/**
 * Pages of an approved record's later life (issue 10): the amendment page (a reason is required), the version
 * history, and what changed since a reviewer handed the record back (on the reviewer's record page). They show
 * answers, so the routes are for the record's jurisdiction's reviewers and admins only (shared/auth/policy.ts).
 */
import { RecordName } from './record-name.tsx';
import type { Visibility } from '#shared/forms/conditions.ts';
import type { AnswerChange } from '#shared/forms/answer-changes.ts';
import type { RenderForm, RenderSection } from '#shared/forms/render-model.ts';
import { ROLE_LABELS, type Role } from '#shared/auth/policy.ts';
import type { HistoryEntry } from '#shared/records/service.ts';
import { REASON_MAX_LENGTH, type KeptVersion, type RecordView } from '#shared/records/model.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { CONTROL } from '#shared/web/form-values.ts';
import { RequiredTextarea } from '#shared/web/components/form-group.tsx';
import { amendPath, recordPath } from '../paths.ts';
import { AnswersSummary, STATUS_LABELS } from './record-pages.tsx';
export const AMEND_REASON_ID = 'amend-reason';

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const shown = (v: string | undefined) => v ?? 'Not answered';

/** Beside the reviewer's decision: the reason the record was handed back, and each answer changed since, by label. */
export function ChangesSinceHandedBack({ kept, changes }: { kept: KeptVersion; changes: AnswerChange[] }) {
  const what = kept.kind === 'returned' ? `returned for changes (version ${kept.version})` : `amended (approved version ${kept.version})`;
  return (
    <section class="margin-top-4 npcs-changes" aria-labelledby="changes-heading">
      <h2 id="changes-heading">What changed since it was {kept.kind === 'returned' ? 'returned' : 'amended'}</h2>
      <p>
        On {when(kept.at)} the record was {what} with this reason:
      </p>
      <p class="npcs-answer-text npcs-quoted">{kept.reason}</p>
      {changes.length === 0 ? (
        <p>No answer changed since then.</p>
      ) : (
        <DataTable id="changes-caption" class="npcs-wrap-table" caption={`${changes.length} answer${changes.length === 1 ? '' : 's'} changed since version ${kept.version}`} columns={['Question', 'Section', 'Before', 'Now']}>
          {changes.map((c) => (
            <tr>
              <th scope="row" data-label="Question">
                {c.label}
              </th>
              <td data-label="Section">{c.section}</td>
              <td data-label="Before" class="npcs-answer-text">
                {shown(c.before)}
              </td>
              <td data-label="Now" class="npcs-answer-text">
                {shown(c.after)}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

export interface AmendPageProps {
  record: RecordView;
  form: RenderForm;
  sections: RenderSection[];
  visibility: Visibility;
  csrf: string;
  reason?: string | undefined;
  error?: string | undefined;
  alert?: Alert | undefined;
}

/** The amendment form above the approved answers (read-only): why it must change; it then goes back to its author. */
export function AmendPage(p: AmendPageProps) {
  return (
    <>
      <h1>
        Amend <RecordName record={p.record} />
      </h1>
      {p.error ? <ErrorSummary errors={[{ href: `#${AMEND_REASON_ID}`, message: p.error }]} /> : null}
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      <p class="usa-intro">
        This record is {STATUS_LABELS[p.record.status].toLowerCase()} (version {p.record.version}). Amending it keeps this version as it is and sends the record back to its
        author with your reason; their changes are then reviewed again.
      </p>
      <form class="usa-form usa-form--large" method="post" action={amendPath(p.record.recordId)} novalidate>
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <input type="hidden" name={CONTROL.version} value={String(p.record.version)} />
        <RequiredTextarea
          id={AMEND_REASON_ID}
          name="reason"
          label="Why must this record change?"
          hint="Required. Say which answers are wrong or missing and why; the author sees exactly what you write, and it stays in the record's history."
          maxLength={REASON_MAX_LENGTH}
          value={p.reason}
          error={p.error}
        />
        <div class="npcs-form-actions margin-top-3">
          <button class="usa-button" type="submit">
            Amend the record
          </button>
          <a class="usa-link" href={recordPath(p.record.recordId)}>
            Cancel
          </a>
        </div>
      </form>
      <h2 class="margin-top-5">The approved answers</h2>
      <AnswersSummary form={p.form} sections={p.sections} answers={p.record.answers} visibility={p.visibility} recordId={p.record.recordId} change={false} />
    </>
  );
}

const ACTION_TEXT: Record<string, string> = {
  'record.created': 'Started',
  'record.saved': 'Answers saved',
  'record.submitted': 'Submitted for review',
  'record.amended': 'Amended: back to its author',
};
const actionText = (e: HistoryEntry) =>
  e.action === 'record.status_changed' && e.toStatus ? STATUS_LABELS[e.toStatus] : (ACTION_TEXT[e.action] ?? e.action);
const roleText = (role: string) => ROLE_LABELS[role as Role] ?? role;

/** Each version of the record: who, when, what happened, the changed fields by label, and the reasons given. */
export function HistoryPage({ record, form, entries, labelOf }: { record: RecordView; form: RenderForm; entries: HistoryEntry[]; labelOf: (name: string) => string | undefined }) {
  return (
    <>
      <h1>
        Version history of <RecordName record={record} />
      </h1>
      <p class="usa-intro">
        Now {STATUS_LABELS[record.status].toLowerCase()}, version {record.version}. <a class="usa-link" href={recordPath(record.recordId)}>Back to the record</a>
      </p>
      <DataTable id="history-caption" class="npcs-wrap-table" caption="Every change of this record, oldest first" captionHidden columns={['Version', 'When', 'Who', 'What', 'Questions changed', 'Reason']}>
        {entries.map((e) => {
          const labels = [...new Set(e.changedFields.map(labelOf).filter((l): l is string => l !== undefined))];
          return (
            <tr>
              <th scope="row" data-label="Version">
                {e.version}
              </th>
              <td data-label="When">
                <time dateTime={e.at}>{when(e.at)}</time>
              </td>
              {e.name ? (
                <td data-label="Who">
                  {e.name} <span class="text-base">({roleText(e.role)})</span>
                </td>
              ) : (
                <td data-label="Who" class="npcs-record-id">
                  {e.by} <span class="text-base">({roleText(e.role)})</span>
                </td>
              )}
              <td data-label="What">{actionText(e)}</td>
              <td data-label="Questions changed">{labels.length ? labels.join('; ') : '—'}</td>
              <td data-label="Reason" class="npcs-answer-text">
                {e.reason ?? '—'}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
