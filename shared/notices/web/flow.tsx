/**
 * The safety notice pages behind functions/web (docs/notices.md): the library of every partner's published notices,
 * one notice with its versions, and the issuer's withdraw form. The stack has authorized the route's action already;
 * the withdraw route is scoped by the path's jurisdiction (another jurisdiction's answers 404). Published copies are
 * the one kind of item read across jurisdictions (shared/notices/published.ts).
 */
import { isAllowed } from '#shared/auth/policy.ts';
import { ValidationError } from '#shared/errors.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { NothingHerePage } from '#shared/web/components/alerts.tsx';
import { page } from '#shared/web/components/page.tsx';
import type { PostedFields } from '#shared/web/form-values.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { NOTICE_TYPES, THEMES } from '#forms/codes.ts';
import { NOTICE_STATUSES, type PublishedNotice } from '../model.ts';
import { matches, type NoticeFilter, type PublishedNotices } from '../published.ts';
import { toCsv } from '#shared/csv.ts';
import type { FieldError } from '#shared/errors.ts';
import type { Jurisdiction } from '#shared/jurisdictions/model.ts';
import { NEXT_STATUSES, type AnswerInput, type NoticeAnswer } from '../answers.ts';
import { STATUS_CSV_COLUMNS, statusCsvRows, statusRows } from '../status.ts';
import { type Issuers, NoticeLibraryPage, NoticePage, noticePath, NoticeStatusPage } from './pages.tsx';

export interface NoticeDeps {
  notices: PublishedNotices;
  issuers: () => Promise<Issuers>;
  withdraw: (jurisdictionId: string, recordId: string, reason: string) => Promise<unknown>;
  /** The principal's jurisdiction's answer to a notice, and recording its next one. */
  ownAnswer: (notice: PublishedNotice) => Promise<NoticeAnswer | undefined>;
  answer: (notice: PublishedNotice, input: AnswerInput) => Promise<unknown>;
  /** Every jurisdiction's answer to a notice, and the registry (the status table). */
  answers: (notice: PublishedNotice) => Promise<NoticeAnswer[]>;
  registry: () => Promise<Pick<Jurisdiction, 'id' | 'name' | 'state' | 'active'>[]>;
  today?: () => string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filter a query asks for, or what is wrong with it (field, message). */
function filterOf(query: Record<string, string | undefined>, issuers: Issuers): { filter: NoticeFilter; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  const filter: NoticeFilter = {};
  const one = (name: string) => query[name]?.trim() || undefined;
  const theme = one('theme');
  if (theme) THEMES.some((t) => t.code === theme) ? (filter.theme = theme) : errors.push({ field: 'theme', message: 'Choose a theme from the list' });
  const level = one('level');
  if (level) NOTICE_TYPES.some((t) => t.code === level) ? (filter.level = level) : errors.push({ field: 'level', message: 'Choose a level from the list' });
  const issuer = one('issuer');
  if (issuer) issuers.has(issuer) ? (filter.issuerId = issuer) : errors.push({ field: 'issuer', message: 'Choose a jurisdiction from the list' });
  const status = one('status');
  if (status) (NOTICE_STATUSES as readonly string[]).includes(status) ? (filter.status = status as PublishedNotice['status']) : errors.push({ field: 'status', message: 'Choose active or withdrawn' });
  for (const field of ['from', 'to'] as const) {
    const value = one(field);
    if (value) DAY.test(value) && !Number.isNaN(Date.parse(value)) ? (filter[field] = value) : errors.push({ field, message: 'Give a date written YYYY-MM-DD, for example 2026-03-31' });
  }
  if (filter.from && filter.to && filter.from > filter.to) errors.push({ field: 'to', message: 'The end date is before the start date' });
  const text = one('q');
  if (text) filter.text = text;
  return { filter, errors };
}

/** GET /notices */
export async function showLibrary(i: PageInput, deps: NoticeDeps, query: Record<string, string | undefined> = {}): Promise<HttpResult> {
  const issuers = await deps.issuers();
  const { filter, errors } = filterOf(query, issuers);
  const all = await deps.notices.list();
  // One read: the total and the matches come from the same list.
  const notices = errors.length ? all : all.filter(matches(filter));
  return page(
    { title: 'Safety notices', path: '/notices', principal: i.principal, csrfToken: i.csrf, children: <NoticeLibraryPage notices={notices} total={all.length} filter={filter} issuers={issuers} errors={errors} /> },
    errors.length ? 400 : 200,
  );
}

function notFound(i: PageInput): HttpResult {
  return page(
    {
      title: 'No published notice here',
      path: '/notices',
      principal: i.principal,
      csrfToken: i.csrf,
      children: <NothingHerePage title="No published notice here" text="This address names no published safety notice. A notice reaches partners once its issuer's review approves it; the library lists every one published." back={{ href: '/notices', label: 'All safety notices' }} />,
    },
    404,
  );
}

interface NoticeForms {
  reason?: string;
  error?: string;
  alert?: { type: 'success'; text: string };
  answer?: { values: { status?: string; reason?: string }; errors: readonly FieldError[] };
}

async function noticePage(i: PageInput, deps: NoticeDeps, notice: PublishedNotice, form: NoticeForms = {}, status = 200): Promise<HttpResult> {
  const canAnswer = notice.issuerId !== i.principal.jurisdictionId && isAllowed(i.principal, 'notices:answer');
  const [history, issuers, current] = await Promise.all([deps.notices.history(notice.issuerId, notice.recordId), deps.issuers(), canAnswer ? deps.ownAnswer(notice) : undefined]);
  const canWithdraw = isAllowed(i.principal, 'notices:withdraw', { jurisdictionId: notice.issuerId });
  const canSeeStatus = isAllowed(i.principal, 'notices:status', { jurisdictionId: notice.issuerId });
  const answer = canAnswer ? { csrf: i.csrf, current, next: NEXT_STATUSES[current?.status ?? 'none'], ...(form.answer ? { values: form.answer.values, errors: form.answer.errors } : {}) } : undefined;
  return page(
    {
      title: notice.title,
      path: '/notices',
      principal: i.principal,
      csrfToken: i.csrf,
      children: (
        <NoticePage
          notice={notice}
          history={history}
          issuers={issuers}
          alert={form.alert}
          {...(answer ? { answer } : {})}
          {...(canSeeStatus ? { statusPath: `${noticePath(notice)}/status` } : {})}
          {...(canWithdraw ? { withdraw: { csrf: i.csrf, ...(form.reason !== undefined ? { reason: form.reason } : {}), error: form.error } } : {})}
        />
      ),
    },
    status,
  );
}

/** GET /notices/{issuerId}/{recordId} */
export async function showNotice(i: PageInput, deps: NoticeDeps, issuerId: string, recordId: string, query: Record<string, string | undefined> = {}): Promise<HttpResult> {
  const notice = await deps.notices.get(issuerId, recordId);
  if (!notice) return notFound(i);
  const alert =
    query.withdrawn === '1' && notice.status === 'withdrawn'
      ? { type: 'success' as const, text: 'The notice is withdrawn. Partners see it marked withdrawn, with your reason.' }
      : query.answered === '1'
        ? { type: 'success' as const, text: "Your jurisdiction's answer is recorded. The issuer sees it in the notice's status table." }
        : undefined;
  return noticePage(i, deps, notice, alert ? { alert } : {});
}

/** POST /notices/{issuerId}/{recordId}/answer */
export async function answer(i: PageInput, deps: NoticeDeps, issuerId: string, recordId: string, posted: PostedFields): Promise<HttpResult> {
  const notice = await deps.notices.get(issuerId, recordId);
  if (!notice) return notFound(i);
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  const values = { status: one(posted.status), reason: one(posted.reason) };
  try {
    await deps.answer(notice, values);
  } catch (error) {
    if (error instanceof ValidationError) return noticePage(i, deps, notice, { answer: { values, errors: error.fieldErrors } }, 422);
    throw error;
  }
  return { statusCode: 303, headers: { location: `${noticePath(notice)}?answered=1`, 'cache-control': 'no-store' }, body: '' };
}

async function statusOf(deps: NoticeDeps, jurisdictionId: string, recordId: string) {
  const notice = await deps.notices.get(jurisdictionId, recordId);
  if (!notice) return undefined;
  const today = (deps.today ?? (() => new Date().toISOString().slice(0, 10)))();
  const [answers, registry] = await Promise.all([deps.answers(notice), deps.registry()]);
  return { notice, today, rows: statusRows(notice, answers, registry, today) };
}

/** GET /notices/{jurisdictionId}/{recordId}/status */
export async function showStatus(i: PageInput, deps: NoticeDeps, jurisdictionId: string, recordId: string): Promise<HttpResult> {
  const found = await statusOf(deps, jurisdictionId, recordId);
  if (!found) return notFound(i);
  return page({ title: `Partners' answers: ${found.notice.title}`, path: '/notices', principal: i.principal, csrfToken: i.csrf, children: <NoticeStatusPage notice={found.notice} rows={found.rows} today={found.today} /> });
}

/** GET /notices/{jurisdictionId}/{recordId}/status.csv */
export async function statusCsv(i: PageInput, deps: NoticeDeps, jurisdictionId: string, recordId: string): Promise<HttpResult> {
  const found = await statusOf(deps, jurisdictionId, recordId);
  if (!found) return notFound(i);
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="notice-status-${found.notice.recordId}-${found.today}.csv"`, 'cache-control': 'no-store' },
    body: toCsv(statusCsvRows(found.rows), STATUS_CSV_COLUMNS),
  };
}

/** POST /notices/{jurisdictionId}/{recordId}/withdraw */
export async function withdraw(i: PageInput, deps: NoticeDeps, jurisdictionId: string, recordId: string, posted: PostedFields): Promise<HttpResult> {
  const notice = await deps.notices.get(jurisdictionId, recordId);
  if (!notice) return notFound(i);
  const reason = (Array.isArray(posted.reason) ? posted.reason[0] : posted.reason) ?? '';
  try {
    await deps.withdraw(jurisdictionId, recordId, reason);
  } catch (error) {
    if (error instanceof ValidationError) return noticePage(i, deps, notice, { reason, error: error.fieldErrors[0]?.message ?? 'Give a reason' }, 422);
    throw error;
  }
  return { statusCode: 303, headers: { location: `${noticePath(notice)}?withdrawn=1`, 'cache-control': 'no-store' }, body: '' };
}
