/** The safety notice pages' markup (shared/notices/web/flow.tsx serves them). */
import { NOTICE_AUDIENCES, NOTICE_TYPES, THEMES } from '#forms/codes.ts';
import type { FieldError } from '#shared/errors.ts';
import { AlertBox, ErrorSummary, type Alert } from '#shared/web/components/alerts.tsx';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { FormGroup, RequiredTextarea } from '#shared/web/components/form-group.tsx';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { ANSWER_LABELS, ANSWER_REASON_MAX, type AnswerStatus, type NoticeAnswer } from '../answers.ts';
import { NOTICE_STATUSES, type PublishedNotice } from '../model.ts';
import { statusCounts, type StatusRow } from '../status.ts';
import type { NoticeFilter } from '../published.ts';
import { WITHDRAW_REASON_MAX } from '../service.ts';

const labelOf = (list: readonly { code: string; label: string }[]) => (code: string) => list.find((c) => c.code === code)?.label ?? code;
export const themeLabel = labelOf(THEMES);
export const levelLabel = labelOf(NOTICE_TYPES);
const audienceLabel = labelOf(NOTICE_AUDIENCES);
const STATUS_LABELS = { active: 'Active', withdrawn: 'Withdrawn' } as const;
const LONG_DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });
const day = (iso: string) => (/^\d{4}-\d{2}-\d{2}/.test(iso) ? LONG_DATE.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : iso);

export const noticePath = (n: Pick<PublishedNotice, 'issuerId' | 'recordId'>) => `/notices/${encodeURIComponent(n.issuerId)}/${encodeURIComponent(n.recordId)}`;

/** Who issued what: the registry's names, by jurisdiction id. */
export type Issuers = ReadonlyMap<string, { name: string; state: string }>;
const issuerName = (issuers: Issuers, id: string) => issuers.get(id)?.name ?? id;

export interface LibraryProps {
  notices: readonly PublishedNotice[];
  total: number;
  filter: NoticeFilter;
  issuers: Issuers;
  errors?: readonly FieldError[];
}

export function NoticeLibraryPage({ notices, total, filter, issuers, errors = [] }: LibraryProps) {
  const messages = (field: string) => {
    const m = errors.filter((e) => e.field === field).map((e) => e.message);
    return m.length ? m : undefined;
  };
  const filtered = Object.values(filter).some((v) => v !== undefined && v !== '');
  const issuerIds = [...issuers.keys()].sort((a, b) => issuerName(issuers, a).localeCompare(issuerName(issuers, b)));
  return (
    <>
      {errors.length ? <ErrorSummary errors={errors.map((e) => ({ href: `#${e.field}`, message: e.message }))} /> : null}
      <h1>Safety notices</h1>
      <p class="usa-intro">What partner jurisdictions learned from a child's death or near death, shared with every partner once approved by the issuer's review. Each notice is de-identified and read-only.</p>
      <form class="usa-form usa-form--large" method="get" action="/notices" role="search" aria-label="Search and filter safety notices">
        <FormGroup id="q" label="Words" hint="Found in the title, the systemic issue, the evidence or the actions." messages={messages('q')}>
          <input class="usa-input" id="q" name="q" type="text" inputmode="search" autocomplete="off" maxlength={200} value={filter.text ?? ''} />
        </FormGroup>
        <FormGroup id="theme" label="Theme" messages={messages('theme')}>
          <select class="usa-select" id="theme" name="theme">
            <option value="">Any theme</option>
            {THEMES.map((t) => (
              <option value={t.code} selected={filter.theme === t.code}>
                {t.label}
              </option>
            ))}
          </select>
        </FormGroup>
        <FormGroup id="level" label="Level" messages={messages('level')}>
          <select class="usa-select" id="level" name="level">
            <option value="">Any level</option>
            {NOTICE_TYPES.map((t) => (
              <option value={t.code} selected={filter.level === t.code}>
                {t.label}
              </option>
            ))}
          </select>
        </FormGroup>
        <FormGroup id="issuer" label="Issued by" messages={messages('issuer')}>
          <select class="usa-select" id="issuer" name="issuer">
            <option value="">Any jurisdiction</option>
            {issuerIds.map((id) => (
              <option value={id} selected={filter.issuerId === id}>
                {issuerName(issuers, id)}
              </option>
            ))}
          </select>
        </FormGroup>
        <FormGroup id="status" label="Status" messages={messages('status')}>
          <select class="usa-select" id="status" name="status">
            <option value="">Active or withdrawn</option>
            {NOTICE_STATUSES.map((s) => (
              <option value={s} selected={filter.status === s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </FormGroup>
        <fieldset class="usa-fieldset">
          <legend class="usa-legend">First published between</legend>
          <FormGroup id="from" label="From" hint="A date, for example 2026-01-31" messages={messages('from')}>
            <input class="usa-input" id="from" name="from" type="date" value={filter.from ?? ''} />
          </FormGroup>
          <FormGroup id="to" label="To" hint="A date, for example 2026-03-31" messages={messages('to')}>
            <input class="usa-input" id="to" name="to" type="date" value={filter.to ?? ''} />
          </FormGroup>
        </fieldset>
        <div class="npcs-form-actions margin-top-3">
          <button class="usa-button" type="submit">
            Search
          </button>
          {filtered ? (
            <a class="usa-link" href="/notices">
              Clear search and filters
            </a>
          ) : null}
        </div>
      </form>
      <h2 class="margin-top-5" id="results-heading">
        {filtered ? `${notices.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} notices match` : `${total.toLocaleString('en-US')} published notices`}
      </h2>
      {notices.length === 0 ? (
        <p>{filtered ? 'No published notice matches these filters.' : 'No notice has been published yet.'}</p>
      ) : (
        <DataTable id="notices-caption" class="npcs-wrap-table" caption="Published safety notices, newest first" captionHidden columns={['Notice', 'Level', 'Theme', 'Issued by', 'First published', 'Status']}>
          {notices.map((n) => (
            <tr>
              <th scope="row" data-label="Notice">
                <a class="usa-link" href={noticePath(n)}>
                  {n.title}
                </a>
              </th>
              <td data-label="Level" class="npcs-whole-words">{levelLabel(n.level)}</td>
              <td data-label="Theme" class="npcs-whole-words">{themeLabel(n.theme)}</td>
              <td data-label="Issued by">{issuerName(issuers, n.issuerId)}</td>
              <td data-label="First published" class="npcs-whole-words">{day(n.firstPublishedAt)}</td>
              <td data-label="Status" class="npcs-whole-words">
                {STATUS_LABELS[n.status]}
                {n.version > 1 ? ` (version ${n.version})` : ''}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

export interface NoticeProps {
  notice: PublishedNotice;
  history: readonly PublishedNotice[];
  issuers: Issuers;
  /** The withdraw form, for the issuer's reviewers and admins while the notice is active. */
  withdraw?: { csrf: string; reason?: string; error?: string | undefined };
  /** The answer form, for a partner jurisdiction's reviewers and admins. */
  answer?: AnswerFormProps;
  /** The status table's address, for those who may read it. */
  statusPath?: string;
  alert?: Alert | undefined;
}

export interface AnswerFormProps {
  csrf: string;
  current?: NoticeAnswer | undefined;
  next: readonly AnswerStatus[];
  values?: { status?: string; reason?: string };
  errors?: readonly FieldError[];
}

const dateTime = (iso: string) => `${day(iso)}, ${iso.slice(11, 16)} UTC`;

function AnswerSection({ answer, withdrawn, action }: { answer: AnswerFormProps; withdrawn: boolean; action: string }) {
  const error = (field: string) => answer.errors?.find((e) => e.field === field)?.message;
  return (
    <section class="margin-top-5" aria-labelledby="answer-heading">
      <h2 id="answer-heading">Your jurisdiction's answer</h2>
      {answer.current ? (
        <ul class="usa-list">
          {answer.current.steps.map((s) => (
            <li>
              {ANSWER_LABELS[s.status]} on {dateTime(s.at)}
              {s.byName ? ` by ${s.byName}` : ''}
              {s.reason ? `: ${s.reason}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p>Your jurisdiction has not answered yet. Each partner answers once for itself: acknowledge the notice, then say when the actions are in progress and completed, or that it does not apply.</p>
      )}
      {withdrawn ? (
        <p>The notice is withdrawn: no further answer is needed.</p>
      ) : answer.next.length === 0 ? (
        <p>That answer is final.</p>
      ) : (
        <form class="usa-form usa-form--large" method="post" action={action}>
          <input type="hidden" name={CSRF_FIELD} value={answer.csrf} />
          <fieldset class={`usa-fieldset usa-form-group${error('status') ? ' usa-form-group--error' : ''}`} id="answer-status" aria-describedby={error('status') ? 'answer-status-error' : undefined}>
            <legend class="usa-legend">Your answer</legend>
            {error('status') ? (
              <span class="usa-error-message" id="answer-status-error">
                {error('status')}
              </span>
            ) : null}
            {answer.next.map((status, i) => (
              <div class="usa-radio">
                <input class="usa-radio__input" id={`answer-${status}`} type="radio" name="status" value={status} checked={answer.values?.status ? answer.values.status === status : i === 0} />
                <label class="usa-radio__label" for={`answer-${status}`}>
                  {ANSWER_LABELS[status]}
                </label>
              </div>
            ))}
          </fieldset>
          <FormGroup id="answer-reason" label="Reason or note" hint="Required for not applicable: why the notice does not apply to your jurisdiction." messages={error('reason') ? [error('reason')!] : undefined}>
            <textarea class={`usa-textarea${error('reason') ? ' usa-input--error' : ''}`} id="answer-reason" name="reason" rows={3} maxlength={ANSWER_REASON_MAX} aria-describedby={error('reason') ? 'answer-reason-hint answer-reason-error' : 'answer-reason-hint'}>
              {answer.values?.reason ?? ''}
            </textarea>
          </FormGroup>
          <button class="usa-button" type="submit">
            Send your answer
          </button>
        </form>
      )}
    </section>
  );
}

export function NoticePage({ notice, history, issuers, withdraw, answer, statusPath, alert }: NoticeProps) {
  const errors = [...(withdraw?.error ? [{ href: '#withdraw-reason', message: withdraw.error }] : []), ...(answer?.errors ?? []).map((e) => ({ href: e.field === 'reason' ? '#answer-reason' : '#answer-status', message: e.message }))];
  return (
    <>
      {errors.length ? <ErrorSummary errors={errors} /> : null}
      {alert ? <AlertBox alert={alert} /> : null}
      {notice.status === 'withdrawn' ? <AlertBox alert={{ type: 'warning', text: `Withdrawn on ${day(notice.publishedAt)} by its issuer: ${notice.changeReason ?? ''}` }} /> : null}
      <p class="margin-bottom-0">
        <span class="usa-tag">{levelLabel(notice.level)}</span> {themeLabel(notice.theme)}
      </p>
      <h1>{notice.title}</h1>
      <p class="usa-intro">
        Issued by {issuerName(issuers, notice.issuerId)} on {day(notice.noticeDate)}; first published {day(notice.firstPublishedAt)}
        {notice.version > 1 ? `, version ${notice.version} of ${day(notice.publishedAt)}` : ''}.
      </p>
      {notice.version > 1 && notice.status === 'active' && notice.changeReason ? <AlertBox alert={{ type: 'info', text: `Updated by its issuer: ${notice.changeReason}` }} /> : null}
      <h2>Systemic issue</h2>
      <p class="npcs-answer-text">{notice.systemicIssue}</p>
      {notice.evidence ? (
        <>
          <h2>Evidence</h2>
          <p class="npcs-answer-text">{notice.evidence}</p>
        </>
      ) : null}
      <h2>Actions asked of every partner</h2>
      <ol class="usa-list">
        {notice.actions.map((a) => (
          <li class="npcs-answer-text">{a}</li>
        ))}
      </ol>
      <h2>Deadlines and audience</h2>
      <ul class="usa-list">
        {notice.acknowledgeBy ? <li>Acknowledge by {day(notice.acknowledgeBy)}</li> : null}
        {notice.actBy ? <li>Act by {day(notice.actBy)}</li> : null}
        <li>For: {notice.audience.map(audienceLabel).join(', ')}</li>
        <li>Review or expiry date: {day(notice.reviewBy)}</li>
      </ul>
      <h2>Contact</h2>
      <p>
        {notice.contactRole ? `${notice.contactRole}: ` : ''}
        <a class="usa-link" href={`mailto:${notice.contactMailbox}`}>
          {notice.contactMailbox}
        </a>
      </p>
      {statusPath ? (
        <p>
          <a class="usa-link" href={statusPath}>
            Partners' answers: the status table
          </a>
        </p>
      ) : null}
      {answer ? <AnswerSection answer={answer} withdrawn={notice.status === 'withdrawn'} action={`/notice-answers/${encodeURIComponent(notice.issuerId)}/${encodeURIComponent(notice.recordId)}`} /> : null}
      {history.length > 1 ? (
        <section aria-labelledby="versions-heading">
          <h2 id="versions-heading">Versions</h2>
          <DataTable id="versions-caption" class="npcs-wrap-table" caption="Each version of this notice and why it changed" captionHidden columns={['Version', 'Published', 'Status', 'Why']}>
            {history.map((v) => (
              <tr>
                <th scope="row" data-label="Version">
                  {v.version}
                </th>
                <td data-label="Published" class="npcs-whole-words">{day(v.publishedAt)}</td>
                <td data-label="Status" class="npcs-whole-words">{STATUS_LABELS[v.status]}</td>
                <td data-label="Why">{v.changeReason ?? 'First published'}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      ) : null}
      {withdraw && notice.status === 'active' ? (
        <section class="margin-top-5" aria-labelledby="withdraw-heading">
          <h2 id="withdraw-heading">Withdraw this notice</h2>
          <p>Partners keep seeing it, marked withdrawn, with your reason. To correct it instead, amend the record: once approved again, partners get the new version.</p>
          <form class="usa-form usa-form--large" method="post" action={`/notices/${encodeURIComponent(notice.issuerId)}/${encodeURIComponent(notice.recordId)}/withdraw`}>
            <input type="hidden" name={CSRF_FIELD} value={withdraw.csrf} />
            <RequiredTextarea id="withdraw-reason" name="reason" label="Why it is withdrawn" hint="Partners are told." maxLength={WITHDRAW_REASON_MAX} value={withdraw.reason} error={withdraw.error} />
            <button class="usa-button usa-button--secondary" type="submit">
              Withdraw the notice
            </button>
          </form>
        </section>
      ) : null}
    </>
  );
}

export interface StatusPageProps {
  notice: PublishedNotice;
  rows: readonly StatusRow[];
  today: string;
}

export function NoticeStatusPage({ notice, rows, today }: StatusPageProps) {
  const counts = statusCounts(rows);
  return (
    <>
      <h1>Partners' answers</h1>
      <p class="usa-intro">
        <a class="usa-link" href={noticePath(notice)}>
          {notice.title}
        </a>
        {notice.status === 'withdrawn' ? ' (withdrawn: no answer is expected any more)' : ''}. As of {day(today)}: {counts.answered} of {counts.expected} partner jurisdictions answered, {counts.done} completed or not applicable,{' '}
        {counts.overdue} overdue.
      </p>
      <p>
        {notice.acknowledgeBy ? `Acknowledge by ${day(notice.acknowledgeBy)}. ` : ''}
        {notice.actBy ? `Act by ${day(notice.actBy)}.` : ''}
      </p>
      <p>
        <a class="usa-link" href={`/notices/${encodeURIComponent(notice.issuerId)}/${encodeURIComponent(notice.recordId)}/status.csv`} download>
          Download the table (CSV)
        </a>
      </p>
      <DataTable id="status-caption" class="npcs-wrap-table" caption="Every partner jurisdiction's answer, most overdue first" columns={['Jurisdiction', 'Answer', 'Last answered', 'Days overdue']}>
        {rows.map((r) => {
          const last = r.answer?.steps.at(-1);
          return (
            <tr>
              <th scope="row" data-label="Jurisdiction">
                {r.name} ({r.state}){r.left ? ', left the partnership' : ''}
              </th>
              <td data-label="Answer">
                <span class="npcs-whole-words">{r.answer ? ANSWER_LABELS[r.answer.status] : 'No answer'}</span>
                {r.answer?.steps.findLast((s) => s.reason)?.reason ? `: ${r.answer.steps.findLast((s) => s.reason)!.reason}` : ''}
              </td>
              <td data-label="Last answered">{last ? `${dateTime(last.at)}${last.byName ? `, ${last.byName}` : ''}` : ''}</td>
              <td data-label="Days overdue" class="npcs-whole-words">
                {r.daysOverdue > 0 ? `${r.daysOverdue} (${r.overdue === 'acknowledgement' ? 'not acknowledged' : 'actions not done'})` : '0'}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
