import type { Browser as PlaywrightBrowser, Page } from 'playwright-core';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { timeSortableId } from '#shared/audit/ids.ts';
import type { FrozenWaveResults } from '#shared/survey/results/types.ts';
import type { RealBrowser } from '../../support/chromium.ts';
import { checkA11y, expectValidHtml, useWebHarness, type WebHarness } from '../../support/web-harness.ts';
import { waveResults } from '../../unit/survey/results-fixtures.ts';

/**
 * The survey results pages in real Chromium over frozen results put into DynamoDB Local: a jurisdiction admin's wave
 * results (charts beside tables, a rolled-up unit), the open-wave page, the partnership lead's page, and the
 * platform admin's baselines and targets form with its error state; axe-core (WCAG 2.1 A/AA) at 375 and 1280 px and
 * the W3C Nu checker on every page. Screenshots in test-results/web/survey-results-*.png and survey-targets-*.png.
 */
let cloud: LocalCloud;
let chromium: RealBrowser;
let harness: WebHarness;
useWebHarness((h) => ({ cloud, chromium } = harness = h));

const HOME = 'ky-dcbs';

async function seed(jid: string, waveId: string, status: 'open' | 'closed', title: string, closedOn: string, results?: FrozenWaveResults) {
  const put = (Item: Record<string, unknown>) => cloud.storage.send(new PutCommand({ TableName: cloud.tableName, Item }));
  await put({ pk: `${jid}#SURVEY`, sk: `WAVE#${waveId}`, kind: 'survey_wave', waveId, title, formId: 'safety_culture_survey', formVersion: 1, status, linkToken: `t${waveId.slice(0, 21)}`, closesOn: closedOn, openedAt: '2026-01-01T00:00:00.000Z', ...(status === 'closed' ? { closedAt: `${closedOn}T12:00:00.000Z` } : {}), responseCount: 0 });
  if (results) await put({ pk: `${jid}#SURVEY`, sk: `RESULTS#${waveId}`, kind: 'survey_results', results });
}

async function signedIn(browser: PlaywrightBrowser, user: string, path: string): Promise<Page> {
  // axe is injected inline, so the context bypasses the CSP (as the other page tests do).
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await ctx.newPage();
  await page.goto(`${cloud.url}/auth/sign-in?returnTo=${encodeURIComponent(path)}`);
  await page.locator(`[name="user"][value="${user}"], button[value="${user}"]`).first().click();
  await page.waitForURL(`${cloud.url}${path}`);
  return page;
}

describe('the survey results pages in Chromium', () => {
  it('shows a wave, the partnership and the targets form without WCAG violations or HTML errors', async () => {
    const base = Date.now();
    const [first, latest, open, away] = [0, 1, 2, 3].map((i) => timeSortableId(new Date(base + i))) as [string, string, string, string];
    await seed(HOME, first, 'closed', 'Fall 2126', '2126-10-01', waveResults(HOME, first, { title: 'Fall 2126', closedOn: '2126-10-01', safetyClimate: 58.2 }));
    await seed(HOME, latest, 'closed', 'Spring 2127', '2127-04-01', waveResults(HOME, latest, { title: 'Spring 2127', closedOn: '2127-04-01' }));
    await seed(HOME, open, 'open', 'Autumn 2127', '2127-10-01');
    await seed('oh-franklin-fccs', away, 'closed', 'Franklin spring', '2127-04-02', waveResults('oh-franklin-fccs', away, { title: 'Franklin spring', closedOn: '2127-04-02', safetyClimate: 49.5 }));

    // The platform admin sets a target first, through the form: an error, then saved.
    const adminPage = await signedIn(chromium.browser, 'demo-platform-admin', '/survey-targets');
    await checkA11y(adminPage, 'survey-targets');
    // USWDS radios hide the input itself: a person clicks the label.
    await adminPage.locator('label[for="t-safety_climate-measure"]').click();
    await adminPage.locator('#t-safety_climate-change').fill('250');
    const [bad] = await Promise.all([adminPage.waitForResponse((r) => r.request().method() === 'POST'), adminPage.getByRole('button', { name: 'Save the targets' }).click()]);
    expect(bad.status()).toBe(422);
    await adminPage.waitForLoadState();
    expect(await adminPage.locator('#error-summary').textContent()).toContain('Safety climate: the change sought is from -100 to 100 percentage points');
    await checkA11y(adminPage, 'survey-targets-errors');
    await adminPage.locator('#t-safety_climate-change').fill('10');
    await Promise.all([adminPage.waitForURL(`${cloud.url}/survey-targets?saved=1`), adminPage.getByRole('button', { name: 'Save the targets' }).click()]);
    expect(await adminPage.locator('main .usa-alert--success').textContent()).toContain('The baselines and targets are saved.');
    await checkA11y(adminPage, 'survey-targets-saved');
    await adminPage.context().close();

    // The jurisdiction admin's wave page: charts with tables, the rolled-up unit, the comparison.
    const page = await signedIn(chromium.browser, 'demo-ky-dcbs-admin', `/survey-waves/${latest}/results`);
    expect(await page.locator('h1').textContent()).toContain('Results of Spring 2127');
    const charts = page.getByRole('img');
    expect(await charts.count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('svg[role="img"] desc').first().textContent()).toContain('Kentucky DCBS: 71.4% (95% CI 63.4 to 79.4).');
    expect(await page.getByRole('row', { name: /=Night shift/ }).first().textContent()).toContain('Combined with Intake');
    expect(await page.locator('.usa-tag[class*="npcs-target-"]').count()).toBeGreaterThan(0);
    await checkA11y(page, 'survey-results-wave');
    const download = await page.request.get(`${cloud.url}/survey-waves/${latest}/results.csv`);
    expect(download.headers()['content-type']).toBe('text/csv; charset=utf-8');

    const [openAnswer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/survey-waves/${open}/results`)), page.goto(`${cloud.url}/survey-waves/${open}/results`)]);
    expect(openAnswer.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('This wave is still open');
    await checkA11y(page, 'survey-results-open');
    await page.context().close();

    // The partnership lead's page: jurisdiction level only.
    const lead = await signedIn(chromium.browser, 'demo-partnership-lead', '/');
    await lead.getByRole('navigation', { name: 'Primary' }).getByRole('link', { name: 'Survey results' }).click();
    await lead.waitForURL(`${cloud.url}/survey-results`);
    expect(await lead.getByText('Intake').count()).toBe(0);
    expect(await lead.getByRole('row', { name: /Franklin County|oh-franklin-fccs/ }).count()).toBeGreaterThan(0);
    await checkA11y(lead, 'survey-results-partnership');
    await lead.context().close();

    await expectValidHtml(harness);
  });
});
