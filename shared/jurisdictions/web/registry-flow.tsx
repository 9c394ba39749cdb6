/**
 * The registry pages behind the web routes (functions/web): list, add and edit a jurisdiction through the same
 * domain code as the JSON API (shared/jurisdictions/admin.ts: versioned, audited). Handlers stay thin.
 */
import type { PageInput } from '#shared/web/page-input.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { addJurisdiction, editJurisdiction, type RegistryEditor } from '#shared/jurisdictions/admin.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import type { PostedFields } from '#shared/web/form-values.ts';
import { page } from '#shared/web/components/page.tsx';
import type { Alert } from '#shared/web/components/alerts.tsx';
import { emptyFormValues, formValuesFrom, formValuesOf, jurisdictionFrom, type RegistryFormValues } from './registry-form.ts';
import { REGISTRY_PATH, RegistryFormPage, RegistryPage, type RegistryFormPageProps } from './registry-pages.tsx';

const stores = new Map<string, JurisdictionStore>();
const storeOf = (input: PageInput): JurisdictionStore => {
  let store = stores.get(input.table);
  if (!store) stores.set(input.table, (store = new JurisdictionStore(input.table)));
  return store;
};

const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });
const savedPath = (id: string) => `${REGISTRY_PATH}?saved=${encodeURIComponent(id)}`;
const editor = (input: PageInput): RegistryEditor => ({
  subject: input.principal.subject,
  role: input.principal.role,
  requestId: input.event.requestContext.requestId,
  ...(input.principal.displayName ? { displayName: input.principal.displayName } : {}),
});

const FIELD_LABELS: Record<Exclude<keyof RegistryFormValues, 'id'>, string> = {
  name: 'name',
  type: 'type of agency',
  state: 'state',
  county: 'county',
  active: 'membership status',
  joinedYear: 'year it joined',
  units: 'units',
  contacts: 'contacts',
  reviewReminderHours: 'hours between reminders',
  reviewEscalateAfterReminders: 'reminders before escalating',
  dataSharingShares: 'shares with the data warehouse',
  dataSharingSince: 'data-sharing agreement start',
  dataSharingLagMonths: 'data-sharing lag',
};

function formPage(input: PageInput, props: Omit<RegistryFormPageProps, 'csrf'>, status = 200): HttpResult {
  const title = props.mode.kind === 'add' ? 'Add a jurisdiction' : `Edit ${props.mode.name}`;
  return page({ title: `${props.errors.length ? 'Error: ' : ''}${title}`, principal: input.principal, csrfToken: input.csrf, children: <RegistryFormPage {...props} csrf={input.csrf} /> }, status);
}

async function load(store: JurisdictionStore, id: string) {
  const found = await store.getVersioned(id);
  if (!found) throw new NotFoundError(`There is no jurisdiction with id "${id}".`);
  return found;
}

/** GET /registry: every jurisdiction, with the one just saved confirmed. */
export async function showRegistry(input: PageInput, query: { saved?: string | undefined }): Promise<HttpResult> {
  const jurisdictions = await storeOf(input).list();
  return page({
    title: 'Jurisdictions registry',
    path: REGISTRY_PATH,
    principal: input.principal,
    csrfToken: input.csrf,
    children: <RegistryPage jurisdictions={jurisdictions} saved={query.saved ? jurisdictions.find((j) => j.id === query.saved) : undefined} />,
  });
}

/** GET /registry/new */
export function showAddForm(input: PageInput): HttpResult {
  return formPage(input, { mode: { kind: 'add' }, values: emptyFormValues(), errors: [] });
}

/** POST /registry: add, or the form again with what was typed (422 invalid, 409 the id is taken). */
export async function addFromForm(input: PageInput, posted: PostedFields): Promise<HttpResult> {
  const values = formValuesFrom(posted);
  const parsed = jurisdictionFrom(values);
  if (!parsed.ok) return formPage(input, { mode: { kind: 'add' }, values, errors: parsed.errors }, 422);
  try {
    await addJurisdiction(documentClient, input.table, parsed.jurisdiction, editor(input));
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    const message = `The id "${parsed.jurisdiction.id}" is taken by another jurisdiction: choose another id, or edit that jurisdiction from the registry`;
    return formPage(input, { mode: { kind: 'add' }, values, errors: [{ field: 'id', message }] }, 409);
  }
  return redirect(savedPath(parsed.jurisdiction.id));
}

/** GET /registry/{id}/edit */
export async function showEditForm(input: PageInput, id: string): Promise<HttpResult> {
  const { jurisdiction, version } = await load(storeOf(input), id);
  return formPage(input, { mode: { kind: 'edit', id, name: jurisdiction.name, expectedVersion: version }, values: formValuesOf(jurisdiction), errors: [] });
}

/** What differs between the saved jurisdiction and what was typed, in words (for the conflict message). */
function differences(saved: Jurisdiction, typed: RegistryFormValues): string[] {
  const current = formValuesOf(saved);
  const norm = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? x.trim().replace(/\s*\|\s*/g, '|') : x));
  return (Object.keys(FIELD_LABELS) as (keyof typeof FIELD_LABELS)[]).filter((k) => norm(current[k]) !== norm(typed[k])).map((k) => FIELD_LABELS[k]);
}

/** POST /registry/{id}: save with expectedVersion; the form again on invalid input (422) or a stale version (409). */
export async function editFromForm(input: PageInput, id: string, posted: PostedFields): Promise<HttpResult> {
  const values = { ...formValuesFrom(posted), id };
  // A missing or mangled version can only be stale: it gets the conflict page, never a 500.
  const sent = Number(typeof posted.expectedVersion === 'string' ? posted.expectedVersion : Number.NaN);
  const expectedVersion = Number.isInteger(sent) && sent > 0 ? sent : 0;
  const before = await load(storeOf(input), id);
  const mode = (version: number, name: string) => ({ kind: 'edit' as const, id, name, expectedVersion: version });
  const parsed = jurisdictionFrom(values);
  if (!parsed.ok) return formPage(input, { mode: mode(expectedVersion, before.jurisdiction.name), values, errors: parsed.errors }, 422);
  try {
    await editJurisdiction(documentClient, storeOf(input), parsed.jurisdiction, expectedVersion, editor(input));
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    // Keep what was typed, over the latest version: saving again applies it to what the other person saved.
    const latest = await load(storeOf(input), id);
    const differ = differences(latest.jurisdiction, values);
    const alert: Alert = {
      type: 'warning',
      text: `Someone else changed this jurisdiction after you opened it. Nothing was lost: their changes are saved, and what you typed is still in the form below, not saved yet.${
        differ.length ? ` The saved version differs from yours in: ${differ.join(', ')}.` : ''
      } Check the form and save again to replace the saved version with yours.`,
    };
    return formPage(input, { mode: mode(latest.version, latest.jurisdiction.name), values, errors: [], alert }, 409);
  }
  return redirect(savedPath(id));
}
