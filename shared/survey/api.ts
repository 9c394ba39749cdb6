import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';
import { LINK_TOKEN } from './model.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header)' };
// Both checked in the flow, not here: a truncated or mistyped link is "no survey at this address" (404), not a parameter error.
const link = z.lazy(() => z.strictObject({
  jurisdictionId: withMeta(z.string().check(z.maxLength(64)), { description: 'The jurisdiction of the wave (its registry id)' }),
  linkToken: withMeta(z.string().check(z.maxLength(200)), { description: `The wave link's random token, the same for every respondent (${LINK_TOKEN.source})` }),
}));
const noSuchLink = html('No such survey link (mistyped, or from another jurisdiction)');
const formValue = z.lazy(() => z.union([z.string().check(z.maxLength(2_000)), z.array(z.string().check(z.maxLength(2_000))).check(z.maxLength(50))]));
const waveId = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a survey wave id'));

/** The anonymous survey pages (no sign-in; the link is the only key). */
export const surveyApi = {
  'GET /survey/{jurisdictionId}/{linkToken}': contract({
    params: link,
    responses: { 200: html('The survey: every question on one page'), 404: noSuchLink, 410: html('The wave has closed: the page says so and asks for nothing') },
  }),
  'POST /survey/{jurisdictionId}/{linkToken}': contract({
    form: true,
    // Checkboxes repeat their name; the flow refuses any other repeated field (it knows the survey's fields).
    repeatable: 'any',
    params: link,
    body: z.lazy(() => withMeta(z.record(z.string().check(z.maxLength(100)), formValue), {
      description: 'The answers (urlencoded: one field per question) and submissionId, the random id of the page answered (a resend stores nothing twice)',
    })),
    responses: {
      303: redirect,
      400: html('A field was sent twice, a button is not one the page has, or the submission id was tampered with; nothing was stored'),
      403: html('The form token was missing or wrong, or the post came from another site'),
      404: noSuchLink,
      410: html('The wave closed before the answers arrived; nothing was stored'),
      422: html('The survey again, with the error summary, and the answers kept'),
    },
  }),
  'GET /survey/{jurisdictionId}/{linkToken}/thanks': contract({
    params: link,
    responses: { 200: html('Thank you: the answers were received'), 404: noSuchLink },
  }),
};

/** The jurisdiction admin's survey wave pages. */
export const surveyWavesApi = {
  'GET /survey-waves': contract({
    query: z.lazy(() => z.strictObject({
      opened: withMeta(z.optional(waveId), { description: 'The wave just opened (confirmation)' }),
      closed: withMeta(z.optional(waveId), { description: 'The wave just closed (confirmation)' }),
    })),
    responses: { 200: html("The jurisdiction's waves, newest first, and the form to open one"), 403: html('Your role does not manage survey waves') },
  }),
  'POST /survey-waves': contract({
    form: true,
    body: z.lazy(() => withMeta(z.strictObject({ title: z.string().check(z.maxLength(2_000)), closesOn: z.string().check(z.maxLength(100)) }), {
      description: 'The wave title and its closing date (YYYY-MM-DD, at most 120 days ahead)',
    })),
    responses: { 303: redirect, 403: html('The form token was missing or wrong'), 422: html('The page again with the error summary and what was typed') },
  }),
  'POST /survey-waves/{waveId}/close': contract({
    form: true,
    params: z.lazy(() => z.strictObject({ waveId })),
    body: z.lazy(() => z.strictObject({})),
    responses: { 303: redirect, 403: html('The form token was missing or wrong'), 404: html('No such wave in your jurisdiction') },
  }),
};
