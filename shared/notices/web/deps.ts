/**
 * The notice pages' dependencies in the web function (functions/web/pages.tsx): the published notices (the one
 * cross-jurisdiction read), the registry, and the principal's own jurisdiction's withdrawals and answers, each
 * through that jurisdiction's scoped table handle.
 */
import { documentClient } from '#shared/aws/document-client.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { requestScope } from '#shared/records/http.ts';
import type { PageInput } from '#shared/web/page-input.ts';
import { answerNotice, answersTo, currentAnswer } from '../answers.ts';
import { PublishedNotices } from '../published.ts';
import { withdrawNotice } from '../service.ts';
import type { NoticeDeps } from './flow.tsx';

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
