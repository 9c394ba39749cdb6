import * as z from 'zod';
import { contract } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { LINK_TOKEN } from './model.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header)' };
const link = z
  .object({
    jurisdictionId: z.string().max(64).meta({ description: `The jurisdiction of the wave (${jurisdictionIdSchema.description ?? 'a registry id'})` }),
    // Both checked in the flow, not here: a truncated link is "no survey at this address" (404), not a parameter error.
    linkToken: z.string().max(200).meta({ description: `The wave link's random token, the same for every respondent (${LINK_TOKEN.source})` }),
  })
  .strict();
const noSuchLink = html('No such survey link (mistyped, or from another jurisdiction)');
const formValue = z.union([z.string().max(2_000), z.array(z.string().max(2_000)).max(50)]);
const waveId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a survey wave id');

/** The anonymous survey pages (no sign-in; the link is the only key). */
export const surveyApi = {
  'GET /survey/{jurisdictionId}/{linkToken}': contract({
    params: link,
    responses: { 200: html('The survey: every question on one page'), 404: noSuchLink, 410: html('The wave has closed: the page says so and asks for nothing') },
  }),
  'POST /survey/{jurisdictionId}/{linkToken}': contract({
    params: link,
    body: z
      .record(z.string().max(100), formValue)
      .meta({ description: 'The answers (urlencoded: one field per question) and submissionId, the random id of the page answered (a resend stores nothing twice)' }),
    responses: {
      303: redirect,
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
    query: z
      .object({
        opened: waveId.optional().meta({ description: 'The wave just opened (confirmation)' }),
        closed: waveId.optional().meta({ description: 'The wave just closed (confirmation)' }),
      })
      .strict(),
    responses: { 200: html("The jurisdiction's waves, newest first, and the form to open one"), 403: html('Your role does not manage survey waves') },
  }),
  'POST /survey-waves': contract({
    body: z
      .object({ title: z.string().max(2_000), closesOn: z.string().max(100) })
      .strict()
      .meta({ description: 'The wave title and its closing date (YYYY-MM-DD, at most 120 days ahead)' }),
    responses: { 303: redirect, 403: html('The form token was missing or wrong'), 422: html('The page again with the error summary and what was typed') },
  }),
  'POST /survey-waves/{waveId}/close': contract({
    params: z.object({ waveId }).strict(),
    body: z.object({}).strict(),
    responses: { 303: redirect, 403: html('The form token was missing or wrong'), 404: html('No such wave in your jurisdiction') },
  }),
};
