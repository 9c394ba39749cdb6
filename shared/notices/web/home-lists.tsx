/** The notices on the home pages (shared/notices/home.ts decides what is listed). */
import { ANSWER_LABELS } from '../answers.ts';
import type { NoticeHome } from '../home.ts';
import { DataTable } from '#shared/web/components/data-table.tsx';
import { levelLabel, noticePath } from './pages.tsx';

/** How many rows a home list shows; the rest are a link away. */
export const HOME_NOTICE_LIMIT = 10;

const overdueText = (days: number, what?: 'acknowledgement' | 'action') => (days > 0 ? `${days} ${days === 1 ? 'day' : 'days'} (${what === 'acknowledgement' ? 'not acknowledged' : 'actions not done'})` : 'Not overdue');

export function NoticeHomeLists({ home }: { home: NoticeHome }) {
  const name = (id: string) => home.issuers?.get(id) ?? id;
  return (
    <>
      {home.waiting ? (
        <section class="margin-top-4" aria-labelledby="waiting-notices-heading">
          <h2 id="waiting-notices-heading">Partners' safety notices waiting for your answer</h2>
          {home.waiting.length === 0 ? (
            <p>Your jurisdiction has answered every active notice of its partners.</p>
          ) : (
            <>
              <p>
                {home.waiting.length} active {home.waiting.length === 1 ? 'notice waits' : 'notices wait'} for your jurisdiction's answer, overdue first. Open one to answer it.
              </p>
              <DataTable id="waiting-notices-caption" class="npcs-wrap-table" caption="Partners' notices waiting for your jurisdiction's answer" captionHidden columns={['Notice', 'Issued by', 'Your answer', 'Overdue']}>
                {home.waiting.slice(0, HOME_NOTICE_LIMIT).map((w) => (
                  <tr>
                    <th scope="row" data-label="Notice">
                      <a class="usa-link" href={noticePath(w.notice)}>
                        {w.notice.title}
                      </a>{' '}
                      ({levelLabel(w.notice.level)})
                    </th>
                    <td data-label="Issued by">{name(w.notice.issuerId)}</td>
                    <td data-label="Your answer" class="npcs-whole-words">{w.answer ? ANSWER_LABELS[w.answer.status] : 'No answer yet'}</td>
                    <td data-label="Overdue" class="npcs-whole-words">{overdueText(w.daysOverdue, w.overdue)}</td>
                  </tr>
                ))}
              </DataTable>
              {home.waiting.length > HOME_NOTICE_LIMIT ? (
                <p>
                  <a class="usa-link" href="/notices">
                    See every notice ({home.waiting.length - HOME_NOTICE_LIMIT} more waiting)
                  </a>
                </p>
              ) : null}
            </>
          )}
        </section>
      ) : null}
      {home.overdue ? (
        <section class="margin-top-4" aria-labelledby="overdue-notices-heading">
          <h2 id="overdue-notices-heading">Overdue safety notices</h2>
          {home.overdue.length === 0 ? (
            <p>No partner jurisdiction is past a notice's deadline.</p>
          ) : (
            <DataTable id="overdue-notices-caption" class="npcs-wrap-table" caption="Notices with partner jurisdictions past a deadline, most first" captionHidden columns={['Notice', 'Issued by', 'Jurisdictions overdue', 'Most days overdue']}>
              {home.overdue.slice(0, HOME_NOTICE_LIMIT).map((o) => (
                <tr>
                  <th scope="row" data-label="Notice">
                    <a class="usa-link" href={`${noticePath(o.notice)}/status`}>
                      {o.notice.title}
                    </a>
                  </th>
                  <td data-label="Issued by">{name(o.notice.issuerId)}</td>
                  <td data-label="Jurisdictions overdue">{o.jurisdictions}</td>
                  <td data-label="Most days overdue">{o.mostDays}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      ) : null}
    </>
  );
}
