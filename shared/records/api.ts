import * as z from 'zod';
import { dateBoundSchema } from '#shared/audit/ids.ts';
import { contract, errorResponseSchema } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { RECORD_STATUSES, amendInputSchema, recordSchema as recordModelSchema, createDraftInputSchema, saveDraftInputSchema, submitInputSchema, transitionInputSchema } from './model.ts';

const inJurisdiction = z.object({ jurisdictionId: jurisdictionIdSchema });
const oneRecord = z.object({ jurisdictionId: jurisdictionIdSchema, recordId: z.string().min(1).max(64) });

const recordSchema = recordModelSchema.meta({ id: 'Record' });
const summarySchema = recordSchema.omit({ answers: true }).meta({ id: 'RecordSummary' });

/** Query strings are text: numbers are coerced, several statuses come comma-separated. */
export const listRecordsQuerySchema = z
  .object({
    formId: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'Not a form id').optional(),
    status: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(RECORD_STATUSES, { error: `status is one or more of ${RECORD_STATUSES.join(', ')}` })).min(1))
      .optional(),
    from: dateBoundSchema.optional(),
    to: dateBoundSchema.optional(),
    limit: z.coerce.number({ error: 'limit is a number' }).int().min(1, 'At least 1').max(100, 'At most 100').optional(),
    cursor: z.string().max(4096).optional(),
  })
  .strict();

const errors = {
  401: { description: 'Not signed in', schema: errorResponseSchema },
  403: { description: 'Your role may not do this', schema: errorResponseSchema },
  404: { description: 'No such record in this jurisdiction (or not yours to see)', schema: errorResponseSchema },
};
const conflict = { 409: { description: 'Someone else changed the record first, or its status does not allow this', schema: errorResponseSchema } };
const invalid = { 422: { description: 'The input or answers break a rule; one error per field', schema: errorResponseSchema } };

export const recordsApi = {
  'POST /api/jurisdictions/{jurisdictionId}/records': contract({
    params: inJurisdiction,
    body: createDraftInputSchema.strict(),
    responses: { 201: { description: 'The new draft', schema: recordSchema }, 200: { description: 'A retried create: the draft made the first time', schema: recordSchema }, ...errors, ...invalid },
  }),
  'GET /api/jurisdictions/{jurisdictionId}/records': contract({
    params: inJurisdiction,
    query: listRecordsQuerySchema,
    responses: { 200: { description: 'Records (without answers), newest first', schema: z.object({ items: z.array(summarySchema), nextCursor: z.string().optional() }) }, ...errors, ...invalid },
  }),
  'GET /api/jurisdictions/{jurisdictionId}/records/{recordId}': contract({
    params: oneRecord,
    responses: { 200: { description: 'The record', schema: recordSchema }, ...errors },
  }),
  'PUT /api/jurisdictions/{jurisdictionId}/records/{recordId}/answers': contract({
    params: oneRecord,
    body: saveDraftInputSchema.strict(),
    responses: { 200: { description: 'The saved draft (autosave)', schema: recordSchema }, ...errors, ...conflict, ...invalid },
  }),
  'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/submit': contract({
    params: oneRecord,
    body: submitInputSchema.strict(),
    responses: { 200: { description: 'The submitted record (a retried submit answers the same)', schema: recordSchema }, ...errors, ...conflict, ...invalid },
  }),
  'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/transitions': contract({
    params: oneRecord,
    body: transitionInputSchema.strict(),
    responses: { 200: { description: 'The record in its new status', schema: recordSchema }, ...errors, ...conflict, ...invalid },
  }),
  'POST /api/jurisdictions/{jurisdictionId}/records/{recordId}/amendments': contract({
    params: oneRecord,
    body: amendInputSchema.strict(),
    responses: { 201: { description: 'The amendment: a new draft that keeps the approved version', schema: recordSchema }, ...errors, ...conflict, ...invalid },
  }),
};
