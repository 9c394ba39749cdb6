/**
 * The pages of an emailed review link (docs/review.md): the confirmation page of a live link, and the page of a
 * link that cannot be used, which says why and what to do. Server-rendered, no script: nothing submits itself.
 */
import type { Principal } from '#shared/auth/principal.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { REASON_MAX_LENGTH } from '#shared/records/model.ts';
import { recordDisplayName } from '#shared/records/naming.ts';
import { recordPath } from '#shared/records/paths.ts';
import { ErrorSummary } from '#shared/web/components/alerts.tsx';
import { RequiredTextarea } from '#shared/web/components/form-group.tsx';
import { page } from '#shared/web/components/page.tsx';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import { STATUS_CODES, type ActionStatus, type Decision } from '../action-ids.ts';

export const actionPath = (actionId: string) => `/actions/${encodeURIComponent(actionId)}`;
export const REASON_FIELD = 'reason';
export const REASON_ID = 'action-reason';

/** How the record is named on the page: its agency review id (or title) and system id (shared/records/naming.ts). */
export interface NamedRecord {
  formId: string;
  recordId: string;
  reference?: string | undefined;
}

const DECISION_TEXT: Record<Decision, { title: string; lead: string; button: string }> = {
  approve: {
    title: 'Approve this review?',
    lead: 'Approving locks the record. Any later change is an amendment; the approved version is kept as it is.',
    button: 'Approve',
  },
  return: {
    title: 'Return this review for changes?',
    lead: 'The submitter can edit the record again and sees your reason until they submit it again.',
    button: 'Return for changes',
  },
};

export interface ConfirmProps {
  principal: Principal;
  csrf: string;
  actionId: string;
  decision: Decision;
  record: NamedRecord;
  expiresAt: string;
  reason?: string | undefined;
  reasonError?: string | undefined;
}

/** The confirmation page: which record, which decision, and the one form that makes it (a person must press the button). */
export function confirmPage(p: ConfirmProps, statusCode = 200): HttpResult {
  const text = DECISION_TEXT[p.decision];
  const { name, secondaryId } = recordDisplayName(p.record);
  const until = new Date(p.expiresAt).toUTCString().replace(' GMT', ' UTC');
  return page(
    {
      title: text.title,
      principal: p.principal,
      csrfToken: p.csrf,
      children: (
        <div class="grid-row">
          <div class="grid-col-12 tablet:grid-col-8">
            {p.reasonError ? <ErrorSummary errors={[{ href: `#${REASON_ID}`, message: p.reasonError }]} /> : null}
            <h1>{text.title}</h1>
            <dl class="npcs-record-meta">
              <div>
                <dt>Record</dt>
                <dd>
                  {name} <span class="text-base">({secondaryId})</span>
                </dd>
              </div>
              <div>
                <dt>Decision</dt>
                <dd>{text.button}</dd>
              </div>
              <div>
                <dt>This link works until</dt>
                <dd>{until}</dd>
              </div>
            </dl>
            <p class="usa-intro">{text.lead}</p>
            <form class="usa-form usa-form--large" method="post" action={actionPath(p.actionId)} novalidate>
              <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
              {p.decision === 'return' ? (
                <RequiredTextarea
                  id={REASON_ID}
                  name={REASON_FIELD}
                  label="What must the submitter change?"
                  hint="Required to return the record. Say which answers need changing and why; the submitter sees exactly what you write."
                  maxLength={REASON_MAX_LENGTH}
                  value={p.reason}
                  error={p.reasonError}
                />
              ) : null}
              <button class={`usa-button${p.decision === 'return' ? ' usa-button--secondary' : ''} margin-top-3`} type="submit">
                {text.button}
              </button>
            </form>
            <p class="margin-top-3">
              <a class="usa-link" href={recordPath(p.record.recordId)}>
                Open the record instead
              </a>{' '}
              (nothing is decided until you press the button above).
            </p>
          </div>
        </div>
      ),
    },
    statusCode,
  );
}

const REFUSED: Record<Exclude<ActionStatus, 'valid'> | 'not_decision' | 'decided_elsewhere', { title: string; lead: string }> = {
  used: { title: 'This link has already been used', lead: 'A decision was already made with this link, so nothing more was changed.' },
  decided_elsewhere: { title: 'This review was already decided', lead: 'Someone decided this review just before you, so your decision was not recorded. Nothing else was changed.' },
  superseded: {
    title: 'This link is out of date',
    lead: 'The review has moved on since this email was sent: it was decided, sent back and resubmitted, or a newer email replaced this one. Nothing was changed.',
  },
  expired: { title: 'This link has expired', lead: 'Review links work for a limited time, and this one has run out. Nothing was changed.' },
  foreign: {
    title: 'This link was sent to someone else',
    lead: 'Review links work only for the reviewer they were emailed to, so a forwarded email cannot decide. Nothing was changed.',
  },
  unknown: {
    title: 'We could not find this link',
    lead: 'There is no review link like this for your account. It may have been cut short by your mail program, or belong to another agency. Nothing was changed.',
  },
  malformed: {
    title: 'This link is not complete',
    lead: 'The address is not a whole review link; mail programs sometimes cut long links short. Nothing was changed.',
  },
  not_decision: { title: 'This link only opens the record', lead: 'It does not decide anything. Open the record to see it.' },
};

/** What the person can do next, for each refusal: open the record (when it is theirs to see), or ask for a new link. */
function nextSteps(status: keyof typeof REFUSED, recordId: string | undefined) {
  const open = recordId ? (
    <li>
      <a class="usa-link" href={recordPath(recordId)}>
        Open the record
      </a>{' '}
      to see where it stands, and decide there if it still waits for you.
    </li>
  ) : (
    <li>
      <a class="usa-link" href="/records">
        Find the record in your jurisdiction's records
      </a>
      .
    </li>
  );
  const ask = <li>If you still need to act, ask your jurisdiction admin to send the review email again: a new email has new links.</li>;
  if (status === 'foreign') {
    return (
      <>
        <li>If you were meant to review this, ask your jurisdiction admin to assign the review to you.</li>
        <li>If you are signed in as someone else, sign out (at the top of the page) and open the link again as yourself.</li>
      </>
    );
  }
  return (
    <>
      {open}
      {status === 'used' || status === 'decided_elsewhere' || status === 'not_decision' ? null : ask}
    </>
  );
}

export const refusalStatusCode = (status: keyof typeof REFUSED): number => (status === 'not_decision' ? 400 : status === 'decided_elsewhere' ? 409 : STATUS_CODES[status]);

/** The page of a link that cannot be used: what happened, that nothing changed, and what to do instead. */
export function refusedPage(p: { principal: Principal | undefined; csrf: string; status: keyof typeof REFUSED; record?: NamedRecord | undefined }): HttpResult {
  const text = REFUSED[p.status];
  const named = p.record ? recordDisplayName(p.record) : undefined;
  return page(
    {
      title: text.title,
      principal: p.principal,
      csrfToken: p.csrf,
      children: (
        <div class="usa-prose">
          <h1>{text.title}</h1>
          <p class="usa-intro">{text.lead}</p>
          {named ? (
            <p>
              Record: {named.name} <span class="text-base">({named.secondaryId})</span>
            </p>
          ) : null}
          <h2>What you can do</h2>
          <ul>{nextSteps(p.status, p.record?.recordId)}</ul>
        </div>
      ),
    },
    refusalStatusCode(p.status),
  );
}
