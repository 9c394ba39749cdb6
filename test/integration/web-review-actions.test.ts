import { describe, expect, it } from 'vitest';
import { sampleCriticalIncidentReview } from '#shared/forms/samples.ts';
import { readWait } from '#shared/review/handoff.ts';
import { STACK_TRACE, baseUrl, signIn, type Browser } from './helpers.ts';
import { tableOf } from './records/setup.ts';

/**
 * The review life cycle on the web pages, without JavaScript, through the local HTTP API: a reviewer starts a
 * review, returns a record with a reason (shown escaped to the submitter, who edits and resubmits it), approves; the
 * 422 of a missing reason, the 409 of a stale version, a double click, CSRF, roles and jurisdictions; starting a
 * safety notice from the home page; the home page's tasks per role.
 */
const JID = 'ky-dcbs';
const form = (fields: [string, string][]) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
});
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const api = (id: string) => `${baseUrl()}/api/jurisdictions/${JID}/records/${id}`;
/** The part of a page between two markers (e.g. one section of the home page). */
const between = (html: string, from: string, to: string) => {
  const start = html.indexOf(from);
  expect(start, `marker ${from}`).toBeGreaterThanOrEqual(0);
  const end = html.indexOf(to, start);
  return html.slice(start, end < 0 ? undefined : end);
};

async function record(browser: Browser, id: string) {
  const res = await browser.go(api(id));
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; version: number; statusReason?: string; answers: Record<string, unknown>; formId: string };
}

/** A complete draft made through the JSON API, submitted through the review page as a person would. */
async function submittedRecord(submitter: Browser): Promise<string> {
  const made = await submitter.go(`${baseUrl()}/api/jurisdictions/${JID}/records`, {
    method: 'POST',
    body: JSON.stringify({ formId: 'critical_incident_review', answers: sampleCriticalIncidentReview(1) }),
    headers: { 'content-type': 'application/json' },
  });
  expect(made.status).toBe(201);
  const { recordId } = (await made.json()) as { recordId: string };
  await submit(submitter, recordId);
  return recordId;
}

async function submit(submitter: Browser, recordId: string) {
  const review = await (await submitter.go(`${baseUrl()}/records/${recordId}/review`)).text();
  const done = await submitter.go(
    `${baseUrl()}/records/${recordId}/submit`,
    form([['_csrf', hidden(review, '_csrf')!], ['expectedVersion', hidden(review, 'expectedVersion')!], ['submissionId', hidden(review, 'submissionId')!]]),
  );
  expect(done.status, await done.clone().text()).toBe(200);
  expect(done.url).toContain(`/records/${recordId}?submitted=1`);
  await awaitingDecision(recordId, (await record(submitter, recordId)).version);
}

/**
 * Until the review workflow waits for a decision on that version (started from the table's stream). The hand-off
 * itself gives a just-submitted review 5 s; on a loaded 2-core machine running two test files at once, the stream,
 * review-start and the first steps can take longer, and the test is about the pages, not that race.
 */
async function awaitingDecision(recordId: string, version: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const wait = await readWait(tableOf(JID), recordId);
    if (wait?.kind === 'decision' && wait.version === version) return;
    if (Date.now() > deadline) throw new Error(`The review of ${recordId} did not wait for a decision on version ${version}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The reviewer's record page, and a decision posted from it (what its forms send). */
async function decide(reviewer: Browser, recordId: string, to: string, extra: [string, string][] = [], page?: string) {
  const html = page ?? (await (await reviewer.go(`${baseUrl()}/records/${recordId}`)).text());
  return reviewer.go(`${baseUrl()}/records/${recordId}/transitions`, form([['_csrf', hidden(html, '_csrf')!], ['expectedVersion', hidden(html, 'expectedVersion')!], ['to', to], ...extra]));
}

const REASON = 'Fix the incident date & the <b>timeline</b>: <script>alert("x")</script>\nSecond line.';

describe('reviewer decisions on the web', () => {
  it('starts a review, returns with a reason the submitter sees escaped, takes the resubmission and approves it', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const id = await submittedRecord(submitter);

    // The submitter reads the submitted record: no decision forms for that role.
    const own = await (await submitter.go(`${baseUrl()}/records/${id}`)).text();
    expect(own).not.toContain('Review decision');
    expect(own).not.toContain(`action="/records/${id}/transitions"`);

    // The reviewer sees the moves legal from "submitted".
    const page = await (await reviewer.go(`${baseUrl()}/records/${id}`)).text();
    expect(page).toContain('Review decision');
    expect(page.match(new RegExp(`action="/records/${id}/transitions"`, 'g'))).toHaveLength(3);
    for (const button of ['Start review', 'Return for changes', 'Approve']) expect(page).toContain(`>${button}</button>`);
    expect(page).toContain('href="#review-actions"');

    const started = await decide(reviewer, id, 'in_review', [], page);
    expect(started.status).toBe(200);
    expect(started.url).toBe(`${baseUrl()}/records/${id}?moved=in_review`);
    const inReview = await started.text();
    expect(inReview).toContain('Review started');
    expect(inReview).toContain('<span class="usa-tag">In review</span>');
    expect(inReview).not.toContain('>Start review</button>');
    expect(inReview).toContain('>Return for changes</button>');

    const returned = await decide(reviewer, id, 'returned', [['reason', REASON]], inReview);
    expect(returned.url).toBe(`${baseUrl()}/records/${id}?moved=returned`);
    const returnedPage = await returned.text();
    expect(returnedPage).toContain('Returned for changes. The submitter can edit the record again');
    expect(returnedPage).toContain('usa-alert--warning');
    expect(returnedPage).not.toContain('Review decision'); // nothing left to decide until it comes back
    expect((await record(submitter, id)).statusReason).toBe(REASON.trim());

    // The submitter opens it as an editable draft (every section complete: "Continue" lands on the review page),
    // with the reason on the section and review pages, escaped.
    const opened = await submitter.go(`${baseUrl()}/records/${id}`);
    expect(new URL(opened.url).pathname).toBe(`/records/${id}/review`);
    const section = await (await submitter.go(`${baseUrl()}/records/${id}/sections/incident`)).text();
    const alert = between(section, 'npcs-returned', '</div></div>');
    expect(alert).toContain('Returned for changes');
    expect(alert).toContain('&lt;script>alert(&quot;x&quot;)&lt;/script>');
    expect(alert).toContain('&amp; the &lt;b>timeline&lt;/b>');
    expect(section).not.toContain('<script>alert');
    expect(section).not.toContain('<b>timeline</b>');
    const review = await (await submitter.go(`${baseUrl()}/records/${id}/review`)).text();
    expect(review).toContain('Returned for changes');
    expect(review).toContain('&lt;b>timeline&lt;/b>');

    // It edits a section and submits again: the reason is gone, and the record is back with the reviewer.
    const edited = await submitter.go(
      `${baseUrl()}/records/${id}/sections/incident`,
      form([['_csrf', hidden(section, '_csrf')!], ['expectedVersion', hidden(section, 'expectedVersion')!], ...incidentFields(await record(submitter, id)).filter(([n]) => n !== 'review_id'), ['review_id', 'KY-2026-RETURNED'], ['_action', 'later']]),
    );
    expect(edited.status).toBe(200);
    expect((await record(submitter, id)).answers.review_id).toBe('KY-2026-RETURNED');
    await submit(submitter, id);
    const resubmitted = await record(submitter, id);
    expect(resubmitted.status).toBe('submitted');
    expect(resubmitted.statusReason).toBeUndefined();
    const again = await (await reviewer.go(`${baseUrl()}/records/${id}`)).text();
    expect(again).not.toContain('npcs-returned');
    expect(again).toContain('>Start review</button>');

    const approved = await decide(reviewer, id, 'approved', [], again);
    expect(approved.url).toBe(`${baseUrl()}/records/${id}?moved=approved`);
    const approvedPage = await approved.text();
    expect(approvedPage).toContain('Approved. The record is now locked');
    expect(approvedPage).toContain('<span class="usa-tag">Approved</span>');
    expect(approvedPage).not.toContain('Review decision');
    expect((await record(reviewer, id)).status).toBe('approved');
  });

  it('answers a return without a reason with 422, the error summary linked to the reason box and the typed text kept', async () => {
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const id = await submittedRecord(await signIn('demo-ky-dcbs-submitter'));
    const before = await record(reviewer, id);

    const blank = await decide(reviewer, id, 'returned', [['reason', '   ']]);
    expect(blank.status).toBe(422);
    const page = await blank.text();
    expect(page).toContain('<title>Error: ');
    expect(page).toContain('id="error-summary"');
    expect(page).toContain('href="#review-reason"');
    expect(page).toContain('Say what needs to change, so the person who submitted it knows');
    expect(page).toMatch(/<span class="usa-error-message" id="review-reason-error"><span class="display-block">Say what needs to change/);
    expect(page).toMatch(/<textarea[^>]*aria-invalid="true"/);
    expect(page).not.toMatch(STACK_TRACE); // never a stack trace (the title rightly starts with "Error:")

    const long = `${'x'.repeat(2000)} <i>typed</i>`;
    const tooLong = await decide(reviewer, id, 'returned', [['reason', long]]);
    expect(tooLong.status).toBe(422);
    const longPage = await tooLong.text();
    expect(longPage).toContain('Keep the reason under 2,000 characters');
    expect(longPage).toContain('&lt;i>typed&lt;/i></textarea>');

    const after = await record(reviewer, id);
    expect(after.status).toBe('submitted');
    expect(after.version).toBe(before.version);
  });

  it('answers a stale version with 409 and the record as it is now, and changes nothing', async () => {
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const id = await submittedRecord(await signIn('demo-ky-dcbs-submitter'));
    const page = await (await reviewer.go(`${baseUrl()}/records/${id}`)).text();
    const stale = Number(hidden(page, 'expectedVersion'));

    // Another reviewer acts first (through the JSON API).
    const other = await signIn('demo-ky-dcbs-reviewer');
    const moved = await other.go(`${api(id)}/transitions`, { method: 'POST', body: JSON.stringify({ to: 'in_review', expectedVersion: stale }), headers: { 'content-type': 'application/json' } });
    expect(moved.status).toBe(200);

    const late = await decide(reviewer, id, 'returned', [['reason', 'Please add the timeline.']], page);
    expect(late.status).toBe(409);
    const conflict = await late.text();
    expect(conflict).toContain('Someone else acted on this record while you had it open: it is now in review.');
    expect(conflict).toContain('nothing was changed');
    expect(conflict).toContain('<span class="usa-tag">In review</span>');
    expect(conflict).toContain('Please add the timeline.</textarea>'); // what was typed is not lost
    expect(hidden(conflict, 'expectedVersion')).toBe(String(stale + 1));
    const after = await record(reviewer, id);
    expect(after.status).toBe('in_review');
    expect(after.version).toBe(stale + 1);
    expect(after.statusReason).toBeUndefined();

    // An illegal move at the current version (a crafted post) is a 409 that says why.
    const illegal = await reviewer.go(`${baseUrl()}/records/${id}/transitions`, form([['_csrf', hidden(conflict, '_csrf')!], ['expectedVersion', String(stale + 1)], ['to', 'in_review']]));
    expect(illegal.status).toBe(409);
    expect(await illegal.text()).toContain('A record that is in review cannot become in review.');
  });

  it('treats a repeated identical decision (a double click) as done, moving the record once', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const reviewer = await signIn('demo-ky-dcbs-reviewer');

    // One after the other: the second post carries the old version.
    const id = await submittedRecord(submitter);
    const page = await (await reviewer.go(`${baseUrl()}/records/${id}`)).text();
    const version = Number(hidden(page, 'expectedVersion'));
    const first = await decide(reviewer, id, 'approved', [], page);
    const second = await decide(reviewer, id, 'approved', [], page);
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.url).toBe(`${baseUrl()}/records/${id}?moved=approved`);
    }
    expect(await second.text()).toContain('Approved. The record is now locked');
    expect(await record(reviewer, id)).toMatchObject({ status: 'approved', version: version + 1 });

    // At the same time, as a browser's double click can send them.
    const id2 = await submittedRecord(submitter);
    const page2 = await (await reviewer.go(`${baseUrl()}/records/${id2}`)).text();
    const version2 = Number(hidden(page2, 'expectedVersion'));
    const both = await Promise.all([decide(reviewer, id2, 'returned', [['reason', 'Add the timeline.']], page2), decide(reviewer, id2, 'returned', [['reason', 'Add the timeline.']], page2)]);
    for (const res of both) expect(res.url).toBe(`${baseUrl()}/records/${id2}?moved=returned`);
    expect(await record(reviewer, id2)).toMatchObject({ status: 'returned', version: version2 + 1, statusReason: 'Add the timeline.' });

    // The same move with another reason is not a repeat: the record already moved, so that is a conflict.
    const different = await decide(reviewer, id2, 'returned', [['reason', 'Something else.']], page2);
    expect(different.status).toBe(409);
  });

  it('refuses a decision without its CSRF token (403), from a submitter or a jurisdiction admin (403), and from another jurisdiction (404)', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const id = await submittedRecord(submitter);
    const page = await (await reviewer.go(`${baseUrl()}/records/${id}`)).text();
    const version = hidden(page, 'expectedVersion')!;

    const noToken = await reviewer.go(`${baseUrl()}/records/${id}/transitions`, form([['expectedVersion', version], ['to', 'approved']]));
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain('You cannot do that here');

    for (const who of ['demo-ky-dcbs-submitter', 'demo-ky-dcbs-admin']) {
      const browser = who === 'demo-ky-dcbs-submitter' ? submitter : await signIn(who);
      const home = await (await browser.go(`${baseUrl()}/`)).text();
      const refused = await browser.go(`${baseUrl()}/records/${id}/transitions`, form([['_csrf', hidden(home, '_csrf')!], ['expectedVersion', version], ['to', 'approved']]));
      expect(refused.status, who).toBe(403);
      const read = await (await browser.go(`${baseUrl()}/records/${id}`)).text();
      expect(read, who).not.toContain('Review decision');
    }

    const away = await signIn('demo-oh-franklin-fccs-reviewer');
    expect((await away.go(`${baseUrl()}/records/${id}`)).status).toBe(404);
    const awayHome = await (await away.go(`${baseUrl()}/`)).text();
    const foreign = await away.go(`${baseUrl()}/records/${id}/transitions`, form([['_csrf', hidden(awayHome, '_csrf')!], ['expectedVersion', version], ['to', 'approved']]));
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).toContain('Page not found');

    expect(await record(reviewer, id)).toMatchObject({ status: 'submitted', version: Number(version) });
  });

  it('answers a decision it does not know, or one without a version, with a clear 400 page', async () => {
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const id = await submittedRecord(await signIn('demo-ky-dcbs-submitter'));
    const page = await (await reviewer.go(`${baseUrl()}/records/${id}`)).text();
    const unknown = await decide(reviewer, id, 'submitted', [], page);
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('Choose one of the review decisions on the record page');
    const noVersion = await reviewer.go(`${baseUrl()}/records/${id}/transitions`, form([['_csrf', hidden(page, '_csrf')!], ['to', 'approved']]));
    expect(noVersion.status).toBe(400);
    expect(await noVersion.text()).toContain('Reload the record page and try again');
    expect((await record(reviewer, id)).status).toBe('submitted');
  });
});

/** The incident section's current answers as form fields (a section post replaces that section's answers). */
function incidentFields(current: { answers: Record<string, unknown> }): [string, string][] {
  const names = ['review_id', 'incident_type', 'incident_date', 'notification_date', 'review_date', 'cause_category', 'cause_other'];
  return names.filter((n) => typeof current.answers[n] === 'string' || typeof current.answers[n] === 'number').map((n) => [n, String(current.answers[n])]);
}

describe('starting a record from the home page', () => {
  it('starts a safety notice as well as a critical incident review, and refuses any other form with a clear 400 page', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const home = await (await submitter.go(`${baseUrl()}/`)).text();
    expect(home).toContain('>Start a critical incident review</button>');
    expect(home).toContain('>Start a safety notice</button>');
    expect(home.match(/action="\/records"/g)).toHaveLength(2);
    const csrf = hidden(home, '_csrf')!;

    const notice = await submitter.go(`${baseUrl()}/records`, form([['_csrf', csrf], ['formId', 'safety_notice']]));
    expect(notice.status).toBe(200);
    const url = new URL(notice.url);
    expect(url.pathname).toMatch(/^\/records\/[0-9A-Z]{26}\/sections\/notice$/);
    expect(url.search).toBe('?notice=started');
    const id = url.pathname.split('/')[2]!;
    expect(await notice.text()).toContain(`Started safety notice ${id} as a draft.`);
    expect(await record(submitter, id)).toMatchObject({ formId: 'safety_notice', status: 'draft' });

    const review = await submitter.go(`${baseUrl()}/records`, form([['_csrf', csrf], ['formId', 'critical_incident_review']]));
    expect(new URL(review.url).pathname).toMatch(/\/sections\/incident$/);
    expect(await review.text()).toContain('Started critical incident review');

    for (const fields of [[['formId', 'safety_culture_survey']], [['formId', '<script>']], []] as [string, string][][]) {
      const refused = await submitter.go(`${baseUrl()}/records`, form([['_csrf', csrf], ...fields]));
      expect(refused.status, JSON.stringify(fields)).toBe(400);
      const text = await refused.text();
      expect(text).toContain('This form cannot be started here');
      expect(text).not.toContain('<script>');
    }
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const reviewerHome = await (await reviewer.go(`${baseUrl()}/`)).text();
    expect(reviewerHome).not.toContain('action="/records"');
    expect((await reviewer.go(`${baseUrl()}/records`, form([['_csrf', hidden(reviewerHome, '_csrf')!], ['formId', 'safety_notice']]))).status).toBe(403);
  });
});

describe('home page tasks per role', () => {
  it('lists drafts and returned records (returned first) for submitters, and records waiting for review for reviewers', async () => {
    const submitter = await signIn('demo-ky-dcbs-submitter');
    const reviewer = await signIn('demo-ky-dcbs-reviewer');
    const waiting = await submittedRecord(submitter);
    const toReturn = await submittedRecord(submitter);
    const returned = await decide(reviewer, toReturn, 'returned', [['reason', 'Add the timeline.']]);
    expect(returned.status).toBe(200);
    expect((await record(submitter, toReturn)).status).toBe('returned');
    // A fresh draft, so there is one of each.
    const home = await (await submitter.go(`${baseUrl()}/`)).text();
    const csrf = hidden(home, '_csrf')!;
    const started = await submitter.go(`${baseUrl()}/records`, form([['_csrf', csrf], ['formId', 'critical_incident_review']]));
    const draft = new URL(started.url).pathname.split('/')[2]!;

    const tasks = between(await (await submitter.go(`${baseUrl()}/`)).text(), 'id="tasks"', 'id="start-heading"');
    expect(tasks).toContain('Your tasks');
    expect(tasks).toContain('Drafts and returned records to finish');
    expect(tasks).toContain(`href="/records/${toReturn}"`);
    expect(tasks).toContain(`href="/records/${draft}"`);
    expect(tasks).not.toContain(`href="/records/${waiting}"`);
    expect(tasks.indexOf(`href="/records/${toReturn}"`)).toBeLessThan(tasks.indexOf(`href="/records/${draft}"`));
    expect(tasks).toContain('<span class="usa-tag">Returned for changes</span>');

    const reviewerHome = await (await reviewer.go(`${baseUrl()}/`)).text();
    const reviewTasks = between(reviewerHome, 'id="tasks"', 'id="recent-heading"');
    expect(reviewTasks).toContain('Waiting for review');
    expect(reviewTasks).toContain(`href="/records/${waiting}"`);
    expect(reviewTasks).not.toContain(`href="/records/${toReturn}"`);
    expect(reviewTasks).not.toContain(`href="/records/${draft}"`);
    expect(reviewerHome).not.toContain('Drafts and returned records to finish');
  });

  it('gives jurisdiction admins their open records and the audit log, platform admins the registry and audit, partnership leads what they receive', async () => {
    const admin = await (await (await signIn('demo-ky-dcbs-admin')).go(`${baseUrl()}/`)).text();
    const adminTasks = between(admin, 'id="tasks"', 'id="recent-heading"');
    expect(adminTasks).toContain('Open records of Kentucky Department for Community Based Services');
    expect(adminTasks).toMatch(/Waiting for review: <span class="npcs-status-count">\d+/);
    expect(adminTasks).toContain('Returned to submitters for changes');
    expect(adminTasks).toContain('href="/audit"');
    expect(admin).not.toContain('action="/records"');
    // Admins read the partnership's reports and their own jurisdiction's beside them.
    expect(adminTasks).toMatch(/href="\/reports"[\s\S]*your own jurisdiction(&#39;|')s report beside them/);

    const platform = await (await (await signIn('demo-platform-admin')).go(`${baseUrl()}/`)).text();
    const platformTasks = between(platform, 'id="tasks"', '</section>');
    expect(platformTasks).toContain('href="/registry"');
    expect(platformTasks).toContain('Read the audit log of every jurisdiction');
    expect(platform).not.toContain('Recent records');

    const lead = await (await (await signIn('demo-partnership-lead')).go(`${baseUrl()}/`)).text();
    const leadTasks = between(lead, 'id="tasks"', '</section>');
    expect(leadTasks).toContain('href="/reports"');
    expect(leadTasks).toMatch(/Your role never sees a jurisdiction(&#39;|')s records/);
    expect(leadTasks).not.toContain('href="/registry"');
    expect(lead).not.toContain('Recent records');
  });
});
