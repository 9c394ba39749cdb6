import * as z from 'zod/mini';
import { contract } from '#shared/http/contract.ts';
import { withMeta } from '#shared/zod-config.ts';
import { RELEASE_REASON_MAX } from '../store.ts';

const html = (description: string) => ({ description, contentType: 'text/html' });

/** The platform admins' warehouse page (shared/warehouse/web/flow.tsx). */
export const warehouseApi = {
  'GET /warehouse': contract({
    query: z.lazy(() => z.strictObject({ started: withMeta(z.optional(z.string().check(z.maxLength(8))), { description: '`1` after a release was started: the page says so' }) })),
    responses: {
      200: html("The current warehouse release: each form version's records and k-anonymity figures, every jurisdiction in or out and why; earlier releases; the form that starts one now"),
      403: html('Only platform admins see the warehouse releases'),
    },
  }),
  'POST /warehouse/releases': contract({
    form: true,
    body: z.lazy(() =>
      withMeta(
        z.strictObject({ reason: withMeta(z.optional(z.string().check(z.maxLength(4000))), { description: `Why a release is needed now (required, at most ${RELEASE_REASON_MAX} characters): kept with the release` }) }),
        { description: 'The start form (platform admins)' },
      ),
    ),
    responses: {
      303: { description: 'The release started (Location header: the warehouse page, which says so)' },
      403: html('The form token was missing or wrong, or the role does not start warehouse releases'),
      422: html('The page again with the error summary: no reason given, or one too long'),
    },
  }),
};
