/**
 * The emailed links of a safety notice (docs/notices.md, "Distribution"): GET and POST /notice-links/{actionId}.
 * GET never changes anything, so a mail scanner that follows the link decides nothing: an Open link goes to the
 * notice, an Acknowledge link shows a page with one button. The POST (a signed-in person of the link's jurisdiction
 * who answers notices; the HTTP stack has checked the CSRF token and the origin) records "acknowledged" through
 * `answerNotice`, with all its refusals. Unknown, expired and malformed links get the same 404 page.
 */
import { isAllowed } from '#shared/auth/policy.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { ConflictError, ForbiddenError } from '#shared/errors.ts';
import type { HttpResult } from '#shared/http/response.ts';
import { isActionId } from '#shared/review/action-ids.ts';
import { page } from '#shared/web/components/page.tsx';
import { CSRF_FIELD } from '#shared/web/csrf.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { ANSWER_LABELS, type NoticeAnswer } from '../answers.ts';
import type { NoticeLinkGrant } from '../links.ts';
import type { PublishedNotice } from '../model.ts';
import { noticePath } from './pages.tsx';

export interface NoticeLinkDeps {
  /** The live grant of a link id (shared/notices/links.ts findNoticeLink): undefined for unknown, expired, malformed. */
  find: (actionId: string) => Promise<NoticeLinkGrant | undefined>;
  notice: (issuerId: string, recordId: string) => Promise<PublishedNotice | undefined>;
  jurisdictionName: (jurisdictionId: string) => Promise<string>;
  /** The principal's own jurisdiction's answer, and acknowledging for it (answerNotice). */
  ownAnswer: (notice: PublishedNotice) => Promise<NoticeAnswer | undefined>;
  acknowledge: (notice: PublishedNotice) => Promise<unknown>;
}

export const noticeLinkPath = (actionId: string) => `/notice-links/${encodeURIComponent(actionId)}`;
const redirect = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' });

interface Viewer {
  principal: Principal | undefined;
  csrf: string;
}

function messagePage(v: Viewer, statusCode: number, title: string, lead: string, notice?: PublishedNotice): HttpResult {
  return page(
    {
      title,
      path: '/notices',
      principal: v.principal,
      csrfToken: v.csrf,
      children: (
        <div class="usa-prose">
          <h1>{title}</h1>
          <p class="usa-intro">{lead}</p>
          <p>
            {notice ? (
              <a class="usa-link" href={noticePath(notice)}>
                Open the notice: {notice.title}
              </a>
            ) : (
              <a class="usa-link" href="/notices">
                All safety notices
              </a>
            )}
          </p>
        </div>
      ),
    },
    statusCode,
  );
}

const doesNotWork = (v: Viewer) =>
  messagePage(v, 404, 'This link does not work', 'It may have expired, been cut short by your mail program, or never existed. Nothing was recorded. Every published notice is in the library, and your jurisdiction can answer it there.');

const notYours = (v: Viewer, jurisdictionName: string, notice: PublishedNotice) =>
  messagePage(v, 403, `This link is for ${jurisdictionName}'s reviewers and admins`, `Only a reviewer or an admin of ${jurisdictionName} can acknowledge this notice for it. Nothing was recorded.`, notice);

function answeredText(jurisdictionName: string, answer: NoticeAnswer): string {
  const first = answer.steps[0];
  const last = answer.steps.at(-1);
  const by = (s: typeof first) => (s?.byName ? ` by ${s.byName}` : '');
  const acknowledged = first ? `${jurisdictionName} answered "${ANSWER_LABELS[first.status]}" on ${first.at.slice(0, 10)}${by(first)}.` : '';
  const now = last && last !== first ? ` Its answer now is "${ANSWER_LABELS[last.status]}" (${last.at.slice(0, 10)}${by(last)}).` : '';
  return `${acknowledged}${now} Nothing more was recorded.`;
}

/** GET /notice-links/{actionId}: signed out, to sign-in and back; an Open link to the notice; an Acknowledge link's page. Never writes. */
export async function showNoticeLink(input: PageInput<Principal | undefined>, actionId: string, deps: NoticeLinkDeps): Promise<HttpResult> {
  const v = { principal: input.principal, csrf: input.csrf };
  if (!isActionId(actionId)) return doesNotWork(v);
  if (!input.principal) return redirect(`/auth/sign-in?returnTo=${encodeURIComponent(noticeLinkPath(actionId))}`);
  const grant = await deps.find(actionId);
  const notice = grant && (await deps.notice(grant.issuerId, grant.recordId));
  if (!grant || !notice) return doesNotWork(v);
  if (grant.action === 'open') return redirect(noticePath(notice));
  const name = await deps.jurisdictionName(grant.jurisdictionId);
  if (input.principal.jurisdictionId !== grant.jurisdictionId || !isAllowed(input.principal, 'notices:answer')) return notYours(v, name, notice);
  const answer = await deps.ownAnswer(notice);
  if (answer) return messagePage(v, 200, `${name} has answered this notice`, answeredText(name, answer), notice);
  if (notice.status === 'withdrawn') return messagePage(v, 409, 'This notice was withdrawn', `Its issuer withdrew it${notice.changeReason ? `: ${notice.changeReason}` : ''}. No answer is needed, and nothing was recorded.`, notice);
  const label = `Acknowledge for ${name}`;
  return page({
    title: `Acknowledge: ${notice.title}`,
    path: '/notices',
    principal: input.principal,
    csrfToken: input.csrf,
    children: (
      <div class="grid-row">
        <div class="grid-col-12 tablet:grid-col-8">
          <h1>Acknowledge this safety notice?</h1>
          <dl class="npcs-record-meta">
            <div>
              <dt>Notice</dt>
              <dd>{notice.title}</dd>
            </div>
            <div>
              <dt>For</dt>
              <dd>{name}</dd>
            </div>
          </dl>
          <p class="usa-intro">Acknowledging records that {name} has received the notice, with your name and the time. The issuer sees it in the notice's status table. Afterwards, say on the notice's page what your jurisdiction does about its actions.</p>
          <form class="usa-form usa-form--large" method="post" action={noticeLinkPath(actionId)}>
            <input type="hidden" name={CSRF_FIELD} value={input.csrf} />
            <button class="usa-button margin-top-3" type="submit">
              {label}
            </button>
          </form>
          <p class="margin-top-3">
            <a class="usa-link" href={noticePath(notice)}>
              Read the notice first
            </a>{' '}
            (nothing is recorded until you press the button above).
          </p>
        </div>
      </div>
    ),
  });
}

/** POST /notice-links/{actionId}: acknowledges for the principal's jurisdiction, which must be the link's. */
export async function acknowledgeNoticeLink(input: PageInput, actionId: string, deps: NoticeLinkDeps): Promise<HttpResult> {
  const v = { principal: input.principal, csrf: input.csrf };
  if (!isActionId(actionId)) return doesNotWork(v);
  const grant = await deps.find(actionId);
  const notice = grant && (await deps.notice(grant.issuerId, grant.recordId));
  // An Open link acknowledges nothing: only the email's Acknowledge link posts here.
  if (!grant || !notice || grant.action !== 'acknowledge') return doesNotWork(v);
  if (input.principal.jurisdictionId !== grant.jurisdictionId) return notYours(v, await deps.jurisdictionName(grant.jurisdictionId), notice);
  try {
    await deps.acknowledge(notice);
  } catch (error) {
    if (error instanceof ConflictError) return messagePage(v, 409, notice.status === 'withdrawn' ? 'This notice was withdrawn' : 'Nothing more was recorded', error.message, notice);
    if (error instanceof ForbiddenError) return messagePage(v, 403, 'You cannot acknowledge this notice', error.message, notice);
    throw error;
  }
  return redirect(`${noticePath(notice)}?answered=1`);
}
