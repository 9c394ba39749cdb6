import * as z from 'zod/mini';
import { dateBoundSchema } from '#shared/audit/ids.ts';
import { contract, errorResponse } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { built, withMeta } from '#shared/zod-config.ts';
import { RECORD_STATUSES, amendInputSchema, searchTermSchema, recordSchema as recordModelSchema, createDraftInputSchema, saveDraftInputSchema, submitInputSchema, transitionInputSchema } from './model.ts';

const inJurisdiction = z.lazy(() => z.object({ jurisdictionId: jurisdictionIdSchema }));
const oneRecord = z.lazy(() => z.object({ jurisdictionId: jurisdictionIdSchema, recordId: z.string().check(z.minLength(1), z.maxLength(64)) }));

/** Query strings are text: numbers are coerced, several statuses come comma-separated. */
export const listRecordsQuerySchema = z.lazy(() => z.strictObject({
  search: z.optional(withMeta(searchTermSchema, { description: "Part of the agency's review id or the notice's title; case, spaces and punctuation are ignored" })),
  formId: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'Not a form id'))),
  status: z.optional(
    z.pipe(
      z.pipe(z.string(), z.transform((s: string) => s.split(',').map((x) => x.trim()))),
      z.array(z.enum(RECORD_STATUSES, { error: `status is one or more of ${RECORD_STATUSES.join(', ')}` })).check(z.minLength(1)),
    ),
  ),
  from: z.optional(dateBoundSchema),
  to: z.optional(dateBoundSchema),
  limit: z.optional(z.coerce.number({ error: 'limit is a number' }).check(z.int(), z.minimum(1, 'At least 1'), z.maximum(100, 'At most 100'))),
  cursor: z.optional(z.string().check(z.maxLength(4096))),
}));

// Response schemas are for the OpenAPI document only: built (once) when it asks for them.
let responseSchemas: { record: z.core.$ZodType; list: z.core.$ZodType } | undefined;
const schemas = () => {
  if (!responseSchemas) {
    const record = withMeta(recordModelSchema, { id: 'Record' });
    const summary = withMeta(z.omit(built(recordModelSchema), { answers: true }), { id: 'RecordSummary' });
    responseSchemas = { record, list: z.object({ items: z.array(summary), nextCursor: z.optional(z.string()) }) };
  }
  return responseSchemas;
};
const errors = () => ({
  401: { description: 'Not signed in', schema: errorResponse() },
  403: { description: 'Your role may not do this', schema: errorResponse() },
  404: { description: 'No such record in this jurisdiction (or not yours to see)', schema: errorResponse() },
});
const conflict = () => ({ 409: { description: 'Someone else changed the record first, or its status does not allow this', schema: errorResponse() } });
const invalid = () => ({ 422: { description: 'The input or answers break a rule; one error per field', schema: errorResponse() } });

export const recordsApi = {
  'POST /api/jurisdictions/{jurisdictionId}/records': contract({
    params: inJurisdiction,
    body: z.lazy(() => z.catchall(built(createDraftInputSchema), z.never())),
    responses: () => ({ 201: { description: 'The new draft', schema: schemas().record }, 200: { description: 'A retried create: the draft made the first time', schema: schemas().record }, ...errors(), ...invalid() }),
  }),
  'GET /api/jurisdictions/{jurisdictionId}/records': contract({
    params: inJurisdiction,
    query: listRecordsQuerySchema,
    responses: () => ({ 200: { description: 'Records (without answers), newest first', schema: schemas().list }, ...errors(), ...invalid() }),
  }),
  'GET /api/jurisdictions/{jurisdictionId}/records/{recordId}': contract({
    params: oneRecord,
    responses: () => ({ 200: { description: 'The record', schema: schemas().record }, ...errors() }),
  }),
  'PUT /api/jurisdictions/{jurisdictionId}/records/{recordId}/answers': contract({
    params: oneRecord,
    body: z.lazy(() => z.catchall(built(saveDraftInputSchema), z.never())),
    responses: () => ({ 200: { description: 'The saved draft (autosave)', schema: schemas().record }, ...errors(), ...conflict(), ...invalid() }),
  }),
  'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/submit': contract({
    params: oneRecord,
    body: z.lazy(() => z.catchall(built(submitInputSchema), z.never())),
    responses: () => ({ 200: { description: 'The submitted record (a retried submit answers the same)', schema: schemas().record }, ...errors(), ...conflict(), ...invalid() }),
  }),
  'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/transitions': contract({
    params: oneRecord,
    body: z.lazy(() => z.catchall(built(transitionInputSchema), z.never())),
    responses: () => ({ 200: { description: 'The record in its new status', schema: schemas().record }, ...errors(), ...conflict(), ...invalid() }),
  }),
  'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/amendments': contract({
    params: oneRecord,
    body: z.lazy(() => z.catchall(built(amendInputSchema), z.never())),
    responses: () => ({ 201: { description: "The record's new version: returned to its author with the reason (the approved answers are kept)", schema: schemas().record }, ...errors(), ...conflict(), ...invalid() }),
  }),
};
