import { describe, expect, it } from 'vitest';
import { Browser, baseUrl, signIn, signOut } from './helpers.ts';

describe('sign-in through the local cloud (local OpenID provider, auth function, sessions)', () => {
  it('signs a demo reviewer in, shows the session, and ends it server-side on sign-out', async () => {
    const browser = new Browser();
    const loginPage = await browser.go(`${baseUrl()}/auth/sign-in?returnTo=/api/session`);
    expect(loginPage.status).toBe(200);
    const html = await loginPage.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBeDefined();
    // The login page is the provider's: its form posts back to the provider.
    expect(new URL(loginPage.url).origin).not.toBe(new URL(baseUrl()).origin);
    const afterLogin = await browser.go(new URL(action!, loginPage.url).toString(), {
      method: 'POST',
      body: new URLSearchParams({ user: 'demo-ky-dcbs-reviewer' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(afterLogin.status).toBe(200);
    const session = (await afterLogin.json()) as { principal: { role: string; jurisdictionId: string } };
    expect(session.principal).toMatchObject({ role: 'reviewer', jurisdictionId: 'ky-dcbs' });

    await signOut(browser);
    const after = await browser.go(`${baseUrl()}/api/session`);
    expect(after.status).toBe(401);
  });

  it('answers a browser whose sign-in expired with the HTML error page, and an API client with JSON', async () => {
    // A callback without its transaction cookie (expired, used, or opened in another browser).
    const page = await fetch(`${baseUrl()}/auth/callback?code=x&state=y`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('This sign-in has expired or was already used');
    const api = await fetch(`${baseUrl()}/auth/callback?code=x&state=y`, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('refuses the session route without a session, and a returnTo on another origin', async () => {
    expect((await fetch(`${baseUrl()}/api/session`)).status).toBe(401);
    const res = await fetch(`${baseUrl()}/auth/sign-in?returnTo=https://evil.example/`, { redirect: 'manual' });
    expect([302, 400, 422]).toContain(res.status);
    if (res.status === 302) expect(res.headers.get('location')).not.toContain('evil.example');
  });

  it('ends the previous session server-side when the same browser signs in again', async () => {
    const browser = await signIn('demo-ky-dcbs-reviewer');
    const origin = new URL(baseUrl()).origin;
    const sessionCookie = () => [...(browser.jar.get(origin) ?? new Map())].find(([name]) => name.endsWith('npcs_session'))!;
    const [name, oldValue] = sessionCookie();
    // The provider remembers the browser: signing in again goes straight through to the app.
    const again = await browser.go(`${baseUrl()}/auth/sign-in?returnTo=/api/session`);
    expect(again.status).toBe(200);
    expect(sessionCookie()[1]).not.toBe(oldValue);
    const withOld = await fetch(`${baseUrl()}/api/session`, { headers: { cookie: `${name}=${oldValue}` } });
    expect(withOld.status).toBe(401);
  });
});
