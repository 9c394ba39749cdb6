/**
 * GET /records: the jurisdiction's records, newest first, with search by review id or title and filters (form,
 * status, creation dates) in one GET form that works without JavaScript. The records service checks every value;
 * a bad one answers 400 with the form again and an error summary naming the field.
 */
import { BadRequestError, ValidationError, type FieldError } from '#shared/errors.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { recordService, requestScope } from '#shared/records/http.ts';
import { RECORD_FORMS, RECORD_STATUSES, SEARCH_MAX_LENGTH, type RecordSummary } from '#shared/records/model.ts';
import { recordDisplayName } from '#shared/records/naming.ts';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { describedByOf, FormGroup } from '#shared/web/components/form-group.tsx';
import { page } from '#shared/web/components/page.tsx';
import { ErrorSummary } from '#shared/web/components/alerts.tsx';
import type { PageInput } from '#shared/web/page-input.ts';
import { recordPath } from '../paths.ts';
import { STATUS_LABELS } from './record-pages.tsx';

export const LIST_PAGE_SIZE = 25;

/** `YYYY-MM-DD` of a day that exists (2026-02-30 does not). */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

const FORM_LABELS: Record<(typeof RECORD_FORMS)[number], string> = {
  critical_incident_review: 'Critical incident review',
  safety_notice: 'Safety notice',
};

/** The search form's fields, as sent (empty means "any"). */
export interface ListFilters {
  search?: string | undefined;
  formId?: string | undefined;
  status?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}
const FILTER_FIELDS = ['search', 'formId', 'status', 'from', 'to'] as const;
const FIELD_LABELS: Record<string, string> = { search: 'Review id or title', formId: 'Form', status: 'Status', from: 'Created from', to: 'Created to', cursor: 'Page link' };

const given = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** The list URL of these filters (and a page cursor): only the fields that say something. */
export function listHref(filters: ListFilters, cursor?: string): string {
  const params = new URLSearchParams();
  for (const f of FILTER_FIELDS) {
    const v = given(filters[f]);
    if (v !== undefined) params.set(f, v);
  }
  if (cursor) params.set('cursor', cursor);
  const qs = params.toString();
  return qs ? `/records?${qs}` : '/records';
}

export async function showRecordList(input: PageInput, query: ListFilters & { cursor?: string | undefined }): Promise<HttpResult> {
  const filters: ListFilters = Object.fromEntries(FILTER_FIELDS.map((f) => [f, given(query[f])]));
  const { table, actor } = requestScope(input.table, input.principal.jurisdictionId!, input.principal, input.event);
  const cursor = given(query.cursor);
  let errors: readonly FieldError[] = [];
  let found: { items: RecordSummary[]; nextCursor?: string | undefined } = { items: [] };
  try {
    found = await (await recordService(input.table)).list(table, actor, {
      ...(filters.search !== undefined ? { search: filters.search } : {}),
      ...(filters.formId !== undefined ? { formId: filters.formId } : {}),
      ...(filters.status !== undefined ? { status: filters.status as (typeof RECORD_STATUSES)[number] } : {}),
      ...(filters.from !== undefined ? { from: filters.from } : {}),
      ...(filters.to !== undefined ? { to: filters.to } : {}),
      ...(cursor !== undefined ? { cursor } : {}),
      limit: LIST_PAGE_SIZE,
    });
  } catch (error) {
    if (error instanceof ValidationError) errors = error.fieldErrors;
    else if (error instanceof BadRequestError) errors = [{ field: 'cursor', message: error.message }];
    else throw error;
  }
  const filtered = FILTER_FIELDS.some((f) => filters[f] !== undefined);
  return page(
    {
      title: errors.length ? 'Error: Records' : 'Records',
      path: '/records',
      principal: input.principal,
      csrfToken: input.csrf,
      children: <RecordList filters={filters} errors={errors} records={found.items} nextCursor={found.nextCursor} paged={cursor !== undefined} filtered={filtered} />,
    },
    errors.length ? 400 : 200,
  );
}

export interface RecordListProps {
  filters: ListFilters;
  errors: readonly FieldError[];
  records: RecordSummary[];
  nextCursor?: string | undefined;
  paged: boolean;
  filtered: boolean;
}

export function RecordList({ filters, errors, records, nextCursor, paged, filtered }: RecordListProps) {
  const messages = (field: string) => {
    const m = errors.filter((e) => e.field === field).map((e) => e.message);
    return m.length ? m : undefined;
  };
  const control = (field: string, hint?: boolean) => ({
    id: field,
    name: field,
    'aria-describedby': describedByOf(field, hint, messages(field)),
    'aria-invalid': messages(field) ? true : undefined,
  });
  const value = (field: keyof ListFilters) => filters[field] ?? '';
  // A date input's value must be a real date (HTML): a bad one typed into the URL is named by the error message instead.
  const dateValue = (field: 'from' | 'to') => (isCalendarDate(value(field)) ? value(field) : '');
  return (
    <>
      <h1>Records</h1>
      <p class="usa-intro">Your jurisdiction's critical incident reviews and safety notices, newest first.</p>
      {errors.length ? (
        <ErrorSummary errors={errors.map((e) => ({ href: e.field === 'cursor' ? '#search' : `#${FILTER_FIELDS.includes(e.field as never) ? e.field : 'search'}`, message: `${FIELD_LABELS[e.field] ?? e.field}: ${e.message}` }))} />
      ) : null}
      <form class="usa-form usa-form--large npcs-record-search" method="get" action="/records" role="search" aria-label="Search and filter records">
        <FormGroup id="search" label="Review id or title" hint="Part of your agency's review id or the notice's title. Case, spaces and dashes do not matter." messages={messages('search')}>
          <input class={`usa-input${messages('search') ? ' usa-input--error' : ''}`} type="text" inputmode="search" autocomplete="off" maxlength={SEARCH_MAX_LENGTH} value={value('search')} {...control('search', true)} />
        </FormGroup>
        <FormGroup id="formId" label="Form" messages={messages('formId')}>
          <select class="usa-select" {...control('formId')}>
            <option value="">Any form</option>
            {RECORD_FORMS.map((f) => (
              <option value={f} selected={filters.formId === f}>
                {FORM_LABELS[f]}
              </option>
            ))}
          </select>
        </FormGroup>
        <FormGroup id="status" label="Status" messages={messages('status')}>
          <select class="usa-select" {...control('status')}>
            <option value="">Any status</option>
            {RECORD_STATUSES.map((s) => (
              <option value={s} selected={filters.status === s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </FormGroup>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">Created between</legend>
          <FormGroup id="from" label="From" hint="A date, for example 2026-01-31" messages={messages('from')}>
            <input class={`usa-input${messages('from') ? ' usa-input--error' : ''}`} type="date" value={dateValue('from')} {...control('from', true)} />
          </FormGroup>
          <FormGroup id="to" label="To" hint="A date, for example 2026-03-31" messages={messages('to')}>
            <input class={`usa-input${messages('to') ? ' usa-input--error' : ''}`} type="date" value={dateValue('to')} {...control('to', true)} />
          </FormGroup>
        </fieldset>
        <div class="npcs-form-actions margin-top-3">
          <button class="usa-button" type="submit">
            Search
          </button>
          {filtered ? (
            <a class="usa-link" href="/records">
              Clear search and filters
            </a>
          ) : null}
        </div>
      </form>
      <h2 id="results-heading" class="margin-top-5">
        {filtered ? 'Matching records' : 'All records'}
      </h2>
      {errors.length ? (
        <p>Correct the search above to see records.</p>
      ) : records.length === 0 ? (
        <p class="npcs-no-records">{filtered ? 'No records match this search.' : paged ? 'There are no more records.' : 'There are no records yet.'}</p>
      ) : (
        <DataTable id="records-caption" caption={filtered ? 'Records that match the search, newest first' : 'Records, newest first'} captionHidden columns={['Record', 'Form', 'Status', 'Created', 'Last changed']}>
          {records.map((r) => {
            const { name, secondaryId, untitled } = recordDisplayName(r);
            return (
              <tr>
                <th scope="row" data-label="Record">
                  <a class={`usa-link${untitled ? ' npcs-untitled' : ''}`} href={recordPath(r.recordId)}>
                    {name}
                  </a>{' '}
                  <span class="npcs-record-id text-base">{secondaryId}</span>
                </th>
                <td data-label="Form">{FORM_LABELS[r.formId as keyof typeof FORM_LABELS] ?? r.formId}</td>
                <td data-label="Status">{STATUS_LABELS[r.status]}</td>
                <td data-label="Created">{r.createdAt.slice(0, 10)}</td>
                <td data-label="Last changed">{r.updatedAt.slice(0, 10)}</td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {nextCursor || paged ? (
        <nav aria-label="Pages of records" class="npcs-form-actions margin-top-2">
          {paged ? (
            <a class="usa-link" href={listHref(filters)}>
              Newest records
            </a>
          ) : null}
          {nextCursor ? (
            <a class="usa-link" href={listHref(filters, nextCursor)}>
              Older records
            </a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
