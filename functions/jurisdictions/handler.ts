import { SessionStore } from '#shared/auth/sessions.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { requiredEnv } from '#shared/config.ts';
import { NotFoundError } from '#shared/errors.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { json } from '#shared/http/response.ts';
import { addJurisdiction, assertSameId, editJurisdiction } from '#shared/jurisdictions/admin.ts';
import { jurisdictionsApi as api, registryAdminApi as admin } from '#shared/jurisdictions/api.ts';
import { toPublicJurisdiction } from '#shared/jurisdictions/model.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';

const store = new JurisdictionStore(requiredEnv('TABLE_NAME'));
const sessions = SessionStore.fromEnv();
const editor = (principal: { subject: string; role: string; displayName?: string } | undefined, requestId: string) => ({
  subject: principal!.subject,
  role: principal!.role,
  requestId,
  ...(principal!.displayName ? { displayName: principal!.displayName } : {}),
});

export const handler = httpFunction({
  'GET /api/jurisdictions': route({
    ...api['GET /api/jurisdictions'],
    handle: async ({ query }) => {
      const jurisdictions = await store.list(query);
      return json(200, { jurisdictions: jurisdictions.map(toPublicJurisdiction), count: jurisdictions.length });
    },
  }),
  'GET /api/jurisdictions/{jurisdictionId}': route({
    ...api['GET /api/jurisdictions/{jurisdictionId}'],
    handle: async ({ params }) => {
      const jurisdiction = await store.get(params.jurisdictionId);
      if (!jurisdiction) throw new NotFoundError(`There is no jurisdiction with id "${params.jurisdictionId}".`);
      return json(200, toPublicJurisdiction(jurisdiction));
    },
  }),
  'POST /api/jurisdictions': route({
    ...admin['POST /api/jurisdictions'],
    handle: async ({ body, principal, event }) => json(201, await addJurisdiction(documentClient, store.tableName, body, editor(principal, event.requestContext.requestId))),
  }),
  'GET /api/jurisdictions/{jurisdictionId}/profile': route({
    ...admin['GET /api/jurisdictions/{jurisdictionId}/profile'],
    handle: async ({ params }) => {
      const found = await store.getVersioned(params.jurisdictionId);
      if (!found) throw new NotFoundError(`There is no jurisdiction with id "${params.jurisdictionId}".`);
      return json(200, { ...found.jurisdiction, version: found.version });
    },
  }),
  'PUT /api/jurisdictions/{jurisdictionId}': route({
    ...admin['PUT /api/jurisdictions/{jurisdictionId}'],
    handle: async ({ params, body, principal, event }) => {
      assertSameId(params.jurisdictionId, body.jurisdiction.id);
      return json(200, await editJurisdiction(documentClient, store, body.jurisdiction, body.expectedVersion, editor(principal, event.requestContext.requestId)));
    },
  }),
}, { sessions });
