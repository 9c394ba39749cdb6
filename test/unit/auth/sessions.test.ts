import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashOpaqueId, isLocalHttpOrigin, isOpaqueId, newOpaqueId, originOf, readCookie, serializeCookie } from '#shared/auth/cookies.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { sessionConfigFromEnv, SessionStore, TOUCH_INTERVAL_MS } from '#shared/auth/sessions.ts';
import { SignInTransactionStore, TRANSACTION_TTL_SECONDS } from '#shared/auth/transactions.ts';
import { FakeTable } from './fake-table.ts';

const reviewer: Principal = { subject: 'demo-ky-dcbs-reviewer', role: 'reviewer', jurisdictionId: 'ky-dcbs', displayName: 'Riley Haddad' };
const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;

/** The cookie pair (`name=value`) a browser would send back for a Set-Cookie value. */
const sendBack = (setCookie: string) => setCookie.split(';')[0]!;
const attributes = (setCookie: string) => setCookie.split(';').slice(1).map((a) => a.trim());

function setup(options: { secureCookies?: boolean; idleMinutes?: number; absoluteHours?: number } = {}) {
  const table = new FakeTable();
  let now = T0;
  const store = new SessionStore('t', { client: table.client, clock: () => now, ...options });
  return { table, store, advance: (ms: number) => (now += ms) };
}

describe('cookie attributes', () => {
  it('are HttpOnly, Secure, SameSite=Lax, Path=/ with the __Host- prefix by default', async () => {
    const { store } = setup();
    const { setCookie } = await store.createSession(reviewer);
    expect(setCookie.startsWith('__Host-npcs_session=')).toBe(true);
    expect(attributes(setCookie)).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/', `Max-Age=${12 * 3600}`]));
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it('drop Secure and the __Host- prefix only for http://localhost', async () => {
    const { store } = setup({ secureCookies: false });
    const { setCookie } = await store.createSession(reviewer);
    expect(setCookie.startsWith('npcs_session=')).toBe(true);
    expect(attributes(setCookie)).not.toContain('Secure');
    expect(attributes(setCookie)).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
  });

  it('clearing cookie expires it with the same name and attributes', async () => {
    const { store } = setup();
    const { setCookie } = await store.endSession(undefined);
    expect(setCookie).toMatch(/^__Host-npcs_session=;/);
    expect(attributes(setCookie)).toEqual(expect.arrayContaining(['Max-Age=0', 'HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/']));
  });

  it('security follows the app origin', () => {
    expect(isLocalHttpOrigin('http://localhost:3000')).toBe(true);
    expect(isLocalHttpOrigin('http://127.0.0.1:3000')).toBe(true);
    expect(isLocalHttpOrigin('https://localhost:3000')).toBe(false);
    expect(isLocalHttpOrigin('http://platform.npcs.example.org')).toBe(false);
    expect(isLocalHttpOrigin('http://localhost.evil.example')).toBe(false);
    expect(() => originOf('http://platform.npcs.example.org')).toThrow(/Only local development may use http/);
    expect(originOf('https://platform.npcs.example.org/some/path')).toBe('https://platform.npcs.example.org');
  });

  it('the session config reads APP_ORIGIN and the expiry variables', () => {
    vi.stubEnv('APP_ORIGIN', 'http://127.0.0.1:3000');
    vi.stubEnv('SESSION_IDLE_MINUTES', '15');
    vi.stubEnv('SESSION_ABSOLUTE_HOURS', '');
    expect(sessionConfigFromEnv()).toEqual({ idleMinutes: 15, absoluteHours: 12, secureCookies: false });
    vi.stubEnv('APP_ORIGIN', 'https://platform.npcs.example.org');
    expect(sessionConfigFromEnv().secureCookies).toBe(true);
    vi.stubEnv('SESSION_IDLE_MINUTES', 'soon');
    expect(() => sessionConfigFromEnv()).toThrow(/SESSION_IDLE_MINUTES/);
  });
  afterEach(() => vi.unstubAllEnvs());
});

describe('cookie parsing', () => {
  it('reads a Cookie header and API Gateway cookies array', () => {
    expect(readCookie('a=1; npcs_session=xyz; b=2', 'npcs_session')).toBe('xyz');
    expect(readCookie(['a=1', 'npcs_session=xyz'], 'npcs_session')).toBe('xyz');
    expect(readCookie(undefined, 'npcs_session')).toBeUndefined();
    expect(readCookie('x_npcs_session=1', 'npcs_session')).toBeUndefined();
  });

  it('refuses a name sent twice (a planted duplicate)', () => {
    expect(readCookie(['npcs_session=a', 'npcs_session=b'], 'npcs_session')).toBeUndefined();
  });

  it('serializes without surprises', () => {
    expect(serializeCookie('n', 'v', { secure: true, maxAgeSeconds: 60 })).toBe('n=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
  });
});

describe('session ids', () => {
  it('are 256 random bits, base64url, never repeated', () => {
    const ids = new Set(Array.from({ length: 1000 }, newOpaqueId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect([...ids].every(isOpaqueId)).toBe(true);
  });

  it('are stored only as their SHA-256: the table holds no usable cookie', async () => {
    const { store, table } = setup();
    const { setCookie } = await store.createSession(reviewer);
    const id = sendBack(setCookie).split('=')[1]!;
    const [item] = [...table.items.values()];
    expect(item!.pk).toBe(`SESSION#${hashOpaqueId(id)}`);
    expect(hashOpaqueId(id)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(item)).not.toContain(id);
  });

  it('set the TTL attribute to the absolute expiry, in epoch seconds', async () => {
    const { store, table } = setup();
    await store.createSession(reviewer);
    const [item] = [...table.items.values()];
    expect(item!.expiresAt).toBe((T0 + 12 * 3600_000) / 1000);
  });

  it('are new at every sign-in (no fixation)', async () => {
    const { store } = setup();
    const a = await store.createSession(reviewer);
    const b = await store.createSession(reviewer);
    expect(sendBack(a.setCookie)).not.toBe(sendBack(b.setCookie));
  });
});

describe('reading sessions', () => {
  it('returns the principal and the time left', async () => {
    const { store } = setup();
    const { setCookie } = await store.createSession(reviewer);
    const found = await store.readSession(sendBack(setCookie));
    expect(found?.principal).toEqual(reviewer);
    expect(found?.session).toMatchObject({ secondsLeft: 30 * 60, idleTimeoutSeconds: 30 * 60, createdAt: new Date(T0).toISOString() });
  });

  it('ignores cookies that are not well-formed without reading the table', async () => {
    const { store, table } = setup();
    table.commands.length = 0;
    for (const cookie of ['', '__Host-npcs_session=', '__Host-npcs_session=abc', `__Host-npcs_session=${'A'.repeat(42)}!`, `__Host-npcs_session=${'A'.repeat(44)}`]) {
      expect(await store.readSession(cookie)).toBeUndefined();
    }
    expect(table.commands).toEqual([]);
  });

  it('does not know a well-formed id it never issued', async () => {
    const { store } = setup();
    expect(await store.readSession(`__Host-npcs_session=${newOpaqueId()}`)).toBeUndefined();
  });

  it('reads only its own cookie name: a non-prefixed cookie does not count when Secure', async () => {
    const { store } = setup();
    const { setCookie } = await store.createSession(reviewer);
    const id = sendBack(setCookie).split('=')[1]!;
    expect(await store.readSession(`npcs_session=${id}`)).toBeUndefined();
  });

  it('slides the idle expiry, writing at most once a minute', async () => {
    const { store, table, advance } = setup();
    const cookie = sendBack((await store.createSession(reviewer)).setCookie);
    table.commands.length = 0;
    advance(20 * 1000);
    await store.readSession(cookie);
    expect(table.commands).toEqual(['Get']);
    advance(TOUCH_INTERVAL_MS);
    const found = await store.readSession(cookie);
    expect(table.commands).toEqual(['Get', 'Get', 'Update']);
    expect(found?.session.secondsLeft).toBe(30 * 60);
    // 25 more minutes of activity keep it alive past the first 30.
    for (let i = 0; i < 5; i++) {
      advance(10 * MIN);
      expect(await store.readSession(cookie)).toBeDefined();
    }
  });

  it('does not slide when asked not to (the timeout-warning poll)', async () => {
    const { store, advance } = setup();
    const cookie = sendBack((await store.createSession(reviewer)).setCookie);
    advance(20 * MIN);
    expect((await store.readSession(cookie, { touch: false }))?.session.secondsLeft).toBe(10 * 60);
    advance(10 * MIN);
    expect(await store.readSession(cookie, { touch: false })).toBeUndefined();
  });

  it('ends after the idle time without activity, and removes the item', async () => {
    const { store, table, advance } = setup();
    const cookie = sendBack((await store.createSession(reviewer)).setCookie);
    advance(30 * MIN - 1);
    expect(await store.readSession(cookie, { touch: false })).toBeDefined();
    advance(1);
    expect(await store.readSession(cookie)).toBeUndefined();
    expect(table.items.size).toBe(0);
  });

  it('ends at the absolute expiry however active', async () => {
    const { store, advance } = setup({ absoluteHours: 1 });
    const cookie = sendBack((await store.createSession(reviewer)).setCookie);
    for (let i = 0; i < 5; i++) {
      advance(11 * MIN);
      expect(await store.readSession(cookie)).toBeDefined();
    }
    const last = await store.readSession(cookie);
    expect(last?.session.secondsLeft).toBe(5 * 60);
    advance(5 * MIN);
    expect(await store.readSession(cookie)).toBeUndefined();
  });

  it('treats an item that does not parse as no session', async () => {
    const { store, table } = setup();
    const cookie = sendBack((await store.createSession(reviewer)).setCookie);
    const [item] = [...table.items.values()];
    (item!.principal as Record<string, unknown>).role = 'superuser';
    expect(await store.readSession(cookie)).toBeUndefined();
  });

  it('refuses to create a session for an invalid principal', async () => {
    const { store } = setup();
    await expect(store.createSession({ subject: 's', role: 'reviewer' })).rejects.toThrow();
    await expect(store.createSession({ subject: 's', role: 'platform_admin', jurisdictionId: 'ky-dcbs' })).rejects.toThrow();
  });
});

describe('ending sessions', () => {
  it('deletes the session server-side: the old cookie no longer works', async () => {
    const { store, table } = setup();
    const cookie = sendBack((await store.createSession(reviewer)).setCookie);
    expect(await store.endSession(cookie)).toMatchObject({ ended: true });
    expect(table.items.size).toBe(0);
    expect(await store.readSession(cookie)).toBeUndefined();
    expect(await store.endSession(cookie)).toMatchObject({ ended: false });
  });
});

describe('sign-in transactions', () => {
  it('are single use, expire after 10 minutes, and keep nothing usable in the table', async () => {
    const table = new FakeTable();
    let now = T0;
    const tx = new SignInTransactionStore('t', { secureCookies: true, client: table.client, clock: () => now });
    const t = { state: 's'.repeat(43), nonce: 'n'.repeat(43), codeVerifier: 'v'.repeat(43), returnTo: '/records' };
    const setCookie = await tx.put(t);
    expect(setCookie.startsWith('__Host-npcs_signin=')).toBe(true);
    expect(attributes(setCookie)).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/', `Max-Age=${TRANSACTION_TTL_SECONDS}`]));
    const id = sendBack(setCookie).split('=')[1]!;
    expect(JSON.stringify([...table.items.values()])).not.toContain(id);
    expect(await tx.take(sendBack(setCookie))).toEqual(t);
    expect(await tx.take(sendBack(setCookie))).toBeUndefined();

    const late = await tx.put(t);
    now += TRANSACTION_TTL_SECONDS * 1000 + 1;
    expect(await tx.take(sendBack(late))).toBeUndefined();
    expect(await tx.take('__Host-npcs_signin=forged')).toBeUndefined();
  });
});
