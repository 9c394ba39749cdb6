import { requiredEnv } from '#shared/config.ts';
import { NotFoundError } from '#shared/errors.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { json } from '#shared/http/response.ts';
import { jurisdictionsApi as api } from '#shared/jurisdictions/api.ts';
import { toPublicJurisdiction } from '#shared/jurisdictions/model.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';

const store = new JurisdictionStore(requiredEnv('TABLE_NAME'));

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
});
