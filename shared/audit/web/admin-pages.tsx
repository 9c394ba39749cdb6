/**
 * Pages for administrators: the audit log (jurisdiction admins: their own jurisdiction; platform admins: every
 * jurisdiction). Who is shown by the name kept on the event and the role (older events: the role only). The
 * registry pages are in shared/jurisdictions/web/.
 */
import { ROLE_LABELS, type Role } from '#shared/auth/policy.ts';
import type { AuditAction, AuditEvent } from '#shared/audit/index.ts';
import { recordPath } from '#shared/records/paths.ts';
import { DataTable } from '#shared/web/components/data-table.tsx';

const ACTION_LABELS: Record<AuditAction, string> = {
  'record.created': 'Started a record',
  'record.saved': 'Saved a draft',
  'record.submitted': 'Submitted a record',
  'record.status_changed': 'Changed the status',
  'record.amended': 'Amended a record',
  'record.read': 'Read a record',
  'registry.created': 'Added a jurisdiction',
  'registry.updated': 'Edited a jurisdiction',
  'survey.opened': 'Opened a survey wave',
  'survey.closed': 'Closed a survey wave',
  'review.reply_accepted': 'Decided by email reply',
  'review.reply_refused': 'Email reply refused',
  'review.reply_ignored': 'Email auto-reply ignored',
  'notice.published': 'Published a safety notice to every partner',
  'notice.updated': 'Published an updated safety notice',
  'notice.withdrawn': 'Withdrew a published safety notice',
  'notice.answered': "Answered a partner's safety notice",
  'jurisdiction.restored': "Restored the jurisdiction's data",
};

const roleLabel = (role: string) => ROLE_LABELS[role as Role] ?? role.replace(/_/g, ' ');

/** `2026-11-26 19:57 UTC` */
export const auditTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export interface AuditPageProps {
  events: AuditEvent[];
  /** Every jurisdiction (platform admins): adds the jurisdiction column. */
  allJurisdictions: boolean;
  jurisdictionId?: string | undefined;
  /** Link record ids to their pages (the reader may open them). */
  linkRecords: boolean;
  nextCursor?: string | undefined;
  /** Whether this is a later page (offer the way back to the newest). */
  paged: boolean;
}

export function AuditPage({ events, allJurisdictions, jurisdictionId, linkRecords, nextCursor, paged }: AuditPageProps) {
  const scope = allJurisdictions ? 'every jurisdiction' : (jurisdictionId ?? 'your jurisdiction');
  return (
    <>
      <h1>Audit log</h1>
      <p class="usa-intro">
        Who did what and when in {scope}, newest first. People are shown by name and role; changed answers by field name, never their values.
      </p>
      {events.length === 0 ? (
        <p>There are no audit events{paged ? ' on this page' : ' yet'}.</p>
      ) : (
        <DataTable id="audit-caption" caption={<>Audit events of {scope}, newest first</>} columns={['When', allJurisdictions ? 'Jurisdiction' : null, 'Who', 'What', 'Record', 'Changed fields']} class="npcs-audit-table">
          {events.map((e) => (
            <tr>
              <th scope="row" data-label="When">
                <time dateTime={e.at}>{auditTime(e.at)}</time>
              </th>
              {allJurisdictions ? <td data-label="Jurisdiction">{e.jurisdictionId}</td> : null}
              <td data-label="Who">
                {e.actor.displayName ? (
                  <>
                    {e.actor.displayName}
                    <span class="display-block text-base">{roleLabel(e.actor.role)}</span>
                  </>
                ) : (
                  roleLabel(e.actor.role)
                )}
              </td>
              <td data-label="What">
                {ACTION_LABELS[e.action]}
                {e.fromStatus && e.toStatus ? ` (${e.fromStatus} to ${e.toStatus})` : ''}
                {e.reasonCode ? ` (${e.reasonCode.replace(/_/g, ' ')})` : ''}
                {e.restoredTo ? ` to ${auditTime(e.restoredTo)}` : ''}
              </td>
              <td data-label="Record" class="npcs-record-id">
                {e.recordId ? (
                  linkRecords ? (
                    <a class="usa-link" href={recordPath(e.recordId)}>
                      {e.recordId}
                    </a>
                  ) : (
                    e.recordId
                  )
                ) : e.waveId ? (
                  `Survey wave ${e.waveId}`
                ) : (
                  '—'
                )}
                {e.recordVersion !== undefined ? <span class="text-base"> (version {e.recordVersion})</span> : null}
              </td>
              <td data-label="Changed fields" class="npcs-field-names">
                {e.changedFields?.length ? e.changedFields.join(', ') : '—'}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {nextCursor || paged ? (
        <nav aria-label="Audit log pages" class="npcs-form-actions margin-top-2">
          {paged ? (
            <a class="usa-link" href="/audit">
              Newest events
            </a>
          ) : null}
          {nextCursor ? (
            <a class="usa-link" href={`/audit?cursor=${encodeURIComponent(nextCursor)}`}>
              Older events
            </a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
