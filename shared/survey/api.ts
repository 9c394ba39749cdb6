import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';
import { MAX_STAFF_LIST_BYTES } from './invitations/csv.ts';
import { LINK_TOKEN, PERSONAL_TOKEN } from './model.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header)' };
// Both checked in the flow, not here: a truncated or mistyped link is "no survey at this address" (404), not a parameter error.
const jurisdiction = z.lazy(() =>
  z.strictObject({ jurisdictionId: withMeta(z.string().check(z.maxLength(64)), { description: 'The jurisdiction of the wave (its registry id)' }) }),
);
const noSuchLink = html('No such survey link (mistyped, forged, of another wave or jurisdiction); nothing was stored');
const formValue = z.lazy(() => z.union([z.string().check(z.maxLength(2_000)), z.array(z.string().check(z.maxLength(2_000))).check(z.maxLength(50))]));
const waveId = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a survey wave id'));
const gone = html('The wave has closed, or (a personal link) the link was already used: the page says which; nothing was stored');
const TOKEN_DESCRIPTION = `The token of the link: whatever follows # (the open link's ${LINK_TOKEN.source}, or a personal ${PERSONAL_TOKEN.source}); a whole pasted link is taken too`;

/**
 * The anonymous survey pages (no sign-in). Links are `/survey/<jurisdiction>#<token>`: browsers never send the part
 * after #, so the token reaches the platform only in the body of these posts, never in a URL or an access log.
 */
export const surveyApi = {
  'GET /survey/{jurisdictionId}': contract({
    params: jurisdiction,
    responses: { 200: html('The start page: a script copies the token from the address into the form; without it, a field asks for the code'), 404: html('No such jurisdiction') },
  }),
  'POST /survey/{jurisdictionId}/start': contract({
    form: true,
    params: jurisdiction,
    body: z.lazy(() => withMeta(z.strictObject({ token: z.string().check(z.maxLength(2_000)) }), { description: TOKEN_DESCRIPTION })),
    responses: { 200: html('The survey: every question on one page'), 403: html('The form token was missing or wrong'), 404: noSuchLink, 410: gone, 422: html('The start page again: no code was entered') },
  }),
  'POST /survey/{jurisdictionId}/answers': contract({
    form: true,
    // Checkboxes repeat their name; the flow refuses any other repeated field (it knows the survey's fields).
    repeatable: 'any',
    params: jurisdiction,
    body: z.lazy(() => withMeta(z.record(z.string().check(z.maxLength(100)), formValue), {
      description: 'token (as for start), submissionId (the random id of the page answered) and the answers, one field per question (urlencoded). In invitation mode a posted unit is ignored: the invitation says the unit',
    })),
    responses: {
      303: redirect,
      400: html('A field was sent twice, a button is not one the page has, or the submission id was tampered with; nothing was stored'),
      403: html('The form token was missing or wrong, or the post came from another site'),
      404: noSuchLink,
      410: gone,
      422: html('The survey again, with the error summary, and the answers kept'),
    },
  }),
  'GET /survey/{jurisdictionId}/thanks': contract({
    params: jurisdiction,
    responses: { 200: html('Thank you: the answers were received'), 404: html('No such jurisdiction') },
  }),
};

/** The jurisdiction admin's survey wave pages. */
export const surveyWavesApi = {
  'GET /survey-waves': contract({
    query: z.lazy(() => z.strictObject({
      opened: withMeta(z.optional(waveId), { description: 'The wave just opened (confirmation)' }),
      closed: withMeta(z.optional(waveId), { description: 'The wave just closed (confirmation)' }),
      again: withMeta(z.optional(waveId), { description: 'The wave was closed already: nothing was done again (confirmation)' }),
      imported: withMeta(z.optional(waveId), { description: 'A staff list was just imported for this wave (confirmation)' }),
      added: withMeta(z.optional(z.string().check(z.regex(/^\d{1,6}$/))), { description: 'How many people the import added' }),
      skipped: withMeta(z.optional(z.string().check(z.regex(/^\d{1,6}$/))), { description: 'How many listed people were on the list already' }),
    })),
    responses: { 200: html("The jurisdiction's waves, newest first, and the form to open one"), 403: html('Your role does not manage survey waves') },
  }),
  'POST /survey-waves': contract({
    form: true,
    body: z.lazy(() => withMeta(z.strictObject({
      title: z.string().check(z.maxLength(2_000)),
      closesOn: z.string().check(z.maxLength(100)),
      mode: z.optional(z.string().check(z.maxLength(40))),
      reminder1: z.optional(z.string().check(z.maxLength(100))),
      reminder2: z.optional(z.string().check(z.maxLength(100))),
    }), {
      description: 'The wave title, its closing date (YYYY-MM-DD, at most 120 days ahead), the mode (open_link or invitations) and, for invitations, up to two reminder days (between tomorrow and the closing date)',
    })),
    responses: { 303: redirect, 403: html('The form token was missing or wrong'), 422: html('The page again with the error summary and what was typed') },
  }),
  'POST /survey-waves/{waveId}/close': contract({
    form: true,
    params: z.lazy(() => z.strictObject({ waveId })),
    body: z.lazy(() => z.strictObject({})),
    responses: { 303: redirect, 403: html('The form token was missing or wrong'), 404: html('No such wave in your jurisdiction') },
  }),
  'GET /survey-waves/{waveId}/staff': contract({
    params: z.lazy(() => z.strictObject({ waveId })),
    responses: { 200: html("The staff list form, with the wave's invitation counts"), 403: html('Your role does not manage survey waves'), 404: html('No such wave in your jurisdiction') },
  }),
  'POST /survey-waves/{waveId}/staff': contract({
    form: true,
    multipart: { files: ['file'], maxBytes: MAX_STAFF_LIST_BYTES + 64 * 1024 },
    params: z.lazy(() => z.strictObject({ waveId })),
    body: z.lazy(() => withMeta(z.strictObject({ list: z.optional(z.string().check(z.maxLength(MAX_STAFF_LIST_BYTES))) }), {
      description: 'The staff list typed (CSV text: the header "email,unit", then one person a line), or uploaded as the file field (multipart/form-data, UTF-8 CSV)',
    })),
    responses: {
      303: redirect,
      403: html('The form token was missing or wrong'),
      404: html('No such wave in your jurisdiction'),
      409: html('The wave is not in invitation mode, is closed, or another import is under way'),
      422: html('The form again with every problem of the list by line (at most 50 shown, the rest counted); nothing was imported'),
    },
  }),
};
