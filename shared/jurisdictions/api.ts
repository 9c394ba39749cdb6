import * as z from 'zod';
import { contract, errorResponseSchema } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { JURISDICTION_TYPES, US_STATE_CODES, jurisdictionSchema, registryFilterSchema } from './model.ts';

const publicJurisdictionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(JURISDICTION_TYPES),
    state: z.enum(US_STATE_CODES),
    county: z.string().optional(),
    active: z.boolean(),
    joinedYear: z.number().int(),
    units: z.array(z.object({ code: z.string(), label: z.string() })),
  })
  .meta({ id: 'Jurisdiction' });

export const jurisdictionsApi = {
  'GET /api/jurisdictions': contract({
    query: registryFilterSchema,
    responses: {
      200: { description: 'The registry, ordered by state then name', schema: z.object({ jurisdictions: z.array(publicJurisdictionSchema), count: z.number().int() }) },
      422: { description: 'A filter is not valid', schema: errorResponseSchema },
    },
  }),
  'GET /api/jurisdictions/{jurisdictionId}': contract({
    params: z.object({ jurisdictionId: jurisdictionIdSchema }),
    responses: {
      200: { description: 'The jurisdiction', schema: publicJurisdictionSchema },
      404: { description: 'No jurisdiction has this id', schema: errorResponseSchema },
      422: { description: 'The id is not a jurisdiction id', schema: errorResponseSchema },
    },
  }),
};

const fullProfileSchema = z.object({ version: z.number().int().meta({ description: 'Send it back as expectedVersion' }) }).loose().meta({ id: 'JurisdictionProfile' });
const adminErrors = {
  401: { description: 'Not signed in', schema: errorResponseSchema },
  403: { description: 'Only platform admins keep the registry', schema: errorResponseSchema },
  422: { description: 'A field is not valid; one error per field', schema: errorResponseSchema },
};

/** Platform admins add and edit jurisdictions without a deploy. */
export const registryAdminApi = {
  'POST /api/jurisdictions': contract({
    body: jurisdictionSchema,
    responses: { 201: { description: 'The new jurisdiction, version 1', schema: fullProfileSchema }, 409: { description: 'The id is taken', schema: errorResponseSchema }, ...adminErrors },
  }),
  'GET /api/jurisdictions/{jurisdictionId}/profile': contract({
    params: z.object({ jurisdictionId: jurisdictionIdSchema }),
    responses: { 200: { description: 'The whole profile, contacts included, with its version', schema: fullProfileSchema }, 404: { description: 'No such jurisdiction', schema: errorResponseSchema }, ...adminErrors },
  }),
  'PUT /api/jurisdictions/{jurisdictionId}': contract({
    params: z.object({ jurisdictionId: jurisdictionIdSchema }),
    body: z.object({ jurisdiction: jurisdictionSchema, expectedVersion: z.number({ error: 'Give the version you last read' }).int().min(1) }).strict(),
    responses: {
      200: { description: 'The edited jurisdiction with its new version', schema: fullProfileSchema },
      404: { description: 'No such jurisdiction', schema: errorResponseSchema },
      409: { description: 'Someone else edited it first; nothing was written', schema: errorResponseSchema },
      ...adminErrors,
    },
  }),
};
