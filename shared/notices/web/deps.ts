/**
 * The notice pages' dependencies in the web function (functions/web/pages.tsx): the published notices (the one
 * cross-jurisdiction read), the registry, and the principal's own jurisdiction's withdrawals and answers, each
 * through that jurisdiction's scoped table handle.
 */
import { documentClient } from '#shared/aws/document-client.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { requestScope } from '#shared/records/http.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { answerNotice, answersTo, currentAnswer } from '../answers.ts';
import { findNoticeLink } from '../links.ts';
import { PublishedNotices } from '../published.ts';
import { withdrawNotice } from '../service.ts';
import type { NoticeDeps } from './flow.tsx';
import type { NoticeLinkDeps } from './link-flow.tsx';

export function noticeDeps(i: PageInput): NoticeDeps {
  const registry = new JurisdictionStore(i.table, documentClient);
  // The principal's own jurisdiction: the only one whose items these writes may touch.
  const own = () => requestScope(i.table, i.principal.jurisdictionId ?? '', i.principal, i.event);
  return {
    notices: new PublishedNotices(documentClient, i.table),
    issuers: async () => new Map((await registry.list()).map((j) => [j.id, { name: j.name, state: j.state }] as const)),
    registry: () => registry.list(),
    withdraw: (jurisdictionId, recordId, reason) => {
      const scope = requestScope(i.table, jurisdictionId, i.principal, i.event);
      return withdrawNotice(scope.table, scope.actor, recordId, reason);
    },
    ownAnswer: (notice) => currentAnswer(own().table, notice.issuerId, notice.recordId),
    answer: (notice, input) => {
      const scope = own();
      return answerNotice(scope.table, scope.actor, notice, input);
    },
    answers: (notice) => answersTo(documentClient, i.table, notice.issuerId, notice.recordId),
  };
}

/**
 * The emailed links' pages (./link-flow.tsx): a link is found through gsi1 and read in its recipient jurisdiction's
 * partition; the answer is read and written only in the signed-in principal's own jurisdiction.
 */
export function noticeLinkDeps(i: PageInput<Principal | undefined>): NoticeLinkDeps {
  const registry = new JurisdictionStore(i.table, documentClient);
  const notices = new PublishedNotices(documentClient, i.table);
  const own = () => requestScope(i.table, i.principal?.jurisdictionId ?? '', i.principal!, i.event);
  return {
    find: (actionId) => findNoticeLink(documentClient, i.table, actionId),
    notice: (issuerId, recordId) => notices.get(issuerId, recordId),
    jurisdictionName: async (id) => (await registry.get(id))?.name ?? id,
    ownAnswer: (notice) => currentAnswer(own().table, notice.issuerId, notice.recordId),
    acknowledge: (notice) => {
      const scope = own();
      return answerNotice(scope.table, scope.actor, notice, { status: 'acknowledged' });
    },
  };
}
