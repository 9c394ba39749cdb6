import * as z from 'zod';
import type { ZodType } from 'zod';

/**
 * What a route accepts and answers, as zod schemas: the handler validates with them (shared/http/handler.ts) and
 * the OpenAPI document is generated from them (shared/http/openapi.ts), so the two cannot drift apart.
 */
export interface ResponseSpec {
  description: string;
  /** JSON body schema; omit for bodies that are not JSON (see contentType). */
  schema?: ZodType;
  /** @default 'application/json' */
  contentType?: string;
}

export interface RouteContract<Q = unknown, P = unknown, B = unknown> {
  query?: ZodType<Q>;
  params?: ZodType<P>;
  body?: ZodType<B>;
  responses: Record<number, ResponseSpec>;
}

export const contract = <Q = Record<string, never>, P = Record<string, never>, B = undefined>(c: RouteContract<Q, P, B>) => c;

const fieldErrorSchema = z.object({ field: z.string(), message: z.string() });

/** Every error answer of the API has this shape (shared/http/errors-to-response.ts). */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. validation_failed' }),
      message: z.string().meta({ description: 'What is wrong, in words for people' }),
      errors: z.array(fieldErrorSchema).optional().meta({ description: 'One entry per invalid field (422)' }),
      allowed: z.array(z.string()).optional().meta({ description: 'Allowed methods (405)' }),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });
