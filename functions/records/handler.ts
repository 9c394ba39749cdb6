import { SessionStore } from '#shared/auth/sessions.ts';
import { requiredEnv } from '#shared/config.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { json } from '#shared/http/response.ts';
import { recordsApi as api } from '#shared/records/api.ts';
import { recordService, requestScope } from '#shared/records/http.ts';
import { reviewHandoff } from '#shared/review/http.ts';

const tableName = requiredEnv('TABLE_NAME');
const sessions = SessionStore.fromEnv();

// The HTTP stack has authenticated the principal and authorized the route's action for the path's jurisdiction.
const scope = (input: { params: { jurisdictionId: string }; principal: Parameters<typeof requestScope>[2] | undefined; event: Parameters<typeof requestScope>[3] }) =>
  requestScope(tableName, input.params.jurisdictionId, input.principal!, input.event);

export const handler = httpFunction(
  {
    'POST /api/jurisdictions/{jurisdictionId}/records': route({
      ...api['POST /api/jurisdictions/{jurisdictionId}/records'],
      handle: async (input) => {
        const { table, actor } = scope(input);
        const { record, replayed } = await (await recordService(tableName)).createDraft(table, actor, input.body);
        return json(replayed ? 200 : 201, record);
      },
    }),
    'GET /api/jurisdictions/{jurisdictionId}/records': route({
      ...api['GET /api/jurisdictions/{jurisdictionId}/records'],
      handle: async (input) => {
        const { table, actor } = scope(input);
        return json(200, await (await recordService(tableName)).list(table, actor, input.query));
      },
    }),
    'GET /api/jurisdictions/{jurisdictionId}/records/{recordId}': route({
      ...api['GET /api/jurisdictions/{jurisdictionId}/records/{recordId}'],
      handle: async (input) => {
        const { table, actor } = scope(input);
        return json(200, await (await recordService(tableName)).get(table, actor, input.params.recordId, { readerSession: input.readerSession }));
      },
    }),
    'PUT /api/jurisdictions/{jurisdictionId}/records/{recordId}/answers': route({
      ...api['PUT /api/jurisdictions/{jurisdictionId}/records/{recordId}/answers'],
      handle: async (input) => {
        const { table, actor } = scope(input);
        return json(200, await (await recordService(tableName)).saveDraft(table, actor, input.params.recordId, input.body));
      },
    }),
    'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/submit': route({
      ...api['POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/submit'],
      handle: async (input) => {
        const { table, actor } = scope(input);
        const { record } = await (await recordService(tableName)).submit(table, actor, input.params.recordId, input.body);
        return json(200, record);
      },
    }),
    'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/transitions': route({
      ...api['POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/transitions'],
      handle: async (input) => {
        const { table, actor } = scope(input);
        // The review workflow applies the move (shared/review/handoff.ts); the answer is the record once it has.
        return json(200, await (await reviewHandoff(tableName)).decide(table, actor, input.params.recordId, input.body, 'api'));
      },
    }),
    'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/amendments': route({
      ...api['POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/amendments'],
      handle: async (input) => {
        const { table, actor } = scope(input);
        return json(201, await (await recordService(tableName)).amend(table, actor, input.params.recordId, input.body));
      },
    }),
  },
  { sessions },
);
