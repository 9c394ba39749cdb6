import * as z from 'zod/mini';
import { withMeta } from '#shared/zod-config.ts';

/**
 * What a route accepts and answers, as zod schemas: the handler validates with them (shared/http/handler.ts) and
 * the OpenAPI document is generated from them (shared/site/openapi.ts), so the two cannot drift apart. Schemas of
 * classic `zod` and of `zod/mini` both fit; runtime modules use zod/mini (shared/zod-config.ts).
 */
export interface ResponseSpec {
  description: string;
  /** JSON body schema; omit for bodies that are not JSON (see contentType). */
  schema?: z.core.$ZodType;
  /** @default 'application/json' */
  contentType?: string;
}

export type Responses = Record<number, ResponseSpec>;

export interface RouteContract<Q = unknown, P = unknown, B = unknown> {
  query?: z.core.$ZodType<Q>;
  params?: z.core.$ZodType<P>;
  body?: z.core.$ZodType<B>;
  /**
   * A browser form post: the body is application/x-www-form-urlencoded (fields as strings, validated by `body`), and
   * the session's CSRF token must come in the `_csrf` field, or the request is refused with 403. The HTTP stack and
   * the OpenAPI document both read it from here.
   */
  form?: boolean;
  /**
   * A form that may also come as multipart/form-data (a file upload), with a larger body than other routes take:
   * `files` names its file fields (given to the handler as `files`, never validated as text), `maxBytes` its limit.
   */
  multipart?: { files: readonly string[]; maxBytes: number };
  /**
   * Form fields that may be sent more than once (checkboxes); any other repeated field is refused with 400. 'any':
   * the route checks itself (record sections and the survey, whose fields come from a form definition).
   */
  repeatable?: readonly string[] | 'any';
  /**
   * The answers, for the OpenAPI document only. Preferably a function returning them: then only the OpenAPI
   * function builds their schemas, not every function that serves the route at its cold start.
   */
  responses: Responses | (() => Responses);
}

export const contract = <Q = Record<string, never>, P = Record<string, never>, B = undefined>(c: RouteContract<Q, P, B>) => c;

export const responsesOf = (c: RouteContract): Responses => (typeof c.responses === 'function' ? c.responses() : c.responses);

// Pure so that a bundle which never names errorResponseSchema (only errorResponse()) does not build it.
/* @__NO_SIDE_EFFECTS__ */
function buildErrorResponseSchema() {
  const fieldErrorSchema = z.object({ field: z.string(), message: z.string() });
  return withMeta(
    z.object({
      error: z.object({
        code: withMeta(z.string(), { description: 'Stable machine-readable code, e.g. validation_failed' }),
        message: withMeta(z.string(), { description: 'What is wrong, in words for people' }),
        errors: withMeta(z.optional(z.array(fieldErrorSchema)), { description: 'One entry per invalid field (422)' }),
        allowed: withMeta(z.optional(z.array(z.string())), { description: 'Allowed methods (405)' }),
        requestId: z.string(),
      }),
    }),
    { id: 'Error' },
  );
}

let errorSchema: ReturnType<typeof buildErrorResponseSchema> | undefined;

/** Every error answer of the API has this shape (shared/http/errors-to-response.ts); built on first use. */
export const errorResponse = () => (errorSchema ??= buildErrorResponseSchema());

/** The same schema, for contracts that list their responses eagerly; lazy ones call errorResponse(). */
export const errorResponseSchema = /* @__PURE__ */ errorResponse();
