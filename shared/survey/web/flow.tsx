/**
 * The anonymous survey behind functions/survey. A link is `/survey/<jurisdiction>#<token>`: the start page's script
 * copies the token from the address (browsers never send what follows #) into its form, and the token travels only
 * in the bodies of the start and answers posts. The token is an open link's (the same for all staff; the respondent
 * picks a unit) or a personal invitation's (one answer; the invitation says the unit, a posted unit is ignored).
 * Handlers stay thin; nothing here knows or logs who answers.
 */
import { randomUUID } from 'node:crypto';
import { documentClient } from '#shared/aws/document-client.ts';
import { NotFoundError, type FieldError } from '#shared/errors.ts';
import { resolveVisibility } from '#shared/forms/conditions.ts';
import { getForm } from '#shared/forms/registry.ts';
import { renderModel, type RenderForm } from '#shared/forms/render-model.ts';
import { validateSubmission, type Answers, type FormContext } from '#shared/forms/index.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { logger } from '#shared/logger.ts';
import { jurisdictionIdSchema } from '#shared/storage/keys.ts';
import { scopedTable } from '#shared/storage/scoped-table.ts';
import { repeatedSingleField, sectionAnswers, type PostedFields } from '#shared/web/form-values.ts';
import { repeatedFieldError } from '#shared/http/validation.ts';
import { page } from '#shared/web/components/page.tsx';
import type { Alert } from '#shared/web/components/alerts.tsx';
import { acceptsAnswers, LINK_TOKEN, PERSONAL_TOKEN, surveyPath, todayUtc, tokenOf } from '#shared/survey/model.ts';
import { InvitationClosedError, InvitationUsedError, StaffLists, type Invitation } from '#shared/survey/invitations/store.ts';
import { SUBMISSION_FIELD, TOKEN_FIELD, SurveyClosed, SurveyLinkUsed, SurveyPage, SurveyStart, SurveyThanks, UNIT_FIELD } from './pages.tsx';
import { SurveyClosedError, SurveyWaves, type LinkedWave } from '#shared/survey/store.ts';

export interface JurisdictionParams {
  jurisdictionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NO_SUCH_LINK = 'There is no survey for this link or code. Check that you used the whole link you were sent, or copy the code from your email again.';

type Resolved =
  | { kind: 'open_link'; wave: LinkedWave; waves: SurveyWaves; token: string }
  | { kind: 'personal'; wave: LinkedWave; invitation: Invitation; lists: StaffLists; token: string };

async function jurisdictionOf(tableName: string, jurisdictionId: string): Promise<Jurisdiction> {
  if (!jurisdictionIdSchema.safeParse(jurisdictionId).success) throw new NotFoundError(NO_SUCH_LINK);
  const jurisdiction = await new JurisdictionStore(tableName).get(jurisdictionId);
  if (!jurisdiction) throw new NotFoundError(NO_SUCH_LINK);
  return jurisdiction;
}

const closedPage = (title?: string): HttpResult => page({ title: 'This survey is closed', anonymous: true, children: <SurveyClosed title={title} /> }, 410);
const usedPage = (): HttpResult => page({ title: 'This link was already used', anonymous: true, children: <SurveyLinkUsed /> }, 410);

/** The wave of a token, looked up only inside the jurisdiction the path names; a page for every token that fails. */
async function resolve(tableName: string, jurisdictionId: string, raw: unknown): Promise<Resolved | HttpResult> {
  const token = typeof raw === 'string' ? tokenOf(raw) : '';
  const table = scopedTable(documentClient, tableName, jurisdictionId);
  if (LINK_TOKEN.test(token)) {
    const waves = new SurveyWaves(table);
    const wave = await waves.findByLink(token);
    if (!wave) throw new NotFoundError(NO_SUCH_LINK);
    return { kind: 'open_link', wave, waves, token };
  }
  if (PERSONAL_TOKEN.test(token)) {
    const lists = new StaffLists(table);
    try {
      const invitation = await lists.resolve(token);
      if (!invitation) throw new NotFoundError(NO_SUCH_LINK);
      return { kind: 'personal', wave: invitation.wave, invitation, lists, token };
    } catch (error) {
      if (error instanceof InvitationUsedError) return usedPage();
      if (error instanceof InvitationClosedError) return closedPage();
      throw error;
    }
  }
  throw new NotFoundError(NO_SUCH_LINK);
}

const isPage = (r: Resolved | HttpResult): r is HttpResult => 'statusCode' in r;

/** The survey's render model; in invitation mode without the unit question (the invitation says the unit). */
function formOf(r: Resolved, ctx: FormContext): RenderForm {
  const form = renderModel(getForm(r.wave.formId, r.wave.formVersion), ctx);
  if (r.kind === 'open_link') return form;
  return { ...form, sections: form.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f.name !== UNIT_FIELD) })) };
}

function surveyPage(
  r: Resolved,
  jurisdiction: Jurisdiction,
  opts: { csrf: string; answers?: Record<string, unknown>; errors?: FieldError[]; alert?: Alert; submissionId?: string; status?: number },
): HttpResult {
  const def = getForm(r.wave.formId, r.wave.formVersion);
  const answers = opts.answers ?? {};
  const errors = opts.errors ?? [];
  const unitLabel = r.kind === 'personal' ? (jurisdiction.units.find((u) => u.code === r.invitation.unit)?.label ?? r.invitation.unit) : undefined;
  return page(
    {
      title: `${errors.length ? 'Error: ' : ''}${def.title}`,
      anonymous: true,
      children: (
        <SurveyPage
          wave={{ jurisdictionId: jurisdiction.id, title: r.wave.title }}
          token={r.token}
          unitLabel={unitLabel}
          jurisdictionName={jurisdiction.name}
          form={formOf(r, { units: jurisdiction.units })}
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

const open = (wave: LinkedWave, jurisdiction: Jurisdiction) => jurisdiction.active && acceptsAnswers(wave, todayUtc());

/** GET: the start page. It names the jurisdiction and holds the token field; it reads nothing of any wave. */
export async function showStart(tableName: string, p: JurisdictionParams, csrf: string): Promise<HttpResult> {
  const jurisdiction = await jurisdictionOf(tableName, p.jurisdictionId);
  return page({ title: 'Safety culture survey', anonymous: true, children: <SurveyStart jurisdictionId={jurisdiction.id} jurisdictionName={jurisdiction.name} csrf={csrf} /> });
}

/** POST start: the survey for a token that takes answers, or the page that says why not. */
export async function startSurvey(tableName: string, p: JurisdictionParams, body: { token: string }, csrf: string): Promise<HttpResult> {
  const jurisdiction = await jurisdictionOf(tableName, p.jurisdictionId);
  if (tokenOf(body.token) === '') {
    const error = 'Enter the code from your email, or open the whole link you were sent';
    return page({ title: 'Error: Safety culture survey', anonymous: true, children: <SurveyStart jurisdictionId={jurisdiction.id} jurisdictionName={jurisdiction.name} csrf={csrf} error={error} /> }, 422);
  }
  const r = await resolve(tableName, p.jurisdictionId, body.token);
  if (isPage(r)) return r;
  return open(r.wave, jurisdiction) ? surveyPage(r, jurisdiction, { csrf }) : closedPage(r.wave.title);
}

/** POST answers: validate every answer; invalid ones come back with the error summary, valid ones are stored once. */
export async function answerSurvey(tableName: string, p: JurisdictionParams, posted: PostedFields, csrf: string): Promise<HttpResult> {
  // Two independent reads: the registry profile and what the token is.
  const [jurisdiction, r] = await Promise.all([jurisdictionOf(tableName, p.jurisdictionId), resolve(tableName, p.jurisdictionId, posted[TOKEN_FIELD])]);
  if (isPage(r)) return r;
  if (!open(r.wave, jurisdiction)) return closedPage(r.wave.title);
  const def = getForm(r.wave.formId, r.wave.formVersion);
  const ctx = { units: jurisdiction.units };
  const fields = formOf(r, ctx).sections.flatMap((s) => s.fields);
  const repeated = repeatedSingleField(fields, posted);
  if (repeated !== undefined) throw repeatedFieldError(repeated);
  const typed = sectionAnswers(fields, posted);
  const submissionId = posted[SUBMISSION_FIELD];
  if (typeof submissionId !== 'string' || !UUID.test(submissionId)) {
    // A tampered or missing id: nothing is stored; the answers come back with a fresh id to send again.
    return surveyPage(r, jurisdiction, { csrf, answers: typed, status: 400, alert: { type: 'error', text: 'The survey page was incomplete, so nothing was stored. Your answers are below: check them and send again.' } });
  }
  // Invitation mode: the unit is the invitation's, whatever was posted.
  const result = validateSubmission(def, r.kind === 'personal' ? { ...typed, [UNIT_FIELD]: r.invitation.unit } : typed, ctx);
  if (!result.ok) return surveyPage(r, jurisdiction, { csrf, answers: typed, errors: result.errors, submissionId, status: 422 });
  try {
    // Validated answers hold no undefined, so the per-form type narrows to the stored shape.
    if (r.kind === 'personal') {
      await r.lists.respond(r.invitation, result.answers as Answers);
      logger.info('Survey response', { waveId: r.wave.waveId, mode: 'invitations', outcome: 'stored' });
    } else {
      const outcome = await r.waves.respond(r.wave, submissionId, result.answers as Answers);
      // Counts and ids only: the wave, never the answers or anything about the respondent.
      logger.info('Survey response', { waveId: r.wave.waveId, mode: 'open_link', outcome });
    }
  } catch (error) {
    if (error instanceof SurveyClosedError || error instanceof InvitationClosedError) return closedPage(r.wave.title);
    if (error instanceof InvitationUsedError) return usedPage();
    throw error;
  }
  return { statusCode: 303, headers: { location: `${surveyPath(p.jurisdictionId)}/thanks`, 'cache-control': 'no-store' }, body: '' };
}

export async function showThanks(tableName: string, p: JurisdictionParams): Promise<HttpResult> {
  const jurisdiction = await jurisdictionOf(tableName, p.jurisdictionId);
  return page({ title: 'Thank you', anonymous: true, children: <SurveyThanks jurisdictionName={jurisdiction.name} /> });
}
