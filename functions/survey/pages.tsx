import { httpFunction, route } from '#shared/http/handler.ts';
import { requiredEnv } from '#shared/config.ts';
import { surveyApi as api } from '#shared/survey/api.ts';
import { answerSurvey, showSurvey, showThanks } from '#shared/survey/web/flow.tsx';
import { errorPage, PAGE_CSP } from '#shared/web/components/page.tsx';

const TABLE = requiredEnv('TABLE_NAME');

// Public routes with no session store: this function never reads a session, so nothing links an answer to a person.
export const handler = httpFunction(
  {
    'GET /survey/{jurisdictionId}/{linkToken}': route({
      ...api['GET /survey/{jurisdictionId}/{linkToken}'],
      handle: async ({ params, csrfToken }) => showSurvey(TABLE, params, await csrfToken()),
    }),
    'POST /survey/{jurisdictionId}/{linkToken}': route({
      ...api['POST /survey/{jurisdictionId}/{linkToken}'],
      handle: async ({ params, body, csrfToken }) => answerSurvey(TABLE, params, body, await csrfToken()),
    }),
    'GET /survey/{jurisdictionId}/{linkToken}/thanks': route({
      ...api['GET /survey/{jurisdictionId}/{linkToken}/thanks'],
      handle: async ({ params }) => showThanks(TABLE, params),
    }),
  },
  { errorPage, contentSecurityPolicy: PAGE_CSP },
);
