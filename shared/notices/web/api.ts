import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { withMeta } from '#shared/zod-config.ts';
import { ACTION_ID_PATTERN } from '#shared/review/action-ids.ts';
import { ANSWER_REASON_MAX } from '../answers.ts';
import { WITHDRAW_REASON_MAX } from '../service.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const text = (description: string, max: number) => withMeta(z.optional(z.string().check(z.maxLength(max))), { description });
// Loose on purpose: an unknown or malformed id answers the notice pages' own 404, which says what to do.
const issuerId = withMeta(z.string().check(z.minLength(1), z.maxLength(80)), { description: 'The issuing jurisdiction (its registry id)' });
const recordId = withMeta(z.string().check(z.minLength(1), z.maxLength(80)), { description: "The notice's record id" });

// Checked in the flow: a truncated or mistyped link gets the link's own 404 page, not a parameter error.
const oneLink = z.lazy(() =>
  z.strictObject({ actionId: withMeta(z.string().check(z.maxLength(200)), { description: `The emailed link's id (${ACTION_ID_PATTERN.source}): random, for one recipient jurisdiction and notice version` }) }),
);
const linkDoesNotWork = html('This link does not work: unknown, expired or malformed (one answer for all three); nothing recorded');

/** The safety notice pages (shared/notices/web/flow.tsx, link-flow.tsx). */
export const noticesApi = {
  'GET /notices': contract({
    query: z.lazy(() =>
      z.strictObject({
        theme: text('A theme code (the improvement-opportunity themes)', 80),
        level: text('`alert`, `advisory` or `lesson_learned`', 40),
        issuer: text('An issuing jurisdiction id', 80),
        status: text('`active` or `withdrawn`', 20),
        from: text('First published on or after (YYYY-MM-DD)', 20),
        to: text('First published on or before (YYYY-MM-DD)', 20),
        q: text('Words to find in the title, systemic issue, evidence and actions', 200),
      }),
    ),
    responses: {
      200: html("Every partner's published safety notices matching the filters, newest first, with the filter form"),
      400: html('A filter that is not one of its values or not a date (the page says which)'),
      403: html('Your role does not read the notices'),
    },
  }),
  'GET /notices/{jurisdictionId}/{recordId}': contract({
    params: z.lazy(() => z.strictObject({ jurisdictionId: issuerId, recordId })),
    query: z.lazy(() => z.strictObject({ withdrawn: text('`1` after the issuer withdrew it: the page says so', 8), answered: text("`1` after your jurisdiction answered: the page says so", 8) })),
    responses: {
      200: html("A published notice, read-only: level, theme, what was learned, the actions asked of every partner, deadlines, audience, contact, and each version with its reason; the issuer's reviewers and admins see the withdraw form"),
      404: html('No published notice at this address (a draft or another jurisdiction\u2019s unpublished record is not found either)'),
    },
  }),
  'POST /notice-answers/{issuerId}/{recordId}': contract({
    form: true,
    params: z.lazy(() => z.strictObject({ issuerId, recordId })),
    body: z.lazy(() =>
      withMeta(
        z.strictObject({
          status: text('`acknowledged`, `in_progress`, `completed` or `not_applicable`', 40),
          reason: text(`Required for not applicable (at most ${ANSWER_REASON_MAX} characters)`, 8000),
        }),
        { description: "Your jurisdiction's answer" },
      ),
    ),
    responses: {
      303: { description: 'Answered (Location: the notice, which says so)' },
      403: html('The form token was missing or wrong, the role does not answer notices, or this is your own jurisdiction’s notice'),
      404: html('No published notice at this address'),
      409: html('Not the next answer (acknowledging twice says when and by whom), a withdrawn notice, or an answer at the same moment'),
      422: html('The notice page again with the error summary: no answer chosen, or not applicable without a reason'),
    },
  }),
  'GET /notices/{jurisdictionId}/{recordId}/status': contract({
    params: z.lazy(() => z.strictObject({ jurisdictionId: jurisdictionIdSchema, recordId })),
    responses: {
      200: html('Every partner jurisdiction, its answer with who and when, and days overdue; counts of answered, done and overdue; the CSV link'),
      404: html('No published notice of this jurisdiction at this address'),
    },
  }),
  'GET /notices/{jurisdictionId}/{recordId}/status.csv': contract({
    params: z.lazy(() => z.strictObject({ jurisdictionId: jurisdictionIdSchema, recordId })),
    responses: {
      200: { description: 'The status table as CSV (text/csv, attachment)', contentType: 'text/csv' },
      404: html('No published notice of this jurisdiction at this address'),
    },
  }),
  'POST /notices/{jurisdictionId}/{recordId}/withdraw': contract({
    form: true,
    params: z.lazy(() => z.strictObject({ jurisdictionId: jurisdictionIdSchema, recordId })),
    body: z.lazy(() => withMeta(z.strictObject({ reason: text(`Why the notice is withdrawn (required, at most ${WITHDRAW_REASON_MAX} characters): partners are told`, 8000) }), { description: 'The withdraw form' })),
    responses: {
      303: { description: 'Withdrawn (Location: the notice, which says so)' },
      403: html('The form token was missing or wrong, or the role does not withdraw notices'),
      404: html('Your jurisdiction published no notice with this id'),
      409: html('The notice is withdrawn already, or changed at the same moment'),
      422: html('The notice page again with the error summary: no reason, or one too long'),
    },
  }),
  'GET /notice-links/{actionId}': contract({
    params: oneLink,
    responses: {
      200: html("An Acknowledge link: the page with one button that acknowledges for the link's jurisdiction, or that jurisdiction's answer so far with when and by whom"),
      303: { description: 'Redirect (Location header): to sign-in and back when signed out; to the notice for an Open link' },
      403: html("The link is for another jurisdiction's reviewers and admins, or your role does not answer notices: nothing recorded"),
      404: linkDoesNotWork,
      409: html('The notice was withdrawn: no answer is needed'),
    },
  }),
  'POST /notice-links/{actionId}': contract({
    form: true,
    params: oneLink,
    body: z.lazy(() => withMeta(z.strictObject({}), { description: 'The acknowledge form (its CSRF token only)' })),
    responses: {
      303: { description: 'Acknowledged (Location: the notice, which says so)' },
      403: html("The form token was missing or wrong, your role does not answer notices, or the link is for another jurisdiction: nothing recorded"),
      404: linkDoesNotWork,
      409: html('Acknowledged already (the page says when and by whom), or the notice was withdrawn: nothing recorded'),
    },
  }),
};
