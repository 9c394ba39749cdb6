/**
 * The home page (GET /). Signed out: what the platform is. Signed in: "Your tasks" by what the policy lets the
 * role do (submitters: drafts and returned records to finish; reviewers: records waiting for review; jurisdiction
 * admins: what is open in their jurisdiction; platform admins: registry and audit; partnership leads: what they get),
 * the forms the person may start, and the jurisdiction's most recent records. Tasks follow actions, not role names,
 * so the policy table stays the one place that says who does what.
 */
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Principal } from '#shared/auth/principal.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { isAllowed, scopeOf } from '#shared/auth/policy.ts';
import { getForm, latestVersion } from '#shared/forms/registry.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { recordService, requestScope } from '#shared/records/http.ts';
import { RECORD_STATUSES, type ListQuery, type RecordStatus, type RecordSummary } from '#shared/records/model.ts';
import { SMALL_CELL_THRESHOLD } from '#shared/policy.ts';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { page } from '#shared/web/components/page.tsx';
import { STARTABLE_FORMS, type StartableForm } from '#shared/records/web/record-flow.tsx';
import { recordPath } from '#shared/records/paths.ts';
import { STATUS_LABELS } from '#shared/records/web/record-pages.tsx';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { RecordName } from '#shared/records/web/record-name.tsx';
import { isOverdue, OpenReviews, type OpenReview } from '#shared/review/open-reviews.ts';
import { documentClient } from '#shared/aws/document-client.ts';
import { noticeHome, type NoticeHome } from '#shared/notices/home.ts';
import { NoticeHomeLists } from '#shared/notices/web/home-lists.tsx';

/** Most records one task list shows; the list says when there are more. */
export const TASK_LIMIT = 50;
const OVERVIEW_LIMIT = 100;
const TO_FINISH: RecordStatus[] = ['returned', 'draft'];
const TO_REVIEW: RecordStatus[] = ['submitted', 'in_review'];
const OPEN: RecordStatus[] = ['draft', 'submitted', 'in_review', 'returned'];

const START_TEXT: Record<StartableForm, string> = {
  critical_incident_review: 'A new draft review of a child fatality or near fatality, for your jurisdiction. You can save it and come back.',
  safety_notice: 'A short, de-identified notice that shares what your jurisdiction learned with every partner. You can save it and come back.',
};

const formTitle = (formId: string): string => {
  try {
    return getForm(formId, latestVersion(formId)).title;
  } catch {
    return formId;
  }
};

interface TaskList {
  items: RecordSummary[];
  /** More records matched than the list shows. */
  more: boolean;
  /** The review workflow's entry of each listed record that has one: its due date (reviewers' list). */
  due?: Map<string, OpenReview>;
}

/** A jurisdiction admin's row of every open review: the review, its record, and how old it is. */
export interface OpenReviewRow {
  review: OpenReview;
  record: Pick<RecordSummary, 'recordId' | 'formId' | 'reference' | 'status'>;
}

export interface HomeData {
  /** The name of the principal's jurisdiction in the registry (people know their agency by name, not by id). */
  jurisdictionName?: string | undefined;
  /** The jurisdiction's most recent records; undefined for roles that do not list records. */
  recent?: RecordSummary[] | undefined;
  /** Drafts and returned records to finish (roles that save drafts). */
  finish?: TaskList | undefined;
  /** Submitted and in-review records (roles that review). */
  review?: TaskList | undefined;
  /** Open records by status (roles that list records but neither edit nor review them). */
  overview?: { counts: Record<RecordStatus, number>; more: boolean } | undefined;
  /** Every open review of the jurisdiction, oldest due first (jurisdiction admins), and how many were not listed. */
  openReviews?: { rows: OpenReviewRow[]; more: number } | undefined;
  /** What "now" was for due dates and ages. */
  now?: Date;
  /** Partners' notices waiting for the jurisdiction's answer; overdue notices for partnership leads. */
  notices?: NoticeHome;
}

/** GET /: the signed-out page, or the signed-in person's home with their tasks. */
export async function showHome(input: PageInput<Principal | undefined>, query: { started?: string | undefined; saved?: string | undefined }): Promise<HttpResult> {
  const { principal, csrf } = input;
  if (!principal) return page({ title: 'Home', path: '/', children: <SignedOut /> });
  const [home, notices] = await Promise.all([loadHome(input.table, principal, input.event), noticeHome(documentClient, input.table, principal, new Date().toISOString().slice(0, 10))]);
  home.notices = notices;
  return page({
    title: 'Home',
    path: '/',
    principal,
    csrfToken: csrf,
    children: <SignedIn principal={principal} home={home} csrf={csrf} started={query.started} saved={query.saved} />,
  });
}

/** The lists the home page needs, in parallel; each only for a role the policy allows it. */
export async function loadHome(tableName: string, principal: Principal, event: APIGatewayProxyEventV2): Promise<HomeData> {
  const jurisdictionId = principal.jurisdictionId;
  const own = { jurisdictionId };
  if (!jurisdictionId) return {};
  const jurisdictionName = (await new JurisdictionStore(tableName).get(jurisdictionId))?.name;
  if (!isAllowed(principal, 'records:list', own)) return { jurisdictionName };
  const { table, actor } = requestScope(tableName, jurisdictionId, principal, event);
  const records = await recordService(tableName);
  const list = async (query: ListQuery) => {
    const found = await records.list(table, actor, query);
    return { items: found.items, more: found.nextCursor !== undefined };
  };
  const finishes = isAllowed(principal, 'records:save', own);
  const reviews = isAllowed(principal, 'records:review', own);
  const overviews = !finishes && !reviews;
  const [recent, finish, review, open, openReviews] = await Promise.all([
    list({}),
    finishes ? list({ status: TO_FINISH, limit: TASK_LIMIT }) : undefined,
    reviews ? list({ status: TO_REVIEW, limit: TASK_LIMIT }) : undefined,
    overviews ? list({ status: OPEN, limit: OVERVIEW_LIMIT }) : undefined,
    reviews || overviews ? new OpenReviews(table).list() : undefined,
  ]);
  const counts = Object.fromEntries(RECORD_STATUSES.map((s) => [s, 0])) as Record<RecordStatus, number>;
  for (const r of open?.items ?? []) counts[r.status] += 1;
  const now = new Date();
  const due = new Map((openReviews ?? []).map((o) => [o.recordId, o]));
  return {
    jurisdictionName,
    recent: recent.items,
    // Returned records first: someone is waiting on those changes.
    finish: finish && { ...finish, items: [...finish.items].sort((a, b) => Number(b.status === 'returned') - Number(a.status === 'returned')) },
    review: review && { ...review, items: byDueDate(review.items, due), due },
    overview: open && { counts, more: open.more },
    openReviews: overviews && openReviews ? await openReviewRows(openReviews, (recordId) => records.current(table, actor, recordId)) : undefined,
    now,
  };
}

/**
 * Records waiting for review by due date, overdue (earliest due) first; records whose review has not reached its
 * first wait yet (seconds after a submission) come last, oldest submission first.
 */
export function byDueDate(items: readonly RecordSummary[], due: ReadonlyMap<string, OpenReview>): RecordSummary[] {
  const dueOf = (r: RecordSummary) => due.get(r.recordId)?.due;
  return [...items].sort((a, b) => {
    const [da, db] = [dueOf(a), dueOf(b)];
    if (da && db) return da.localeCompare(db);
    if (da || db) return da ? -1 : 1;
    return (a.submittedAt ?? a.updatedAt).localeCompare(b.submittedAt ?? b.updatedAt);
  });
}

/** The admin's table: the first TASK_LIMIT open reviews (by due date) with the names of their records. */
async function openReviewRows(reviews: readonly OpenReview[], read: (recordId: string) => Promise<RecordSummary>): Promise<{ rows: OpenReviewRow[]; more: number }> {
  const shown = reviews.slice(0, TASK_LIMIT);
  const rows = await Promise.all(shown.map(async (review) => ({ review, record: await read(review.recordId) })));
  return { rows, more: reviews.length - shown.length };
}

const DAY_MS = 24 * 3600 * 1000;
/** Whole days from one time to another (never negative). */
const daysBetween = (from: string, to: Date) => Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / DAY_MS));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A review's due date in words: "Overdue by 3 days (due 2026-03-02)", "Due 2026-03-05". */
export function dueWords(review: Pick<OpenReview, 'due'>, now: Date): string {
  const date = review.due.slice(0, 10);
  if (!isOverdue(review, now)) return `Due ${date}`;
  const days = daysBetween(review.due, now);
  return days === 0 ? `Overdue since today (due ${date})` : `Overdue by ${plural(days, 'day')} (due ${date})`;
}

export function SignedOut() {
  return (
    <div class="usa-prose">
      <h1>Learning from critical incidents, together</h1>
      <p class="usa-intro">
        The National Partnership for Child Safety is a partnership of state, county and tribal child welfare agencies that apply safety science to child fatalities and
        near fatalities.
      </p>
      <p>Agency staff use this site to complete critical incident reviews and safety notices for their own jurisdiction; review leads return or approve them.</p>
      <p>
        <a class="usa-button" href="/auth/sign-in?returnTo=/">
          Sign in
        </a>
      </p>
      <p>
        <a class="usa-link" href="/sign-in-help">
          Help signing in
        </a>
      </p>
    </div>
  );
}

export interface SignedInProps {
  principal: Principal;
  home: HomeData;
  csrf: string;
  started?: string | undefined;
  saved?: string | undefined;
}

export function SignedIn({ principal, home, csrf, started, saved }: SignedInProps) {
  const startedForm = started ? home.recent?.find((r) => r.recordId === started)?.formId : undefined;
  return (
    <>
      {principal.jurisdictionId ? (
        <>
          <h1>{home.jurisdictionName ?? principal.jurisdictionId}</h1>
          <p class="text-base margin-top-0">
            Records of your jurisdiction (<span class="npcs-record-id">{principal.jurisdictionId}</span>)
          </p>
        </>
      ) : (
        <h1>Welcome</h1>
      )}
      {started ? (
        <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">
              Started {startedForm ? formTitle(startedForm).toLowerCase() : 'record'} {started} as a draft.
            </p>
          </div>
        </div>
      ) : null}
      {saved ? (
        <div class="usa-alert usa-alert--success usa-alert--slim" role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">
              Saved draft {saved}. Find it under Your tasks to carry on: <a class="usa-link" href={recordPath(saved)}>continue draft {saved}</a>.
            </p>
          </div>
        </div>
      ) : null}
      <Tasks principal={principal} home={home} />
      {home.notices ? <NoticeHomeLists home={home.notices} /> : null}
      {isAllowed(principal, 'records:create', { jurisdictionId: principal.jurisdictionId }) ? <StartForms csrf={csrf} /> : null}
      {home.recent ? <Recent records={home.recent} /> : null}
    </>
  );
}

function Tasks({ principal, home }: { principal: Principal; home: HomeData }) {
  const jurisdiction = home.jurisdictionName ?? principal.jurisdictionId ?? '';
  return (
    <section class="margin-top-4" aria-labelledby="tasks-heading" id="tasks">
      <h2 id="tasks-heading">Your tasks</h2>
      {home.finish ? (
        <>
          <h3>Drafts and returned records to finish</h3>
          {home.finish.items.length ? <p>Records of {jurisdiction} that are not submitted yet. Returned records come first: a reviewer asked for changes.</p> : null}
          <RecordTasks list={home.finish} label="Records to finish" empty="Nothing to finish: there are no drafts or returned records." />
        </>
      ) : null}
      {home.review ? (
        <>
          <h3>Waiting for review</h3>
          {home.review.items.length ? <p>Submitted and in-review records of {jurisdiction}. Open one to start the review, return it for changes or approve it.</p> : null}
          <RecordTasks list={home.review} label="Records waiting for review" empty="Nothing is waiting for review." now={home.now} />
        </>
      ) : null}
      {home.overview ? <Overview overview={home.overview} jurisdiction={jurisdiction} /> : null}
      {home.openReviews ? <OpenReviewsTable open={home.openReviews} jurisdiction={jurisdiction} now={home.now ?? new Date()} /> : null}
      {home.overview && isAllowed(principal, 'audit:read-jurisdiction', { jurisdictionId: principal.jurisdictionId }) ? (
        <p>
          <a class="usa-link" href="/audit">
            Read the audit log of {jurisdiction}
          </a>
          : who opened, saved, submitted, returned or approved which record, and when.
        </p>
      ) : null}
      {scopeOf(principal.role, 'registry:manage') ? (
        <ul class="usa-list">
          <li>
            <a class="usa-link" href="/registry">
              Keep the jurisdictions registry
            </a>
            : the partnership's jurisdictions, their type, state and units.
          </li>
          {scopeOf(principal.role, 'audit:read-all') ? (
            <li>
              <a class="usa-link" href="/audit">
                Read the audit log of every jurisdiction
              </a>
              , newest first.
            </li>
          ) : null}
          {scopeOf(principal.role, 'survey-targets:manage') ? (
            <li>
              <a class="usa-link" href="/survey-targets">
                Set the survey baselines and targets
              </a>
              : per scale, the baseline wave and the change the partnership seeks.
            </li>
          ) : null}
          <li>
            <a class="usa-link" href="/dictionary">
              Check the form versions in the data dictionary
            </a>
            .
          </li>
        </ul>
      ) : null}
      {scopeOf(principal.role, 'survey-results:read-all') ? (
        <p>
          <a class="usa-link" href="/survey-results">
            Read the safety culture survey results
          </a>{' '}
          of every jurisdiction: the latest closed wave of each, against its baseline and the partnership's targets (groups under the minimum size show no number).
        </p>
      ) : null}
      {scopeOf(principal.role, 'aggregates:read') ? (
        <p>
          <a class="usa-link" href="/reports">
            Read the partnership's reports
          </a>{' '}
          of each month and quarter: counts across jurisdictions, with counts from 1 to {SMALL_CELL_THRESHOLD} suppressed so that no child, family or worker can be recognized
          {scopeOf(principal.role, 'reports:read-own') ? ", and your own jurisdiction's report beside them." : '. Your role never sees a jurisdiction\'s records, here or anywhere else.'} The{' '}
          <a class="usa-link" href="/dictionary">
            data dictionary
          </a>{' '}
          explains every variable the reports use.
        </p>
      ) : null}
    </section>
  );
}

function RecordTasks({ list, label, empty, now }: { list: TaskList; label: string; empty: string; now?: Date | undefined }) {
  if (list.items.length === 0) return <p class="npcs-no-tasks">{empty}</p>;
  return (
    <>
      <ul class="usa-collection npcs-tasks" aria-label={label}>
        {list.items.map((r) => (
          <li class="usa-collection__item">
            <div class="usa-collection__body">
              <h4 class="usa-collection__heading">
                <a class="usa-link" href={recordPath(r.recordId)}>
                  <RecordName record={r} />
                </a>
              </h4>
              <ul class="usa-collection__meta" aria-label="Form, status and date">
                <li class="usa-collection__meta-item">{formTitle(r.formId)}</li>
                <li class="usa-collection__meta-item">
                  <span class="usa-tag">{STATUS_LABELS[r.status]}</span>
                </li>
                <li class="usa-collection__meta-item">
                  {(r.status === 'submitted' || r.status === 'in_review') && r.submittedAt ? `Submitted ${r.submittedAt.slice(0, 10)}` : `Last changed ${r.updatedAt.slice(0, 10)}`}
                </li>
                <DueItem review={list.due?.get(r.recordId)} now={now} />
              </ul>
            </div>
          </li>
        ))}
      </ul>
      {list.more ? <p class="usa-hint">These are the {list.items.length} most recent; there are more.</p> : null}
    </>
  );
}

function DueItem({ review, now }: { review: OpenReview | undefined; now: Date | undefined }) {
  if (!review || !now || review.waitingFor !== 'decision') return null;
  const overdue = isOverdue(review, now);
  return (
    <li class="usa-collection__meta-item">
      {overdue ? <span class="usa-tag npcs-overdue">{dueWords(review, now)}</span> : dueWords(review, now)}
    </li>
  );
}

/** Jurisdiction admins: every open review, how long it has been open, when it was due, reminders and escalation. */
function OpenReviewsTable({ open, jurisdiction, now }: { open: NonNullable<HomeData['openReviews']>; jurisdiction: string; now: Date }) {
  return (
    <>
      <h3>Open reviews of {jurisdiction}</h3>
      {open.rows.length === 0 ? (
        <p class="npcs-no-tasks">No review is open.</p>
      ) : (
        <>
          <p>Every review that waits for a decision or for the author's changes, overdue first. Reviews escalate to you after the jurisdiction's reminders.</p>
          <DataTable id="open-reviews-caption" caption={`Open reviews of ${jurisdiction}, by due date`} captionHidden columns={['Record', 'Form', 'Waiting for', 'Open for', 'Due', 'Reminders']}>
            {open.rows.map(({ review, record }) => (
              <tr>
                <th scope="row" data-label="Record">
                  <a class="usa-link" href={recordPath(record.recordId)}>
                    <RecordName record={record} />
                  </a>
                </th>
                <td data-label="Form">{formTitle(record.formId)}</td>
                <td data-label="Waiting for">{review.waitingFor === 'decision' ? 'A reviewer’s decision' : 'The author’s changes'}</td>
                <td data-label="Open for">{plural(daysBetween(review.openedAt, now), 'day')}</td>
                <td data-label="Due">{isOverdue(review, now) ? <span class="usa-tag npcs-overdue">{dueWords(review, now)}</span> : dueWords(review, now)}</td>
                <td data-label="Reminders">
                  {review.reminders}
                  {review.escalated ? ' (escalated)' : ''}
                </td>
              </tr>
            ))}
          </DataTable>
          {open.more > 0 ? <p class="usa-hint">And {plural(open.more, 'more open review')}, due later.</p> : null}
        </>
      )}
    </>
  );
}

function Overview({ overview, jurisdiction }: { overview: NonNullable<HomeData['overview']>; jurisdiction: string }) {
  const { counts, more } = overview;
  const n = (count: number) => `${count}${more ? ' or more' : ''}`;
  return (
    <>
      <h3>Open records of {jurisdiction}</h3>
      <ul class="usa-list">
        <li>
          Waiting for review: <span class="npcs-status-count">{n(counts.submitted + counts.in_review)}</span> (submitted {counts.submitted}, in review {counts.in_review})
        </li>
        <li>
          Returned to submitters for changes: <span class="npcs-status-count">{n(counts.returned)}</span>
        </li>
        <li>
          Drafts in progress: <span class="npcs-status-count">{n(counts.draft)}</span>
        </li>
      </ul>
    </>
  );
}

function StartForms({ csrf }: { csrf: string }) {
  return (
    <section class="margin-top-4" aria-labelledby="start-heading">
      <h2 id="start-heading">Start a new record</h2>
      <div class="grid-row grid-gap">
        {STARTABLE_FORMS.map((formId) => {
          const title = formTitle(formId);
          return (
            <div class="tablet:grid-col-6 margin-bottom-2">
              <form class="usa-form" method="post" action="/records">
                <h3 class="margin-top-0">{title}</h3>
                <p>{START_TEXT[formId]}</p>
                <input type="hidden" name={CSRF_FIELD} value={csrf} />
                <input type="hidden" name="formId" value={formId} />
                <button class="usa-button" type="submit">
                  Start a {title.toLowerCase()}
                </button>
              </form>
            </div>
          );
        })}
      </div>
    </section>
  );
}

function Recent({ records }: { records: RecordSummary[] }) {
  const counts = new Map<RecordStatus, number>(RECORD_STATUSES.map((s) => [s, 0]));
  for (const r of records) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return (
    <section class="margin-top-4" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent records</h2>
      {records.length === 0 ? (
        <p>There are no records yet.</p>
      ) : (
        <>
          <p>By status, of the {records.length} most recent:</p>
          <ul class="usa-list">
            {RECORD_STATUSES.map((s) => (
              <li>
                {STATUS_LABELS[s]}: <span class="npcs-status-count">{counts.get(s)}</span>
              </li>
            ))}
          </ul>
          <DataTable id="recent-caption" caption="The jurisdiction's most recent records, newest first" captionHidden columns={['Record', 'Form', 'Status', 'Last changed']}>
            {records.map((r) => (
              <tr>
                <th scope="row" data-label="Record">
                  <a class="usa-link" href={recordPath(r.recordId)}>
                    {r.status === 'draft' || r.status === 'returned' ? <span class="usa-sr-only">Continue </span> : null}
                    <RecordName record={r} />
                  </a>
                </th>
                <td data-label="Form">{formTitle(r.formId)}</td>
                <td data-label="Status">{STATUS_LABELS[r.status]}</td>
                <td data-label="Last changed">{r.updatedAt.slice(0, 10)}</td>
              </tr>
            ))}
          </DataTable>
          <p>
            <a class="usa-link" href="/records">
              Search all records
            </a>{' '}
            by review id or title, form, status and date.
          </p>
        </>
      )}
    </section>
  );
}
