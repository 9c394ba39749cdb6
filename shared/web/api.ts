import * as z from 'zod';
import { contract } from '#shared/http/contract.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const redirect = { description: 'Redirect (Location header)' };
const recordId = z.string().min(1).max(64).meta({ description: 'The record id (of your own jurisdiction)' });
const sectionId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'Not a section id').meta({ description: 'A section id of the record\'s form version' });
const oneRecord = z.object({ recordId }).strict();
const oneSection = z.object({ recordId, sectionId }).strict();
const formValue = z.union([z.string().max(20_000), z.array(z.string().max(20_000)).max(200)]);
const oneJurisdiction = z.object({ jurisdictionId: jurisdictionIdSchema }).strict();
const registryForm = z
  .record(z.string().max(200), formValue)
  .meta({ description: 'The registry form: id (adding only), name, type, state, county, active (true/false), joinedYear, units (one `code | label` per line), contacts[i].role|name|email; expectedVersion when editing' });
const notFound = html('No such record in your jurisdiction (another jurisdiction\'s records are not found either)');

/** Contracts of the web pages (HTML answers; form posts take urlencoded fields with the CSRF token). */
export const webApi = {
  'GET /': contract({
    query: z
      .object({
        started: z.string().max(64).optional().meta({ description: 'Id of the record just started (confirmation)' }),
        saved: z.string().max(64).optional().meta({ description: 'Id of the draft just saved to return to later (confirmation)' }),
      })
      .strict(),
    responses: { 200: html('The home page: what the platform is, or the signed-in person\'s tasks, start forms and recent records') },
  }),
  'GET /sign-in-help': contract({ responses: { 200: html('How to sign in, and whom to ask for an account') } }),
  'POST /records': contract({
    body: z
      .object({ formId: z.string().max(64).optional().meta({ description: 'The form to start: critical_incident_review or safety_notice' }) })
      .strict(),
    responses: {
      303: redirect,
      400: html('The form id is not one that can be started from the home page'),
      403: html('The form token was missing or wrong, or the role may not start records'),
    },
  }),
  'GET /records/{recordId}': contract({
    params: oneRecord,
    query: z
      .object({
        submitted: z.literal('1').optional().meta({ description: 'Show the "submitted" confirmation' }),
        moved: z.enum(['in_review', 'returned', 'approved']).optional().meta({ description: "Show the confirmation of a reviewer's decision" }),
      })
      .strict(),
    responses: { 200: html('The read-only record: every visible answer by section (submitted, in review, approved)'), 303: redirect, 404: notFound },
  }),
  'GET /records/{recordId}/sections/{sectionId}': contract({
    params: oneSection,
    query: z.object({ notice: z.enum(['started', 'more']).optional().meta({ description: 'A confirmation to show (review started; more questions appeared)' }) }).strict(),
    responses: { 200: html('One section of a draft as a form'), 303: redirect, 404: notFound },
  }),
  'POST /records/{recordId}/sections/{sectionId}': contract({
    params: oneSection,
    body: z
      .record(z.string().max(200), formValue)
      .meta({ description: 'The section\'s fields (`name`, `group[i].name`; repeated for checkboxes), expectedVersion, _action (next, later, previous, add:<group>, remove:<group>:<i>), _count.<group>, _hidden' }),
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
    body: z.object({ expectedVersion: z.string().regex(/^\d{1,9}$/), submissionId: z.string().min(8).max(64) }).strict(),
    responses: {
      303: redirect,
      403: html('The form token was missing or wrong'),
      404: notFound,
      409: html('Someone else saved the record first, or it was already submitted'),
      422: html('The review page with the error summary of every answer submission needs'),
    },
  }),
  'POST /records/{recordId}/transitions': contract({
    params: oneRecord,
    body: z
      .object({
        expectedVersion: z.string().max(16).optional().meta({ description: 'The record version the page showed' }),
        to: z.string().max(32).optional().meta({ description: 'in_review, returned or approved (the moves legal from the record\'s status)' }),
        reason: z.string().max(20_000).optional().meta({ description: 'What the submitter must change (required to return)' }),
      })
      .strict()
      .meta({ description: "A reviewer's decision form (reviewers of the record's jurisdiction)" }),
    responses: {
      303: redirect,
      400: html('No decision or no version was sent'),
      403: html('The form token was missing or wrong, or the role does not review records'),
      404: notFound,
      409: html('Someone else acted on the record first, or the move is not possible from its status: the record as it is now'),
      422: html('The record page with the error summary: returning needs a reason'),
    },
  }),
  'GET /audit': contract({
    query: z.object({ cursor: z.string().min(1).max(4096).optional().meta({ description: 'Where the next (older) page starts: the "Older events" link of the previous page' }) }).strict(),
    responses: {
      200: html('The audit log, newest first: of your own jurisdiction (jurisdiction admins) or of every jurisdiction (platform admins)'),
      400: html('The cursor is not one this page gave'),
      403: html('Your role does not read audit logs'),
    },
  }),
  'GET /registry': contract({
    query: z.object({ saved: z.string().max(64).optional().meta({ description: 'Id of the jurisdiction just saved (confirmation)' }) }).strict(),
    responses: { 200: html('Every jurisdiction of the registry with Edit links (platform admins)'), 403: html('Your role does not keep the registry') },
  }),
  'GET /registry/new': contract({
    responses: { 200: html('The form that adds a jurisdiction'), 403: html('Your role does not keep the registry') },
  }),
  'POST /registry': contract({
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
