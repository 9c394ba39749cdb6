import { httpFunction, route } from '#shared/http/handler.ts';
import { requiredEnv } from '#shared/config.ts';
import { surveyApi as api } from '#shared/survey/api.ts';
import { answerSurvey, showStart, showThanks, startSurvey } from '#shared/survey/web/flow.tsx';
import { errorPage, PAGE_CSP } from '#shared/web/components/page.tsx';

const TABLE = requiredEnv('TABLE_NAME');

// Public routes with no session store: this function never reads a session, so nothing links an answer to a person.
export const handler = httpFunction(
  {
    'GET /survey/{jurisdictionId}': route({
      ...api['GET /survey/{jurisdictionId}'],
      handle: async ({ params, csrfToken }) => showStart(TABLE, params, await csrfToken()),
    }),
    'POST /survey/{jurisdictionId}/start': route({
      ...api['POST /survey/{jurisdictionId}/start'],
      handle: async ({ params, body, csrfToken }) => startSurvey(TABLE, params, body, await csrfToken()),
    }),
    'POST /survey/{jurisdictionId}/answers': route({
      ...api['POST /survey/{jurisdictionId}/answers'],
      handle: async ({ params, body, csrfToken }) => answerSurvey(TABLE, params, body, await csrfToken()),
    }),
    'GET /survey/{jurisdictionId}/thanks': route({
      ...api['GET /survey/{jurisdictionId}/thanks'],
      handle: async ({ params }) => showThanks(TABLE, params),
    }),
  },
  { errorPage, contentSecurityPolicy: PAGE_CSP },
);
