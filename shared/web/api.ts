import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header)' };
const recordId = withMeta(z.string().check(z.minLength(1), z.maxLength(64)), { description: 'The record id (of your own jurisdiction)' });
const sectionId = withMeta(z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'Not a section id')), { description: 'A section id of the record\'s form version' });
const oneRecord = z.strictObject({ recordId });
const oneSection = z.strictObject({ recordId, sectionId });
const formValue = z.union([z.string().check(z.maxLength(20_000)), z.array(z.string().check(z.maxLength(20_000))).check(z.maxLength(200))]);
const notFound = html('No such record in your jurisdiction (another jurisdiction\'s records are not found either)');

/** Contracts of the web pages (HTML answers; form posts take urlencoded fields with the CSRF token). */
export const webApi = {
  'GET /': contract({
    query: z.strictObject({
      started: withMeta(z.optional(z.string().check(z.maxLength(64))), { description: 'Id of the review just started (confirmation)' }),
      saved: withMeta(z.optional(z.string().check(z.maxLength(64))), { description: 'Id of the draft just saved to return to later (confirmation)' }),
    }),
    responses: { 200: html('The home page: what the platform is, or the signed-in person\'s records by status') },
  }),
  'GET /sign-in-help': contract({ responses: { 200: html('How to sign in, and whom to ask for an account') } }),
  'POST /reviews': contract({
    body: z.strictObject({}),
    responses: { 303: redirect, 403: html('The form token was missing or wrong, or the role may not start reviews') },
  }),
  'GET /records/{recordId}': contract({
    params: oneRecord,
    query: z.strictObject({ submitted: withMeta(z.optional(z.literal('1')), { description: 'Show the "submitted" confirmation' }) }),
    responses: { 200: html('The read-only record: every visible answer by section (submitted, in review, approved)'), 303: redirect, 404: notFound },
  }),
  'GET /records/{recordId}/sections/{sectionId}': contract({
    params: oneSection,
    query: z.strictObject({ notice: withMeta(z.optional(z.enum(['started', 'more'])), { description: 'A confirmation to show (review started; more questions appeared)' }) }),
    responses: { 200: html('One section of a draft as a form'), 303: redirect, 404: notFound },
  }),
  'POST /records/{recordId}/sections/{sectionId}': contract({
    params: oneSection,
    body: withMeta(z.record(z.string().check(z.maxLength(200)), formValue), {
      description: 'The section\'s fields (`name`, `group[i].name`; repeated for checkboxes), expectedVersion, _action (next, later, previous, add:<group>, remove:<group>:<i>), _count.<group>, _hidden',
    }),
    responses: {
      303: redirect,
      403: html('The form token was missing or wrong'),
      404: notFound,
      409: html('Someone else saved the record first: the section again, with what was typed'),
      422: html('The section again with the error summary and inline errors'),
    },
  }),
  'GET /records/{recordId}/review': contract({
    params: oneRecord,
    responses: { 200: html('Every visible answer by section with Change links, and the submit form'), 303: redirect, 404: notFound },
  }),
  'POST /records/{recordId}/submit': contract({
    params: oneRecord,
    body: z.strictObject({ expectedVersion: z.string().check(z.regex(/^\d{1,9}$/)), submissionId: z.string().check(z.minLength(8), z.maxLength(64)) }),
    responses: {
      303: redirect,
      403: html('The form token was missing or wrong'),
      404: notFound,
      409: html('Someone else saved the record first, or it was already submitted'),
      422: html('The review page with the error summary of every answer submission needs'),
    },
  }),
  'GET /audit': contract({
    query: z.strictObject({ cursor: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(4096))), { description: 'Where the next (older) page starts: the "Older events" link of the previous page' }) }),
    responses: {
      200: html('The audit log, newest first: of your own jurisdiction (jurisdiction admins) or of every jurisdiction (platform admins)'),
      400: html('The cursor is not one this page gave'),
      403: html('Your role does not read audit logs'),
    },
  }),
  'GET /registry': contract({
    responses: { 200: html('Every jurisdiction of the registry (platform admins)'), 403: html('Your role does not keep the registry') },
  }),
};
