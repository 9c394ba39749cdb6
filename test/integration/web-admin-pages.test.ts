import { describe, expect, it } from 'vitest';
import { baseUrl, signIn } from './helpers.ts';

/** The administrators' pages (audit log, registry) and the session keep-alive of the timeout warning. */
describe('administrator pages', () => {
  it('shows a jurisdiction admin their own audit log, by name, role and field names, paged with a cursor', async () => {
    // Make some events: a submitter starts a draft in ky-dcbs.
    const submitter = await signIn('demo-ky-dcbs-submitter');
    for (let i = 0; i < 2; i++) {
      const made = await submitter.go(`${baseUrl()}/api/jurisdictions/ky-dcbs/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ formId: 'critical_incident_review' }),
      });
      expect(made.status).toBe(201);
    }
    const admin = await signIn('demo-ky-dcbs-admin');
    const res = await admin.go(`${baseUrl()}/audit`, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status, html).toBe(200);
    expect(html).toContain('<caption id="audit-caption">Audit events of ky-dcbs, newest first</caption>');
    expect(html).toContain('Started a record');
    // The submitter's display name was kept on the event when it was written (the session knew it).
    expect(html).toContain('Morgan Ellery<span class="display-block text-base">Submitter (agency staff)</span>');
    expect(html).not.toContain('submitter@ky-dcbs.example.org');
    expect(html).not.toContain('>Jurisdiction</th>');
    expect(html).toMatch(/href="\/records\/[^"]+"/);
    expect(html).toContain('href="/audit" aria-current="page"');
    const times = [...html.matchAll(/<time datetime="([^"]+)"/gi)].map((m) => m[1]!);
    expect(times.length).toBeGreaterThan(0);
    expect([...times].sort().reverse()).toEqual(times);

    // A cursor from elsewhere is refused; nothing from another jurisdiction shows up.
    const bad = await admin.go(`${baseUrl()}/audit?cursor=not-a-cursor`, { headers: { accept: 'text/html' } });
    expect(bad.status).toBe(400);
    // Franklin County has an event of its own (whatever other tests did), and sees only its own.
    const franklinStaff = await signIn('demo-oh-franklin-fccs-submitter');
    const made = await franklinStaff.go(`${baseUrl()}/api/jurisdictions/oh-franklin-fccs/records`, {
      method: 'POST',
      body: JSON.stringify({ formId: 'safety_notice' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(made.status).toBe(201);
    const franklin = await signIn('demo-oh-franklin-fccs-admin');
    const theirs = await (await franklin.go(`${baseUrl()}/audit`, { headers: { accept: 'text/html' } })).text();
    expect(theirs).toContain('Audit events of oh-franklin-fccs');
    expect(theirs).not.toContain('ky-dcbs');
  });

  it('shows platform admins every jurisdiction with a jurisdiction column, and the registry', async () => {
    const admin = await signIn('demo-platform-admin');
    const audit = await (await admin.go(`${baseUrl()}/audit`, { headers: { accept: 'text/html' } })).text();
    expect(audit).toContain('Audit events of every jurisdiction');
    expect(audit).toContain('<th scope="col">Jurisdiction</th>');
    const registry = await admin.go(`${baseUrl()}/registry`, { headers: { accept: 'text/html' } });
    const html = await registry.text();
    expect(registry.status).toBe(200);
    expect(html).toContain('<caption id="registry-caption">');
    expect(html).toContain('ky-dcbs');
    expect(html).toContain('href="/registry" aria-current="page"');
  });

  it('refuses other roles with the friendly 403 page and shows nav links by role', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    for (const path of ['/audit', '/registry']) {
      const res = await submitter.go(`${baseUrl()}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain('You cannot do that here');
    }
    const home = await (await submitter.go(`${baseUrl()}/`)).text();
    expect(home).not.toContain('href="/audit"');
    expect(home).not.toContain('href="/registry"');
    expect(home).toContain('data-session="signed-in"');
    expect(home).toContain('id="session-timeout"');
    const jadmin = await (await (await signIn('demo-ky-dcbs-admin')).go(`${baseUrl()}/`)).text();
    expect(jadmin).toContain('href="/audit"');
    expect(jadmin).not.toContain('href="/registry"');
    const signedOut = await (await fetch(`${baseUrl()}/`)).text();
    expect(signedOut).not.toContain('id="session-timeout"');
    expect(signedOut).not.toContain('data-session=');
  });

  it('keeps a session alive on "Stay signed in" (GET /api/session/keep-alive), and answers 401 without one', async () => {
    const browser = await signIn('demo-ky-dcbs-reviewer');
    const res = await browser.go(`${baseUrl()}/api/session/keep-alive`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { session: { secondsLeft: number; idleTimeoutSeconds: number } };
    expect(body.session.secondsLeft).toBeGreaterThan(0);
    expect(body.session.secondsLeft).toBeLessThanOrEqual(body.session.idleTimeoutSeconds);
    expect((await fetch(`${baseUrl()}/api/session/keep-alive`, { headers: { accept: 'application/json' } })).status).toBe(401);
  });
});
