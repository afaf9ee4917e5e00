/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { signToken } from '@redress/platform';
import { SlaScheduler } from '../apps/api/src/sla/sla-scheduler';
import { TEST_JWT_SECRET, startApi, staffClient, type RunningApi, type StaffClient } from './support/api';
import { accessibilityViolations, chromiumPath, cspViolations, launchBrowser, screenshot, signedInPage } from './support/browser';

/**
 * The web console in a real browser (Debian's Chromium): a new user's day,
 * through the pages only. Screenshots go to test-artifacts/console.
 */
const executable = chromiumPath();
const built = existsSync(join(__dirname, '..', 'dist', 'web', 'index.html'));
if (!executable) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: the console browser tests need Chromium (apt-get install chromium, or CHROMIUM_PATH); .ci/run installs it');
}
const describeInBrowser = executable ? describe : describe.skip;

/** An action's form on the case page, opened (only the next step's is open by itself). */
const openAction = async (page: Page, action: string): Promise<Locator> => {
  const box = page.locator(`[data-action="${action}"]`);
  if (!(await box.evaluate((element) => (element as HTMLDetailsElement).open))) await box.locator('summary').click();
  return box;
};

/** Opens an action's form on the case page, fills it and sends it. */
const act = async (page: Page, action: string, fill: (form: Locator) => Promise<void>): Promise<void> => {
  const box = await openAction(page, action);
  await fill(box);
  await box.locator('button[type=submit]').click();
};

/** The cases behind an appraisal's figures, unfolded: `id` among them. */
const casesBehind = async (person: Locator, id: string): Promise<void> => {
  await person.locator('details').first().waitFor({ state: 'attached' });
  await person.evaluate((element) => element.querySelectorAll('details').forEach((details) => details.setAttribute('open', '')));
  await person.getByRole('link', { name: id }).first().waitFor();
};

/** The timeline shows an event of this type (the case page reloads after each action). */
const recorded = (page: Page, type: string) => page.locator(`[data-testid=timeline] li[data-type="${type}"]`).first().waitFor();

describeInBrowser('the web console', () => {
  let api: RunningApi;
  let browser: Browser;
  /** A token as the CLI makes one, with a department where the role needs it. */
  const tokenFor = (user: string, role: string, department?: string) => signToken({ sub: user, role: role as never, ...(department ? { department } : {}) }, TEST_JWT_SECRET, new Date(), 3600);
  const client = (user: string, role: string, department?: string): StaffClient => staffClient(api.url, tokenFor(user, role, department));
  const page = async (user: string, role: string, options: { department?: string; locale?: string; width?: number; timezoneId?: string; bypassCSP?: boolean } = {}) => {
    const { context, page: tab } = await signedInPage(browser, api.url, tokenFor(user, role, options.department), options);
    return Object.assign(tab, { done: () => context.close() });
  };

  /** A case received, acknowledged, classified (finance) and assigned to the handler hao: his forms are offered. */
  const assignedToHao = async (name: string, subject: string): Promise<string> => {
    const { id } = (await client('ines', 'intake').post('/complaints', { channel: 'web', complainant: { name }, subject, content: 'c' })).body as { id: string };
    await client('ines', 'intake').post(`/complaints/${id}/acknowledge`, {});
    await client('sun', 'supervisor').post(`/complaints/${id}/classify`, { category: 'billing', severity: 'low', urgency: 'normal', department: 'finance' });
    await client('sun', 'supervisor').post(`/complaints/${id}/assign`, { assignee: 'hao' });
    return id;
  };

  beforeAll(async () => {
    if (!built) throw new Error('the console is not built: npm run build:web (npm test does it first)');
    api = await startApi({ env: { INTAKE_RATE_LIMIT: '0' } });
    browser = await launchBrowser(executable as string);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('serves the console at / with a strict content security policy, and leaves the API where it was', async () => {
    const response = await fetch(`${api.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await response.text()).toContain('<div id="root">');
    expect((await fetch(`${api.url}/cases`)).status).toBe(401);
  });

  it('signs in with a token, refuses a forged one, and speaks Chinese to a Chinese browser', async () => {
    const { context, page: tab } = await signedInPage(browser, api.url, undefined, { locale: 'zh-CN' });
    await tab.getByRole('heading', { name: '登录 Redress' }).waitFor();
    await tab.getByLabel('访问令牌').fill(signToken({ sub: 'mallory', role: 'admin' }, 'not-the-secret-not-the-secret-not-the', new Date(), 60));
    await tab.getByRole('button', { name: '登录' }).click();
    await tab.getByRole('alert').filter({ hasText: 'TOKEN_INVALID' }).waitFor();
    await tab.getByLabel('访问令牌').fill(tokenFor('hao', 'handler'));
    await tab.getByRole('button', { name: '登录' }).click();
    await tab.getByRole('navigation').getByRole('link', { name: '工作台' }).waitFor();
    await screenshot(tab, '01-signed-in-zh');
    await tab.getByLabel('语言').first().selectOption('en');
    await tab.getByRole('navigation').getByRole('link', { name: 'Inbox' }).waitFor();
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByRole('heading', { name: 'Sign in to Redress' }).waitFor();
    await tab.reload();
    await tab.getByRole('heading', { name: 'Sign in to Redress' }).waitFor();
    await context.close();
  });

  it('takes a complaint from intake to close, with duplicates while typing and the api’s refusals on the forms', async () => {
    await client('ines', 'intake').post('/complaints', { channel: 'phone', complainant: { name: 'Wu' }, subject: 'Parcel late for the third time', content: 'Courier never came' });

    const intake = await page('ines', 'intake');
    await intake.getByRole('link', { name: 'New complaint' }).click();
    // The router commits a new page in a transition: until then the inbox is still there, with a Channel filter of its own
    // (selecting `web` in it once navigated back to the inbox and left this test waiting for a Name field).
    await intake.getByRole('heading', { name: 'New complaint' }).waitFor();
    const form = intake.locator('form.schema-form');
    await form.getByLabel('Channel').selectOption('web');
    await form.getByLabel('Name').fill('Li Lei');
    await form.getByLabel('Subject').fill('Parcel late again');
    await form.getByLabel('Content').fill('Ordered on Monday, nothing by Friday.');
    await intake.getByTestId('duplicates').getByRole('link', { name: 'Parcel late for the third time' }).waitFor();
    await screenshot(intake, '02-new-complaint-duplicates');
    await intake.getByRole('button', { name: 'Receive the complaint' }).click();
    await intake.waitForURL(/#\/cases\/[0-9a-f-]{36}$/);
    const id = /#\/cases\/([0-9a-f-]{36})$/.exec(intake.url())?.[1] as string;
    await act(intake, 'acknowledge', async () => undefined);
    await recorded(intake, 'ComplaintAcknowledged');
    await intake.done();

    const supervisor = await page('sun', 'supervisor');
    await supervisor.goto(`${api.url}/#/cases/${id}`);
    // An empty form is refused in the browser, by the api's own codec: nothing is sent.
    await act(supervisor, 'classify', async () => undefined);
    await supervisor.locator('[data-action="classify"] .problem').first().waitFor();
    expect((await client('sun', 'supervisor').get(`/complaints/${id}`)).body.revision).toBe(1);
    await act(supervisor, 'classify', async (form) => {
      await form.getByLabel('Category').selectOption('logistics');
      await form.getByLabel('Severity').selectOption('high');
      await form.getByLabel('Urgency').selectOption('general');
      await form.getByLabel('Department').fill('delivery');
    });
    await recorded(supervisor, 'ComplaintClassified');
    await act(supervisor, 'assign', (form) => form.getByLabel('Assignee').fill('hao'));
    await recorded(supervisor, 'ComplaintAssigned');
    await supervisor.done();

    const handler = await page('hao', 'handler');
    await handler.goto(`${api.url}/#/cases/${id}`);
    // A rule of the domain, in the api's words: no closing before a resolution.
    await act(handler, 'close', async (form) => {
      await form.getByLabel('Outcome').selectOption('resolved');
      await form.getByLabel('Summary').fill('Too early');
    });
    await handler.locator('[data-action="close"] .error-notice').waitFor();
    expect(await handler.locator('[data-action="close"] .error-notice code').textContent()).toMatch(/^[A-Z_]+$/);
    await act(handler, 'root-cause', async (form) => {
      await form.getByLabel('Category').fill('courier');
      await form.getByLabel('Description').fill('The courier skipped the street');
      await form.getByRole('radio', { name: 'Yes' }).check();
    });
    await recorded(handler, 'RootCauseIdentified');
    await act(handler, 'resolution', async (form) => {
      await form.getByLabel('Summary').fill('Redeliver and apologise');
      await form.getByLabel('Type').selectOption('apology');
    });
    await recorded(handler, 'ResolutionProposed');
    await act(handler, 'implement', (form) => form.getByLabel('Notified Via').fill('phone'));
    await recorded(handler, 'ResolutionImplemented');
    await act(handler, 'follow-up', async (form) => {
      await form.getByLabel('Satisfaction').fill('4');
      await form.getByLabel('Method').selectOption('phone');
    });
    await recorded(handler, 'FollowUpRecorded');
    await act(handler, 'close', async (form) => {
      await form.getByLabel('Outcome').selectOption('resolved');
      await form.getByLabel('Summary').fill('Redelivered on Saturday');
    });
    await recorded(handler, 'ComplaintClosed');
    await handler.getByTestId('verification').filter({ hasText: 'Hash chain verified' }).waitFor();
    await screenshot(handler, '03-case-closed');
    await handler.done();

    const stored = (await client('sun', 'supervisor').get(`/complaints/${id}`)).body;
    expect(stored).toMatchObject({ status: 'closed', assignee: 'hao', closure: { outcome: 'resolved', summary: 'Redelivered on Saturday' }, followUp: { satisfaction: 4 } });
  });

  it('starts afresh on another case: nothing typed for one is sent to the next; problems in the user’s language', async () => {
    const intake = client('ines', 'intake');
    const [first, second] = await Promise.all(
      ['First of two', 'Second of two'].map(async (subject) => ((await intake.post('/complaints', { channel: 'web', complainant: { name: 'Ma' }, subject, content: 'c' })).body as { id: string }).id),
    );
    const handler = await page('hao', 'handler', { locale: 'zh-CN' });
    await handler.goto(`${api.url}/#/cases/${first}`);
    await handler.getByRole('heading', { name: 'First of two' }).waitFor();
    await act(handler, 'investigation-notes', async () => undefined);
    await handler.locator('[data-action="investigation-notes"] .problem').filter({ hasText: '必填' }).first().waitFor();
    await handler.locator('#action-investigation-notes-note').fill('Meant for the first case only');
    await handler.goto(`${api.url}/#/cases/${second}`);
    await handler.getByRole('heading', { name: 'Second of two' }).waitFor();
    await handler.locator('[data-action="investigation-notes"] summary').click();
    expect(await handler.locator('#action-investigation-notes-note').inputValue()).toBe('');
    await handler.done();
  });

  it('keeps what is typed in a form when the case moves on under it, and empties every form when someone else signs in', async () => {
    const id = await assignedToHao('Fu', 'Moves on while typed');
    const handler = await page('hao', 'handler');
    await handler.goto(`${api.url}/#/cases/${id}`);
    const resolution = handler.locator('[data-action="resolution"]');
    await resolution.locator('summary').click();
    await resolution.getByLabel('Summary').fill('Refund the fee');
    // A colleague's note moves the case to investigating, where proposing a resolution is a suggested step.
    await client('hao', 'handler').post(`/complaints/${id}/investigation-notes`, { note: 'Checked the invoice' });
    await handler.locator('[data-action="resolution"].suggested').waitFor();
    expect(await resolution.getByLabel('Summary').inputValue()).toBe('Refund the fee');

    // Another member of staff signs in, in another tab of the same browser: nothing typed under hao stays.
    const other = await handler.context().newPage();
    await other.goto(`${api.url}/`);
    await other.evaluate((value) => window.localStorage.setItem('redress.token', value), tokenFor('sun', 'supervisor'));
    await handler.getByText('Signed in as sun').waitFor();
    await handler.locator('[data-action="resolution"] summary').first().waitFor();
    const summaryField = handler.locator('[data-action="resolution"]').getByLabel('Summary');
    if (!(await summaryField.isVisible())) await handler.locator('[data-action="resolution"] summary').click();
    expect(await summaryField.inputValue()).toBe('');
    await handler.done();

    // Another handler is not offered forms the api would refuse on hao's case, and is told why.
    const colleague = await page('hal', 'handler');
    await colleague.goto(`${api.url}/#/cases/${id}`);
    await colleague.getByText('Assigned to hao: handlers act on their own cases').waitFor();
    expect(await colleague.locator('[data-action]').count()).toBe(0);
    await colleague.done();
  });

  it('keeps what was typed when the session runs out under it, for the same person only', async () => {
    const id = await assignedToHao('Qin', 'Typed as the token ran out');
    const issued = Date.now();
    const { context, page: handler } = await signedInPage(browser, api.url, signToken({ sub: 'hao', role: 'handler' }, TEST_JWT_SECRET, new Date(issued), 4));
    await handler.goto(`${api.url}/#/cases/${id}`);
    const note = handler.locator('#action-investigation-notes-note');
    const signIn = async (token: string) => {
      await handler.getByLabel('Access token').fill(token);
      await handler.getByRole('button', { name: 'Sign in' }).click();
      await handler.getByRole('heading', { name: 'Typed as the token ran out' }).waitFor();
      await openAction(handler, 'investigation-notes');
    };
    // The token runs out while the note is typed: sending it is refused (unless the live feed's refusal came first),
    // and the console asks for a new token.
    await handler.getByRole('heading', { name: 'Typed as the token ran out' }).waitFor();
    const form = await openAction(handler, 'investigation-notes');
    await note.fill('Called the customer back');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, issued + 4500 - Date.now())));
    await form.locator('button[type=submit]').click({ timeout: 1000 }).catch(() => undefined);
    await handler.getByText('You were signed out').waitFor();
    await signIn(tokenFor('hao', 'handler'));
    expect(await note.inputValue()).toBe('Called the customer back');
    // Signing out on purpose, here or in another tab of the same browser, drops every draft in every tab.
    await note.fill('Not for anyone else');
    const other = await context.newPage();
    await other.goto(`${api.url}/`);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await handler.getByLabel('Access token').waitFor();
    await signIn(tokenFor('hao', 'handler'));
    expect(await note.inputValue()).toBe('');
    // A tab in the back/forward cache hears no storage event: shown again after a sign-out elsewhere (the same person
    // signed in again meanwhile), it starts afresh, without the typing (simulated here: this page's own writes fire no
    // storage event in it either).
    await note.fill('Typed before going back');
    await handler.evaluate(() => {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      window.localStorage.setItem('redress.signed-out', String(Date.now()));
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    });
    await handler.getByRole('heading', { name: 'Typed as the token ran out' }).waitFor();
    await openAction(handler, 'investigation-notes');
    expect(await note.inputValue()).toBe('');
    // Nothing happened meanwhile: the typing stays, in the form and in its draft.
    await note.fill('Kept across the cache');
    await handler.evaluate(() => {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    });
    expect(await note.inputValue()).toBe('Kept across the cache');
    await handler.goto(`${api.url}/#/`);
    await handler.goto(`${api.url}/#/cases/${id}`);
    await handler.getByRole('heading', { name: 'Typed as the token ran out' }).waitFor();
    await openAction(handler, 'investigation-notes');
    expect(await note.inputValue()).toBe('Kept across the cache');
    // Someone else signed in meanwhile: it follows.
    await handler.evaluate((token) => {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
      window.localStorage.setItem('redress.token', token);
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    }, tokenFor('sun', 'supervisor'));
    await handler.getByText('Signed in as sun').waitFor();
    await context.close();
  });

  it('asks a read model again by itself after a 503, as its Retry-After says', async () => {
    await client('ines', 'intake').post('/complaints', { channel: 'web', complainant: { name: 'Ye' }, subject: 'Behind a busy read model', content: 'c' });
    const supervisor = await page('sun', 'supervisor');
    let refused = 0;
    // Only the inbox filtered by channel: the page's earlier reads (and live rereads) go through untouched.
    await supervisor.route(/\/cases\?.*channel=web/, async (route) => {
      if (refused > 0) return route.continue();
      refused += 1;
      await route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, code: 'READ_MODEL_UNAVAILABLE', message: 'the read-model store is not answering' }) });
    });
    await supervisor.goto(`${api.url}/#/?channel=web`);
    await supervisor.getByRole('alert').filter({ hasText: 'READ_MODEL_UNAVAILABLE' }).first().waitFor();
    await supervisor.getByTestId('case-row').filter({ hasText: 'Behind a busy read model' }).waitFor();
    expect(refused).toBe(1);
    await supervisor.done();
  });

  it('marks a missed deadline on the case and in the inbox', async () => {
    const receivedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const { id } = (await client('ines', 'intake').post('/complaints', { channel: 'phone', complainant: { name: 'Gu' }, subject: 'Waited three days', content: 'c', receivedAt })).body as { id: string };
    await api.app.get(SlaScheduler).tick();
    const supervisor = await page('sun', 'supervisor');
    await supervisor.getByTestId('case-row').filter({ hasText: 'Waited three days' }).locator('.tag-danger').first().waitFor();
    await supervisor.goto(`${api.url}/#/cases/${id}`);
    await supervisor.locator('[data-testid=deadlines] li[data-step="acknowledge"] .tag-danger').filter({ hasText: 'SLA breached' }).waitFor();
    await supervisor.done();
  });

  it('updates the inbox live as complaints arrive', async () => {
    const supervisor = await page('sun', 'supervisor');
    await supervisor.locator('.live-live').waitFor();
    await client('ines', 'intake').post('/complaints', { channel: 'email', complainant: { name: 'Han' }, subject: 'Arrived while watching', content: 'c' });
    const arrived = supervisor.getByTestId('case-row').filter({ hasText: 'Arrived while watching' });
    await arrived.waitFor({ timeout: 10_000 });
    await screenshot(supervisor, '04-inbox-live');
    // A case page follows its own stream: what a colleague records shows up on it.
    await arrived.getByRole('link').click();
    await supervisor.getByTestId('timeline').locator('li').first().waitFor();
    const id = /#\/cases\/([0-9a-f-]{36})$/.exec(supervisor.url())?.[1] as string;
    await supervisor.locator('.live-live').waitFor();
    await client('ines', 'intake').post(`/complaints/${id}/acknowledge`, { message: 'We have your complaint' });
    await recorded(supervisor, 'ComplaintAcknowledged');
    await supervisor.done();
  });

  it('walks a rectification through the five steps and exports the tracking table', async () => {
    const source = ((await client('ines', 'intake').post('/complaints', { channel: 'app', complainant: { name: 'Qian' }, subject: 'Courier skipped our street', content: 'c' })).body as { id: string }).id;
    // In Beijing time: the deadline typed as local time must reach the api as the instant it names.
    const analysis = await page('ana', 'analysis', { timezoneId: 'Asia/Shanghai' });
    await analysis.goto(`${api.url}/#/rectifications?from=${source}`);
    await analysis.locator('#rect-dispatch-problem').fill('Couriers skip streets in the east');
    await analysis.locator('#rect-dispatch-sourceComplaintIds').fill(source);
    await analysis.locator('#rect-dispatch-department').fill('delivery');
    await analysis.locator('#rect-dispatch-suggestion').fill('Retrain the couriers and audit the routes');
    await analysis.locator('#rect-dispatch-deadline').fill('2030-01-31T12:00');
    await analysis.locator('form:has(#rect-dispatch-problem) button[type=submit]').click();
    await analysis.waitForURL(/#\/rectifications\/[0-9a-f-]{36}$/);
    const item = /#\/rectifications\/([0-9a-f-]{36})$/.exec(analysis.url())?.[1] as string;
    await analysis.locator('[data-testid=rectification-steps] li[data-step="1"][data-state="done"]').waitFor();
    expect((await client('ana', 'analysis').get(`/rectifications/${item}`)).body.deadline).toBe('2030-01-31T04:00:00.000Z');

    const department = await page('dora', 'department', { department: 'delivery' });
    await department.goto(`${api.url}/#/rectifications/${item}`);
    await department.locator('#rect-accept-measures').fill('Route audit every week');
    await department.locator('#rect-accept-responsiblePerson').fill('Dora');
    await department.locator('#rect-accept-plannedCompletion').fill('2029-12-31T12:00');
    await department.locator('form:has(#rect-accept-measures) button[type=submit]').click();
    await department.locator('[data-testid=rectification-steps] li[data-step="2"][data-state="done"]').waitFor();
    await department.locator('#rect-feedback-resolved-yes').check();
    await department.locator('#rect-feedback-result').fill('Routes fixed, couriers retrained');
    await department.locator('form:has(#rect-feedback-result) button[type=submit]').click();
    await department.locator('[data-testid=rectification-steps] li[data-step="3"][data-state="done"]').waitFor();
    await department.done();

    await analysis.reload();
    await analysis.locator('#rect-review-decision').selectOption('approved');
    await analysis.locator('#rect-review-opinion').fill('Checked the routes');
    await analysis.locator('form:has(#rect-review-opinion) button[type=submit]').click();
    await analysis.locator('[data-testid=rectification-steps] li[data-step="4"][data-state="done"]').waitFor();
    await analysis.locator('#rect-confirm-effective-yes').check();
    await analysis.locator('form:has(#rect-confirm-effective-yes) button[type=submit]').click();
    await analysis.locator('[data-testid=rectification-steps] li[data-step="5"][data-state="done"]').waitFor();
    await screenshot(analysis, '05-rectification-confirmed');
    expect((await client('ana', 'analysis').get(`/rectifications/${item}`)).body).toMatchObject({ status: 'confirmed', step: 5 });

    await analysis.goto(`${api.url}/#/rectifications`);
    await analysis.getByTestId('rectification-row').filter({ hasText: 'Couriers skip streets in the east' }).waitFor();
    await screenshot(analysis, '06-tracking-table');
    const [download] = await Promise.all([analysis.waitForEvent('download'), analysis.getByTestId('export-csv').click()]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv).toContain('Couriers skip streets in the east');
    await analysis.done();
  });

  it('opens the analysis dashboard and drills down from a figure to its cases', async () => {
    // An office at +08:00: its days and months start at its own midnight, 16:00 UTC the day before.
    const analyst = await page('amy', 'analyst', { timezoneId: 'Asia/Shanghai' });
    const asked = analyst.waitForRequest((request) => request.url().includes('/analytics/complaints'));
    await analyst.getByRole('link', { name: 'Analysis' }).click();
    const analysis = new URL((await asked).url()).searchParams;
    expect(analysis.get('utcOffset')).toBe('+08:00');
    expect(analysis.get('from')).toMatch(/-(28|29|30|31)T16:00:00\.000Z$/);
    await analyst.getByText('Days in your time zone (UTC+08:00)', { exact: false }).waitFor();
    await analyst.locator('[data-testid=trend-chart] svg').first().waitFor();
    await analyst.locator('[data-testid=breakdown-chart] svg').first().waitFor();
    await screenshot(analyst, '07-dashboard');
    await analyst.locator('[data-testid=breakdown-chart] .recharts-bar-rectangle').first().hover();
    expect(await cspViolations(analyst)).toEqual([]);
    const drill = analyst.getByTestId('drill-down').first();
    await drill.evaluate((element) => element.closest('details')?.setAttribute('open', ''));
    await drill.click();
    await analyst.waitForURL(/#\/\?.*receivedFrom=/);
    await analyst.getByTestId('case-row').first().waitFor();
    await screenshot(analyst, '08-drill-down');
    // A bar itself is a link to its cases too.
    await analyst.goBack();
    await analyst.locator('[data-testid=breakdown-chart] .recharts-bar-rectangle').first().click();
    await analyst.waitForURL(/#\/\?.*receivedFrom=/);
    await analyst.done();
  });

  it('shows the auditor every event with its actor, the chain check, and the state as of a past moment', async () => {
    const intake = client('ines', 'intake');
    const received = (await intake.post('/complaints', { channel: 'letter', complainant: { name: 'Zhou' }, subject: 'Audited case', content: 'c' })).body as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await intake.post(`/complaints/${received.id}/acknowledge`, {});
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client('sun', 'supervisor').post(`/complaints/${received.id}/classify`, { category: 'billing', severity: 'low', urgency: 'normal', department: 'finance' });
    const history = (await client('aud', 'auditor').get(`/complaints/${received.id}/history`)).body.events as Array<{ type: string; recordedAt: string }>;
    const acknowledged = history.find((event) => event.type === 'ComplaintAcknowledged') as { recordedAt: string };

    const view = await page('aud', 'auditor');
    await view.goto(`${api.url}/#/cases/${received.id}`);
    await view.getByTestId('timeline').locator('li').nth(history.length - 1).waitFor();
    expect(await view.getByTestId('timeline').locator('li').count()).toBe(history.length);
    await view.getByTestId('timeline').getByText('ines (Intake)').first().waitFor();
    await view.getByTestId('verification').filter({ hasText: `Hash chain verified: ${history.length} events` }).waitFor();
    expect(await view.locator('[data-action] button[type=submit]').count()).toBe(0);
    // Just after the acknowledgement was recorded, before the classification: acknowledged, not yet classified.
    const asOf = new Date(Math.ceil(Date.parse(acknowledged.recordedAt) / 1000) * 1000).toISOString().slice(0, 19);
    await view.getByLabel('Recorded at').fill(asOf);
    await view.getByRole('button', { name: 'Show' }).click();
    await view.getByTestId('state-as-of').getByText('Acknowledged').waitFor();
    expect(await view.getByTestId('state-as-of').textContent()).not.toContain('Billing');
    await screenshot(view, '09-auditor-timeline');
    await view.done();

  });

  it('shows staff their own appraisal, and analysts the KPI table and anyone’s breakdown', async () => {
    const received = (await client('ines', 'intake').post('/complaints', { channel: 'web', complainant: { name: 'Sun' }, subject: 'Appraised case', content: 'c' })).body as { id: string };
    await client('ines', 'intake').post(`/complaints/${received.id}/acknowledge`, {});
    await client('sun', 'supervisor').post(`/complaints/${received.id}/classify`, { category: 'billing', severity: 'low', urgency: 'normal', department: 'finance' });
    await client('sun', 'supervisor').post(`/complaints/${received.id}/assign`, { assignee: 'hal' });

    const own = await page('hal', 'handler');
    await own.getByRole('link', { name: 'Appraisal' }).click();
    await casesBehind(own.getByTestId('appraisal-person'), received.id);
    expect(await own.getByTestId('kpi-table').count()).toBe(0);
    await own.done();

    // In the browser's zone: an office at +08:00 appraises its own month.
    const analyst = await page('amy', 'analyst', { timezoneId: 'Asia/Shanghai' });
    const asked = analyst.waitForRequest((request) => request.url().includes('/appraisal/staff?'));
    await analyst.goto(`${api.url}/#/appraisal`);
    expect(new URL((await asked).url()).searchParams.get('utcOffset')).toBe('+08:00');
    await analyst.getByText(/, UTC\+08:00\); figures as of/).waitFor();
    await analyst.getByTestId('kpi-row').filter({ hasText: 'hal' }).getByRole('link', { name: 'hal' }).click();
    await casesBehind(analyst.getByTestId('appraisal-person'), received.id);
    await screenshot(analyst, '10-appraisal');
    await analyst.done();
  });

  it('passes axe’s WCAG 2.1 AA checks on every page, in both languages', async () => {
    const intake = client('ines', 'intake');
    const id = ((await intake.post('/complaints', { channel: 'web', complainant: { name: 'Xu' }, subject: 'Checked for accessibility', content: 'c' })).body as { id: string }).id;
    const item = ((await client('ana', 'analysis').post('/rectifications', { problem: 'Accessible item', sourceComplaintIds: [id], department: 'delivery', suggestion: 's', deadline: '2030-01-01T00:00:00.000Z' })).body as { id: string }).id;
    // Each page, and what shows it has loaded.
    const pages: Array<[string, string]> = [
      ['/', '[data-testid=case-table]'],
      ['/new', '[data-testid=duplicates]'],
      [`/cases/${id}`, '[data-testid=timeline]'],
      ['/rectifications', '[data-testid=rectification-table]'],
      [`/rectifications/${item}`, '[data-testid=rectification-steps]'],
      ['/analysis', '[data-testid=breakdown-chart] svg'],
      ['/appraisal', 'main h1 + *'],
    ];
    const found: Record<string, unknown> = {};
    for (const locale of ['en-GB', 'zh-CN']) {
      const tab = await page('sun', 'supervisor', { locale, bypassCSP: true });
      for (const [path, ready] of pages) {
        await tab.goto(`${api.url}/#${path}`);
        await tab.locator(ready).first().waitFor({ state: 'attached' });
        const violations = await accessibilityViolations(tab);
        if (violations.length > 0) found[`${locale} ${path}`] = violations;
      }
      // The check can fail: an input without a label is found.
      await tab.evaluate(() => document.getElementById('main')?.insertAdjacentHTML('beforeend', '<input type="text">'));
      expect((await accessibilityViolations(tab)).map((violation) => violation.id)).toContain('label');
      await tab.done();
    }
    expect(found).toEqual({});
  });

  it('works from the keyboard: the skip link, then a case opened with Enter', async () => {
    await client('ines', 'intake').post('/complaints', { channel: 'phone', complainant: { name: 'Lu' }, subject: 'Opened from the keyboard', content: 'c' });
    const tab = await page('sun', 'supervisor');
    await tab.getByTestId('case-row').first().waitFor();
    const url = tab.url();
    await tab.keyboard.press('Tab');
    expect(await tab.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await tab.keyboard.press('Enter');
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(tab.url()).toBe(url);
    // From the content, the first case link is a few tabs away (views, filters, search): Enter on it opens the case.
    for (let i = 0; i < 40 && !(await tab.evaluate(() => document.activeElement?.closest('[data-testid=case-row]') !== null)); i += 1) await tab.keyboard.press('Tab');
    await tab.keyboard.press('Enter');
    await tab.waitForURL(/#\/cases\/[0-9a-f-]{36}$/);
    await tab.getByTestId('timeline').waitFor();
    // The new page has the focus, not the link that opened it (gone with the inbox).
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('main');
    await tab.done();
  });

  it('fits a phone', async () => {
    const phone = await page('sun', 'supervisor', { width: 390 });
    await phone.getByTestId('case-table').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, '11-phone-inbox');
    await phone.done();
  });
});
