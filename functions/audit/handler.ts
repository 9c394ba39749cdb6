import { SessionStore } from '#shared/auth/sessions.ts';
import { auditApi as api } from '#shared/audit/api.ts';
import { listAllAudit, listJurisdictionAudit } from '#shared/audit/index.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { json } from '#shared/http/response.ts';
import { secret } from '#shared/secrets.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';

const tableName = requiredEnv('TABLE_NAME');
const sessions = SessionStore.fromEnv();

export const handler = httpFunction(
  {
    'GET /api/jurisdictions/{jurisdictionId}/audit': route({
      ...api['GET /api/jurisdictions/{jurisdictionId}/audit'],
      handle: async ({ params, query }) =>
        json(200, await listJurisdictionAudit(scopedTable(documentClient, tableName, params.jurisdictionId), { ...query, cursorSecret: await secret('CURSOR_SECRET') })),
    }),
    'GET /api/audit': route({
      ...api['GET /api/audit'],
      handle: async ({ query }) => json(200, await listAllAudit(documentClient, tableName, { ...query, cursorSecret: await secret('CURSOR_SECRET') })),
    }),
  },
  { sessions },
);
