/**
 * The record form flow behind the web routes (functions/web): start a record, load the principal's own record,
 * render a section, merge a posted section into the draft and save it (expectedVersion), review, submit, and the
 * reviewer's decisions (transitions). Every change goes through the records service. Handlers stay thin.
 */
import { randomUUID } from 'node:crypto';
import type { ComponentChildren } from 'preact';
import type { Principal } from '#shared/auth/principal.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import type { Actor } from '#shared/audit/model.ts';
import type { ScopedTable } from '#shared/storage/scoped-table.ts';
import { isAllowed } from '#shared/auth/policy.ts';
import { BadRequestError, NotFoundError, ValidationError, type FieldError } from '#shared/errors.ts';
import { conditionFields, resolveVisibility, type Visibility } from '#shared/forms/conditions.ts';
import { answerChanges } from '#shared/forms/answer-changes.ts';
import { fieldIndex } from '#shared/forms/definition.ts';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import { firstOpenSection, sectionStates, type SectionState } from '#shared/forms/section-states.ts';
import { renderModel, type RenderForm, type RenderSection } from '#shared/forms/render-model.ts';
import type { FormContext, FormDefinition } from '#shared/forms/index.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { RecordConflictError } from '#shared/records/errors.ts';
import { formContextFrom, recordService, requestScope } from '#shared/records/http.ts';
import { isEditable, RECORD_FORMS, type RecordView } from '#shared/records/model.ts';
import { repeatedFieldError } from '#shared/http/validation.ts';
import { FORM_POLICIES } from '#shared/policy.ts';
import { recordLabel } from '#shared/records/naming.ts';
import { applyEntryAction, CONTROL, inputId, mergeSection, repeatedSingleField, sectionAction, sectionAnswers, type PostedFields } from '#shared/web/form-values.ts';
import { page } from '#shared/web/components/page.tsx';
import type { Alert } from '#shared/web/components/alerts.tsx';
import { amendPath, historyPath, recordPath, sectionPath } from '../paths.ts';
import { AmendPage, ChangesSinceHandedBack, HistoryPage } from './record-history-pages.tsx';
import { RecordReadOnly, ReviewPage, SectionPage, STATUS_LABELS } from './record-pages.tsx';
import { ReviewLog } from '#shared/review/history.ts';
import { ReviewHistory } from './review-history.tsx';
import { isReviewMove, MOVE_FIELDS, moveDoneText, REASON_INPUT_ID, ReviewActions, reviewMoves, type ReviewMove } from './review-actions.tsx';

type Bag = Record<string, unknown>;

const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });

const CONFLICT_TEXT =
  'Someone else saved this record while you were working on it. Nothing was lost: their changes are saved, and your answers are still in the form below, not yet saved. Check them and save again.';

interface Loaded {
  record: RecordView;
  def: FormDefinition;
  form: RenderForm;
  ctx: FormContext;
}

/**
 * The principal's own jurisdiction's record (another jurisdiction's id is simply not found there). `show`: an audited
 * read (pages that show it); `change`: read to decide a post, never a read event, since a rejected post writes nothing.
 */
async function load(input: PageInput, recordId: string, purpose: 'show' | 'change'): Promise<Loaded & { scope: ReturnType<typeof requestScope> }> {
  const jurisdictionId = input.principal.jurisdictionId!;
  const scope = requestScope(input.table, jurisdictionId, input.principal, input.event);
  const service = await recordService(input.table);
  const record = purpose === 'show' ? await service.get(scope.table, scope.actor, recordId, { readerSession: input.readerSession }) : await service.current(scope.table, scope.actor, recordId);
  const def = getForm(record.formId, record.formVersion);
  const ctx = await formContextFrom(new JurisdictionStore(input.table))(jurisdictionId);
  return { record, def, form: renderModel(def, ctx), ctx, scope };
}

interface Shown {
  visibility: Visibility;
  /** The sections shown, in order. */
  sections: RenderSection[];
  /** Each section's state, from the form engine. */
  states: Record<string, SectionState>;
  /** The first shown section that is not complete, if any. */
  firstOpen: string | undefined;
}

/** What the answers show of the form: the visibility of every field and section, the sections shown and their states. */
function shownWith(loaded: Loaded, answers: Bag = loaded.record.answers): Shown {
  const { visibility } = resolveVisibility(loaded.def, answers);
  const statuses = sectionStates(loaded.def, answers, loaded.ctx);
  return {
    visibility,
    sections: loaded.form.sections.filter((s) => visibility.sections[s.id]),
    states: Object.fromEntries(statuses.map((s) => [s.id, s.state])),
    firstOpen: firstOpenSection(statuses),
  };
}

/**
 * A rejected post shows the record again only to a reader whose read of it needs no new audit event (their own
 * record, or already read in this session); anyone else gets the error without the record.
 */
async function mayShowAgain(input: PageInput, loaded: Loaded & { scope: ReturnType<typeof requestScope> }, error: unknown): Promise<void> {
  if (!(await (await recordService(input.table)).readInSession(loaded.scope.table, loaded.scope.actor, loaded.record, input.readerSession))) throw error;
}

/** A section as a form to fill: without the answers the server sets (a notice's issuer), which nobody is asked for and a post cannot change. */
function findSection(loaded: Loaded, sectionId: string): RenderSection {
  const section = loaded.form.sections.find((s) => s.id === sectionId);
  if (!section) throw new NotFoundError('This form has no such section.');
  const serverSet = FORM_POLICIES[loaded.record.formId]?.serverAnswers ?? {};
  return { ...section, fields: section.fields.filter((f) => !Object.hasOwn(serverSet, f.name)) };
}

const canEdit = (principal: Principal, record: RecordView) => isEditable(record.status) && isAllowed(principal, 'records:save', { jurisdictionId: record.jurisdictionId });

/** Answers of other sections that a section's conditions read (live branching in the browser). */
function answersFor(section: RenderSection, answers: Bag): Bag {
  const names = new Set<string>();
  for (const f of section.fields) {
    if (f.visibleWhen) for (const n of conditionFields(f.visibleWhen)) names.add(n);
    for (const sub of f.fields ?? []) if (sub.visibleWhen) for (const n of conditionFields(sub.visibleWhen)) names.add(n);
  }
  return Object.fromEntries([...names].filter((n) => Object.hasOwn(answers, n)).map((n) => [n, answers[n]]));
}

function sectionPage(input: PageInput, loaded: Loaded, section: RenderSection, answers: Bag, opts: { errors?: FieldError[]; alert?: Alert; version?: number; status?: number } = {}): HttpResult {
  const { visibility, sections, states } = shownWith(loaded, answers);
  const record = opts.version ? { ...loaded.record, version: opts.version } : loaded.record;
  const title = `${opts.errors?.length ? 'Error: ' : ''}${section.title} - ${recordLabel(record)}`;
  return page(
    {
      title,
      principal: input.principal,
      csrfToken: input.csrf,
      scripts: ['conditions.js'],
      children: (
        <SectionPage
          record={record}
          form={loaded.form}
          sections={sections}
          section={section}
          states={states}
          answers={answers}
          visibility={visibility}
          errors={opts.errors ?? []}
          alert={opts.alert}
          csrf={input.csrf}
          autosaveUrl={`/api/jurisdictions/${encodeURIComponent(record.jurisdictionId)}/records/${encodeURIComponent(record.recordId)}/answers`}
          fullAnswers={answersFor(section, answers)}
        />
      ),
    },
    opts.status ?? 200,
  );
}

/**
 * What another domain shows a reviewer above the decision forms, read through the record's scoped table: the web
 * function passes the safety notices' pre-publication check. Handed in because records/web imports no other
 * domain's pages (docs/architecture.md, "Feature modules").
 */
export type BeforeDecision = (table: ScopedTable, record: RecordView) => Promise<ComponentChildren>;

/** The read-only record, with the reviewer's decision forms (and what comes before them) for principals who may make one now. */
async function readOnlyPage(
  input: PageInput,
  loaded: Loaded & { scope: ReturnType<typeof requestScope> },
  opts: { alert?: Alert | undefined; reason?: string; reasonError?: string; status?: number; beforeDecision?: BeforeDecision | undefined } = {},
): Promise<HttpResult> {
  const { visibility, sections } = shownWith(loaded);
  const moves = reviewMoves(input.principal, loaded.record);
  const before = moves.length && opts.beforeDecision ? await opts.beforeDecision(loaded.scope.table, loaded.record) : undefined;
  return page(
    {
      title: `${opts.reasonError ? 'Error: ' : ''}${recordLabel(loaded.record)} - ${loaded.form.title}`,
      principal: input.principal,
      csrfToken: input.csrf,
      children: (
        <RecordReadOnly
          record={loaded.record}
          form={loaded.form}
          sections={sections}
          visibility={visibility}
          alert={opts.alert}
          errors={opts.reasonError ? [{ href: `#${REASON_INPUT_ID}`, message: opts.reasonError }] : undefined}
          lead={await laterLife(input, loaded)}
          actions={
            moves.length ? (
              <>
                {before}
                <ReviewActions record={loaded.record} moves={moves} csrf={input.csrf} reason={opts.reason} reasonError={opts.reasonError} />
              </>
            ) : undefined
          }
        />
      ),
    },
    opts.status ?? 200,
  );
}

/**
 * For reviewers and admins (`records:history`): links to the history and, on an approved record, the amendment;
 * and on a resubmitted record, what changed since it was returned or amended, beside the reason.
 */
async function laterLife(input: PageInput, loaded: Loaded) {
  const { record } = loaded;
  if (!isAllowed(input.principal, 'records:history', { jurisdictionId: record.jurisdictionId })) return undefined;
  const amendable = record.status === 'approved' && isAllowed(input.principal, 'records:amend', { jurisdictionId: record.jurisdictionId });
  const underReview = record.status === 'submitted' || record.status === 'in_review';
  const scope = requestScope(input.table, record.jurisdictionId, input.principal, input.event);
  const [kept, reviewHistory] = await Promise.all([
    underReview ? (await recordService(input.table)).lastHandedBack(scope.table, scope.actor, record.recordId) : undefined,
    new ReviewLog(scope.table).history(record.recordId),
  ]);
  return (
    <>
      <ul class="usa-list usa-list--unstyled npcs-no-print">
        <li>
          <a class="usa-link" href={historyPath(record.recordId)}>
            Version history
          </a>
        </li>
        {amendable ? (
          <li>
            <a class="usa-link" href={amendPath(record.recordId)}>
              Amend this record
            </a>
          </li>
        ) : null}
      </ul>
      {kept && kept.version < record.version ? <ChangesSinceHandedBack kept={kept} changes={answerChanges(loaded.form, kept.answers, record.answers)} /> : null}
      <ReviewHistory items={reviewHistory} />
    </>
  );
}

/**
 * GET /records/{id} (the home page's "Continue"): a draft or returned record the principal may edit reopens at its
 * first section that is not complete, or the review page when all are; anything else reads.
 */
export async function showRecord(
  input: PageInput,
  recordId: string,
  query: { submitted?: string | undefined; moved?: string | undefined; amended?: string | undefined },
  beforeDecision?: BeforeDecision,
): Promise<HttpResult> {
  const loaded = await load(input, recordId, 'show');
  if (canEdit(input.principal, loaded.record)) {
    const { firstOpen, sections } = shownWith(loaded);
    if (firstOpen) return redirect(sectionPath(recordId, firstOpen));
    if (sections.length) return redirect(`${recordPath(recordId)}/review`);
  }
  const alert: Alert | undefined = query.submitted
    ? { type: 'success', text: `Submitted. Your review lead can now see ${recordLabel(loaded.record)}.` }
    : query.amended
      ? { type: 'success', text: `Amended. The approved version ${loaded.record.amends?.version ?? ''} is kept; the record is back with its author with your reason, and comes back to review when they submit it.` }
    : isReviewMove(query.moved)
      ? { type: 'success', text: moveDoneText(query.moved) }
      : undefined;
  return readOnlyPage(input, loaded, { alert, beforeDecision });
}

/** The fields of a reviewer's decision form, as posted (checked here, so bad input gets a clear 400 page). */
export interface MoveForm {
  expectedVersion?: string | undefined;
  to?: string | undefined;
  reason?: string | undefined;
}

/** How a reviewer's move reaches the review workflow (the web function passes the review hand-off's `decide`). */
export type DecideMove = (table: ScopedTable, actor: Actor, recordId: string, move: { to: 'in_review' | 'returned' | 'approved'; expectedVersion: number; reason?: string | undefined }) => Promise<unknown>;

/**
 * POST /records/{id}/transitions: the move goes to the review workflow, the same as the JSON API's. A repeat of a move
 * that is already done (a double click, a second tab) is answered as done; anything else that lost the race gets
 * the record as it now is, with a 409 that says someone else acted first.
 */
export async function moveRecord(input: PageInput, recordId: string, body: MoveForm, decide: DecideMove, beforeDecision?: BeforeDecision): Promise<HttpResult> {
  const to = body[MOVE_FIELDS.to];
  if (!isReviewMove(to)) throw new BadRequestError('Choose one of the review decisions on the record page: start review, return for changes or approve.');
  const expectedVersion = /^\d{1,9}$/.test(body.expectedVersion ?? '') ? Number(body.expectedVersion) : 0;
  if (expectedVersion < 1) throw new BadRequestError('The form did not say which version of the record you read. Reload the record page and try again.');
  const typed = body[MOVE_FIELDS.reason] ?? '';
  // A reason belongs to a return only; a blank one is no reason, so the service asks for one in its own words.
  const reason = to === 'returned' && typed.trim() ? typed : undefined;
  const scope = requestScope(input.table, input.principal.jurisdictionId!, input.principal, input.event);
  try {
    await decide(scope.table, scope.actor, recordId, { to, expectedVersion, reason });
  } catch (e) {
    if (!(e instanceof ValidationError) && !(e instanceof RecordConflictError)) throw e;
    const loaded = await load(input, recordId, 'change');
    if (alreadyMoved(loaded.record, input.principal, { to, expectedVersion, reason })) return redirect(`${recordPath(recordId)}?moved=${to}`);
    await mayShowAgain(input, loaded, e);
    if (e instanceof ValidationError && loaded.record.version === expectedVersion) {
      const message = e.fieldErrors.find((f) => f.field === MOVE_FIELDS.reason)?.message ?? e.fieldErrors[0]?.message ?? e.message;
      return readOnlyPage(input, loaded, { reason: typed, reasonError: message, status: 422, beforeDecision });
    }
    // A conflict, or a decision about a record that moved on meanwhile: show where it stands now.
    const text =
      loaded.record.version !== expectedVersion
        ? `Someone else acted on this record while you had it open: it is now ${STATUS_LABELS[loaded.record.status].toLowerCase()}. Your decision was not applied and nothing was changed. Check the record below, then decide again.`
        : e.message;
    return readOnlyPage(input, loaded, { alert: { type: 'warning', text }, reason: typed, status: 409, beforeDecision });
  }
  return redirect(`${recordPath(recordId)}?moved=${to}`);
}

/** Whether the record already made exactly this move, by this person, from the version they read: a repeat, not a conflict. */
function alreadyMoved(record: RecordView, principal: Principal, move: { to: ReviewMove; expectedVersion: number; reason: string | undefined }): boolean {
  return (
    record.status === move.to &&
    record.version === move.expectedVersion + 1 &&
    record.updatedBy === principal.subject &&
    (move.to !== 'returned' || record.statusReason === move.reason?.trim())
  );
}

/** Forms a person starts from the home page: every record form (the survey is anonymous, never a record). */
export const STARTABLE_FORMS = RECORD_FORMS;
export type StartableForm = (typeof STARTABLE_FORMS)[number];
const isStartable = (formId: string | undefined): formId is StartableForm => (STARTABLE_FORMS as readonly string[]).includes(formId ?? '');

/** POST /records: a new draft of an allowed form, then its first section with the "started" notice. */
export async function startRecord(input: PageInput, formId: string | undefined): Promise<HttpResult> {
  if (!isStartable(formId)) {
    const names = STARTABLE_FORMS.map((f) => getForm(f, latestVersion(f)).title.toLowerCase());
    throw new BadRequestError(`This form cannot be started here. Go back to the home page and start a ${names.join(' or a ')}.`);
  }
  const scope = requestScope(input.table, input.principal.jurisdictionId!, input.principal, input.event);
  const { record } = await (await recordService(input.table)).createDraft(scope.table, scope.actor, { formId });
  const first = getForm(record.formId, record.formVersion).sections[0]!.id;
  return redirect(`${sectionPath(record.recordId, first)}?notice=started`);
}

/** GET /records/{id}/sections/{sectionId} */
export async function showSection(input: PageInput, recordId: string, sectionId: string, query: { notice?: string | undefined }): Promise<HttpResult> {
  const loaded = await load(input, recordId, 'show');
  const section = findSection(loaded, sectionId);
  if (!canEdit(input.principal, loaded.record)) return redirect(recordPath(recordId));
  const alert: Alert | undefined =
    query.notice === 'started'
      ? { type: 'success', text: `Started ${loaded.form.title.toLowerCase()} ${recordId} as a draft. Your answers are saved as you go; nothing is sent until you submit.` }
      : query.notice === 'more'
        ? { type: 'info', text: 'Your answers brought up more questions in this section. Answer them, then save and continue.' }
        : undefined;
  return sectionPage(input, loaded, section, loaded.record.answers, alert ? { alert } : {});
}

/** POST /records/{id}/sections/{sectionId}: merge, save with expectedVersion, then go where the button said. */
export async function saveSection(input: PageInput, recordId: string, sectionId: string, posted: PostedFields): Promise<HttpResult> {
  const loaded = await load(input, recordId, 'change');
  const section = findSection(loaded, sectionId);
  if (!canEdit(input.principal, loaded.record)) return redirect(recordPath(recordId));
  const repeated = repeatedSingleField(section.fields, posted);
  if (repeated !== undefined) throw repeatedFieldError(repeated);
  const action = sectionAction(posted);
  const group = action && (action.kind === 'add' || action.kind === 'remove') ? action.group : undefined;
  if (!action || (group !== undefined && !section.fields.some((f) => f.name === group && f.widget === 'repeat'))) {
    throw new BadRequestError('The form was sent with a button this page does not have. Nothing was saved. Reload the page and use its buttons.');
  }
  const expectedVersion = Number(posted[CONTROL.version]);
  const merged = applyEntryAction(
    mergeSection(loaded.record.answers, section.fields, sectionAnswers(section.fields, posted)),
    action,
    (group) => section.fields.find((f) => f.name === group && f.widget === 'repeat')?.repeat?.max,
  );
  let saved: RecordView;
  try {
    saved = await (await recordService(input.table)).saveDraft(loaded.scope.table, loaded.scope.actor, recordId, { answers: merged, expectedVersion: Number.isInteger(expectedVersion) && expectedVersion > 0 ? expectedVersion : 0 });
  } catch (e) {
    if (e instanceof ValidationError || (e instanceof RecordConflictError && e.reason === 'stale_version')) await mayShowAgain(input, loaded, e);
    if (e instanceof ValidationError) {
      return sectionPage(input, loaded, section, merged, { errors: [...e.fieldErrors], status: 422 });
    }
    if (e instanceof RecordConflictError && e.reason === 'stale_version') {
      // Show what they typed, over the current version: saving again applies it to the latest record.
      return sectionPage(input, loaded, section, merged, { alert: { type: 'warning', text: CONFLICT_TEXT }, status: 409 });
    }
    throw e;
  }
  const { visibility, sections } = shownWith(loaded, saved.answers);
  const here = sections.findIndex((s) => s.id === section.id);
  switch (action.kind) {
    case 'later':
      return redirect(`/?saved=${encodeURIComponent(recordId)}`);
    case 'add': {
      const n = Array.isArray(saved.answers[action.group]) ? (saved.answers[action.group] as unknown[]).length : 0;
      return redirect(`${sectionPath(recordId, section.id)}${n ? `#${inputId(`${action.group}[${n - 1}]`)}` : ''}`);
    }
    case 'remove':
      return redirect(sectionPath(recordId, section.id));
    case 'previous':
      return redirect(here > 0 ? sectionPath(recordId, sections[here - 1]!.id) : sectionPath(recordId, section.id));
    default: {
      // Answers that brought up questions the person has not seen yet: stay and ask them.
      const wasHidden = new Set(String(posted[CONTROL.hidden] ?? '').split(',').filter(Boolean));
      if (section.fields.some((f) => wasHidden.has(f.name) && visibility.fields[f.name] && !Object.hasOwn(saved.answers, f.name))) {
        return redirect(`${sectionPath(recordId, section.id)}?notice=more`);
      }
      const next = here >= 0 ? sections[here + 1] : sections[0];
      return redirect(next ? sectionPath(recordId, next.id) : `${recordPath(recordId)}/review`);
    }
  }
}

function reviewPage(input: PageInput, loaded: Loaded, opts: { errors?: FieldError[]; alert?: Alert; status?: number } = {}): HttpResult {
  const { visibility, sections, states } = shownWith(loaded);
  return page(
    {
      title: `${opts.errors?.length ? 'Error: ' : ''}Review and submit - ${recordLabel(loaded.record)}`,
      principal: input.principal,
      csrfToken: input.csrf,
      children: (
        <ReviewPage
          record={loaded.record}
          form={loaded.form}
          sections={sections}
          states={states}
          answers={loaded.record.answers}
          visibility={visibility}
          errors={opts.errors ?? []}
          alert={opts.alert}
          csrf={input.csrf}
          submissionId={randomUUID()}
        />
      ),
    },
    opts.status ?? 200,
  );
}

/** GET /records/{id}/review */
export async function showReview(input: PageInput, recordId: string): Promise<HttpResult> {
  const loaded = await load(input, recordId, 'show');
  if (!canEdit(input.principal, loaded.record)) return redirect(recordPath(recordId));
  return reviewPage(input, loaded);
}

/** POST /records/{id}/submit: idempotent per the review page's submissionId. */
export async function submitRecord(input: PageInput, recordId: string, body: { expectedVersion: string; submissionId: string }): Promise<HttpResult> {
  const loaded = await load(input, recordId, 'change');
  try {
    await (await recordService(input.table)).submit(loaded.scope.table, loaded.scope.actor, recordId, { expectedVersion: Number(body.expectedVersion), submissionId: body.submissionId });
  } catch (e) {
    if (e instanceof ValidationError || (e instanceof RecordConflictError && e.reason === 'stale_version')) await mayShowAgain(input, loaded, e);
    if (e instanceof ValidationError) return reviewPage(input, loaded, { errors: [...e.fieldErrors], status: 422 });
    if (e instanceof RecordConflictError && e.reason === 'stale_version') {
      return reviewPage(input, loaded, { alert: { type: 'warning', text: 'Someone else saved this record after you opened this page. Nothing was lost. Check the answers below (they are the latest) and submit again.' }, status: 409 });
    }
    throw e;
  }
  return redirect(`${recordPath(recordId)}?submitted=1`);
}

/** GET /records/{id}/amend: the amendment page of an approved record; any other record has nothing to amend. */
export async function showAmend(input: PageInput, recordId: string): Promise<HttpResult> {
  const loaded = await load(input, recordId, 'show');
  if (loaded.record.status !== 'approved') return redirect(recordPath(recordId));
  return amendPage(input, loaded, {});
}

function amendPage(input: PageInput, loaded: Loaded, opts: { reason?: string; error?: string; alert?: Alert; status?: number }): HttpResult {
  const { visibility, sections } = shownWith(loaded);
  return page(
    {
      title: `${opts.error ? 'Error: ' : ''}Amend ${recordLabel(loaded.record)} - ${loaded.form.title}`,
      principal: input.principal,
      csrfToken: input.csrf,
      children: <AmendPage record={loaded.record} form={loaded.form} sections={sections} visibility={visibility} csrf={input.csrf} reason={opts.reason} error={opts.error} alert={opts.alert} />,
    },
    opts.status ?? 200,
  );
}

/**
 * POST /records/{id}/amend: the records service's `amend` (a new version with the reason, back to its author, one
 * transaction with its audit event). No reason: the page again with the error (422), nothing written.
 */
export async function amendRecord(input: PageInput, recordId: string, body: { expectedVersion?: string | undefined; reason?: string | undefined }): Promise<HttpResult> {
  const expectedVersion = /^\d{1,9}$/.test(body.expectedVersion ?? '') ? Number(body.expectedVersion) : 0;
  if (expectedVersion < 1) throw new BadRequestError('The form did not say which version of the record you read. Reload the amendment page and try again.');
  const reason = body.reason ?? '';
  const scope = requestScope(input.table, input.principal.jurisdictionId!, input.principal, input.event);
  try {
    await (await recordService(input.table)).amend(scope.table, scope.actor, recordId, { reason, expectedVersion });
  } catch (e) {
    if (!(e instanceof ValidationError) && !(e instanceof RecordConflictError)) throw e;
    const loaded = await load(input, recordId, 'change');
    await mayShowAgain(input, loaded, e);
    if (e instanceof ValidationError) {
      const message = e.fieldErrors.find((f) => f.field === 'reason')?.message ?? e.fieldErrors[0]?.message ?? e.message;
      return amendPage(input, loaded, { reason, error: message === 'Give a reason' ? 'Say why this record must change' : message, status: 422 });
    }
    if (loaded.record.status !== 'approved') {
      return readOnlyPage(input, loaded, { alert: { type: 'warning', text: `${e.message} Nothing was changed by your amendment.` }, status: 409 });
    }
    const text = 'Someone else changed this record after you opened the amendment page. Nothing was changed by your amendment. Check the record below, then amend it again.';
    return amendPage(input, loaded, { reason, alert: { type: 'warning', text }, status: 409 });
  }
  return redirect(`${recordPath(recordId)}?amended=1`);
}

/** GET /records/{id}/history: every change, with the changed fields by label (of the record's own form version). */
export async function showHistory(input: PageInput, recordId: string): Promise<HttpResult> {
  const loaded = await load(input, recordId, 'show');
  const entries = await (await recordService(input.table)).history(loaded.scope.table, loaded.scope.actor, recordId);
  const index = fieldIndex(loaded.def);
  const labelOf = (name: string) => {
    const entry = index.get(name);
    return entry ? (entry.group ? `${entry.group.label}: ${entry.field.label}` : entry.field.label) : undefined;
  };
  return page({
    title: `Version history of ${recordLabel(loaded.record)} - ${loaded.form.title}`,
    principal: input.principal,
    csrfToken: input.csrf,
    children: <HistoryPage record={loaded.record} form={loaded.form} entries={entries} labelOf={labelOf} />,
  });
}
