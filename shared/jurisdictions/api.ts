import * as z from 'zod';
import { contract, errorResponseSchema } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { JURISDICTION_TYPES, US_STATE_CODES, registryFilterSchema } from './model.ts';

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
