/**
 * The platform admins' warehouse page behind functions/web (docs/warehouse.md, "The pipeline"): the current release,
 * which jurisdictions it carries and its k-anonymity figures, earlier releases, and the form that starts one now.
 * The stack has authorized the route's action (warehouse:run) already.
 */
import type { HttpResult } from '#shared/http/response.ts';
import { page } from '#shared/web/components/page.tsx';
import type { PageInput } from '#shared/web/page-input.ts';
import type { WarehouseReleases } from '../store.ts';
import { WarehousePage } from './pages.tsx';

/** GET /warehouse */
export async function showWarehouse(i: PageInput, releases: WarehouseReleases, query: Record<string, string | undefined> = {}): Promise<HttpResult> {
  const [current, earlier] = await Promise.all([releases.current(), releases.list()]);
  const alert =
    query.started === '1'
      ? ({ type: 'success', text: 'The release has started. It replaces the current one when it has finished, in a few minutes: reload this page to see it.' } as const)
      : undefined;
  return page({ title: 'Data warehouse', path: '/warehouse', principal: i.principal, csrfToken: i.csrf, children: <WarehousePage csrf={i.csrf} current={current} earlier={earlier} alert={alert} /> });
}

/** POST /warehouse/releases: starts the workflow, then 303 back to the page, which says so. */
export async function startRelease(start: () => Promise<unknown>): Promise<HttpResult> {
  await start();
  return { statusCode: 303, headers: { location: '/warehouse?started=1', 'cache-control': 'no-store' }, body: '' };
}
