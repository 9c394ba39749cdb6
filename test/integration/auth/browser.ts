/**
 * Just enough of a browser to drive a sign-in programmatically: follows redirects by hand with fetch, keeps a
 * cookie jar per host, submits the local provider's sign-in form. It stops at the app's redirect URI and hands
 * that URL (code, state, iss) back, as a browser would deliver it to the callback route.
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  private cookieHeader(url: URL): string | undefined {
    const cookies = this.jar.get(url.host);
    return cookies?.size ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  private store(url: URL, res: Response): void {
    const cookies = this.jar.get(url.host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(url.host, cookies);
  }

  async request(url: string | URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ url: URL; res: Response; body: string }> {
    const target = new URL(url);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(target, res);
    return { url: target, res, body: await res.text() };
  }

  /**
   * Follows redirects from `start` until the browser would load `stopAt` (a URL prefix); the sign-in page of the
   * local provider is answered by choosing `userSub`. Returns the URL that reached `stopAt`.
   */
  async signIn(start: string, userSub: string | undefined, stopAt: string, maxSteps = 12): Promise<{ landedAt: URL; pages: string[] }> {
    let next: { url: string | URL; method?: string; form?: Record<string, string> } = { url: start };
    const pages: string[] = [];
    for (let i = 0; i < maxSteps; i++) {
      if (String(next.url).startsWith(stopAt)) return { landedAt: new URL(next.url), pages };
      const { url, res, body } = await this.request(next.url, next);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        next = { url: new URL(location, url) };
        continue;
      }
      pages.push(body);
      const action = /<form method="post" action="([^"]+\/login)"/.exec(body)?.[1];
      if (res.status === 200 && action && userSub) {
        next = { url: new URL(action, url), form: { user: userSub } };
        continue;
      }
      throw new Error(`Sign-in stopped at ${url.href} with ${res.status}: ${body.slice(0, 300)}`);
    }
    throw new Error(`Sign-in did not reach ${stopAt} in ${maxSteps} steps`);
  }

  /** Cancels at the provider's sign-in page instead of choosing a user. */
  async cancelSignIn(start: string, stopAt: string): Promise<URL> {
    let url = new URL(start);
    for (let i = 0; i < 12; i++) {
      if (url.href.startsWith(stopAt)) return url;
      const r = await this.request(url);
      const location = r.res.headers.get('location');
      if (location) {
        url = new URL(location, url);
        continue;
      }
      const action = /<form method="post" action="([^"]+\/abort)"/.exec(r.body)?.[1];
      if (!action) throw new Error(`No cancel button at ${url.href}`);
      const posted = await this.request(new URL(action, url), { method: 'POST', form: {} });
      url = new URL(posted.res.headers.get('location')!, url);
    }
    throw new Error('Cancel did not return to the app');
  }
}
