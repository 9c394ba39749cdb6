/**
 * GET /audit behind the web route (functions/web): a jurisdiction admin reads their own jurisdiction's log, a
 * platform admin every jurisdiction's, newest first, paged with a sealed cursor.
 */
import type { PageInput } from '#shared/web/page-input.ts';
import { isAllowed, scopeOf } from '#shared/auth/policy.ts';
import { listAllAudit, listJurisdictionAudit } from '#shared/audit/index.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { secret } from '#shared/secrets.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { AuditPage } from './admin-pages.tsx';
import { page } from '#shared/web/components/page.tsx';

export async function showAuditLog(input: PageInput, query: { cursor?: string | undefined }): Promise<HttpResult> {
  const p = input.principal;
  const all = scopeOf(p.role, 'audit:read-all') !== undefined;
  const q = { limit: 25, cursor: query.cursor, cursorSecret: await secret('CURSOR_SECRET') };
  const found = all
    ? await listAllAudit(documentClient, input.table, q)
    : await listJurisdictionAudit(scopedTable(documentClient, input.table, p.jurisdictionId!), q);
  return page({
    title: 'Audit log',
    path: '/audit',
    principal: p,
    csrfToken: input.csrf,
    children: (
      <AuditPage
        events={found.items}
        allJurisdictions={all}
        jurisdictionId={p.jurisdictionId}
        linkRecords={!all && isAllowed(p, 'records:read', { jurisdictionId: p.jurisdictionId })}
        nextCursor={found.nextCursor}
        paged={query.cursor !== undefined}
      />
    ),
  });
}
