import * as z from 'zod/mini';
import { contract, errorResponse } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { withMeta } from '#shared/zod-config.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header)' };
const optionalText = (max: number, description: string) => withMeta(z.optional(z.string().check(z.maxLength(max))), { description });
const recordId = withMeta(z.string().check(z.minLength(1), z.maxLength(64)), { description: 'The record id (of your own jurisdiction)' });
const sectionId = withMeta(z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'Not a section id')), { description: 'A section id of the record\'s form version' });
const oneRecord = z.lazy(() => z.strictObject({ recordId }));
const oneSection = z.lazy(() => z.strictObject({ recordId, sectionId }));
const formValue = z.lazy(() => z.union([z.string().check(z.maxLength(20_000)), z.array(z.string().check(z.maxLength(20_000))).check(z.maxLength(200))]));
const oneJurisdiction = z.lazy(() => z.strictObject({ jurisdictionId: jurisdictionIdSchema }));
const registryForm = z.lazy(() => withMeta(z.record(z.string().check(z.maxLength(200)), formValue), {
  description: 'The registry form: id (adding only), name, type, state, county, active (true/false), joinedYear, units (one `code | label` per line), contacts[i].role|name|email; expectedVersion when editing',
}));
const notFound = html('No such record in your jurisdiction (another jurisdiction\'s records are not found either)');

/** Contracts of the web pages (HTML answers; form posts take urlencoded fields with the CSRF token). */
export const webApi = {
  'GET /': contract({
    query: z.lazy(() => z.strictObject({
      started: optionalText(64, 'Id of the record just started (confirmation)'),
      saved: optionalText(64, 'Id of the draft just saved to return to later (confirmation)'),
    })),
    responses: { 200: html('The home page: what the platform is, or the signed-in person\'s tasks, start forms and recent records') },
  }),
  'GET /sign-in-help': contract({ responses: { 200: html('How to sign in, and whom to ask for an account') } }),
  // The body is read by shared/http/csp-reports.ts (two report formats, neither application/json).
  'POST /api/csp-reports': contract({
    responses: () => {
      const error = (description: string) => ({ description, schema: errorResponse() });
      return {
        204: { description: 'The report was logged: the directive, the blocked resource\'s origin and path, the document\'s path' },
        400: error('The body is not a report of the format its content type names'),
        403: error('The report came from another site'),
        413: error('The body is over 16 KB'),
        415: error('The content type is neither application/reports+json (Reporting API) nor application/csp-report'),
        429: error('Too many reports reached this container in the last minute'),
      };
    },
  }),
  'GET /records': contract({
    // Text as the search form sends it (empty means "any"); shared/web/record-list.tsx checks each value and
    // answers a bad one with the form again and a message naming the field.
    query: z.lazy(() => z.strictObject({
      search: optionalText(1000, "Part of the agency's review id or the notice's title"),
      formId: optionalText(1000, 'critical_incident_review or safety_notice'),
      status: optionalText(1000, 'draft, submitted, in_review, returned or approved'),
      from: optionalText(1000, 'Created on or after this date (YYYY-MM-DD)'),
      to: optionalText(1000, 'Created on or before this date (YYYY-MM-DD)'),
      cursor: optionalText(8192, 'The next page (from the page before)'),
    })),
    responses: {
      200: html("Your jurisdiction's records that match, newest first, 25 a page"),
      400: html('The list with the search form again and a message naming the value that is not valid (a page link from another search, a bad date...)'),
      403: html('The role may not list records'),
    },
  }),
  'POST /records': contract({
    form: true,
    body: z.lazy(() => z.strictObject({ formId: optionalText(64, 'The form to start: critical_incident_review or safety_notice') })),
    responses: {
      303: redirect,
      400: html('The form id is not one that can be started from the home page'),
      403: html('The form token was missing or wrong, or the role may not start records'),
    },
  }),
  'GET /records/{recordId}': contract({
    params: oneRecord,
    query: z.lazy(() => z.strictObject({
      submitted: withMeta(z.optional(z.literal('1')), { description: 'Show the "submitted" confirmation' }),
      moved: withMeta(z.optional(z.enum(['in_review', 'returned', 'approved'])), { description: "Show the confirmation of a reviewer's decision" }),
      amended: withMeta(z.optional(z.literal('1')), { description: 'Show the "amended" confirmation' }),
    })),
    responses: { 200: html('The read-only record: every visible answer by section (submitted, in review, approved)'), 303: redirect, 404: notFound },
  }),
  'GET /records/{recordId}/sections/{sectionId}': contract({
    params: oneSection,
    query: z.lazy(() => z.strictObject({ notice: withMeta(z.optional(z.enum(['started', 'more'])), { description: 'A confirmation to show (review started; more questions appeared)' }) })),
    responses: { 200: html('One section of a draft as a form'), 303: redirect, 404: notFound },
  }),
  'POST /records/{recordId}/sections/{sectionId}': contract({
    form: true,
    // Checkboxes repeat their name; the flow refuses any other repeated field (it knows the form's fields).
    repeatable: 'any',
    params: oneSection,
    body: z.lazy(() => withMeta(z.record(z.string().check(z.maxLength(200)), formValue), {
      description: 'The section\'s fields (`name`, `group[i].name`; repeated for checkboxes), expectedVersion, _action (next, later, previous, add:<group>, remove:<group>:<i>), _count.<group>, _hidden',
    })),
    responses: {
      303: redirect,
      400: html('A single-value field was sent more than once, or the button (_action) is not one the page has; nothing was saved'),
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
    form: true,
    params: oneRecord,
    body: z.lazy(() => z.strictObject({ expectedVersion: z.string().check(z.regex(/^\d{1,9}$/)), submissionId: z.string().check(z.minLength(8), z.maxLength(64)) })),
    responses: {
      303: redirect,
      403: html('The form token was missing or wrong'),
      404: notFound,
      409: html('Someone else saved the record first, or it was already submitted'),
      422: html('The review page with the error summary of every answer submission needs'),
    },
  }),
  'POST /records/{recordId}/transitions': contract({
    form: true,
    params: oneRecord,
    body: z.lazy(() => withMeta(
      z.strictObject({
        expectedVersion: optionalText(16, 'The record version the page showed'),
        to: optionalText(32, 'in_review, returned or approved (the moves legal from the record\'s status)'),
        reason: optionalText(20_000, 'What the submitter must change (required to return)'),
      }),
      { description: "A reviewer's decision form (reviewers of the record's jurisdiction)" },
    )),
    responses: {
      303: redirect,
      400: html('No decision or no version was sent'),
      403: html('The form token was missing or wrong, or the role does not review records'),
      404: notFound,
      409: html('Someone else acted on the record first, or the move is not possible from its status: the record as it is now'),
      422: html('The record page with the error summary: returning needs a reason'),
    },
  }),
  'GET /records/{recordId}/amend': contract({
    params: oneRecord,
    responses: { 200: html('The amendment page: the approved record and the reason form'), 303: redirect, 404: notFound },
  }),
  'POST /records/{recordId}/amend': contract({
    form: true,
    params: oneRecord,
    body: z.lazy(() => withMeta(
      z.strictObject({
        expectedVersion: optionalText(16, 'The record version the page showed'),
        reason: optionalText(20_000, 'Why the approved record must change (required)'),
      }),
      { description: 'The amendment form (reviewers and jurisdiction admins of the record\'s jurisdiction)' },
    )),
    responses: {
      303: redirect,
      400: html('No version was sent'),
      403: html('The form token was missing or wrong, or the role does not amend records'),
      404: notFound,
      409: html('The record changed since the page was opened, or is not approved: the amendment page as it is now'),
      422: html('The amendment page with the error summary: a reason is required'),
    },
  }),
  'GET /records/{recordId}/history': contract({
    params: oneRecord,
    responses: { 200: html('The version history: each change with who, when, the changed fields by label, and reasons'), 404: notFound },
  }),
  'GET /audit': contract({
    query: z.lazy(() => z.strictObject({
      cursor: withMeta(z.optional(z.string().check(z.minLength(1), z.maxLength(4096))), { description: 'Where the next (older) page starts: the "Older events" link of the previous page' }),
    })),
    responses: {
      200: html('The audit log, newest first: of your own jurisdiction (jurisdiction admins) or of every jurisdiction (platform admins)'),
      400: html('The cursor is not one this page gave'),
      403: html('Your role does not read audit logs'),
    },
  }),
  'GET /registry': contract({
    query: z.lazy(() => z.strictObject({ saved: optionalText(64, 'Id of the jurisdiction just saved (confirmation)') })),
    responses: { 200: html('Every jurisdiction of the registry with Edit links (platform admins)'), 403: html('Your role does not keep the registry') },
  }),
  'GET /registry/new': contract({
    responses: { 200: html('The form that adds a jurisdiction'), 403: html('Your role does not keep the registry') },
  }),
  'POST /registry': contract({
    form: true,
    body: registryForm,
    responses: {
      303: { description: 'Added: redirect to the registry with ?saved=<id>' },
      403: html('The form token was missing or wrong, or the role does not keep the registry'),
      409: html('The id is taken: the form again with what was typed and the error on the id'),
      422: html('The form again with the error summary and inline errors, and what was typed'),
    },
  }),
  'GET /registry/{jurisdictionId}/edit': contract({
    params: oneJurisdiction,
    responses: { 200: html('The form that edits the jurisdiction, with its version'), 403: html('Your role does not keep the registry'), 404: html('No jurisdiction has this id') },
  }),
  'POST /registry/{jurisdictionId}': contract({
    form: true,
    params: oneJurisdiction,
    body: registryForm,
    responses: {
      303: { description: 'Saved: redirect to the registry with ?saved=<id>' },
      403: html('The form token was missing or wrong, or the role does not keep the registry'),
      404: html('No jurisdiction has this id'),
      409: html('Someone else changed the jurisdiction first: the form again with what was typed, over the latest version'),
      422: html('The form again with the error summary and inline errors, and what was typed'),
    },
  }),
};
