import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STACK_TRACE, baseUrl, call, expectNoInternals, signIn, type Browser } from './helpers.ts';

/** Records lists with search and filters: the JSON API and the web page, against the local cloud. */
const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json' } });
const html: RequestInit = { headers: { accept: 'text/html' } };

interface Summary {
  recordId: string;
  jurisdictionId: string;
  formId: string;
  reference?: string;
}
interface ListBody {
  items: Summary[];
  nextCursor?: string;
}
interface ErrorBody {
  error: { message: string; errors?: { field: string; message: string }[] };
}

async function create(browser: Browser, jurisdictionId: string, body: unknown): Promise<Summary> {
  const res = await browser.go(`${baseUrl()}/api/jurisdictions/${jurisdictionId}/records`, json('POST', body));
  expect(res.status).toBe(201);
  return (await res.json()) as Summary;
}

/** A review id no other test uses: letters, digits and dashes, as the form asks. */
const tag = () => `LST-${randomBytes(4).toString('hex').toUpperCase()}`;

describe('records list: search and filters', () => {
  it('API: searches by review id (case, spaces and dashes ignored), pages with the cursor, and never matches another jurisdiction', async () => {
    const t = tag();
    const ky = await signIn('demo-ky-dcbs-submitter');
    const franklin = await signIn('demo-oh-franklin-fccs-submitter');
    const mine: Summary[] = [];
    for (const n of [1, 2, 3]) mine.push(await create(ky, 'ky-dcbs', { formId: 'critical_incident_review', answers: { review_id: `${t}-${n}` } }));
    expect(mine.map((r) => r.reference)).toEqual([`${t}-1`, `${t}-2`, `${t}-3`]);
    const theirs = await create(franklin, 'oh-franklin-fccs', { formId: 'critical_incident_review', answers: { review_id: `${t}-1` } });

    const search = t.toLowerCase().replace('-', ' ');
    const all = await ky.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?search=${encodeURIComponent(search)}`);
    expect(all.status).toBe(200);
    const found = (await all.json()) as ListBody;
    expect(found.items.map((r) => r.recordId)).toEqual(mine.map((r) => r.recordId).reverse());
    expect(found.items.every((r) => r.jurisdictionId === 'ky-dcbs')).toBe(true);
    expect(found.items.map((r) => r.recordId)).not.toContain(theirs.recordId);

    const first = (await (await ky.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?search=${t}&limit=2`)).json()) as ListBody;
    expect(first.items).toHaveLength(2);
    const second = (await (await ky.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?search=${t}&limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`)).json()) as ListBody;
    expect([...first.items, ...second.items].map((r) => r.recordId)).toEqual(found.items.map((r) => r.recordId));
    expect(second.nextCursor).toBeUndefined();

    // Filters combine with the search.
    const notices = (await (await ky.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?search=${t}&formId=safety_notice`)).json()) as ListBody;
    expect(notices.items).toEqual([]);
    const drafts = (await (await ky.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?search=${t}-1&status=draft,returned`)).json()) as ListBody;
    expect(drafts.items.map((r) => r.recordId)).toEqual([mine[0]!.recordId]);

    // Franklin County finds its own record only; asking under ky-dcbs is not found.
    const theirFind = (await (await franklin.go(`${baseUrl()}/api/jurisdictions/oh-franklin-fccs/records?search=${t}`)).json()) as ListBody;
    expect(theirFind.items.map((r) => r.recordId)).toEqual([theirs.recordId]);
    expect((await franklin.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?search=${t}`)).status).toBe(404);
    // A cursor of one jurisdiction's search is not valid in another's.
    const stolen = await franklin.go(`${baseUrl()}/api/jurisdictions/oh-franklin-fccs/records?search=${t}&limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(stolen.status).toBe(400);
  });

  it('API: a malformed or too long search, filter or cursor is a 4xx naming the parameter', async () => {
    const ky = await signIn('demo-ky-dcbs-reviewer');
    const cases: [string, number, string][] = [
      [`search=${'x'.repeat(201)}`, 422, 'search'],
      ['search=--%20--', 422, 'search'],
      ['status=closed', 422, 'status'],
      ['formId=Not%20A%20Form', 422, 'formId'],
      ['from=yesterday', 422, 'from'],
      ['from=2026-02-01&to=2026-01-01', 422, 'from'],
      [`cursor=${'A'.repeat(5000)}`, 422, 'cursor'],
      ['limit=1000', 422, 'limit'],
      ['sort=name', 422, 'sort'],
    ];
    for (const [qs, status, field] of cases) {
      const res = await ky.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?${qs}`);
      const text = await res.text();
      expect(res.status, qs).toBe(status);
      expectNoInternals(text);
      const body = JSON.parse(text) as ErrorBody;
      // A bad item of a list names its position too (status.0).
      expect(body.error.errors?.map((e) => e.field.split('.')[0]), qs).toContain(field);
    }
    const garbage = await ky.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records?cursor=garbage`);
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as ErrorBody).error.message).toMatch(/cursor/);
  });

  it('the OpenAPI document shows the search parameter', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json;
    const params = doc.paths['/api/jurisdictions/{jurisdictionId}/records'].get.parameters as { name: string; in: string }[];
    expect(params.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(['cursor', 'formId', 'from', 'limit', 'search', 'status', 'to']);
  });

  it('web: the list page names records by review id, searches and filters without JavaScript, and explains a bad value', async () => {
    const t = tag();
    const ky = await signIn('demo-ky-dcbs-submitter');
    const named = await create(ky, 'ky-dcbs', { formId: 'critical_incident_review', answers: { review_id: `${t}-9` } });
    const fresh = await create(ky, 'ky-dcbs', { formId: 'critical_incident_review' });
    const franklin = await signIn('demo-oh-franklin-fccs-submitter');
    const theirs = await create(franklin, 'oh-franklin-fccs', { formId: 'critical_incident_review', answers: { review_id: `${t}-9` } });

    const res = await ky.go(`${baseUrl()}/records?search=${t.toLowerCase()}&formId=&status=&from=&to=`, html);
    const page = await res.text();
    expect(res.status, page).toBe(200);
    expect(page).toContain(`>${t}-9</a>`);
    expect(page).toContain(named.recordId);
    expect(page).not.toContain(fresh.recordId);
    expect(page).not.toContain(theirs.recordId);
    expect(page).toContain('role="search"');
    expect(page).toContain(`value="${t.toLowerCase()}"`);
    expect(page).toContain('href="/records" aria-current="page"');

    // Unfiltered, the fresh draft is there by its untitled name with its system id.
    const list = await (await ky.go(`${baseUrl()}/records`, html)).text();
    expect(list).toMatch(new RegExp(`Untitled critical incident review</a> <span class="npcs-record-id text-base">${fresh.recordId}</span>`));
    // Filters narrow it.
    const notices = await (await ky.go(`${baseUrl()}/records?search=${t}&formId=safety_notice`, html)).text();
    expect(notices).toContain('No records match this search.');

    for (const [qs, label] of [
      ['from=2026-13-45', 'Created from'],
      [`search=${'y'.repeat(300)}`, 'Review id or title'],
      ['cursor=garbage', 'Page link'],
      ['status=closed', 'Status'],
    ] as const) {
      const bad = await ky.go(`${baseUrl()}/records?${qs}`, html);
      const text = await bad.text();
      expect(bad.status, qs).toBe(400);
      expect(text).toContain('id="error-summary"');
      expect(text).toContain(`${label}: `);
      // The page title says "Error: Records", as every page with an error summary does; no stack or path.
      expect(text).not.toMatch(STACK_TRACE);
    }
    // Another jurisdiction's record is not listed, and partnership leads do not list records at all.
    const franklinPage = await (await franklin.go(`${baseUrl()}/records?search=${t}`, html)).text();
    expect(franklinPage).toContain(theirs.recordId);
    expect(franklinPage).not.toContain(named.recordId);
    const lead = await signIn('demo-partnership-lead');
    expect((await lead.go(`${baseUrl()}/records`, html)).status).toBe(403);
  });
});
