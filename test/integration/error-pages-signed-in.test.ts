import { describe, expect, it } from 'vitest';
import { baseUrl, signIn } from './helpers.ts';

/** The friendly error pages show a signed-in person the header every other page shows: their name and sign-out. */
const html: RequestInit = { headers: { accept: 'text/html' } };
const SIGN_IN_BUTTON = 'class="usa-button margin-0" href="/auth/sign-in';

describe('error pages for a signed-in person', () => {
  it('404 of a record that is not there, and 403 of a page the role may not open, show name and sign-out, not "Sign in"', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const missing = await submitter.go(`${baseUrl()}/records/01JNOSUCHRECORD00000000000`, html);
    const missingPage = await missing.text();
    expect(missing.status).toBe(404);
    expect(missingPage).toContain('Morgan Ellery · Submitter');
    expect(missingPage).toContain('action="/auth/sign-out"');
    expect(missingPage).not.toContain(SIGN_IN_BUTTON);
    // A path no route matches is answered by another function (not-found): the same header.
    const nowhere = await submitter.go(`${baseUrl()}/no/such/page`, html);
    const nowherePage = await nowhere.text();
    expect(nowhere.status).toBe(404);
    expect(nowherePage).toContain('Morgan Ellery · Submitter');
    expect(nowherePage).not.toContain(SIGN_IN_BUTTON);

    const lead = await signIn('demo-partnership-lead');
    const refused = await lead.go(`${baseUrl()}/records`, html);
    const refusedPage = await refused.text();
    expect(refused.status).toBe(403);
    expect(refusedPage).toContain('Alex Marchetti · Partnership lead');
    expect(refusedPage).not.toContain(SIGN_IN_BUTTON);
    // Sign-out from the error page works: its form carries the session's token.
    const token = /name="_csrf" value="([^"]+)"/.exec(refusedPage)?.[1];
    expect(token).toBeTruthy();
  });

  it('shows "Sign in" to someone who is not signed in', async () => {
    const res = await fetch(`${baseUrl()}/records/01JNOSUCHRECORD00000000000`, { ...html, redirect: 'manual' });
    expect([302, 303, 401]).toContain(res.status);
    const page = await fetch(`${baseUrl()}/no/such/page`, html);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain(SIGN_IN_BUTTON);
  });
});
