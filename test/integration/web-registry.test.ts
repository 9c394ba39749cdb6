import { describe, expect, it } from 'vitest';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { REVIEW_PAIR_MESSAGE } from '#shared/jurisdictions/web/registry-form.ts';
import { REVIEW_ESCALATE_AFTER_REMINDERS, REVIEW_REMINDER_HOURS } from '#shared/policy.ts';
import { reviewSettings } from '#shared/review/model.ts';
import { Browser, baseUrl, expectNoInternals, signIn } from './helpers.ts';
import { client, tableName } from './records/setup.ts';

/**
 * Platform admins edit the jurisdictions registry from the web pages (no JavaScript): add, edit with the version,
 * the error summary, a stale version, a duplicate id, the CSRF token, other roles, escaping, and the audit trail.
 */
const HTML = { accept: 'text/html' };
let seq = 0;
const newId = () => `wr-${Date.now().toString(36)}-${++seq}`;

/** The cookie header of a Browser (for requests whose redirect the test wants to see, not follow). */
const cookiesOf = (browser: Browser) => [...(browser.jar.get(new URL(baseUrl()).origin) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');

async function open(browser: Browser, path: string) {
  const res = await browser.go(`${baseUrl()}${path}`, { headers: HTML });
  return { status: res.status, html: await res.text() };
}

/** The form fields of a page as a browser would send them: every named input, select and textarea with its value. */
function fieldsOf(html: string): Record<string, string> {
  const form = /<form class="usa-form[^"]*"[\s\S]*?<\/form>/.exec(html)?.[0];
  if (!form) throw new Error('The page has no registry form');
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  // Attribute values may hold ">" (Preact escapes only & < " in them).
  for (const m of form.matchAll(/<input((?:[^>"]|"[^"]*")*)>/g)) {
    const attrs = m[1]!;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    if (!name) continue;
    const value = decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
    // A radio or checkbox posts its value only when checked, as a browser does.
    if (/type="(radio|checkbox)"/.test(attrs)) {
      if (/\schecked/.test(attrs)) fields[decode(name)] = value;
    } else fields[decode(name)] = value;
  }
  for (const m of form.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    fields[decode(m[1]!)] = decode(/<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[decode(m[1]!)] = decode(m[2]!);
  return fields;
}

/** A form post that does not follow the redirect (the test checks the 303 itself). */
async function post(browser: Browser, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl()}${path}`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(browser), ...HTML, ...headers },
  });
  const html = await res.text();
  expectNoInternals(html.replace('<title>Error: ', '<title>'));
  return { status: res.status, location: res.headers.get('location'), html };
}

function newJurisdiction(csrf: string, id: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    _csrf: csrf,
    id,
    name: `Web Test Agency ${id}`,
    type: 'county',
    state: 'KY',
    county: 'Fayette',
    active: 'true',
    joinedYear: '2026',
    units: 'intake | Intake\r\nongoing-services | Ongoing Services',
    'contacts[0].role': 'review-lead',
    'contacts[0].name': 'Pat Doe',
    'contacts[0].email': `lead@${id}.example.org`,
    'contacts[1].role': '',
    'contacts[1].name': '',
    'contacts[1].email': '',
    ...overrides,
  };
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

async function profile(admin: Browser, id: string) {
  const res = await admin.go(`${baseUrl()}/api/jurisdictions/${id}/profile`, { headers: { accept: 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function auditOf(admin: Browser, id: string) {
  const res = await admin.go(`${baseUrl()}/api/jurisdictions/${id}/audit`, { headers: { accept: 'application/json' } });
  return ((await res.json()) as { items: { action: string; changedFields?: string[]; actor: { role: string } }[] }).items;
}

/** Adds a jurisdiction through the web form; answers its id and the admin's CSRF token. */
async function added(admin: Browser, overrides: Record<string, string> = {}) {
  const form = await open(admin, '/registry/new');
  const id = newId();
  const res = await post(admin, '/registry', newJurisdiction(csrfOf(form.html), id, overrides));
  expect(res.status, res.html).toBe(303);
  return { id, csrf: csrfOf(form.html) };
}

describe('the registry pages (platform admins)', () => {
  it('lists every jurisdiction with Edit links and the Add link', async () => {
    const admin = await signIn('demo-platform-admin');
    const list = await open(admin, '/registry');
    expect(list.status).toBe(200);
    expect(list.html).toContain('href="/registry/new"');
    expect(list.html).toContain('href="/registry/ky-dcbs/edit"');
    expect(list.html).toContain('href="/registry" aria-current="page"');
    expect(list.html).not.toContain('registry API for now');
  });

  it('adds a jurisdiction from the form: 303 to the registry with a confirmation, the profile stored, the event audited', async () => {
    const admin = await signIn('demo-platform-admin');
    const form = await open(admin, '/registry/new');
    expect(form.status).toBe(200);
    for (const id of ['reg-id', 'reg-name', 'reg-type', 'reg-state', 'reg-county', 'reg-active', 'reg-joined-year', 'reg-units', 'reg-contacts-0-role', 'reg-contacts-0-email']) {
      expect(form.html, id).toContain(`id="${id}"`);
    }
    expect(form.html).toContain('class="usa-form usa-form--large"');
    expect(form.html).not.toContain('name="expectedVersion"');

    const id = newId();
    const res = await post(admin, '/registry', newJurisdiction(csrfOf(form.html), id));
    expect(res.status, res.html).toBe(303);
    expect(res.location).toBe(`/registry?saved=${id}`);
    const list = await open(admin, res.location!);
    expect(list.html).toContain('usa-alert--success');
    expect(list.html).toContain(`Saved Web Test Agency ${id} (${id}).`);
    expect(list.html).toContain(`href="/registry/${id}/edit"`);

    const stored = await profile(admin, id);
    expect(stored.body).toMatchObject({
      id,
      name: `Web Test Agency ${id}`,
      type: 'county',
      county: 'Fayette',
      active: true,
      joinedYear: 2026,
      version: 1,
      units: [
        { code: 'intake', label: 'Intake' },
        { code: 'ongoing-services', label: 'Ongoing Services' },
      ],
      contacts: [{ role: 'review-lead', name: 'Pat Doe', email: `lead@${id}.example.org` }],
    });
    const events = await auditOf(admin, id);
    expect(events.map((e) => e.action)).toEqual(['registry.created']);
    expect(events[0]!.actor.role).toBe('platform_admin');
  });

  it('edits a jurisdiction with its version: the form shows what is stored, saving audits the changed fields', async () => {
    const admin = await signIn('demo-platform-admin');
    const { id } = await added(admin);
    const edit = await open(admin, `/registry/${id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.html).toContain(`<h1>Edit Web Test Agency ${id}</h1>`);
    expect(edit.html).not.toContain('id="reg-id"'); // the id cannot change
    const fields = fieldsOf(edit.html);
    expect(fields).toMatchObject({ expectedVersion: '1', name: `Web Test Agency ${id}`, type: 'county', state: 'KY', active: 'true', units: 'intake | Intake\nongoing-services | Ongoing Services' });
    expect(fields['contacts[0].email']).toBe(`lead@${id}.example.org`);

    const res = await post(admin, `/registry/${id}`, { ...fields, name: 'Renamed From The Web', units: `${fields.units}\nnew-unit | New Unit`, active: 'false' });
    expect(res.status, res.html).toBe(303);
    expect(res.location).toBe(`/registry?saved=${id}`);
    const stored = await profile(admin, id);
    expect(stored.body).toMatchObject({ name: 'Renamed From The Web', active: false, version: 2 });
    expect(stored.body.units).toHaveLength(3);
    const events = await auditOf(admin, id);
    expect(events.map((e) => e.action)).toEqual(['registry.updated', 'registry.created']);
    expect(events[0]!.changedFields).toEqual(['active', 'name', 'units']);

    // Removing a contact: empty its row.
    const again = fieldsOf((await open(admin, `/registry/${id}/edit`)).html);
    const removed = await post(admin, `/registry/${id}`, { ...again, 'contacts[0].role': '', 'contacts[0].name': '', 'contacts[0].email': '' });
    expect(removed.status, removed.html).toBe(303);
    expect((await profile(admin, id)).body.contacts).toEqual([]);
  });

  it('answers invalid input with 422: the error summary linking to each field, inline errors, and what was typed kept', async () => {
    const admin = await signIn('demo-platform-admin');
    const { id } = await added(admin);
    const fields = fieldsOf((await open(admin, `/registry/${id}/edit`)).html);
    const res = await post(admin, `/registry/${id}`, { ...fields, name: 'ab', type: '', joinedYear: 'next year', units: 'intake | Intake\nno separator here', 'contacts[0].email': 'not-an-email' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('<title>Error: Edit Web Test Agency');
    // The summary: focusable, one link per invalid field, in the order of the form.
    const summary = /<div class="usa-alert usa-alert--error[^"]*" role="alert" id="error-summary" tabindex="-1">([\s\S]*?)<\/ul>/.exec(res.html)?.[1];
    expect(summary, res.html).toBeDefined();
    expect(summary).toContain('There are 5 problems');
    expect([...summary!.matchAll(/href="#([^"]+)"/g)].map((m) => m[1])).toEqual(['reg-name', 'reg-type', 'reg-joined-year', 'reg-units', 'reg-contacts-0-email']);
    expect(summary).toContain('Enter the name, at least 3 characters');
    expect(summary).toContain('Units, line 2: write the code, a vertical bar (|) and the label');
    // Inline: the group marked, the message tied to its input, the input marked invalid.
    expect(res.html).toMatch(/<div class="usa-form-group usa-form-group--error"><label class="usa-label" for="reg-name">Name<\/label><span class="usa-error-message" id="reg-name-error">/);
    expect(res.html).toMatch(/<input class="usa-input usa-input--error" id="reg-name" name="name" type="text" maxlength="160" autocomplete="off" aria-describedby="reg-name-error" aria-invalid="true" value="ab"/);
    expect(res.html).toContain('aria-describedby="reg-contacts-0-email-error"');
    // What was typed is all still there, and the version is unchanged.
    const kept = fieldsOf(res.html);
    expect(kept).toMatchObject({ name: 'ab', type: '', joinedYear: 'next year', units: 'intake | Intake\nno separator here', 'contacts[0].email': 'not-an-email', expectedVersion: '1' });
    expect((await profile(admin, id)).body.version).toBe(1);

    // The add form too, with every field empty.
    const add = await open(admin, '/registry/new');
    const empty = await post(admin, '/registry', { _csrf: csrfOf(add.html), id: '', name: '', type: '', state: '', county: '', active: '', joinedYear: '', units: '' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('<title>Error: Add a jurisdiction');
    expect([...empty.html.matchAll(/<li><a class="usa-link" href="#([^"]+)"/g)].map((m) => m[1])).toEqual(['reg-id', 'reg-name', 'reg-type', 'reg-state', 'reg-active', 'reg-joined-year']);
  });

  it('answers a stale version with 409: the form with what was typed and the conflict message; saving again wins', async () => {
    const admin = await signIn('demo-platform-admin');
    const { id } = await added(admin);
    const mine = fieldsOf((await open(admin, `/registry/${id}/edit`)).html);
    // Someone else saves first (another admin, another session).
    const other = await signIn('demo-platform-admin');
    const theirs = fieldsOf((await open(other, `/registry/${id}/edit`)).html);
    expect((await post(other, `/registry/${id}`, { ...theirs, county: 'Jefferson' })).status).toBe(303);

    const res = await post(admin, `/registry/${id}`, { ...mine, name: 'My Late Rename' });
    expect(res.status).toBe(409);
    expect(res.html).toContain('Someone else changed this jurisdiction after you opened it. Nothing was lost');
    expect(res.html).toContain('The saved version differs from yours in: name, county.');
    const kept = fieldsOf(res.html);
    expect(kept).toMatchObject({ name: 'My Late Rename', county: 'Fayette', expectedVersion: '2' });
    expect((await profile(admin, id)).body).toMatchObject({ name: `Web Test Agency ${id}`, county: 'Jefferson', version: 2 });

    // Sending the form again applies it over the latest version.
    expect((await post(admin, `/registry/${id}`, kept)).status).toBe(303);
    expect((await profile(admin, id)).body).toMatchObject({ name: 'My Late Rename', county: 'Fayette', version: 3 });

    // A version that is not a number is stale too: the conflict page, never a 500.
    expect((await post(admin, `/registry/${id}`, { ...kept, expectedVersion: 'x' })).status).toBe(409);
  });

  it('sets a jurisdiction\'s review reminders: stored, listed, audited, what the review workflow reads, never public', async () => {
    const admin = await signIn('demo-platform-admin');
    const store = new JurisdictionStore(tableName(), client);
    // Added with both blank: no timing of its own, the partnership defaults.
    const { id } = await added(admin, { reviewReminderHours: '', reviewEscalateAfterReminders: '' });
    expect((await profile(admin, id)).body).not.toHaveProperty('review');
    expect(reviewSettings(await store.get(id))).toMatchObject({ reminderSeconds: REVIEW_REMINDER_HOURS * 3600, escalateAfterReminders: REVIEW_ESCALATE_AFTER_REMINDERS });
    const defaults = `Partnership default: every ${REVIEW_REMINDER_HOURS} hours, escalate after ${REVIEW_ESCALATE_AFTER_REMINDERS} reminders`;
    // The row's text (the list shows the timing as lines).
    const row = (html: string) => new RegExp(`<tr>(?:(?!</tr>).)*?>${id}</td>(?:(?!</tr>).)*</tr>`, 's').exec(html)?.[0].replace(/<[^>]+>/g, '');
    expect(row((await open(admin, '/registry')).html)).toContain(defaults);

    // One without the other: 422 on the blank one, nothing saved.
    const fields = fieldsOf((await open(admin, `/registry/${id}/edit`)).html);
    expect(fields).toMatchObject({ reviewReminderHours: '', reviewEscalateAfterReminders: '' });
    const half = await post(admin, `/registry/${id}`, { ...fields, reviewReminderHours: '24' });
    expect(half.status).toBe(422);
    expect(half.html).toContain('href="#reg-review-escalate-after-reminders"');
    expect(half.html).toContain(REVIEW_PAIR_MESSAGE);
    expect(fieldsOf(half.html)).toMatchObject({ reviewReminderHours: '24', reviewEscalateAfterReminders: '' });
    expect((await profile(admin, id)).body.version).toBe(1);

    // Both: saved as version 2, audited as the `review` field, listed, and what the workflow's Begin step reads.
    const saved = await post(admin, `/registry/${id}`, { ...fields, reviewReminderHours: '24', reviewEscalateAfterReminders: '3' });
    expect(saved.status, saved.html).toBe(303);
    expect((await profile(admin, id)).body).toMatchObject({ review: { reminderHours: 24, escalateAfterReminders: 3 }, version: 2 });
    expect((await auditOf(admin, id))[0]).toMatchObject({ action: 'registry.updated', changedFields: ['review'] });
    expect(reviewSettings(await store.get(id))).toMatchObject({ reminderSeconds: 24 * 3600, escalateAfterReminders: 3 });
    expect(row((await open(admin, '/registry')).html)).toContain('Every 24 hours, escalate after 3 reminders');
    expect(fieldsOf((await open(admin, `/registry/${id}/edit`)).html)).toMatchObject({ reviewReminderHours: '24', reviewEscalateAfterReminders: '3' });

    // Nobody outside the registry sees it: the public profile and listing.
    const publicOne = (await (await fetch(`${baseUrl()}/api/jurisdictions/${id}`)).json()) as Record<string, unknown>;
    expect(publicOne.id).toBe(id);
    expect(publicOne).not.toHaveProperty('review');
    const publicAll = (await (await fetch(`${baseUrl()}/api/jurisdictions?state=KY`)).json()) as { jurisdictions: Record<string, unknown>[] };
    expect(publicAll.jurisdictions.find((j) => j.id === id)).not.toHaveProperty('review');

    // Both blank again: back to the defaults.
    const again = fieldsOf((await open(admin, `/registry/${id}/edit`)).html);
    expect((await post(admin, `/registry/${id}`, { ...again, reviewReminderHours: ' ', reviewEscalateAfterReminders: '' })).status).toBe(303);
    expect((await profile(admin, id)).body).not.toHaveProperty('review');
    expect(reviewSettings(await store.get(id))).toMatchObject({ reminderSeconds: REVIEW_REMINDER_HOURS * 3600, escalateAfterReminders: REVIEW_ESCALATE_AFTER_REMINDERS });
  });

  it("keeps a jurisdiction's data-sharing agreement without JavaScript: refused on its field, saved, withdrawn, audited", async () => {
    const admin = await signIn('demo-platform-admin');
    // Checked without its terms: 422 on the date and the lag, the box still checked, nothing saved.
    const form = await open(admin, '/registry/new');
    const id = newId();
    const refused = await post(admin, '/registry', newJurisdiction(csrfOf(form.html), id, { dataSharingShares: 'true', dataSharingSince: '', dataSharingLagMonths: '' }));
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('href="#reg-data-sharing-since"');
    expect(refused.html).toContain('href="#reg-data-sharing-lag-months"');
    expect(fieldsOf(refused.html)).toMatchObject({ dataSharingShares: 'true', dataSharingSince: '', dataSharingLagMonths: '' });
    expect((await profile(admin, id)).status).toBe(404);

    // With its terms: stored; the edit form shows it checked.
    const saved = await post(admin, '/registry', newJurisdiction(csrfOf(form.html), id, { dataSharingShares: 'true', dataSharingSince: '2024-07-01', dataSharingLagMonths: '24' }));
    expect(saved.status, saved.html).toBe(303);
    expect((await profile(admin, id)).body.dataSharing).toEqual({ sharesWithWarehouse: true, since: '2024-07-01', lagMonths: 24 });
    const fields = fieldsOf((await open(admin, `/registry/${id}/edit`)).html);
    expect(fields).toMatchObject({ dataSharingShares: 'true', dataSharingSince: '2024-07-01', dataSharingLagMonths: '24' });

    // Unchecked (a browser then posts no dataSharingShares): withdrawn with its terms kept, audited as data_sharing.
    const { dataSharingShares: _checked, ...unchecked } = fields;
    expect((await post(admin, `/registry/${id}`, unchecked)).status).toBe(303);
    expect((await profile(admin, id)).body).toMatchObject({ dataSharing: { sharesWithWarehouse: false, since: '2024-07-01', lagMonths: 24 }, version: 2 });
    expect((await auditOf(admin, id))[0]).toMatchObject({ action: 'registry.updated', changedFields: ['data_sharing'] });
    expect(fieldsOf((await open(admin, `/registry/${id}/edit`)).html)).not.toHaveProperty('dataSharingShares');
  });

  it('refuses a duplicate id on add with an inline error on the id, and changes nothing', async () => {
    const admin = await signIn('demo-platform-admin');
    const before = (await profile(admin, 'ky-dcbs')).body;
    const form = await open(admin, '/registry/new');
    const res = await post(admin, '/registry', newJurisdiction(csrfOf(form.html), 'ky-dcbs', { name: 'A Second Kentucky' }));
    expect(res.status).toBe(409);
    expect(res.html).toContain('href="#reg-id"');
    expect(res.html).toMatch(/<span class="usa-error-message" id="reg-id-error"><span class="display-block">The id &quot;ky-dcbs&quot; is taken by another jurisdiction/);
    expect(fieldsOf(res.html)).toMatchObject({ id: 'ky-dcbs', name: 'A Second Kentucky' });
    expect((await profile(admin, 'ky-dcbs')).body).toEqual(before);
  });

  it('refuses a form post without its CSRF token, with a wrong one, with another session\'s, or from another site (403)', async () => {
    const admin = await signIn('demo-platform-admin');
    const form = await open(admin, '/registry/new');
    const { _csrf: token, ...fields } = newJurisdiction(csrfOf(form.html), newId());
    const otherToken = csrfOf((await open(await signIn('demo-platform-admin'), '/registry/new')).html);
    for (const [what, body, headers] of [
      ['missing', fields, {}],
      ['wrong', { ...fields, _csrf: 'not-the-token' }, {}],
      ['another session', { ...fields, _csrf: otherToken }, {}],
      ['cross-site', { ...fields, _csrf: token! }, { 'sec-fetch-site': 'cross-site' }],
    ] as const) {
      const res = await post(admin, '/registry', body as Record<string, string>, headers);
      expect(res.status, what).toBe(403);
      expect(res.html, what).toContain('You cannot do that here');
    }
    expect((await profile(admin, fields.id!)).status).toBe(404);
    const { id } = await added(admin);
    const edit = fieldsOf((await open(admin, `/registry/${id}/edit`)).html);
    const { _csrf: _, ...noToken } = edit;
    expect((await post(admin, `/registry/${id}`, { ...noToken, name: 'Forged' })).status).toBe(403);
    expect((await profile(admin, id)).body.version).toBe(1);
  });

  it('refuses every other role (403 whatever the jurisdiction) and answers 401 without a session', async () => {
    const admin = await signIn('demo-platform-admin');
    const { id } = await added(admin);
    for (const user of ['demo-ky-dcbs-admin', 'demo-ky-dcbs-submitter', 'demo-partnership-lead']) {
      const browser = await signIn(user);
      const home = await open(browser, '/');
      expect(home.html, user).not.toContain('href="/registry"');
      for (const path of ['/registry', '/registry/new', '/registry/ky-dcbs/edit', `/registry/${id}/edit`]) {
        const res = await open(browser, path);
        expect(res.status, `${user} ${path}`).toBe(403);
        expect(res.html).toContain('You cannot do that here');
      }
      // With the person's own valid token: refused for the role, nothing written.
      const token = csrfOf(home.html);
      expect((await post(browser, '/registry', newJurisdiction(token, newId()))).status, user).toBe(403);
      expect((await post(browser, '/registry/ky-dcbs', { _csrf: token, expectedVersion: '1', name: 'Taken Over' })).status, user).toBe(403);
    }
    expect((await profile(admin, 'ky-dcbs')).body.name).not.toBe('Taken Over');
    const anonymous = await fetch(`${baseUrl()}/registry/new`, { headers: HTML });
    expect(anonymous.status).toBe(401);
  });

  it('shows HTML typed into a text field as text, on the list and in the form', async () => {
    const admin = await signIn('demo-platform-admin');
    const name = '<script>alert("x")</script> & <b>Agency</b>';
    const { id } = await added(admin, { name });
    const list = await open(admin, '/registry');
    expect(list.html).not.toContain('<script>alert');
    expect(list.html).not.toContain('<b>Agency</b>');
    expect(list.html).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script> &amp; &lt;b>Agency&lt;/b>');
    const edit = await open(admin, `/registry/${id}/edit`);
    expect(edit.html).not.toContain('<script>alert');
    expect(fieldsOf(edit.html).name).toBe(name);
    expect((await profile(admin, id)).body.name).toBe(name);
  });

  it('answers a mistyped jurisdiction with the 404 page, and a malformed id with a 4xx page', async () => {
    const admin = await signIn('demo-platform-admin');
    const missing = await open(admin, '/registry/no-such-jurisdiction/edit');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('Page not found');
    const token = csrfOf((await open(admin, '/registry')).html);
    expect((await post(admin, '/registry/no-such-jurisdiction', { _csrf: token, expectedVersion: '1', name: 'Nobody' })).status).toBe(404);
    const malformed = await open(admin, '/registry/Not_An_Id/edit');
    expect(malformed.status).toBe(422);
    expectNoInternals(malformed.html);
  });
});
