/**
 * Sign-in without a browser, free of vitest so that the bench uses it too: a cookie jar that follows redirects across
 * the app and the local OpenID provider, and the demo users' one-click sign-in.
 */
/** A minimal cookie jar keyed by origin: enough to follow a sign-in across the app and the local provider. */
export class Browser {
  readonly jar = new Map<string, Map<string, string>>();

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    let target = new URL(url);
    let request: RequestInit = init;
    for (let hop = 0; hop < 10; hop++) {
      const cookies = [...(this.jar.get(target.origin) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(target, { ...request, redirect: 'manual', headers: { ...(request.headers ?? {}), ...(cookies ? { cookie: cookies } : {}) } });
      const jar = this.jar.get(target.origin) ?? new Map<string, string>();
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [name, ...value] = pair!.split('=');
        if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name!.trim());
        else jar.set(name!.trim(), value.join('='));
      }
      this.jar.set(target.origin, jar);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        target = new URL(location, target);
        request = {}; // a redirect after a POST is followed with GET, as browsers do
        continue;
      }
      return res;
    }
    throw new Error('too many redirects');
  }
}

/** Signs a demo user (seed/users.json id) in through the local OpenID provider; the browser then holds the session. */
export async function signIn(userId: string, appUrl: string): Promise<Browser> {
  const browser = new Browser();
  const loginPage = await browser.go(`${appUrl}/auth/sign-in?returnTo=/api/session`);
  const action = /action="([^"]+)"/.exec(await loginPage.text())?.[1];
  if (!action) throw new Error('The local sign-in page has no form');
  const landed = await browser.go(new URL(action, loginPage.url).toString(), {
    method: 'POST',
    body: new URLSearchParams({ user: userId }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (landed.status !== 200) throw new Error(`Sign-in of ${userId} ended with ${landed.status}`);
  return browser;
}
