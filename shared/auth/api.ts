import * as z from 'zod';
import { contract, errorResponseSchema } from '#shared/http/contract.ts';

const redirect = { description: 'Redirect (Location header)' };

export const authApi = {
  'GET /auth/sign-in': contract({
    query: z.object({ returnTo: z.string().max(2048).optional().meta({ description: 'Same-origin path to land on after sign-in' }) }).strict(),
    responses: { 302: redirect, 503: { description: 'The identity provider does not answer', schema: errorResponseSchema } },
  }),
  'GET /auth/callback': contract({
    responses: { 302: redirect, 401: { description: 'The sign-in could not be completed', schema: errorResponseSchema } },
  }),
  'POST /auth/sign-out': contract({ responses: { 303: redirect } }),
  'GET /api/session': contract({
    responses: {
      200: {
        description: 'The signed-in principal and the session times',
        schema: z.object({
          principal: z.object({ role: z.string(), jurisdictionId: z.string().optional(), displayName: z.string().optional() }),
          session: z.object({ expiresAt: z.string(), absoluteExpiresAt: z.string(), secondsLeft: z.number().int(), idleTimeoutSeconds: z.number().int() }).loose(),
        }),
      },
      401: { description: 'Not signed in', schema: errorResponseSchema },
    },
  }),
  'GET /api/session/keep-alive': contract({
    responses: {
      200: {
        description: 'The session, its idle expiry slid forward ("Stay signed in")',
        schema: z.object({
          principal: z.object({ role: z.string(), jurisdictionId: z.string().optional(), displayName: z.string().optional() }),
          session: z.object({ expiresAt: z.string(), absoluteExpiresAt: z.string(), secondsLeft: z.number().int(), idleTimeoutSeconds: z.number().int() }).loose(),
        }),
      },
      401: { description: 'Not signed in', schema: errorResponseSchema },
    },
  }),
};
