import * as z from 'zod/mini';
import { contract, errorResponse } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { withMeta } from '#shared/zod-config.ts';
import { JURISDICTION_TYPES, US_STATE_CODES, jurisdictionSchema, registryFilterSchema } from './model.ts';

// Response schemas are for the OpenAPI document only: built (once) when it asks for them.
let responseSchemas: { jurisdiction: z.core.$ZodType; profile: z.core.$ZodType } | undefined;
const schemas = () =>
  (responseSchemas ??= {
    jurisdiction: withMeta(
      z.object({
        id: z.string(),
        name: z.string(),
        type: z.enum(JURISDICTION_TYPES),
        state: z.enum(US_STATE_CODES),
        county: z.optional(z.string()),
        active: z.boolean(),
        joinedYear: z.number().check(z.int()),
        units: z.array(z.object({ code: z.string(), label: z.string() })),
      }),
      { id: 'Jurisdiction' },
    ),
    profile: withMeta(z.looseObject({ version: withMeta(z.number().check(z.int()), { description: 'Send it back as expectedVersion' }) }), { id: 'JurisdictionProfile' }),
  });

const inJurisdiction = z.lazy(() => z.object({ jurisdictionId: jurisdictionIdSchema }));

export const jurisdictionsApi = {
  'GET /api/jurisdictions': contract({
    query: registryFilterSchema,
    responses: () => ({
      200: { description: 'The registry, ordered by state then name', schema: z.object({ jurisdictions: z.array(schemas().jurisdiction), count: z.number().check(z.int()) }) },
      422: { description: 'A filter is not valid', schema: errorResponse() },
    }),
  }),
  'GET /api/jurisdictions/{jurisdictionId}': contract({
    params: inJurisdiction,
    responses: () => ({
      200: { description: 'The jurisdiction', schema: schemas().jurisdiction },
      404: { description: 'No jurisdiction has this id', schema: errorResponse() },
      422: { description: 'The id is not a jurisdiction id', schema: errorResponse() },
    }),
  }),
};

const adminErrors = () => ({
  401: { description: 'Not signed in', schema: errorResponse() },
  403: { description: 'Only platform admins keep the registry', schema: errorResponse() },
  422: { description: 'A field is not valid; one error per field', schema: errorResponse() },
});

/** Platform admins add and edit jurisdictions without a deploy. */
export const registryAdminApi = {
  'POST /api/jurisdictions': contract({
    body: jurisdictionSchema,
    responses: () => ({ 201: { description: 'The new jurisdiction, version 1', schema: schemas().profile }, 409: { description: 'The id is taken', schema: errorResponse() }, ...adminErrors() }),
  }),
  'GET /api/jurisdictions/{jurisdictionId}/profile': contract({
    params: inJurisdiction,
    responses: () => ({ 200: { description: 'The whole profile, contacts included, with its version', schema: schemas().profile }, 404: { description: 'No such jurisdiction', schema: errorResponse() }, ...adminErrors() }),
  }),
  'PUT /api/jurisdictions/{jurisdictionId}': contract({
    params: inJurisdiction,
    body: z.lazy(() => z.strictObject({ jurisdiction: jurisdictionSchema, expectedVersion: z.number({ error: 'Give the version you last read' }).check(z.int(), z.minimum(1)) })),
    responses: () => ({
      200: { description: 'The edited jurisdiction with its new version', schema: schemas().profile },
      404: { description: 'No such jurisdiction', schema: errorResponse() },
      409: { description: 'Someone else edited it first; nothing was written', schema: errorResponse() },
      ...adminErrors(),
    }),
  }),
};
