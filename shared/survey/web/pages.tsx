/**
 * The anonymous survey's pages (functions/survey) and the jurisdiction admin's wave page (functions/web). The survey
 * is one page: a respondent has no account to save a draft under, and nothing is stored until they send it.
 */
import type { FieldError } from '#shared/errors.ts';
import type { Visibility } from '#shared/forms/conditions.ts';
import type { RenderForm } from '#shared/forms/render-model.ts';
import { MIN_SURVEY_GROUP } from '#shared/policy.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { describedByOf, FormGroup } from '#shared/web/components/form-group.tsx';
import { inputId } from '#shared/web/form-values.ts';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { FieldBlock } from '#shared/web/components/form-field.tsx';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { addDays, MAX_WAVE_DAYS, surveyPath, type SurveyWave } from '#shared/survey/model.ts';

export const SUBMISSION_FIELD = 'submissionId';

function AnonymityNote() {
  return (
    <div class="usa-summary-box margin-bottom-3" role="region" aria-labelledby="anonymity-heading">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="anonymity-heading">
          Your answers are anonymous
        </h2>
        <div class="usa-summary-box__text">
          <ul class="usa-list margin-bottom-0">
            <li>This survey does not ask who you are, and you do not sign in.</li>
            <li>Your answers are stored without your name, e-mail, sign-in, address or the time you sent them.</li>
            <li>Results are only shown for groups of {MIN_SURVEY_GROUP} or more people, so no one can be picked out.</li>
            <li>Every question can be skipped, except your unit.</li>
          </ul>
        </div>
      </div>
    </div>
  );
}

export interface SurveyPageProps {
  wave: Pick<SurveyWave, 'jurisdictionId' | 'title'>;
  linkToken: string;
  jurisdictionName: string;
  form: RenderForm;
  visibility: Visibility;
  answers: Record<string, unknown>;
  errors: FieldError[];
  alert?: Alert | undefined;
  csrf: string;
  submissionId: string;
}

export function SurveyPage(p: SurveyPageProps) {
  const errors = new Map(p.errors.map((e) => [e.field, e.message]));
  return (
    <>
      <p class="margin-bottom-0 text-base">
        {p.jurisdictionName} · {p.wave.title}
      </p>
      <h1>{p.form.title}</h1>
      {p.errors.length ? <ErrorSummary errors={p.errors.map((e) => ({ href: `#${inputId(e.field)}`, message: e.message }))} /> : null}
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      {p.form.description ? <p class="usa-intro">{p.form.description}</p> : null}
      <AnonymityNote />
      <form class="usa-form usa-form--large npcs-survey-form" method="post" action={surveyPath(p.wave.jurisdictionId, p.linkToken)} novalidate data-track-changes>
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <input type="hidden" name={SUBMISSION_FIELD} value={p.submissionId} />
        {p.form.sections
          .filter((s) => p.visibility.sections[s.id])
          .map((section) => (
            <section class="margin-top-5" aria-labelledby={`s-${section.id}`}>
              <h2 id={`s-${section.id}`}>{section.title}</h2>
              {section.description ? <p>{section.description}</p> : null}
              {section.fields.map((field) => (
                <FieldBlock field={field} path={field.name} value={p.answers[field.name]} error={errors.get(field.name)} hidden={p.visibility.fields[field.name] !== true} />
              ))}
            </section>
          ))}
        <div class="npcs-form-actions margin-top-5">
          <button class="usa-button usa-button--big" type="submit">
            Send my answers
          </button>
        </div>
      </form>
    </>
  );
}

export function SurveyThanks({ jurisdictionName }: { jurisdictionName: string }) {
  return (
    <div class="usa-prose">
      <h1>Thank you</h1>
      <p class="usa-intro">Your answers were received. They help {jurisdictionName} see how its teams work together on safety.</p>
      <p>You can close this page. Sending the survey again would count your answers twice, so please answer once per wave.</p>
    </div>
  );
}

export function SurveyClosed({ title }: { title?: string | undefined }) {
  return (
    <div class="usa-prose">
      <h1>This survey is closed</h1>
      <p class="usa-intro">{title ? `The survey "${title}" no longer takes answers.` : 'This survey no longer takes answers.'} Nothing was stored from this page.</p>
      <p>If you think it should still be open, ask the person who sent you the link.</p>
    </div>
  );
}

export interface WavesPageProps {
  jurisdictionName: string;
  waves: SurveyWave[];
  today: string;
  appOrigin: string;
  csrf: string;
  /** The open-wave form: what was typed and its errors (after a 422). */
  typed?: { title: string; closesOn: string } | undefined;
  errors: FieldError[];
  alert?: Alert | undefined;
  /** Whether the jurisdiction has units (the survey's first question needs them). */
  hasUnits: boolean;
}

const WAVE_FIELDS = { title: 'wave-title', closesOn: 'wave-closes-on' } as const;

export function WavesPage(p: WavesPageProps) {
  const errors = new Map(p.errors.map((e) => [e.field, e.message]));
  const field = (name: keyof typeof WAVE_FIELDS, label: string, hint: string, input: (describedBy: string | undefined, invalid: boolean) => preact.JSX.Element) => {
    const messages = errors.has(name) ? [errors.get(name)!] : undefined;
    const id = WAVE_FIELDS[name];
    return (
      <FormGroup id={id} label={label} hint={hint} messages={messages}>
        {input(describedByOf(id, hint, messages), messages !== undefined)}
      </FormGroup>
    );
  };
  return (
    <>
      <h1>Safety culture survey waves</h1>
      <p class="usa-intro">
        Open a wave to survey the staff of {p.jurisdictionName}. Everyone gets the same link, so answers cannot be traced to a person; results are shown only for
        groups of {MIN_SURVEY_GROUP} or more.
      </p>
      {p.errors.length ? <ErrorSummary errors={p.errors.map((e) => ({ href: `#${WAVE_FIELDS[e.field as keyof typeof WAVE_FIELDS] ?? WAVE_FIELDS.title}`, message: e.message }))} /> : null}
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      <h2>Waves</h2>
      {p.waves.length === 0 ? (
        <p>No wave has been opened yet.</p>
      ) : (
        <DataTable id="waves-caption" caption={<>Survey waves of {p.jurisdictionName}, newest first</>} columns={['Wave', 'Status', 'Closes', 'Responses', 'Link for staff']} actions>
          {p.waves.map((w) => {
            const open = w.status === 'open' && p.today <= w.closesOn;
            const url = `${p.appOrigin}${surveyPath(w.jurisdictionId, w.linkToken)}`;
            return (
              <tr>
                <th scope="row" data-label="Wave">
                  {w.title}
                </th>
                <td data-label="Status">{open ? 'Open' : 'Closed'}</td>
                <td data-label="Closes">{w.closedAt ? `Closed ${w.closedAt.slice(0, 10)}` : w.closesOn}</td>
                <td data-label="Responses" class="npcs-status-count">
                  {w.responseCount}
                </td>
                <td data-label="Link for staff" class="npcs-survey-link">
                  {open ? <a class="usa-link" href={url}>{url}</a> : '—'}
                </td>
                <td data-label="Actions">
                  {open ? (
                    <form method="post" action={`/survey-waves/${encodeURIComponent(w.waveId)}/close`}>
                      <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
                      <button class="usa-button usa-button--outline usa-button--small margin-0" type="submit">
                        Close<span class="usa-sr-only"> {w.title}</span> now
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <h2 class="margin-top-5">Open a wave</h2>
      {p.hasUnits ? (
        <form class="usa-form" method="post" action="/survey-waves" novalidate>
          <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
          {field('title', 'Title', 'How staff and reports will name this wave, such as "Spring 2027".', (describedBy, invalid) => (
            <input class={`usa-input${invalid ? ' usa-input--error' : ''}`} id={WAVE_FIELDS.title} name="title" type="text" maxLength={120} value={p.typed?.title ?? ''} aria-describedby={describedBy} aria-invalid={invalid || undefined} />
          ))}
          {field('closesOn', 'Closing date', `The last day answers are taken, at most ${MAX_WAVE_DAYS} days from today (by ${addDays(p.today, MAX_WAVE_DAYS)}). Format: YYYY-MM-DD.`, (describedBy, invalid) => (
            <input class={`usa-input usa-input--medium${invalid ? ' usa-input--error' : ''}`} id={WAVE_FIELDS.closesOn} name="closesOn" type="date" min={p.today} max={addDays(p.today, MAX_WAVE_DAYS)} value={p.typed?.closesOn ?? addDays(p.today, 21)} aria-describedby={describedBy} aria-invalid={invalid || undefined} />
          ))}
          <button class="usa-button margin-top-3" type="submit">
            Open the wave
          </button>
        </form>
      ) : (
        <p>The survey's first question asks for the respondent's unit, and {p.jurisdictionName} has no units in the registry yet. Ask the platform team to add them.</p>
      )}
    </>
  );
}
