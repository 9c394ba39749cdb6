/**
 * The record page's review history (reviewers and admins): what the workflow did and who decided, oldest first —
 * review requests emailed, reminders, escalations, decisions (by whom, from where), the author told. Counts of
 * people emailed, never their addresses (shared/review/history.ts).
 */
import { ROLE_LABELS, type Role } from '#shared/auth/policy.ts';
import { DataTable } from '#shared/web/components/data-table.tsx';
import type { ReviewHistoryItem } from '#shared/review/history.ts';

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
const people = (n: number, who: string) => (n === 0 ? `nobody could be emailed: no ${who} has signed in yet` : `emailed ${n} ${who}${n === 1 ? '' : 's'}`);

const VIA: Record<Extract<ReviewHistoryItem, { kind: 'decision' }>['via'], string> = {
  web: 'on the record page',
  api: 'through the API',
  'email-link': 'from an email link',
  'email-reply': 'by replying to an email',
};
const MOVES = { approved: 'Approved', returned: 'Returned for changes', in_review: 'Taken into review' } as const;

export function describeStep(item: ReviewHistoryItem): { what: string; who: string } {
  if (item.kind === 'decision') {
    const role = ROLE_LABELS[item.by.role as Role] ?? item.by.role;
    return { what: `${MOVES[item.to]} ${VIA[item.via]}`, who: item.by.name ? `${item.by.name} (${role})` : role };
  }
  const workflow = 'Review workflow';
  switch (item.event) {
    case 'requested':
      return { what: `${item.resubmitted ? 'Resubmitted: review requested again' : 'Review requested'}; ${people(item.emailed, 'reviewer')}`, who: workflow };
    case 'reminded':
      return {
        what: item.waitingFor === 'resubmission' ? `Reminder ${item.reminder ?? ''} to the author to resubmit; ${people(item.emailed, 'author')}` : `Reminder ${item.reminder ?? ''} to the reviewers; ${people(item.emailed, 'reviewer')}`,
        who: workflow,
      };
    case 'escalated':
      return { what: `Escalated to the jurisdiction admin after ${item.reminder ?? ''} reminders; ${people(item.emailed, 'admin')}`, who: workflow };
    case 'author_told':
      return { what: `Author told it was ${item.decision === 'approved' ? 'approved' : 'returned'}${item.emailed ? '' : ' (not emailed: the author has not signed in since emails began)'}`, who: workflow };
  }
}

export function ReviewHistory({ items }: { items: readonly ReviewHistoryItem[] }) {
  if (!items.length) return null;
  return (
    <section class="margin-top-4 npcs-review-history" aria-labelledby="review-history-caption">
      <DataTable id="review-history-caption" class="npcs-wrap-table" caption="Review workflow: emails, reminders, escalations and decisions, oldest first" columns={['When', 'What', 'Who', 'Version']}>
        {items.map((item) => {
          const { what, who } = describeStep(item);
          return (
            <tr>
              <td data-label="When">{when(item.at)}</td>
              <th scope="row" data-label="What">
                {what}
              </th>
              <td data-label="Who">{who}</td>
              <td data-label="Version">{item.version}</td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}
