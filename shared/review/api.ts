import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';
import { REASON_MAX_LENGTH } from '#shared/records/model.ts';
import { ACTION_ID_PATTERN } from './action-ids.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header): to sign-in and back when signed out; to the record for an Open link or after a decision' };
// Checked in the flow, not here: a truncated or mistyped link is "no such link" (a page, 404), not a parameter error.
const oneAction = z.lazy(() => z.strictObject({
  actionId: withMeta(z.string().check(z.maxLength(200)), { description: `The emailed link's action id (${ACTION_ID_PATTERN.source}): random, single use, bound to the reviewer it was sent to` }),
}));
const refusals = {
  403: html('The link was sent to someone else (a forwarded email), or the form token was missing or wrong'),
  404: html('No such link for your account: mistyped, cut short by the mail program, or of another jurisdiction'),
  409: html('The link was used already, or the review has moved on (decided, resubmitted, or a newer email was sent)'),
  410: html('The link has expired'),
};

/** The pages of an emailed review link (docs/review.md): a confirmation page (GET, changes nothing) and its form post. */
export const reviewActionApi = {
  'GET /actions/{actionId}': contract({
    params: oneAction,
    responses: {
      200: html('The confirmation page: which record, which decision, and a form to confirm it (a reason to return); nothing changes until it is sent'),
      303: redirect,
      ...refusals,
    },
  }),
  'POST /actions/{actionId}': contract({
    form: true,
    params: oneAction,
    body: z.lazy(() => withMeta(z.strictObject({ reason: z.optional(z.string().check(z.maxLength(REASON_MAX_LENGTH * 2))) }), {
      description: `The confirmation form: reason (required to return, at most ${REASON_MAX_LENGTH} characters)`,
    })),
    responses: {
      303: redirect,
      ...refusals,
      422: html('The confirmation page again with the error summary: returning needs a reason; nothing was used up'),
    },
  }),
};
