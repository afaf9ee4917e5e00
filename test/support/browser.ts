/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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
  { locale = 'en-GB', width = 1280, timezoneId = 'UTC', bypassCSP = false } = {},
): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({ locale, timezoneId, viewport: { width, height: 900 }, acceptDownloads: true, bypassCSP });
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

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * axe-core's WCAG 2.1 A/AA checks of the page as it stands, the serious and
 * critical findings only. axe is injected as an inline script, so the page's
 * context must be made with `bypassCSP` (the console's own policy forbids it).
 */
export const accessibilityViolations = async (page: Page): Promise<AxeViolation[]> => {
  await page.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const { violations } = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')) }));
  });
};
