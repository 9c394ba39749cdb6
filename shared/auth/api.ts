import * as z from 'zod/mini';
import { contract, errorResponse } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';

const redirect = { description: 'Redirect (Location header)' };
const sessionSchema = () =>
  z.object({
    principal: z.object({ role: z.string(), jurisdictionId: z.optional(z.string()), displayName: z.optional(z.string()) }),
    session: z.looseObject({ expiresAt: z.string(), absoluteExpiresAt: z.string(), secondsLeft: z.number().check(z.int()), idleTimeoutSeconds: z.number().check(z.int()) }),
  });

// Response schemas are for the OpenAPI document only: the functions return them, so only it builds them.
export const authApi = {
  'GET /auth/sign-in': contract({
    query: z.lazy(() => z.strictObject({ returnTo: withMeta(z.optional(z.string().check(z.maxLength(2048))), { description: 'Same-origin path to land on after sign-in' }) })),
    responses: () => ({ 302: redirect, 503: { description: 'The identity provider does not answer', schema: errorResponse() } }),
  }),
  'GET /auth/callback': contract({
    responses: () => ({ 302: redirect, 401: { description: 'The sign-in could not be completed', schema: errorResponse() } }),
  }),
  'POST /auth/sign-out': contract({ form: true, responses: { 303: redirect } }),
  'GET /api/session': contract({
    responses: () => ({
      200: { description: 'The signed-in principal and the session times', schema: sessionSchema() },
      401: { description: 'Not signed in', schema: errorResponse() },
    }),
  }),
  'GET /api/session/keep-alive': contract({
    responses: () => ({
      200: { description: 'The session, its idle expiry slid forward ("Stay signed in")', schema: sessionSchema() },
      401: { description: 'Not signed in', schema: errorResponse() },
    }),
  }),
};
