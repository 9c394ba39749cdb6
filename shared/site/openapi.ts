import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { auditApi } from '#shared/audit/api.ts';
import { authApi } from '#shared/auth/api.ts';
import { dictionaryApi } from '#shared/forms/dictionary-api.ts';
import { healthApi } from '#shared/health-api.ts';
import { jurisdictionsApi, registryAdminApi } from '#shared/jurisdictions/api.ts';
import { recordsApi } from '#shared/records/api.ts';
import { surveyApi, surveyWavesApi } from '#shared/survey/api.ts';
import { webApi } from '#shared/site/api.ts';
import { resolved } from '#shared/zod-config.ts';
import { contract, responsesOf, type RouteContract } from '#shared/http/contract.ts';
import { ROUTES } from '#shared/http/routes.ts';

const openapiApi = {
  'GET /api/openapi.json': contract({ responses: { 200: { description: 'This document (OpenAPI 3.1)' } } }),
};

/** Every route's contract, by route key; a route without one is a bug that the OpenAPI build reports. */
export const CONTRACTS: Record<string, RouteContract> = { ...healthApi, ...jurisdictionsApi, ...registryAdminApi, ...recordsApi, ...auditApi, ...dictionaryApi, ...authApi, ...openapiApi, ...webApi, ...surveyApi, ...surveyWavesApi };

/** The OpenAPI 3.1 document of the platform's API, generated from the routes and their zod contracts. */
export function buildOpenApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const r of ROUTES) {
    const key = `${r.method} ${r.path}`;
    const c = CONTRACTS[key];
    if (!c) throw new Error(`Route ${key} has no contract`);
    const responses = Object.fromEntries(
      Object.entries(responsesOf(c)).map(([status, spec]) => [
        status,
        {
          description: spec.description,
          ...(spec.schema || spec.contentType ? { content: { [spec.contentType ?? 'application/json']: spec.schema ? { schema: spec.schema } : {} } } : {}),
        },
      ]),
    );
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      summary: r.summary,
      operationId: `${r.method.toLowerCase()}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      // Parameters are read from the objects' shapes: a contract's z.lazy is built here.
      ...(c.query || c.params ? { requestParams: { ...(c.query ? { query: resolved(c.query) } : {}), ...(c.params ? { path: resolved(c.params) } : {}) } } : {}),
      ...(c.body ? { requestBody: { required: true, content: { [c.form ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: c.body } } } } : {}),
      responses,
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'NPCS safety platform API',
      version: '1',
      description: 'Critical incident reviews, the safety culture survey and safety notices of the National Partnership for Child Safety. Errors always have the Error shape.',
    },
    paths,
  });
}
