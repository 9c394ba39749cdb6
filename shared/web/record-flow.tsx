/**
 * The record form flow behind the web routes (functions/web): load the principal's own record, render a section,
 * merge a posted section into the draft and save it (expectedVersion), review, submit. Handlers stay thin.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Principal } from '#shared/auth/principal.ts';
import { isAllowed } from '#shared/auth/policy.ts';
import { NotFoundError, ValidationError, type FieldError } from '#shared/errors.ts';
import { conditionFields, resolveVisibility, type Visibility } from '#shared/forms/conditions.ts';
import { getForm } from '#shared/forms/registry.ts';
import { renderModel, type RenderForm, type RenderSection } from '#shared/forms/render-model.ts';
import type { FormDefinition } from '#shared/forms/index.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { RecordConflictError } from '#shared/records/errors.ts';
import { formContextFrom, recordService, requestScope } from '#shared/records/http.ts';
import { isEditable, type RecordView } from '#shared/records/model.ts';
import { applyEntryAction, CONTROL, inputId, mergeSection, sectionAction, sectionAnswers, type PostedFields } from './form-values.ts';
import { page } from './page.tsx';
import { RecordReadOnly, recordPath, ReviewPage, SectionPage, sectionPath, type Alert } from './record-pages.tsx';

type Bag = Record<string, unknown>;

export interface FlowInput {
  table: string;
  principal: Principal;
  event: APIGatewayProxyEventV2;
  csrf: string;
}

const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });

const CONFLICT_TEXT =
  'Someone else saved this record while you were working on it. Nothing was lost: their changes are saved, and your answers are still in the form below, not yet saved. Check them and save again.';

interface Loaded {
  record: RecordView;
  def: FormDefinition;
  form: RenderForm;
}

/** The principal's own jurisdiction's record (another jurisdiction's id is simply not found there). */
async function load(input: FlowInput, recordId: string): Promise<Loaded & { scope: ReturnType<typeof requestScope> }> {
  const jurisdictionId = input.principal.jurisdictionId!;
  const scope = requestScope(input.table, jurisdictionId, input.principal, input.event);
  const record = await (await recordService(input.table)).get(scope.table, scope.actor, recordId);
  const def = getForm(record.formId, record.formVersion);
  const ctx = await formContextFrom(new JurisdictionStore(input.table))(jurisdictionId);
  return { record, def, form: renderModel(def, ctx), scope };
}

const visibleSections = (form: RenderForm, visibility: Visibility) => form.sections.filter((s) => visibility.sections[s.id]);

function findSection(form: RenderForm, sectionId: string): RenderSection {
  const section = form.sections.find((s) => s.id === sectionId);
  if (!section) throw new NotFoundError('This form has no such section.');
  return section;
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

function sectionPage(input: FlowInput, loaded: Loaded, section: RenderSection, answers: Bag, opts: { errors?: FieldError[]; alert?: Alert; version?: number; status?: number } = {}): HttpResult {
  const { visibility } = resolveVisibility(loaded.def, answers);
  const record = opts.version ? { ...loaded.record, version: opts.version } : loaded.record;
  const title = `${opts.errors?.length ? 'Error: ' : ''}${section.title}`;
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
          sections={visibleSections(loaded.form, visibility)}
          section={section}
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

function readOnlyPage(input: FlowInput, loaded: Loaded, alert?: Alert): HttpResult {
  const { visibility } = resolveVisibility(loaded.def, loaded.record.answers);
  return page({
    title: `${loaded.form.title} ${loaded.record.recordId}`,
    principal: input.principal,
    csrfToken: input.csrf,
    children: <RecordReadOnly record={loaded.record} form={loaded.form} sections={visibleSections(loaded.form, visibility)} visibility={visibility} alert={alert} />,
  });
}

/** GET /records/{id}: a draft the principal may edit opens at its first section; anything else reads. */
export async function showRecord(input: FlowInput, recordId: string, query: { submitted?: string | undefined }): Promise<HttpResult> {
  const loaded = await load(input, recordId);
  if (canEdit(input.principal, loaded.record)) {
    const first = visibleSections(loaded.form, resolveVisibility(loaded.def, loaded.record.answers).visibility)[0];
    if (first) return redirect(sectionPath(recordId, first.id));
  }
  return readOnlyPage(input, loaded, query.submitted ? { type: 'success', text: `Submitted. Your review lead can now see ${loaded.form.title.toLowerCase()} ${recordId}.` } : undefined);
}

/** GET /records/{id}/sections/{sectionId} */
export async function showSection(input: FlowInput, recordId: string, sectionId: string, query: { notice?: string | undefined }): Promise<HttpResult> {
  const loaded = await load(input, recordId);
  const section = findSection(loaded.form, sectionId);
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
export async function saveSection(input: FlowInput, recordId: string, sectionId: string, posted: PostedFields): Promise<HttpResult> {
  const loaded = await load(input, recordId);
  const section = findSection(loaded.form, sectionId);
  if (!canEdit(input.principal, loaded.record)) return redirect(recordPath(recordId));
  const action = sectionAction(posted);
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
    if (e instanceof ValidationError) {
      return sectionPage(input, loaded, section, merged, { errors: [...e.fieldErrors], status: 422 });
    }
    if (e instanceof RecordConflictError && e.reason === 'stale_version') {
      // Show what they typed, over the current version: saving again applies it to the latest record.
      return sectionPage(input, loaded, section, merged, { alert: { type: 'warning', text: CONFLICT_TEXT }, status: 409 });
    }
    throw e;
  }
  const { visibility } = resolveVisibility(loaded.def, saved.answers);
  const sections = visibleSections(loaded.form, visibility);
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
    case 'stay':
      return redirect(sectionPath(recordId, section.id));
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

function reviewPage(input: FlowInput, loaded: Loaded, opts: { errors?: FieldError[]; alert?: Alert; status?: number } = {}): HttpResult {
  const { visibility } = resolveVisibility(loaded.def, loaded.record.answers);
  return page(
    {
      title: `${opts.errors?.length ? 'Error: ' : ''}Review and submit`,
      principal: input.principal,
      csrfToken: input.csrf,
      children: (
        <ReviewPage
          record={loaded.record}
          form={loaded.form}
          sections={visibleSections(loaded.form, visibility)}
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
export async function showReview(input: FlowInput, recordId: string): Promise<HttpResult> {
  const loaded = await load(input, recordId);
  if (!canEdit(input.principal, loaded.record)) return redirect(recordPath(recordId));
  return reviewPage(input, loaded);
}

/** POST /records/{id}/submit: idempotent per the review page's submissionId. */
export async function submitRecord(input: FlowInput, recordId: string, body: { expectedVersion: string; submissionId: string }): Promise<HttpResult> {
  const loaded = await load(input, recordId);
  try {
    await (await recordService(input.table)).submit(loaded.scope.table, loaded.scope.actor, recordId, { expectedVersion: Number(body.expectedVersion), submissionId: body.submissionId });
  } catch (e) {
    if (e instanceof ValidationError) return reviewPage(input, loaded, { errors: [...e.fieldErrors], status: 422 });
    if (e instanceof RecordConflictError && e.reason === 'stale_version') {
      return reviewPage(input, loaded, { alert: { type: 'warning', text: 'Someone else saved this record after you opened this page. Nothing was lost. Check the answers below (they are the latest) and submit again.' }, status: 409 });
    }
    throw e;
  }
  return redirect(`${recordPath(recordId)}?submitted=1`);
}
