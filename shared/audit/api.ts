import * as z from 'zod';
import { contract, errorResponseSchema } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { dateBoundSchema } from './ids.ts';
import { auditEventSchema } from './model.ts';

const pageQuery = z
  .object({
    limit: z.coerce.number({ error: 'limit is a number' }).int().min(1, 'At least 1').max(100, 'At most 100').optional(),
    cursor: z.string().max(4096).optional(),
    from: dateBoundSchema.optional(),
    to: dateBoundSchema.optional(),
  })
  .strict();
const page = z.object({ items: z.array(auditEventSchema.meta({ id: 'AuditEvent' })), nextCursor: z.string().optional() });
const errors = {
  401: { description: 'Not signed in', schema: errorResponseSchema },
  403: { description: 'Your role may not read this audit log', schema: errorResponseSchema },
  422: { description: 'A list parameter is not valid', schema: errorResponseSchema },
};

export const auditApi = {
  'GET /api/jurisdictions/{jurisdictionId}/audit': contract({
    params: z.object({ jurisdictionId: jurisdictionIdSchema }),
    query: pageQuery,
    responses: { 200: { description: "The jurisdiction's audit log, newest first", schema: page }, 404: { description: 'Not your jurisdiction', schema: errorResponseSchema }, ...errors },
  }),
  'GET /api/audit': contract({
    query: pageQuery.omit({ from: true, to: true }),
    responses: { 200: { description: 'Every jurisdiction’s audit log, newest first (platform admins)', schema: page }, ...errors },
  }),
};
