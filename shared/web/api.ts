import * as z from 'zod';
import { contract } from '#shared/http/contract.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header)' };

/** Contracts of the web pages (HTML answers; form posts take urlencoded fields with the CSRF token). */
export const webApi = {
  'GET /': contract({
    query: z.object({ started: z.string().max(64).optional().meta({ description: 'Id of the review just started (confirmation)' }) }).strict(),
    responses: { 200: html('The home page: what the platform is, or the signed-in person\'s records by status') },
  }),
  'GET /sign-in-help': contract({ responses: { 200: html('How to sign in, and whom to ask for an account') } }),
  'POST /reviews': contract({
    body: z.object({}).strict(),
    responses: { 303: redirect, 403: html('The form token was missing or wrong, or the role may not start reviews') },
  }),
};
