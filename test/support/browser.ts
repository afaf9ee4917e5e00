/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (which downloads no browser of
 * its own). CHROMIUM_PATH names another; without one the browser tests are
 * skipped and say so. `.ci/run` installs the package when it is missing.
 */
export const chromiumPath = (): string | undefined => [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string => path !== undefined && path !== '' && existsSync(path));

/** Flags for a headless run as root on a machine with no network but loopback: no sandbox, and none of Chromium's own calls home. */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export const launchBrowser = (executablePath: string): Promise<Browser> => chromium.launch({ executablePath, headless: true, args: FLAGS });

/** Where screenshots go: kept by CI as artifacts, ignored by git. */
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');

export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
};

/** A browser tab signed in with `token` (put where the console keeps it, once: signing out sticks), in `locale`, at `width` px, in `timezoneId`. Content-Security-Policy violations are recorded for cspViolations. */
export const signedInPage = async (
  browser: Browser,
  baseUrl: string,
  token: string | undefined,
  { locale = 'en-GB', width = 1280, timezoneId = 'UTC' } = {},
): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({ locale, timezoneId, viewport: { width, height: 900 }, acceptDownloads: true });
  await context.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { cspViolations: seen });
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${baseUrl}/`);
  if (token) {
    await page.evaluate((value) => window.localStorage.setItem('redress.token', value), token);
    await page.reload();
  }
  return { context, page };
};

/** What the page's Content-Security-Policy refused since it loaded. */
export const cspViolations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
