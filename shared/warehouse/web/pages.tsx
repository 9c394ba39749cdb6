/** The platform admins' warehouse page markup (shared/warehouse/web/flow.tsx serves it). */
import { formRegistry } from '#shared/forms/registry.ts';
import type { FieldError } from '#shared/errors.ts';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { RequiredTextarea } from '#shared/web/components/form-group.tsx';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import type { NotSharedReason } from '../consent.ts';
import { RELEASE_REASON_MAX, type ConsentEntry, type WarehouseRelease } from '../store.ts';

const LONG_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
const day = (iso: string) => LONG_DATE.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
const count = (n: number) => n.toLocaleString('en-US');
/** The window's last day: `until` is exclusive. */
const dayBefore = (iso: string) => new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export const NOT_SHARED: Record<NotSharedReason, string> = {
  'no agreement': 'No: no data-sharing agreement on record',
  'not sharing': 'No: its agreement says it does not share (withdrawn)',
  'lag not passed': 'No: none of its records is past the agreement’s lag yet',
  inactive: 'No: it has left the partnership',
};

const TRIGGER: Record<WarehouseRelease['trigger'], string> = { schedule: 'Monthly schedule', on_demand: 'Started by a platform admin' };

function formTitle(formId: string, version: number): string {
  try {
    return `${formRegistry.getForm(formId, version).title}, version ${version}`;
  } catch {
    return `${formId}, version ${version}`;
  }
}

export interface StartFormState {
  alert?: Alert | undefined;
  reason?: string;
  errors?: readonly FieldError[];
}

export interface WarehousePageProps {
  csrf: string;
  current: WarehouseRelease | undefined;
  earlier: readonly WarehouseRelease[];
  form?: StartFormState;
}

export function WarehousePage({ csrf, current, earlier, form = {} }: WarehousePageProps) {
  const reasonError = form.errors?.find((e) => e.field === 'reason')?.message;
  return (
    <>
      {form.errors?.length ? <ErrorSummary errors={form.errors.map((e) => ({ href: '#release-reason', message: e.message }))} /> : null}
      {form.alert ? <AlertBox alert={form.alert} /> : null}
      <h1>Data warehouse</h1>
      <p class="usa-intro">
        The national fatality-review center’s warehouse receives de-identified, record-level research sets of approved critical incident reviews and safety notices. A release is made on the 3rd of each month; only the
        records of jurisdictions whose data-sharing agreement allows it, approved within their agreement’s window, are in it. Each release replaces the one before.
      </p>
      <h2>Start a release now</h2>
      <form class="usa-form usa-form--large" method="post" action="/warehouse/releases">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <p>A release started now reads the registry’s agreements and the approved records as they are today, for example after a jurisdiction withdrew its consent. The current release stays until the new one has finished (a few minutes).</p>
        <RequiredTextarea
          id="release-reason"
          name="reason"
          label="Why a release is needed now"
          hint="Kept with the release and shown in the list below."
          maxLength={RELEASE_REASON_MAX}
          value={form.reason}
          error={reasonError}
        />
        <button class="usa-button" type="submit">
          Start a release now
        </button>
      </form>
      {current ? <CurrentRelease release={current} /> : <p class="margin-top-4">No warehouse release has been published yet.</p>}
      <section class="margin-top-5" aria-labelledby="earlier-heading">
        <h2 id="earlier-heading">Releases</h2>
        {earlier.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <DataTable id="earlier-caption" caption="Warehouse releases, newest first" captionHidden columns={['Release', 'Published', 'Started by', 'Records', 'Jurisdictions in it']}>
            {earlier.map((r) => (
              <tr>
                <th scope="row" data-label="Release" class="npcs-wrap-cell">
                  {r.releaseId}
                  {current?.releaseId === r.releaseId ? ' (current)' : ''}
                </th>
                <td data-label="Published">{DATE_TIME.format(new Date(r.publishedAt))}</td>
                <td data-label="Started by">
                  {TRIGGER[r.trigger]}
                  {r.reason ? `: ${r.reason}` : ''}
                </td>
                <td data-label="Records">{count(r.forms.reduce((n, f) => n + f.records, 0))}</td>
                <td data-label="Jurisdictions in it">
                  {r.jurisdictions.filter((j) => j.shares).length} of {r.jurisdictions.length}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}

function CurrentRelease({ release }: { release: WarehouseRelease }) {
  const inIt = release.jurisdictions.filter((j) => j.shares).length;
  return (
    <section class="margin-top-5" aria-labelledby="current-heading">
      <h2 id="current-heading">Current release</h2>
      <ul class="usa-list">
        <li>
          Release <span class="npcs-wrap-cell">{release.releaseId}</span>, published {DATE_TIME.format(new Date(release.publishedAt))} UTC ({TRIGGER[release.trigger].toLowerCase()}).
        </li>
        <li>
          Agreements and windows as of {day(release.releaseDate)}: {inIt} of {release.jurisdictions.length} jurisdictions are in it.
        </li>
        <li>
          Files: {count(release.files.length)} Parquet files under <code>warehouse/datasets/</code>; the manifest is <code>{release.manifestKey}</code> and the data dictionary <code>{release.dictionaryKey}</code>.
        </li>
      </ul>
      <h3>De-identification of each form version</h3>
      <DataTable
        id="forms-caption"
        caption="Records and k-anonymity figures of each form version in the current release"
        columns={['Form version', 'Records', 'k', 'Smallest class', 'Classes', 'Rows generalized', 'Cells suppressed', 'Rows fully suppressed', 'Columns dropped']}
      >
        {release.forms.map((f) => (
          <tr>
            <th scope="row" data-label="Form version">
              {formTitle(f.formId, f.version)}
            </th>
            <td data-label="Records">{count(f.records)}</td>
            <td data-label="k">{f.k}</td>
            <td data-label="Smallest class">{f.smallestClass ?? 'none'}</td>
            <td data-label="Classes">{count(f.classes)}</td>
            <td data-label="Rows generalized">{count(f.generalized)}</td>
            <td data-label="Cells suppressed">{count(f.suppressedCells)}</td>
            <td data-label="Rows fully suppressed">{count(f.suppressed)}</td>
            <td data-label="Columns dropped">{count(f.droppedColumns)}</td>
          </tr>
        ))}
      </DataTable>
      <h3>Jurisdictions</h3>
      <DataTable id="jurisdictions-caption" caption="Which jurisdictions the current release carries, and why the others are not in it" columns={['Jurisdiction', 'State', 'In this release', 'Records approved', 'Records']}>
        {release.jurisdictions.map((j: ConsentEntry) => (
          <tr>
            <th scope="row" data-label="Jurisdiction">
              {j.name}
            </th>
            <td data-label="State">{j.state}</td>
            <td data-label="In this release">{j.shares ? 'Yes' : NOT_SHARED[j.reason]}</td>
            <td data-label="Records approved">{j.shares ? `${day(j.from)} through ${day(dayBefore(j.until))}` : ''}</td>
            <td data-label="Records">{j.shares ? count(j.records) : ''}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
