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
import { addDays, MAX_REMINDER_DAYS, MAX_WAVE_DAYS, surveyLink, surveyPath, type SurveyWave } from '#shared/survey/model.ts';
import { MAX_STAFF_ROWS, type StaffListProblem } from '#shared/survey/invitations/csv.ts';

export const SUBMISSION_FIELD = 'submissionId';
/** The token of the link (what followed # in the address), carried in the survey's posts. */
export const TOKEN_FIELD = 'token';
/** The survey's unit question: asked in open-link mode, taken from the invitation otherwise. */
export const UNIT_FIELD = 'unit';
/** Problems of a staff list shown at once; the rest are counted. */
export const STAFF_PROBLEMS_SHOWN = 50;

function AnonymityNote({ personal }: { personal: boolean }) {
  return (
    <div class="usa-summary-box margin-bottom-3" role="region" aria-labelledby="anonymity-heading">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="anonymity-heading">
          Your answers are anonymous
        </h2>
        <div class="usa-summary-box__text">
          <ul class="usa-list margin-bottom-0">
            <li>This survey does not ask who you are, and you do not sign in.</li>
            {personal ? (
              <li>Your link is personal so that you can answer once. When you send your answers, your invitation is deleted in the same step that stores them: nothing kept says who gave which answers.</li>
            ) : null}
            <li>Your answers are stored with your unit, and without your name, e-mail, sign-in, address or the time you sent them.</li>
            <li>Results are only shown for groups of {MIN_SURVEY_GROUP} or more people, so no one can be picked out.</li>
            <li>{personal ? 'Every question can be skipped.' : 'Every question can be skipped, except your unit.'}</li>
          </ul>
        </div>
      </div>
    </div>
  );
}

export interface SurveyPageProps {
  wave: Pick<SurveyWave, 'jurisdictionId' | 'title'>;
  /** The link's token (open or personal), posted back with the answers. */
  token: string;
  /** Invitation mode: the unit of the invitation (the survey does not ask for it). */
  unitLabel?: string | undefined;
  jurisdictionName: string;
  form: RenderForm;
  visibility: Visibility;
  answers: Record<string, unknown>;
  errors: FieldError[];
  alert?: Alert | undefined;
  csrf: string;
  submissionId: string;
}

/**
 * The survey's progress: its sections as a list of links (all a browser without scripts shows), each with how many
 * of its questions are answered, and a total; the page's script (web/src/survey.ts) keeps the counts current as
 * questions are answered, and announces the total politely.
 */
function SurveyProgress({ form, visibility }: { form: RenderForm; visibility: Visibility }) {
  const sections = form.sections.filter((s) => visibility.sections[s.id] && s.fields.length > 0);
  return (
    <nav class="npcs-survey-progress usa-summary-box margin-bottom-3" aria-labelledby="progress-heading" data-survey-progress>
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="progress-heading">
          Sections of the survey
        </h2>
        <p class="margin-top-1 margin-bottom-1" id="survey-progress-total" aria-live="polite" hidden>
          Questions answered: <span data-progress-total>0</span> of <span data-progress-count>0</span>
        </p>
        <ol class="usa-list margin-bottom-0">
          {sections.map((section) => (
            <li data-progress-section={section.id}>
              <a class="usa-link" href={`#s-${section.id}`}>
                {section.title}
              </a>
              <span class="npcs-progress-count" data-progress-label hidden />
            </li>
          ))}
        </ol>
      </div>
    </nav>
  );
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
      <AnonymityNote personal={p.unitLabel !== undefined} />
      {p.unitLabel !== undefined ? (
        <p>
          Your unit, as your invitation says: <strong>{p.unitLabel}</strong>. Your answers are counted for it.
        </p>
      ) : null}
      <SurveyProgress form={p.form} visibility={p.visibility} />
      <form class="usa-form usa-form--large npcs-survey-form" method="post" action={`${surveyPath(p.wave.jurisdictionId)}/answers`} novalidate data-track-changes>
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <input type="hidden" name={SUBMISSION_FIELD} value={p.submissionId} />
        <input type="hidden" name={TOKEN_FIELD} value={p.token} />
        {p.form.sections
          .filter((s) => p.visibility.sections[s.id] && s.fields.length > 0)
          .map((section) => (
            <section class="margin-top-5" aria-labelledby={`s-${section.id}`} data-survey-section={section.id}>
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

/**
 * Where a link leads: the token follows # in the address, which the browser never sends. The page's script
 * (web/src/survey.ts) copies it into the field and takes it out of the address bar; without a script the person
 * types or pastes the code from the email (a whole pasted link works too).
 */
export function SurveyStart({ jurisdictionId, jurisdictionName, csrf, error }: { jurisdictionId: string; jurisdictionName: string; csrf: string; error?: string }) {
  const messages = error ? [error] : undefined;
  const hint = 'The code is printed in your invitation email, below the button. You can also paste the whole link.';
  return (
    <div class="usa-prose">
      <p class="margin-bottom-0 text-base">{jurisdictionName}</p>
      <h1>Safety culture survey</h1>
      {error ? <ErrorSummary errors={[{ href: '#survey-token', message: error }]} /> : null}
      <p class="usa-intro">
        The survey asks how teams at {jurisdictionName} work together on safety. It takes about 10 minutes, and your answers are anonymous.
      </p>
      <p class="npcs-survey-ready" hidden>
        Your link is ready.
      </p>
      <form class="usa-form" method="post" action={`${surveyPath(jurisdictionId)}/start`} novalidate data-survey-start>
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <div data-survey-code>
          <FormGroup id="survey-token" label="Your survey code" hint={hint} messages={messages}>
            <input
              class={`usa-input${error ? ' usa-input--error' : ''}`}
              id="survey-token"
              name={TOKEN_FIELD}
              type="text"
              autocomplete="off"
              spellcheck={false}
              maxLength={2000}
              aria-describedby={describedByOf('survey-token', hint, messages)}
              aria-invalid={error ? true : undefined}
            />
          </FormGroup>
        </div>
        <button class="usa-button usa-button--big margin-top-3" type="submit">
          Start the survey
        </button>
      </form>
    </div>
  );
}

export function SurveyLinkUsed() {
  return (
    <div class="usa-prose">
      <h1>This link was already used</h1>
      <p class="usa-intro">Answers were already sent with this personal link, and a personal link answers once. Nothing was stored from this page.</p>
      <p>Your earlier answers were received and count. If you did not send them, tell the person who invited you.</p>
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
  typed?: { title: string; closesOn: string; mode?: string | undefined; reminder1?: string | undefined; reminder2?: string | undefined } | undefined;
  errors: FieldError[];
  alert?: Alert | undefined;
  /** Whether the jurisdiction has units (the survey's first question needs them). */
  hasUnits: boolean;
}

const WAVE_FIELDS = { title: 'wave-title', closesOn: 'wave-closes-on', mode: 'wave-mode-open', reminderDays: 'wave-reminder-1' } as const;

const count = (n: number) => n.toLocaleString('en-US');

/** A wave's invitation counts: counts only, never who. */
function InvitationCounts({ wave }: { wave: SurveyWave }) {
  return (
    <ul class="usa-list usa-list--unstyled npcs-invitation-counts">
      <li>Invited: {count(wave.invited)}</li>
      <li>Sent: {count(wave.sent)}</li>
      <li>Reminded: {count(wave.reminded)}</li>
      <li>Answered: {count(wave.answered)}</li>
    </ul>
  );
}

function staffListState(w: SurveyWave, open: boolean): string {
  if (w.staffListDeletedAt) return 'Staff list deleted at close';
  if (!open) return 'Closed: the staff list is being deleted';
  if (w.importing) return 'Import under way: invitations are being sent';
  return w.invited ? 'Invitations sent as they are imported' : 'No staff list yet';
}

export function WavesPage(p: WavesPageProps) {
  const errors = new Map(p.errors.map((e) => [e.field, e.message]));
  const field = (name: 'title' | 'closesOn', label: string, hint: string, input: (describedBy: string | undefined, invalid: boolean) => preact.JSX.Element) => {
    const messages = errors.has(name) ? [errors.get(name)!] : undefined;
    const id = WAVE_FIELDS[name];
    return (
      <FormGroup id={id} label={label} hint={hint} messages={messages}>
        {input(describedByOf(id, hint, messages), messages !== undefined)}
      </FormGroup>
    );
  };
  const mode = p.typed?.mode === 'invitations' ? 'invitations' : 'open_link';
  const reminderError = errors.get('reminderDays');
  const reminderHint = `Invitation mode only. Up to ${MAX_REMINDER_DAYS} different days between tomorrow and the closing date; each person who has not answered gets one reminder on each. Format: YYYY-MM-DD.`;
  return (
    <>
      <h1>Safety culture survey waves</h1>
      <p class="usa-intro">
        Open a wave to survey the staff of {p.jurisdictionName}: with one open link for everyone, or with personal invitations emailed to a staff list you upload. Either way answers cannot be
        traced to a person, and results are shown only for groups of {MIN_SURVEY_GROUP} or more.
      </p>
      {p.errors.length ? <ErrorSummary errors={p.errors.map((e) => ({ href: `#${WAVE_FIELDS[e.field as keyof typeof WAVE_FIELDS] ?? WAVE_FIELDS.title}`, message: e.message }))} /> : null}
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      <h2>Waves</h2>
      {p.waves.length === 0 ? (
        <p>No wave has been opened yet.</p>
      ) : (
        <DataTable id="waves-caption" caption={<>Survey waves of {p.jurisdictionName}, newest first</>} columns={['Wave', 'Status', 'Closes', 'Responses', 'How staff answer']} actions>
          {p.waves.map((w) => {
            const open = w.status === 'open' && p.today <= w.closesOn;
            const url = surveyLink(p.appOrigin, w.jurisdictionId, w.linkToken);
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
                <td data-label="How staff answer" class="npcs-survey-link">
                  {w.mode === 'invitations' ? (
                    <>
                      <p class="margin-top-0 margin-bottom-1">
                        Personal invitations{w.reminderDays.length ? `; reminders ${w.reminderDays.join(' and ')}` : ''}. {staffListState(w, open)}.
                      </p>
                      <InvitationCounts wave={w} />
                      {open ? (
                        <a class="usa-link" href={`/survey-waves/${encodeURIComponent(w.waveId)}/staff`}>
                          {w.invited ? 'Add people' : 'Upload the staff list'}
                          <span class="usa-sr-only"> of {w.title}</span>
                        </a>
                      ) : null}
                    </>
                  ) : open ? (
                    <a class="usa-link" href={url}>
                      {url}
                    </a>
                  ) : (
                    'Open link (closed)'
                  )}
                </td>
                <td data-label="Actions">
                  {open ? (
                    <form method="post" action={`/survey-waves/${encodeURIComponent(w.waveId)}/close`}>
                      <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
                      <button class="usa-button usa-button--outline usa-button--small margin-0" type="submit">
                        Close<span class="usa-sr-only"> {w.title}</span> now
                      </button>
                    </form>
                  ) : w.status === 'closed' ? (
                    <a class="usa-link" href={`/survey-waves/${encodeURIComponent(w.waveId)}/results`}>
                      Results<span class="usa-sr-only"> of {w.title}</span>
                    </a>
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
          <fieldset class="usa-fieldset margin-top-3">
            <legend class="usa-legend">How staff get the survey</legend>
            <div class="usa-radio">
              <input class="usa-radio__input" id="wave-mode-open" type="radio" name="mode" value="open_link" checked={mode === 'open_link'} />
              <label class="usa-radio__label" for="wave-mode-open">
                One open link for all staff
                <span class="usa-checkbox__label-description">You share one link; anyone with it answers, and each person picks their unit. For agencies that cannot list their staff.</span>
              </label>
            </div>
            <div class="usa-radio">
              <input class="usa-radio__input" id="wave-mode-invitations" type="radio" name="mode" value="invitations" checked={mode === 'invitations'} />
              <label class="usa-radio__label" for="wave-mode-invitations">
                Personal invitations
                <span class="usa-checkbox__label-description">You upload the staff list (email and unit); each person gets an email with a link that answers once, for their unit. The list is deleted when the wave closes.</span>
              </label>
            </div>
          </fieldset>
          <fieldset class={`usa-fieldset margin-top-3${reminderError ? ' usa-form-group usa-form-group--error' : ''}`} aria-describedby={`wave-reminders-hint${reminderError ? ' wave-reminders-error' : ''}`}>
            <legend class="usa-legend">Reminder days (optional)</legend>
            <div class="usa-hint" id="wave-reminders-hint">
              {reminderHint}
            </div>
            {reminderError ? (
              <span class="usa-error-message" id="wave-reminders-error" role="alert">
                {reminderError}
              </span>
            ) : null}
            <label class="usa-label" for="wave-reminder-1">
              First reminder
            </label>
            <input class={`usa-input usa-input--medium${reminderError ? ' usa-input--error' : ''}`} id="wave-reminder-1" name="reminder1" type="date" min={addDays(p.today, 1)} max={addDays(p.today, MAX_WAVE_DAYS)} value={p.typed?.reminder1 ?? ''} />
            <label class="usa-label" for="wave-reminder-2">
              Second reminder
            </label>
            <input class={`usa-input usa-input--medium${reminderError ? ' usa-input--error' : ''}`} id="wave-reminder-2" name="reminder2" type="date" min={addDays(p.today, 1)} max={addDays(p.today, MAX_WAVE_DAYS)} value={p.typed?.reminder2 ?? ''} />
          </fieldset>
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

export interface StaffListPageProps {
  jurisdictionName: string;
  wave: SurveyWave;
  units: readonly { code: string; label: string }[];
  csrf: string;
  /** What was typed (after a 422). */
  typed?: string | undefined;
  problems: readonly StaffListProblem[];
  alert?: Alert | undefined;
}

/** The staff list form of an invitation wave: a CSV upload, or the same typed in. */
export function StaffListPage(p: StaffListPageProps) {
  const shownProblems = p.problems.slice(0, STAFF_PROBLEMS_SHOWN);
  const more = p.problems.length - shownProblems.length;
  const invalid = p.problems.length > 0;
  const fileHint = 'A CSV file saved as UTF-8 ("CSV UTF-8" in Excel). The first line is the header email,unit; then one person per line.';
  const listHint = 'Or type or paste the same: the header line email,unit, then one person per line, such as jane.doe@agency.example.gov,intake.';
  return (
    <>
      <p class="margin-bottom-0 text-base">
        {p.jurisdictionName} · {p.wave.title}
      </p>
      <h1>Staff list for personal invitations</h1>
      {invalid ? (
        <div class="usa-alert usa-alert--error margin-bottom-3" role="alert" id="error-summary" tabindex={-1}>
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">
              {p.problems.length === 1 ? 'There is a problem with the list' : `There are ${count(p.problems.length)} problems with the list`}: nothing was imported
            </h2>
            <ul class="usa-list usa-list--unstyled">
              {shownProblems.map((e) => (
                <li>
                  <a class="usa-link" href={p.typed ? '#staff-list' : '#staff-file'}>
                    {e.message}
                  </a>
                </li>
              ))}
            </ul>
            {more > 0 ? <p class="margin-bottom-0">and {count(more)} more. Fix these and upload the list again to see the rest.</p> : null}
          </div>
        </div>
      ) : null}
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      <p class="usa-intro">
        Each person on the list gets one email with a personal link that answers once, and reminders on the wave's reminder days until they answer. The survey counts their answers for the
        unit the list gives. The list is deleted when the wave closes on {p.wave.closesOn}; nothing else keeps the email addresses.
      </p>
      <InvitationCounts wave={p.wave} />
      <p>
        A second list adds only the people who are not on the wave's list yet; nobody is invited twice. Everything is checked before anything is imported: a list with any problem is not
        imported at all. At most {count(MAX_STAFF_ROWS)} people per list.
      </p>
      <form class="usa-form usa-form--large" method="post" action={`/survey-waves/${encodeURIComponent(p.wave.waveId)}/staff`} enctype="multipart/form-data" novalidate>
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <div class={`usa-form-group${invalid && !p.typed ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" for="staff-file">
            CSV file
          </label>
          <div class="usa-hint" id="staff-file-hint">
            {fileHint}
          </div>
          <input class="usa-input npcs-file-input" id="staff-file" name="file" type="file" accept=".csv,text/csv" aria-describedby="staff-file-hint" />
        </div>
        <div class={`usa-form-group${invalid && p.typed ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" for="staff-list">
            Or type the list
          </label>
          <div class="usa-hint" id="staff-list-hint">
            {listHint}
          </div>
          <textarea class="usa-textarea" id="staff-list" name="list" rows={8} aria-describedby="staff-list-hint">
            {p.typed ?? ''}
          </textarea>
        </div>
        <details class="margin-top-2">
          <summary>Unit codes and names of {p.jurisdictionName}</summary>
          <ul class="usa-list">
            {p.units.map((u) => (
              <li>
                <code>{u.code}</code>: {u.label}
              </li>
            ))}
          </ul>
        </details>
        <button class="usa-button margin-top-3" type="submit">
          Import and send invitations
        </button>
      </form>
      <p class="margin-top-4">
        <a class="usa-link" href="/survey-waves">
          Back to the survey waves
        </a>
      </p>
    </>
  );
}
