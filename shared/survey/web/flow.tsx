/**
 * The anonymous survey behind functions/survey: resolve a wave link inside its jurisdiction, render the survey,
 * validate and store answers. Handlers stay thin; nothing here knows or logs who answers.
 */
import { randomUUID } from 'node:crypto';
import { documentClient } from '#shared/aws/document-client.ts';
import { NotFoundError, type FieldError } from '#shared/errors.ts';
import { resolveVisibility } from '#shared/forms/conditions.ts';
import { getForm } from '#shared/forms/registry.ts';
import { renderModel } from '#shared/forms/render-model.ts';
import { validateSubmission, type Answers, type FormContext } from '#shared/forms/index.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { logger } from '#shared/logger.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { repeatedSingleField, sectionAnswers, type PostedFields } from '#shared/web/form-values.ts';
import { repeatedFieldError } from '#shared/http/validation.ts';
import { page } from '#shared/web/components/page.tsx';
import type { Alert } from '#shared/web/components/alerts.tsx';
import { acceptsAnswers, LINK_TOKEN, surveyPath, todayUtc } from '#shared/survey/model.ts';
import { SUBMISSION_FIELD, SurveyClosed, SurveyPage, SurveyThanks } from './pages.tsx';
import { SurveyClosedError, SurveyWaves, type LinkedWave } from '#shared/survey/store.ts';

export interface LinkParams {
  jurisdictionId: string;
  linkToken: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NO_SUCH_LINK = 'There is no survey at this address. Check that the whole link you were sent is in the address bar.';

interface Resolved {
  waves: SurveyWaves;
  wave: LinkedWave;
  jurisdictionName: string;
  ctx: FormContext;
  /** The jurisdiction is still a member (a jurisdiction that left takes no answers). */
  active: boolean;
}

/** The wave of a link, looked up only inside the jurisdiction the link names. */
async function resolve(tableName: string, p: LinkParams): Promise<Resolved> {
  if (!LINK_TOKEN.test(p.linkToken) || !jurisdictionIdSchema.safeParse(p.jurisdictionId).success) throw new NotFoundError(NO_SUCH_LINK);
  const waves = new SurveyWaves(scopedTable(documentClient, tableName, p.jurisdictionId));
  const [wave, jurisdiction] = await Promise.all([waves.findByLink(p.linkToken), new JurisdictionStore(tableName).get(p.jurisdictionId)]);
  if (!wave || !jurisdiction) throw new NotFoundError(NO_SUCH_LINK);
  return { waves, wave, jurisdictionName: jurisdiction.name, ctx: { units: jurisdiction.units }, active: jurisdiction.active };
}

const closedPage = (wave: LinkedWave): HttpResult => page({ title: 'This survey is closed', anonymous: true, children: <SurveyClosed title={wave.title} /> }, 410);

function surveyPage(
  r: Resolved,
  p: LinkParams,
  opts: { csrf: string; answers?: Record<string, unknown>; errors?: FieldError[]; alert?: Alert; submissionId?: string; status?: number },
): HttpResult {
  const def = getForm(r.wave.formId, r.wave.formVersion);
  const answers = opts.answers ?? {};
  const errors = opts.errors ?? [];
  return page(
    {
      title: `${errors.length ? 'Error: ' : ''}${def.title}`,
      anonymous: true,
      children: (
        <SurveyPage
          wave={r.wave}
          linkToken={p.linkToken}
          jurisdictionName={r.jurisdictionName}
          form={renderModel(def, r.ctx)}
          visibility={resolveVisibility(def, answers).visibility}
          answers={answers}
          errors={errors}
          alert={opts.alert}
          csrf={opts.csrf}
          submissionId={opts.submissionId ?? randomUUID()}
        />
      ),
    },
    opts.status ?? 200,
  );
}

const open = (r: Resolved) => r.active && acceptsAnswers(r.wave, todayUtc());

/** GET: the survey, with a fresh submission id (what makes a resend of this page count once). */
export async function showSurvey(tableName: string, p: LinkParams, csrf: string): Promise<HttpResult> {
  const r = await resolve(tableName, p);
  return open(r) ? surveyPage(r, p, { csrf }) : closedPage(r.wave);
}

/** POST: validate every answer; invalid ones come back with the error summary, valid ones are stored once. */
export async function answerSurvey(tableName: string, p: LinkParams, posted: PostedFields, csrf: string): Promise<HttpResult> {
  const r = await resolve(tableName, p);
  if (!open(r)) return closedPage(r.wave);
  const def = getForm(r.wave.formId, r.wave.formVersion);
  const form = renderModel(def, r.ctx);
  const fields = form.sections.flatMap((s) => s.fields);
  const repeated = repeatedSingleField(fields, posted);
  if (repeated !== undefined) throw repeatedFieldError(repeated);
  const typed = sectionAnswers(fields, posted);
  const submissionId = posted[SUBMISSION_FIELD];
  if (typeof submissionId !== 'string' || !UUID.test(submissionId)) {
    // A tampered or missing id: nothing is stored; the answers come back with a fresh id to send again.
    return surveyPage(r, p, { csrf, answers: typed, status: 400, alert: { type: 'error', text: 'The survey page was incomplete, so nothing was stored. Your answers are below: check them and send again.' } });
  }
  const result = validateSubmission(def, typed, r.ctx);
  if (!result.ok) return surveyPage(r, p, { csrf, answers: typed, errors: result.errors, submissionId, status: 422 });
  try {
    // Validated answers hold no undefined, so the per-form type narrows to the stored shape.
    const outcome = await r.waves.respond(r.wave, submissionId, result.answers as Answers);
    // Counts and ids only: the wave, never the answers or anything about the respondent.
    logger.info('Survey response', { waveId: r.wave.waveId, outcome });
  } catch (error) {
    if (error instanceof SurveyClosedError) return closedPage(r.wave);
    throw error;
  }
  return { statusCode: 303, headers: { location: `${surveyPath(p.jurisdictionId, p.linkToken)}/thanks`, 'cache-control': 'no-store' }, body: '' };
}

export async function showThanks(tableName: string, p: LinkParams): Promise<HttpResult> {
  const r = await resolve(tableName, p);
  return page({ title: 'Thank you', anonymous: true, children: <SurveyThanks jurisdictionName={r.jurisdictionName} /> });
}
