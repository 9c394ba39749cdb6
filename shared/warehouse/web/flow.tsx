/**
 * The platform admins' warehouse page behind functions/web (docs/warehouse.md, "The pipeline"): the current release,
 * which jurisdictions it carries and its k-anonymity figures, earlier releases, and the form that starts one now.
 * The stack has authorized the route's action (warehouse:run) already.
 */
import { ValidationError } from '#shared/errors.ts';
import type { HttpResult } from '#shared/http/response.ts';
import type { PostedFields } from '#shared/web/form-values.ts';
import { page } from '#shared/web/components/page.tsx';
import type { PageInput } from '#shared/web/page-input.ts';
import type { WarehouseReleases } from '../store.ts';
import { WarehousePage, type StartFormState } from './pages.tsx';

/** GET /warehouse */
export async function showWarehouse(i: PageInput, releases: WarehouseReleases, query: Record<string, string | undefined> = {}): Promise<HttpResult> {
  const alert =
    query.started === '1'
      ? ({ type: 'success', text: 'The release has started. It replaces the current one when it has finished, in a few minutes: reload this page to see it.' } as const)
      : undefined;
  return warehousePage(i, releases, { alert }, 200);
}

async function warehousePage(i: PageInput, releases: WarehouseReleases, form: StartFormState, status: number): Promise<HttpResult> {
  const [current, earlier] = await Promise.all([releases.current(), releases.list()]);
  return page({ title: 'Data warehouse', path: '/warehouse', principal: i.principal, csrfToken: i.csrf, children: <WarehousePage csrf={i.csrf} current={current} earlier={earlier} form={form} /> }, status);
}

/** POST /warehouse/releases: started (303 back to the page, which says so), or the page again naming what is wrong (422). */
export async function startRelease(i: PageInput, releases: WarehouseReleases, start: (reason: string) => Promise<unknown>, posted: PostedFields): Promise<HttpResult> {
  const reason = (Array.isArray(posted.reason) ? posted.reason[0] : posted.reason) ?? '';
  try {
    await start(reason);
    return { statusCode: 303, headers: { location: '/warehouse?started=1', 'cache-control': 'no-store' }, body: '' };
  } catch (error) {
    if (error instanceof ValidationError) return warehousePage(i, releases, { reason, errors: error.fieldErrors }, 422);
    throw error;
  }
}
