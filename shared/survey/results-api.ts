import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });
const csv = (description: string) => ({ description, contentType: 'text/csv' });
const waveId = z.lazy(() => z.strictObject({ waveId: withMeta(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a survey wave id')), { description: 'A survey wave of your jurisdiction' }) }));
const noWave = html("No such wave in your jurisdiction (another jurisdiction's waves are not found either), or the wave is still open: the page says results come when it closes");

/** The survey results pages and the partnership's baselines and targets (shared/survey/web/results-flow.tsx). */
export const surveyResultsApi = {
  'GET /survey-waves/{waveId}/results': contract({
    params: waveId,
    responses: { 200: html("The wave's frozen results per group and scale with charts and tables, against baseline and target, and the trend"), 403: html('Your role does not read survey results'), 404: noWave },
  }),
  'GET /survey-waves/{waveId}/results.csv': contract({
    params: waveId,
    responses: { 200: csv('The numbers the results page shows; suppressed cells empty with a `suppressed` column'), 403: html('Your role does not read survey results'), 404: noWave },
  }),
  'GET /survey-results': contract({
    responses: { 200: html("Every jurisdiction's latest closed wave at jurisdiction level, the pool, against baseline and target"), 403: html('Your role does not read partnership survey results') },
  }),
  'GET /survey-results.csv': contract({
    responses: { 200: csv('The numbers the partnership results page shows'), 403: html('Your role does not read partnership survey results') },
  }),
  'GET /survey-targets': contract({
    query: z.lazy(() => z.strictObject({ saved: withMeta(z.optional(z.literal('1')), { description: 'The targets were just saved (confirmation)' }) })),
    responses: { 200: html('The baselines and targets form with the current values, and the latest changes'), 403: html('Only platform admins set targets') },
  }),
  'POST /survey-targets': contract({
    form: true,
    body: z.lazy(() => withMeta(z.record(z.string().check(z.maxLength(200)), z.string().check(z.maxLength(200))), {
      description: 'Per scale `<scale>.measure` (percent_positive, mean or none), `<scale>.change`, `<scale>.baseline` (first_closed or chosen) and `<scale>.wave.<jurisdictionId>`; expectedVersion',
    })),
    responses: {
      303: { description: 'Saved: back to the form with a confirmation (Location header)' },
      403: html('The form token was missing or wrong, or the role is not a platform admin'),
      409: html('Someone else saved the targets after the form was opened: the form again with what was typed'),
      422: html('The form again with the error summary and what was typed'),
    },
  }),
};
