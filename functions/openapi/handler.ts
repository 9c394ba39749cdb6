import { optionalEnv } from '#shared/config.ts';
import { httpFunction, route } from '#shared/http/handler.ts';
import { buildOpenApiDocument } from '#shared/site/openapi.ts';
import { json } from '#shared/http/response.ts';

// Built once per container: the document only changes with a deploy.
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = httpFunction({
  'GET /api/openapi.json': route({
    handle: async () => {
      document ??= buildOpenApiDocument({ appOrigin: optionalEnv('APP_ORIGIN') });
      return json(200, document, { 'cache-control': 'public, max-age=300' });
    },
  }),
});
