import * as z from 'zod/mini';
import { contract, errorResponse } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { built, withMeta } from '#shared/zod-config.ts';
import { dateBoundSchema } from './ids.ts';
import { auditEventSchema } from './model.ts';

const pageQuery = z.lazy(() => z.strictObject({
  limit: z.optional(z.coerce.number({ error: 'limit is a number' }).check(z.int(), z.minimum(1, 'At least 1'), z.maximum(100, 'At most 100'))),
  cursor: z.optional(z.string().check(z.maxLength(4096))),
  from: z.optional(dateBoundSchema),
  to: z.optional(dateBoundSchema),
}));

// Response schemas are for the OpenAPI document only: built (once) when it asks for them.
let pageSchema: z.core.$ZodType | undefined;
const page = () => (pageSchema ??= z.object({ items: z.array(withMeta(auditEventSchema, { id: 'AuditEvent' })), nextCursor: z.optional(z.string()) }));
const errors = () => ({
  401: { description: 'Not signed in', schema: errorResponse() },
  403: { description: 'Your role may not read this audit log', schema: errorResponse() },
  422: { description: 'A list parameter is not valid', schema: errorResponse() },
});

export const auditApi = {
  'GET /api/jurisdictions/{jurisdictionId}/audit': contract({
    params: z.lazy(() => z.object({ jurisdictionId: jurisdictionIdSchema })),
    query: pageQuery,
    responses: () => ({ 200: { description: "The jurisdiction's audit log, newest first", schema: page() }, 404: { description: 'Not your jurisdiction', schema: errorResponse() }, ...errors() }),
  }),
  'GET /api/audit': contract({
    query: z.lazy(() => z.omit(built(pageQuery), { from: true, to: true })),
    responses: () => ({ 200: { description: 'Every jurisdiction’s audit log, newest first (platform admins)', schema: page() }, ...errors() }),
  }),
};
