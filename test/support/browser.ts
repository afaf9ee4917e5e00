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

/** A browser tab signed in with `token` (kept where the console keeps it), in `locale`, at `width` px, on UTC (times typed into forms mean the same to the test). */
export const signedInPage = async (browser: Browser, baseUrl: string, token: string | undefined, { locale = 'en-GB', width = 1280 } = {}): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({ locale, timezoneId: 'UTC', viewport: { width, height: 900 }, acceptDownloads: true });
  if (token) await context.addInitScript((value) => window.localStorage.setItem('redress.token', value), token);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${baseUrl}/`);
  return { context, page };
};
