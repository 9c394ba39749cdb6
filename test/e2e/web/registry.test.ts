import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { REVIEW_ESCALATE_AFTER_REMINDERS, REVIEW_REMINDER_HOURS } from '#shared/policy.ts';
import type { RealBrowser } from '../../support/chromium.ts';
import { checkA11y, expectValidHtml, SHOTS, useWebHarness, type WebHarness } from '../../support/web-harness.ts';

/**
 * A platform admin keeps the jurisdictions registry in real Chromium against a local cloud: add a jurisdiction,
 * edit it, the error state, a conflicting edit; axe-core (WCAG 2.1 A/AA) finds nothing on the list, the forms and
 * their error and conflict states at 375 and 1280 px; a jurisdiction's review reminders and data-sharing agreement set
 * and shown. Screenshots in
 * test-results/web/registry-*.png.
 */
let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

/** Submits the page's registry form; answers the status of the POST. */
async function submit(page: Page, button: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/registry')),
    page.getByRole('button', { name: button }).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}

describe('the registry pages in Chromium', () => {
  it('adds and edits a jurisdiction, shows errors and a conflict, without WCAG violations', async () => {
    // axe is injected inline, so the context bypasses the CSP (as the other page tests do).
    const ctx = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${cloud.url}/auth/sign-in?returnTo=/`);
    await page.locator('[name="user"][value="demo-platform-admin"], button[value="demo-platform-admin"]').first().click();
    await page.waitForURL(`${cloud.url}/**`);

    // The list, with its Add link and an Edit link per jurisdiction.
    await page.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Registry' }).click();
    await page.waitForURL(`${cloud.url}/registry`);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: /^Edit / }).count()).toBe(await page.locator('tbody tr').count());
    await checkA11y(page, 'registry-list');

    // Add.
    await page.getByRole('link', { name: 'Add a jurisdiction' }).click();
    await page.waitForURL(`${cloud.url}/registry/new`);
    await checkA11y(page, 'registry-add');
    const id = `e2e-${Date.now().toString(36)}`;
    await page.locator('#reg-id').fill(id);
    await page.locator('#reg-name').fill('Bluegrass Tribal Family Services');
    await page.locator('#reg-type').selectOption('tribal');
    await page.locator('#reg-state').selectOption('KY');
    await page.locator('label[for="reg-active"]').click();
    await page.locator('#reg-joined-year').fill('2025');
    await page.locator('#reg-units').fill('intake | Intake\nfamily-services | Family Services');
    await page.locator('#reg-contacts-0-role').selectOption('review-lead');
    await page.locator('#reg-contacts-0-name').fill('Pat Doe');
    await page.locator('#reg-contacts-0-email').fill(`lead@${id}.example.org`);
    expect(await submit(page, 'Add the jurisdiction')).toBe(303);
    expect(page.url()).toBe(`${cloud.url}/registry?saved=${id}`);
    expect(await page.locator('main .usa-alert--success').textContent()).toContain(`Saved Bluegrass Tribal Family Services (${id}).`);
    await checkA11y(page, 'registry-saved');

    // Edit: the form shows what is stored.
    await page.getByRole('link', { name: 'Edit Bluegrass Tribal Family Services' }).click();
    await page.waitForURL(`${cloud.url}/registry/${id}/edit`);
    expect(await page.locator('h1').textContent()).toBe('Edit Bluegrass Tribal Family Services');
    expect(await page.locator('#reg-units').inputValue()).toBe('intake | Intake\nfamily-services | Family Services');
    expect(await page.locator('#reg-contacts-0-email').inputValue()).toBe(`lead@${id}.example.org`);
    await checkA11y(page, 'registry-edit');

    // Invalid input: 422 with the error summary (focused by main.js), inline errors, and the typed text kept.
    await page.locator('#reg-name').fill('<b>X</b');
    await page.locator('#reg-type').selectOption('county');
    await page.locator('#reg-units').fill('intake | Intake\nno separator');
    expect(await submit(page, 'Save changes')).toBe(422);
    expect(await page.title()).toMatch(/^Error: Edit Bluegrass Tribal Family Services/);
    const summary = page.locator('#error-summary');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#reg-county', '#reg-units']);
    expect(await summary.textContent()).toContain('A county agency names its county');
    expect(await page.locator('#reg-units').getAttribute('aria-describedby')).toContain('reg-units-error');
    expect(await page.locator('.usa-form-group--error .usa-error-message').count()).toBe(2);
    expect(await page.locator('#reg-name').inputValue()).toBe('<b>X</b');
    await summary.getByRole('link', { name: /Units, line 2/ }).click();
    expect(page.url()).toContain('#reg-units');
    await checkA11y(page, 'registry-edit-errors');

    // Fix it and save: the list confirms, with the new name shown as text.
    await page.locator('#reg-type').selectOption('tribal');
    await page.locator('#reg-units').fill('intake | Intake\nfamily-services | Family Services\nprevention | Prevention');
    expect(await submit(page, 'Save changes')).toBe(303);
    expect(page.url()).toBe(`${cloud.url}/registry?saved=${id}`);
    expect(await page.locator('main .usa-alert--success').textContent()).toContain(`Saved <b>X</b (${id}).`);
    expect(await page.locator('tbody th', { hasText: '<b>X</b' }).count()).toBe(1);

    // Someone else saves while the form is open: 409, what was typed kept, and saving again wins.
    await page.getByRole('link', { name: 'Edit <b>X</b' }).click();
    await page.waitForURL(`${cloud.url}/registry/${id}/edit`);
    const current = (await (await page.request.get(`${cloud.url}/api/jurisdictions/${id}/profile`)).json()) as Record<string, unknown> & { version: number };
    const { version, ...jurisdiction } = current;
    const put = await page.request.put(`${cloud.url}/api/jurisdictions/${id}`, { data: { jurisdiction: { ...jurisdiction, name: 'Renamed Elsewhere' }, expectedVersion: version } });
    expect(put.status()).toBe(200);
    await page.locator('#reg-name').fill('Bluegrass Tribal Family Services');
    expect(await submit(page, 'Save changes')).toBe(409);
    expect(await page.locator('main .usa-alert--warning').textContent()).toContain('Someone else changed this jurisdiction after you opened it. Nothing was lost');
    expect(await page.locator('#reg-name').inputValue()).toBe('Bluegrass Tribal Family Services');
    await checkA11y(page, 'registry-edit-conflict');
    expect(await submit(page, 'Save changes')).toBe(303);
    expect(await page.locator('tbody th', { hasText: 'Bluegrass Tribal Family Services' }).count()).toBe(1);
    await ctx.close();
  });

  it("sets a jurisdiction's review reminders: the defaults said, one alone refused, both saved and listed", async () => {
    const ctx = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${cloud.url}/auth/sign-in?returnTo=/registry/new`);
    await page.locator('[name="user"][value="demo-platform-admin"], button[value="demo-platform-admin"]').first().click();
    await page.waitForURL(`${cloud.url}/registry/new`);

    // Added without a timing of its own: the list says the partnership default.
    const id = `e2e-rv-${Date.now().toString(36)}`;
    const name = 'Review Timing Family Services';
    await page.locator('#reg-id').fill(id);
    await page.locator('#reg-name').fill(name);
    await page.locator('#reg-type').selectOption('state');
    await page.locator('#reg-state').selectOption('KY');
    const fieldset = page.getByRole('group', { name: 'Review reminders' });
    expect(await fieldset.locator('.usa-hint').first().textContent()).toContain(
      `partnership defaults (every ${REVIEW_REMINDER_HOURS} hours, escalate after ${REVIEW_ESCALATE_AFTER_REMINDERS} reminders)`,
    );
    expect(await page.getByLabel('Hours between reminders').inputValue()).toBe('');
    expect(await submit(page, 'Add the jurisdiction')).toBe(303);
    const row = page.locator('tbody tr', { has: page.locator('th', { hasText: name }) });
    expect(await row.locator('td[data-label="Review reminders"]').textContent()).toBe(
      `Partnership default: every ${REVIEW_REMINDER_HOURS} hours, escalate after ${REVIEW_ESCALATE_AFTER_REMINDERS} reminders`,
    );

    // One without the other: 422, the summary links to the blank one, which says to give both or neither.
    await row.getByRole('link', { name: `Edit ${name}` }).click();
    await page.waitForURL(`${cloud.url}/registry/${id}/edit`);
    await page.getByLabel('Hours between reminders').fill('24');
    expect(await submit(page, 'Save changes')).toBe(422);
    const summary = page.locator('#error-summary');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#reg-review-escalate-after-reminders']);
    await summary.getByRole('link').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('reg-review-escalate-after-reminders');
    const escalate = page.getByLabel('Escalate to the jurisdiction admin after this many reminders');
    expect(await escalate.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#reg-review-escalate-after-reminders-error').textContent()).toContain('or leave both blank for the partnership defaults');
    expect(await page.getByLabel('Hours between reminders').inputValue()).toBe('24');
    await checkA11y(page, 'registry-review-error');

    // Both: saved, listed as its own, and shown again in the form.
    await escalate.fill('3');
    expect(await submit(page, 'Save changes')).toBe(303);
    expect(page.url()).toBe(`${cloud.url}/registry?saved=${id}`);
    expect(await row.locator('td[data-label="Review reminders"]').textContent()).toBe('Every 24 hours, escalate after 3 reminders');
    await checkA11y(page, 'registry-review-list');
    await row.getByRole('link', { name: `Edit ${name}` }).click();
    await page.waitForURL(`${cloud.url}/registry/${id}/edit`);
    expect(await page.getByLabel('Hours between reminders').inputValue()).toBe('24');
    expect(await escalate.inputValue()).toBe('3');
    await fieldset.screenshot({ path: path.join(SHOTS, 'registry-review-fieldset.png') });
    await checkA11y(page, 'registry-review-edit');
    await ctx.close();
  });

  it("sets a jurisdiction's data-sharing agreement: none by default, a wrong lag refused on its field, saved, listed and withdrawn", async () => {
    const ctx = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${cloud.url}/auth/sign-in?returnTo=/registry/new`);
    await page.locator('[name="user"][value="demo-platform-admin"], button[value="demo-platform-admin"]').first().click();
    await page.waitForURL(`${cloud.url}/registry/new`);

    const id = `e2e-ds-${Date.now().toString(36)}`;
    const name = 'Data Sharing Family Services';
    await page.locator('#reg-id').fill(id);
    await page.locator('#reg-name').fill(name);
    await page.locator('#reg-type').selectOption('state');
    await page.locator('#reg-state').selectOption('KY');
    const fieldset = page.getByRole('group', { name: 'Data warehouse' });
    const shares = page.getByRole('checkbox', { name: /Shares approved records with the data warehouse/ });
    const since = page.getByLabel('Agreement start date');
    const lag = page.getByLabel('Lag in months');
    expect(await shares.isChecked()).toBe(false);
    expect(await since.getAttribute('type')).toBe('date');
    expect(await lag.getAttribute('aria-describedby')).toBe('reg-data-sharing-lag-months-hint');
    expect(await page.locator('#reg-data-sharing-lag-months-hint').textContent()).toContain('a whole number from 0 to 120. Research sets use 24.');

    // Checked with a lag past the limit: 422, the summary links to the lag, which says the limit; what was typed kept.
    await page.locator('label[for="reg-data-sharing-shares"]').click();
    await since.fill('2024-07-01');
    await lag.fill('240');
    expect(await submit(page, 'Add the jurisdiction')).toBe(422);
    const summary = page.locator('#error-summary');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#reg-data-sharing-lag-months']);
    expect(await page.locator('#reg-data-sharing-lag-months-error').textContent()).toBe('The lag is at most 120 months (10 years)');
    expect(await lag.getAttribute('aria-invalid')).toBe('true');
    expect(await shares.isChecked()).toBe(true);
    expect(await since.inputValue()).toBe('2024-07-01');
    await checkA11y(page, 'registry-data-sharing-error');

    // Fixed: saved and listed in words; the edit form shows it again.
    await lag.fill('24');
    expect(await submit(page, 'Add the jurisdiction')).toBe(303);
    expect(page.url()).toBe(`${cloud.url}/registry?saved=${id}`);
    const row = page.locator('tbody tr', { has: page.locator('th', { hasText: name }) });
    expect(await row.locator('td[data-label="Data warehouse"]').textContent()).toBe('Shares since 2024-07-01, 24-month lag');
    await row.getByRole('link', { name: `Edit ${name}` }).click();
    await page.waitForURL(`${cloud.url}/registry/${id}/edit`);
    expect(await shares.isChecked()).toBe(true);
    expect(await since.inputValue()).toBe('2024-07-01');
    expect(await lag.inputValue()).toBe('24');
    await fieldset.screenshot({ path: path.join(SHOTS, 'registry-data-sharing-fieldset.png') });
    await checkA11y(page, 'registry-data-sharing-edit');

    // Withdrawn: unchecked, its terms kept on record; never in the public registry.
    await page.locator('label[for="reg-data-sharing-shares"]').click();
    expect(await submit(page, 'Save changes')).toBe(303);
    expect(await row.locator('td[data-label="Data warehouse"]').textContent()).toBe('Not sharing (agreement since 2024-07-01, 24-month lag)');
    const profile = (await (await page.request.get(`${cloud.url}/api/jurisdictions/${id}/profile`)).json()) as { dataSharing?: unknown };
    expect(profile.dataSharing).toEqual({ sharesWithWarehouse: false, since: '2024-07-01', lagMonths: 24 });
    expect(await (await page.request.get(`${cloud.url}/api/jurisdictions/${id}`)).text()).not.toContain('dataSharing');
    await ctx.close();
  });

  it('works by keyboard under the real CSP: the add form from the list, and its error summary', async () => {
    const ctx = await chromium.browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await ctx.newPage();
    const consoleErrors: string[] = [];
    // The 422 page itself is reported as a failed load; anything else (a CSP refusal, a script error) is a bug.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 422/.test(m.text())) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(`${cloud.url}/auth/sign-in?returnTo=/registry/new`);
    await page.locator('[name="user"][value="demo-platform-admin"], button[value="demo-platform-admin"]').first().click();
    await page.waitForURL(`${cloud.url}/registry/new`);
    await page.locator('#reg-id').focus();
    await page.keyboard.type('Bad Id');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${cloud.url}/registry`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    expect(await page.locator('#error-summary a').first().getAttribute('href')).toBe('#reg-id');
    expect(await page.locator('#reg-id').inputValue()).toBe('Bad Id');
    expect(consoleErrors).toEqual([]);
    await ctx.close();
  });
});

describe('the HTML of every page state above', () => {
  it('has no error in the W3C Nu HTML checker', async () => {
    await expectValidHtml(harness);
  });
});
