/** The report pages' markup (shared/reports/web/report-flow.tsx serves them). */
import { CADENCES, type Cadence } from '#shared/reports/model.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import type { FieldError } from '#shared/errors.ts';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { DataTable } from '#shared/web/components/data-table.tsx';
import type { ReportRelease } from './reader.ts';

export const CADENCE_NAMES: Record<Cadence, string> = { monthly: 'Monthly reports', quarterly: 'Quarterly reports' };
const LONG_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
export const publishedOn = (iso: string) => LONG_DATE.format(new Date(iso));

export const reportPath = (r: Pick<ReportRelease, 'cadence' | 'period'>) => `/reports/${r.cadence}/${encodeURIComponent(r.period.id)}`;
export const ownReportPath = (r: Pick<ReportRelease, 'cadence' | 'period'>, jurisdictionId: string) => `${reportPath(r)}/jurisdictions/${encodeURIComponent(jurisdictionId)}`;

export interface ListProps {
  releases: readonly ReportRelease[];
  /** The principal's jurisdiction, when the role reads its own reports too. */
  ownJurisdiction?: string | undefined;
}

export function ReportsListPage({ releases, ownJurisdiction }: ListProps) {
  return (
    <>
      <h1>Reports</h1>
      <p class="usa-intro">
        The partnership's reports of approved critical incident reviews and safety notices, made after each month and each quarter ends. Small counts are suppressed in them so that no child or family can be identified.
        {ownJurisdiction ? " Your jurisdiction's own report of each period, with every count shown, is beside it: it is for your agency only." : ''}
      </p>
      {CADENCES.map((cadence) => {
        const rows = releases.filter((r) => r.cadence === cadence);
        return (
          <section class="margin-top-4" aria-labelledby={`${cadence}-heading`}>
            <h2 id={`${cadence}-heading`}>{CADENCE_NAMES[cadence]}</h2>
            {rows.length === 0 ? (
              <p>No {cadence} report has been published yet.</p>
            ) : (
              <DataTable id={`${cadence}-caption`} caption={`${CADENCE_NAMES[cadence]}, newest first`} captionHidden columns={['Period', 'Published', 'Headline', 'Reports']}>
                {rows.map((r) => (
                  <tr>
                    <th scope="row" data-label="Period">
                      {r.period.label}
                    </th>
                    <td data-label="Published">{publishedOn(r.publishedAt)}</td>
                    <td data-label="Headline" class="npcs-wrap-cell">
                      {r.headline[0] ? `${r.headline[0].label}: ${r.headline[0].value}` : '—'}
                    </td>
                    <td data-label="Reports">
                      <ul class="usa-list usa-list--unstyled">
                        <li>
                          <a class="usa-link" href={reportPath(r)}>
                            Partnership report<span class="usa-sr-only">, {r.period.label}</span>
                          </a>
                        </li>
                        {ownJurisdiction ? (
                          <li>
                            <a class="usa-link" href={ownReportPath(r, ownJurisdiction)}>
                              Your jurisdiction's own report<span class="usa-sr-only">, {r.period.label}</span>
                            </a>
                          </li>
                        ) : null}
                      </ul>
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </section>
        );
      })}
    </>
  );
}

const FORMATS = ['csv', 'json', 'parquet'] as const;
const FORMAT_NAMES: Record<(typeof FORMATS)[number], string> = { csv: 'CSV', json: 'JSON', parquet: 'Parquet' };

/** "reviews_by_incident_type.year_to_date" → "Reviews by incident type, year to date". */
function tableName(tableId: string): string {
  const [dataset = tableId, span] = tableId.split('.');
  const words = dataset.replace(/_/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${span ? `, ${span === 'period' ? 'the period' : span.replace(/_/g, ' ')}` : ''}`;
}

/** The release's files, one row per table with its three formats, and the manifest. */
export function FilesSection({ files, base, periodLabel, own }: { files: readonly string[]; base: string; periodLabel: string; own: boolean }) {
  const tables = new Map<string, Set<string>>();
  for (const f of files) {
    const m = /^(.+)\.(csv|json|parquet)$/.exec(f);
    if (!m || f === 'manifest.json') continue;
    tables.set(m[1]!, (tables.get(m[1]!) ?? new Set()).add(m[2]!));
  }
  const href = (name: string) => `${base}/files/${encodeURIComponent(name)}`;
  return (
    <section id="files" class="margin-top-5 npcs-no-print" aria-labelledby="files-heading">
      <h2 id="files-heading">The tables as files</h2>
      <p>
        Each table of this report, exactly as shown{own ? '' : ' (suppressed cells are empty and marked)'}, for spreadsheets and analysis tools. The manifest lists every file with its row count and checksum, the rules applied and the
        form versions read.
      </p>
      {files.includes('manifest.json') ? (
        <p>
          <a class="usa-link" href={href('manifest.json')} download>
            Manifest (JSON)
          </a>
        </p>
      ) : null}
      {tables.size ? (
        <DataTable id="files-caption" caption={`Table files of ${periodLabel}`} captionHidden columns={['Table', 'Files']}>
          {[...tables].map(([tableId, formats]) => (
            <tr>
              <th scope="row" data-label="Table">
                {tableName(tableId)}
              </th>
              <td data-label="Files">
                <ul class="usa-list usa-list--unstyled npcs-inline-list">
                  {FORMATS.filter((f) => formats.has(f)).map((f) => (
                    <li>
                      <a class="usa-link" href={href(`${tableId}.${f}`)} download>
                        {FORMAT_NAMES[f]}
                        <span class="usa-sr-only"> of {tableName(tableId)}</span>
                      </a>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}

/** A report page: the stored fragment (rendered when the release was built) between the way back and its files. */
export function ReportPage({ fragment, release, base, other, own = false }: { fragment: string; release: ReportRelease; base: string; other?: { href: string; label: string } | undefined; own?: boolean }) {
  return (
    <>
      <p class="npcs-no-print">
        <a class="usa-link" href="/reports">
          All reports
        </a>
        {other ? (
          <>
            {' · '}
            <a class="usa-link" href={other.href}>
              {other.label}
            </a>
          </>
        ) : null}
        {' · '}
        <a class="usa-link" href="#files">
          The tables as files
        </a>
      </p>
      <div class="npcs-report-body" dangerouslySetInnerHTML={{ __html: fragment }} />
      <FilesSection files={release.files} base={base} periodLabel={release.period.label} own={own} />
    </>
  );
}


/** The platform admins' form: a run for a cadence and period now (the schedules make the others). */
export interface RunFormState {
  values?: { cadence?: string; periodId?: string };
  errors?: readonly FieldError[];
  alert?: Alert;
}

export function RunFormPage({ csrf, releases, state = {} }: { csrf: string; releases: readonly ReportRelease[]; state?: RunFormState }) {
  const errorOf = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  const cadence = state.values?.cadence ?? 'quarterly';
  return (
    <>
      {state.errors?.length ? <ErrorSummary errors={state.errors.map((e) => ({ href: `#run-${e.field === 'cadence' ? 'cadence' : 'period'}`, message: e.message }))} /> : null}
      {state.alert ? <AlertBox alert={state.alert} /> : null}
      <h1>Start a report run</h1>
      <p class="usa-intro">
        Reports are made on schedule after each month and quarter ends. A run started here makes the report of one period now, for example after records of a past period were amended. It replaces that period's published report
        once it has finished; until then the published one stays.
      </p>
      <form class="usa-form" method="post" action="/reports/runs">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <div class={`usa-form-group${errorOf('cadence') ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" for="run-cadence">
            Cadence
          </label>
          {errorOf('cadence') ? (
            <span class="usa-error-message" id="run-cadence-error">
              {errorOf('cadence')}
            </span>
          ) : null}
          <select class="usa-select" id="run-cadence" name="cadence" {...(errorOf('cadence') ? { 'aria-describedby': 'run-cadence-error' } : {})}>
            <option value="monthly" selected={cadence === 'monthly'}>
              Monthly
            </option>
            <option value="quarterly" selected={cadence === 'quarterly'}>
              Quarterly
            </option>
          </select>
        </div>
        <div class={`usa-form-group${errorOf('periodId') ? ' usa-form-group--error' : ''}`}>
          <label class="usa-label" for="run-period">
            Period
          </label>
          <div class="usa-hint" id="run-period-hint">
            A month for a monthly report, such as 2026-03; a quarter for a quarterly one, such as 2026-Q1. Only a period that has ended.
          </div>
          {errorOf('periodId') ? (
            <span class="usa-error-message" id="run-period-error">
              {errorOf('periodId')}
            </span>
          ) : null}
          <input
            class={`usa-input${errorOf('periodId') ? ' usa-input--error' : ''}`}
            id="run-period"
            name="periodId"
            type="text"
            required
            maxlength={7}
            value={state.values?.periodId ?? ''}
            aria-describedby={errorOf('periodId') ? 'run-period-hint run-period-error' : 'run-period-hint'}
            autocomplete="off"
          />
        </div>
        <button class="usa-button" type="submit">
          Start the run
        </button>
      </form>
      <section class="margin-top-5" aria-labelledby="published-heading">
        <h2 id="published-heading">Published periods</h2>
        {releases.length === 0 ? (
          <p>No report has been published yet.</p>
        ) : (
          <DataTable id="published-caption" caption="Published reports, newest first" captionHidden columns={['Period', 'Cadence', 'Published', 'Run']}>
            {releases.map((r) => (
              <tr>
                <th scope="row" data-label="Period">
                  {r.period.label}
                </th>
                <td data-label="Cadence">{r.cadence === 'monthly' ? 'Monthly' : 'Quarterly'}</td>
                <td data-label="Published">{publishedOn(r.publishedAt)}</td>
                <td data-label="Run" class="npcs-wrap-cell">
                  {r.runId}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
