/**
 * The record form pages (issue 5): one section of a form, the review page and the read-only record page, rendered
 * from shared/forms renderModel as USWDS components. Every page works without JavaScript (web/src/main.ts adds live
 * branching, autosave and character counts). Preact escapes all text, so answers that look like HTML stay text.
 */
import type { ComponentChildren } from 'preact';
import type { FieldError } from '#shared/errors.ts';
import type { Visibility } from '#shared/forms/conditions.ts';
import type { SectionState } from '#shared/forms/section-states.ts';
import { formatAnswer } from '#shared/forms/answer-changes.ts';
import type { RenderField, RenderForm, RenderSection } from '#shared/forms/render-model.ts';
import type { RecordStatus, RecordView } from '#shared/records/model.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { CONTROL, inputId, inputName } from '#shared/web/form-values.ts';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { FieldBlock } from '#shared/web/components/form-field.tsx';
import { recordPath, sectionPath } from '../paths.ts';
import { RecordName } from './record-name.tsx';

export const STATUS_LABELS: Record<RecordStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  in_review: 'In review',
  returned: 'Returned for changes',
  approved: 'Approved',
};

type Bag = Record<string, unknown>;

/**
 * A returned record's reviewer reason, on every page of the record until it is submitted again (submit clears
 * `statusReason`). The reason is the reviewer's free text: Preact escapes it, and it keeps its line breaks.
 */
export function ReturnedAlert({ record, editable }: { record: RecordView; editable: boolean }) {
  if (record.status !== 'returned') return null;
  // An amendment hands the record back like a return, with its reason as the status reason.
  const amending = record.amendReason !== undefined && record.statusReason === record.amendReason;
  return (
    <div class="usa-alert usa-alert--warning margin-bottom-3 npcs-returned" role="region" aria-labelledby="returned-heading">
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading" id="returned-heading">
          {amending ? 'Reopened to amend the approved record' : 'Returned for changes'}
        </h2>
        <p class="usa-alert__text">{amending ? 'The reviewer reopened it for this reason:' : 'The reviewer asked for these changes:'}</p>
        <p class="usa-alert__text npcs-answer-text npcs-returned-reason">{record.statusReason ?? 'No reason was given.'}</p>
        <p class="usa-alert__text">
          {editable ? 'Make the changes, then review and submit the record again.' : 'It stays with the submitter until they submit it again.'}
        </p>
      </div>
    </div>
  );
}

/** What each section state says, in words (the segment's colour only repeats it). */
export const SECTION_STATE_TEXT: Record<SectionState, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  complete: 'Complete',
  has_errors: 'Has errors',
};

/**
 * The USWDS step indicator of the shown sections plus "Review and submit", each with its state from the form engine
 * (shared/forms/section-states.ts) in text: visible under the title from tablet width up, and for screen readers at
 * every width (USWDS hides the labels on small screens, so site.css keeps them in the accessibility tree there).
 */
export function StepIndicator({ sections, states, currentId, recordId }: { sections: RenderSection[]; states: Readonly<Record<string, SectionState>>; currentId: string | 'review'; recordId: string }) {
  const steps = [...sections.map((s) => ({ id: s.id, title: s.title, state: states[s.id] })), { id: 'review', title: 'Review and submit', state: undefined }];
  const current = Math.max(0, steps.findIndex((s) => s.id === currentId));
  return (
    <div class="usa-step-indicator usa-step-indicator--counters-sm npcs-steps margin-bottom-4">
      <nav aria-label="Sections of the form">
        <ol class="usa-step-indicator__segments">
          {steps.map((s, i) => (
            <li
              class={`usa-step-indicator__segment${i === current ? ' usa-step-indicator__segment--current' : s.state === 'complete' ? ' usa-step-indicator__segment--complete' : ''}${s.state === 'has_errors' ? ' npcs-step--errors' : ''}`}
              aria-current={i === current ? 'step' : undefined}
            >
              <span class="usa-step-indicator__segment-label">
                {s.id === 'review' ? s.title : <a class="usa-link" href={sectionPath(recordId, s.id)}>{s.title}</a>}
                {s.state ? (
                  <span class="npcs-step-state">
                    <span class="usa-sr-only">: </span>
                    {SECTION_STATE_TEXT[s.state]}
                  </span>
                ) : null}
                {i === current ? <span class="usa-sr-only"> (this page)</span> : null}
              </span>
            </li>
          ))}
        </ol>
      </nav>
      <div class="usa-step-indicator__header">
        <h1 class="usa-step-indicator__heading">
          <span class="usa-step-indicator__heading-counter">
            <span class="usa-sr-only">Step</span>
            <span class="usa-step-indicator__current-step">{current + 1}</span> <span class="usa-step-indicator__total-steps">of {steps.length}</span>
          </span>
          <span class="usa-step-indicator__heading-text">{steps[current]!.title}</span>
        </h1>
      </div>
    </div>
  );
}

function RepeatBlock({ field, value, errors, visibility, hidden }: { field: RenderField; value: unknown; errors: Map<string, string>; visibility: Visibility; hidden: boolean }) {
  const entries = Array.isArray(value) ? (value as Bag[]) : [];
  const count = Math.max(entries.length, field.repeat?.min ?? 0);
  const noun = field.repeat?.itemNoun ?? { one: 'entry', other: 'entries' };
  const groupError = errors.get(field.name);
  return (
    <div class={`usa-form-group${groupError ? ' usa-form-group--error' : ''}`} data-field={field.name} hidden={hidden || undefined}>
      <h2 class="margin-bottom-1">{field.label}</h2>
      {field.help ? <div class="usa-hint">{field.help}</div> : null}
      {groupError ? (
        <span class="usa-error-message" id={`${inputId(field.name)}-error`}>
          {groupError}
        </span>
      ) : null}
      <input type="hidden" name={CONTROL.count(field.name)} value={String(count)} />
      {count === 0 ? <p id={inputId(field.name)}>No {noun.other} yet.</p> : null}
      {Array.from({ length: count }, (_, index) => {
        const entry = entries[index] ?? {};
        const shown = visibility.entries[field.name]?.[index] ?? {};
        const legend = `${capitalize(noun.one)} ${index + 1}`;
        return (
          <fieldset class="usa-fieldset npcs-entry margin-top-3" id={inputId(`${field.name}[${index}]`)}>
            <legend class="usa-legend usa-legend--large">{legend}</legend>
            {(field.fields ?? []).map((sub) => {
              const path = inputName(sub.name, { name: field.name, index });
              const visible = shown[sub.name] ?? !sub.visibleWhen;
              return <FieldBlock field={sub} path={path} value={entry[sub.name]} error={errors.get(path)} hidden={hidden || !visible} group={{ name: field.name, index }} />;
            })}
            <button class="usa-button usa-button--unstyled margin-top-2" type="submit" name={CONTROL.action} value={`remove:${field.name}:${index}`}>
              Remove {noun.one} {index + 1}
            </button>
          </fieldset>
        );
      })}
      {count < (field.repeat?.max ?? 0) ? (
        <button class="usa-button usa-button--outline margin-top-3" type="submit" name={CONTROL.action} value={`add:${field.name}`}>
          Add {count === 0 ? 'an' : 'another'} {noun.one}
        </button>
      ) : (
        <p>You have added the most {noun.other} this form takes.</p>
      )}
    </div>
  );
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface SectionPageProps {
  record: RecordView;
  form: RenderForm;
  /** Visible sections, in order. */
  sections: RenderSection[];
  section: RenderSection;
  /** Each section's state (shared/forms/section-states.ts), for the step indicator. */
  states: Readonly<Record<string, SectionState>>;
  /** The answers to show (the draft's, or what was just posted). */
  answers: Bag;
  visibility: Visibility;
  errors: FieldError[];
  alert?: Alert | undefined;
  csrf: string;
  /** The JSON API's answers URL, for autosave. */
  autosaveUrl: string;
  /** Answers of other sections that this section's conditions read, for live branching. */
  fullAnswers: Bag;
}

/** Where an error's link goes: the field's input on this page, or its section's page. */
export function errorHref(form: RenderForm, recordId: string, field: string, onPage?: string): string {
  const top = field.replace(/\[.*$/, '');
  const section = form.sections.find((s) => s.fields.some((f) => f.name === top));
  const anchor = `#${inputId(field)}`;
  if (!section || section.id === onPage) return anchor;
  return `${sectionPath(recordId, section.id)}${anchor}`;
}

export function SectionPage(p: SectionPageProps) {
  const errors = new Map(p.errors.map((e) => [e.field, e.message]));
  const index = p.sections.findIndex((s) => s.id === p.section.id);
  const hiddenNow = p.section.fields.filter((f) => !p.visibility.fields[f.name]).map((f) => f.name);
  const spec = p.section.fields.map(({ name, widget, visibleWhen, fields }) => ({ name, widget, visibleWhen, fields: fields?.map(({ name, widget, visibleWhen }) => ({ name, widget, visibleWhen })) }));
  return (
    <>
      <p class="margin-bottom-0 text-base">
        {p.form.title} · <RecordName record={p.record} />
      </p>
      <StepIndicator sections={p.sections} states={p.states} currentId={p.section.id} recordId={p.record.recordId} />
      {p.errors.length ? <ErrorSummary errors={p.errors.map((e) => ({ href: errorHref(p.form, p.record.recordId, e.field, p.section.id), message: e.message }))} /> : null}
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      <ReturnedAlert record={p.record} editable />
      {p.section.description ? <p class="usa-intro">{p.section.description}</p> : null}
      <p class="usa-hint">
        Questions marked with an asterisk (<abbr title="required to submit" class="usa-hint usa-hint--required">*</abbr>) must be answered before you submit. You can save a draft with any
        question unanswered.
      </p>
      <form
        class="usa-form usa-form--large npcs-record-form"
        method="post"
        action={sectionPath(p.record.recordId, p.section.id)}
        novalidate
        data-track-changes
        data-autosave-url={p.autosaveUrl}
        data-section={JSON.stringify(spec)}
        data-answers={JSON.stringify(p.fullAnswers)}
      >
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <input type="hidden" name={CONTROL.version} value={String(p.record.version)} />
        <input type="hidden" name={CONTROL.hidden} value={hiddenNow.join(',')} />
        {/* The form's default button (Enter in a text field): Save and continue, not an add or remove button. */}
        <button type="submit" name={CONTROL.action} value="next" hidden tabindex={-1}>
          Save and continue
        </button>
        {p.section.fields.map((field) => {
          const hidden = p.visibility.fields[field.name] !== true;
          return field.widget === 'repeat' ? (
            <RepeatBlock field={field} value={p.answers[field.name]} errors={errors} visibility={p.visibility} hidden={hidden} />
          ) : (
            <FieldBlock field={field} path={field.name} value={p.answers[field.name]} error={errors.get(field.name)} hidden={hidden} />
          );
        })}
        <div class="npcs-form-actions margin-top-4">
          <button class="usa-button" type="submit" name={CONTROL.action} value="next">
            Save and continue
          </button>
          <button class="usa-button usa-button--outline" type="submit" name={CONTROL.action} value="later">
            Save and return later
          </button>
          {index > 0 ? (
            <button class="usa-button usa-button--unstyled" type="submit" name={CONTROL.action} value="previous">
              Previous section
            </button>
          ) : null}
        </div>
        <p class="npcs-save-status text-base margin-top-2" role="status" aria-live="polite" />
      </form>
    </>
  );
}

function AnswerRows({ fields, answers, shown }: { fields: RenderField[]; answers: Bag; shown: (name: string) => boolean }) {
  return (
    <>
      {fields
        .filter((f) => shown(f.name) && f.widget !== 'repeat')
        .map((f) => (
          <div class="npcs-answer">
            <dt>{f.label}</dt>
            <dd class="npcs-answer-text">{formatAnswer(f, answers[f.name]) ?? <span class="text-base">Not answered</span>}</dd>
          </div>
        ))}
    </>
  );
}

/** Every visible answer, by section; with Change links on the review page. */
export function AnswersSummary({ form, sections, answers, visibility, recordId, change }: { form: RenderForm; sections: RenderSection[]; answers: Bag; visibility: Visibility; recordId: string; change: boolean }) {
  return (
    <>
      {sections.map((section) => (
        <section class="npcs-summary-section margin-top-4" aria-labelledby={`summary-${section.id}`}>
          <div class="npcs-summary-heading">
            <h2 id={`summary-${section.id}`} class="margin-0">
              {section.title}
            </h2>
            {change ? (
              <a class="usa-link npcs-no-print" href={sectionPath(recordId, section.id)}>
                Change<span class="usa-sr-only"> answers in {section.title}</span>
              </a>
            ) : null}
          </div>
          <dl class="npcs-answers">
            <AnswerRows fields={section.fields} answers={answers} shown={(n) => visibility.fields[n] === true} />
          </dl>
          {section.fields
            .filter((f) => f.widget === 'repeat' && visibility.fields[f.name])
            .map((group) => {
              const entries = Array.isArray(answers[group.name]) ? (answers[group.name] as Bag[]) : [];
              const noun = group.repeat?.itemNoun ?? { one: 'entry', other: 'entries' };
              return (
                <>
                  <h3>{group.label}</h3>
                  {entries.length === 0 ? <p>No {noun.other}.</p> : null}
                  {entries.map((entry, i) => (
                    <>
                      <h4>
                        {capitalize(noun.one)} {i + 1}
                      </h4>
                      <dl class="npcs-answers">
                        <AnswerRows fields={group.fields ?? []} answers={entry} shown={(n) => visibility.entries[group.name]?.[i]?.[n] === true} />
                      </dl>
                    </>
                  ))}
                </>
              );
            })}
        </section>
      ))}
      {form.sections.length === 0 ? <p>This form has no questions.</p> : null}
    </>
  );
}

export interface ReviewPageProps {
  record: RecordView;
  form: RenderForm;
  sections: RenderSection[];
  states: Readonly<Record<string, SectionState>>;
  answers: Bag;
  visibility: Visibility;
  errors: FieldError[];
  alert?: Alert | undefined;
  csrf: string;
  submissionId: string;
}

export function ReviewPage(p: ReviewPageProps) {
  return (
    <>
      <p class="margin-bottom-0 text-base">
        {p.form.title} · <RecordName record={p.record} />
      </p>
      <StepIndicator sections={p.sections} states={p.states} currentId="review" recordId={p.record.recordId} />
      {p.errors.length ? <ErrorSummary errors={p.errors.map((e) => ({ href: errorHref(p.form, p.record.recordId, e.field), message: e.message }))} /> : null}
      {p.alert ? <AlertBox alert={p.alert} /> : null}
      <ReturnedAlert record={p.record} editable />
      <p class="usa-intro">Check your answers. Once you submit, the review goes to your review lead and can no longer be changed unless they return it.</p>
      <AnswersSummary form={p.form} sections={p.sections} answers={p.answers} visibility={p.visibility} recordId={p.record.recordId} change />
      <form class="usa-form margin-top-4" method="post" action={`${recordPath(p.record.recordId)}/submit`}>
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <input type="hidden" name={CONTROL.version} value={String(p.record.version)} />
        <input type="hidden" name="submissionId" value={p.submissionId} />
        <button class="usa-button" type="submit">
          Submit for review
        </button>
      </form>
    </>
  );
}

export interface RecordReadOnlyProps {
  record: RecordView;
  form: RenderForm;
  sections: RenderSection[];
  visibility: Visibility;
  alert?: Alert | undefined;
  /** Problems with a form on this page (the reviewer's decision), linked to their inputs. */
  errors?: { href: string; message: string }[] | undefined;
  /** The reviewer's decision forms (review-actions.tsx), after the answers. */
  actions?: ComponentChildren;
  /** Before the answers: links to the history and the amendment, what changed since a return (record-history-pages.tsx). */
  lead?: ComponentChildren;
}

export function RecordReadOnly({ record, form, sections, visibility, alert, errors, actions, lead }: RecordReadOnlyProps) {
  return (
    <>
      {alert ? <AlertBox alert={alert} /> : null}
      <p class="margin-bottom-0 text-base">{form.title}</p>
      <h1 class="margin-top-05">
        <RecordName record={record} />
      </h1>
      {errors?.length ? <ErrorSummary errors={errors} /> : null}
      <dl class="npcs-record-meta">
        <div>
          <dt>Status</dt>
          <dd>
            <span class="usa-tag">{STATUS_LABELS[record.status]}</span>
          </dd>
        </div>
        {record.submittedAt ? (
          <div>
            <dt>Submitted</dt>
            <dd>{record.submittedAt.slice(0, 10)}</dd>
          </div>
        ) : null}
        <div>
          <dt>Form version</dt>
          <dd>{record.formVersion}</dd>
        </div>
      </dl>
      <ReturnedAlert record={record} editable={false} />
      {record.statusReason && record.status !== 'returned' ? <p class="npcs-answer-text">Reason given: {record.statusReason}</p> : null}
      {actions ? (
        <p class="npcs-no-print">
          <a class="usa-link" href="#review-actions">
            Go to the review decision
          </a>
        </p>
      ) : null}
      {lead}
      <AnswersSummary form={form} sections={sections} answers={record.answers} visibility={visibility} recordId={record.recordId} change={false} />
      {actions}
    </>
  );
}
