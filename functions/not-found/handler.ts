import { SessionStore } from '#shared/auth/sessions.ts';
import { MethodNotAllowedError, NotFoundError } from '#shared/errors.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { methodsForPath } from '#shared/http/routes.ts';
import { errorPage, PAGE_CSP } from '#shared/web/components/page.tsx';

// Only the error page reads the session (who is signed in); no route here needs one.
const sessions = SessionStore.fromEnv();

/** API Gateway's `$default` route: every request that matched no declared route lands here. */
export const handler = httpFunction({
  $default: route({
    ignoreBody: true,
    handle: async ({ event }) => {
      const { method, path } = event.requestContext.http;
      const allowed = methodsForPath(path);
      if (allowed.length > 0) {
        throw new MethodNotAllowedError(`${method} is not allowed on ${path}; use ${allowed.join(' or ')}.`, allowed);
      }
      throw new NotFoundError(`There is nothing at ${method} ${path}.`);
    },
  }),
}, { sessions, errorPage, contentSecurityPolicy: PAGE_CSP });
