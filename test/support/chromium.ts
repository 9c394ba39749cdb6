import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser download cannot run on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags of every Chromium the tests and the bench start (Lighthouse's too): no background network traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface RealBrowser {
  browser: Browser;
  close: () => Promise<void>;
}

/** Real headless Chromium with no background network traffic (playwright gives each launch a fresh temp profile). */
export async function launchChromium(): Promise<RealBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install chromium" (or set CHROMIUM_PATH)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** Signs a demo user in through the local OpenID provider's page (one button per demo user), in the page's context. */
export async function signInAsDemo(page: Page, baseUrl: string, userId: string): Promise<void> {
  await page.goto(`${baseUrl}/auth/sign-in?returnTo=/`);
  await page.locator(`[name="user"][value="${userId}"], button[value="${userId}"]`).first().click();
  await page.waitForURL(`${baseUrl}/**`);
}

/**
 * A new context signed in as a demo user, 1280 px wide unless said. axe is injected inline, so contexts that run it
 * bypass the CSP (the default); a test of the real CSP passes `bypassCSP: false`.
 */
export async function signedInContext(browser: Browser, baseUrl: string, userId: string, options: { width?: number; bypassCSP?: boolean } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, bypassCSP: options.bypassCSP ?? true });
  const page = await ctx.newPage();
  await signInAsDemo(page, baseUrl, userId);
  return { ctx, page };
}

/** From the signed-in home page: starts a critical incident review and waits for its first section. */
export async function startCriticalIncidentReview(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: 'Start a critical incident review' }).click();
  await page.waitForURL(/\/sections\//);
}
