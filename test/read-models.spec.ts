import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore, type RecordedEvent } from '@redress/event-store';
import { SqliteDocumentStore } from '@redress/projections';
import { runCli } from '../apps/cli/src/cli';
import { rebuild } from '../apps/cli/src/rebuild';
import { SlaScheduler } from '../apps/api/src/sla/sla-scheduler';
import { EVENT_STORE } from '../apps/api/src/tokens';
import { startApi, TEST_JWT_SECRET, type RunningApi, type StaffClient } from './support/api';
import { FakeClock } from './support/clock';
import { walkComplaints } from './support/scenario';

/**
 * The read models end to end: complaints walked through real commands, then
 * the case search, the analysis checked against figures computed here from
 * the raw event log by code that shares nothing with the projections, a
 * blue/green rebuild and a restart that must change nothing.
 */

/** One case as this test reads it from the raw log, independently of the projections. */
interface RawCase {
  id: string;
  receivedAt: string;
  category: string | null;
  department: string | null;
  handler: string | null;
  status: 'open' | 'closed' | 'rejected' | 'withdrawn';
  acknowledgedAt?: string;
  closedAt?: string;
  breached: boolean;
  satisfaction?: number;
  substantiated?: boolean;
  reopened: boolean;
  escalations: number;
}

const rawCases = (log: readonly RecordedEvent[]): RawCase[] => {
  const cases = new Map<string, RawCase>();
  for (const event of log) {
    if (!event.streamName.startsWith('complaint-')) continue;
    const id = event.streamName.slice('complaint-'.length);
    const data = event.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw JSON
    if (event.type === 'ComplaintReceived') {
      cases.set(id, { id, receivedAt: data.receivedAt, category: null, department: null, handler: null, status: 'open', breached: false, reopened: false, escalations: 0 });
      continue;
    }
    const c = cases.get(id) as RawCase;
    switch (event.type) {
      case 'ComplaintAcknowledged':
        c.acknowledgedAt ??= event.metadata.occurredAt as string;
        break;
      case 'ComplaintClassified':
        c.category = data.category;
        c.department = data.department;
        break;
      case 'ComplaintAssigned':
      case 'ComplaintReassigned':
        c.handler = data.assignee;
        c.department = data.department ?? c.department;
        break;
      case 'RootCauseIdentified':
        c.substantiated = data.substantiated;
        break;
      case 'FollowUpRecorded':
        c.satisfaction = data.satisfaction;
        break;
      case 'ComplaintClosed':
        c.status = 'closed';
        c.closedAt = data.closedAt;
        break;
      case 'ComplaintReopened':
        c.status = 'open';
        c.reopened = true;
        delete c.closedAt;
        delete c.satisfaction;
        break;
      case 'ComplaintRejected':
        c.status = 'rejected';
        break;
      case 'ComplaintWithdrawn':
        c.status = 'withdrawn';
        break;
      case 'SlaBreached':
        c.breached = true;
        break;
      case 'ComplaintEscalated':
        c.escalations += 1;
        break;
    }
  }
  return [...cases.values()];
};

const nearestRank = (values: number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
};
const seconds = (from: string, to: string | undefined) => (to === undefined ? undefined : Math.round((Date.parse(to) - Date.parse(from)) / 1000));
const defined = <T>(values: Array<T | undefined>): T[] => values.filter((v): v is T => v !== undefined);
const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

/** The default policy has no business hours: closed by midnight UTC ending the third weekday after the day of receipt. */
const summaryDeadline = (receivedAt: string): number => {
  let day = Date.parse(receivedAt.slice(0, 10));
  for (let weekdays = 0; weekdays < 3; ) {
    day += 86_400_000;
    if (![0, 6].includes(new Date(day).getUTCDay())) weekdays += 1;
  }
  return day + 86_400_000;
};

/** Every metric of a cell, by its definition in the README. */
const figures = (cases: RawCase[]) => {
  const count = (status: RawCase['status']) => cases.filter((c) => c.status === status).length;
  const rooted = cases.filter((c) => c.substantiated !== undefined);
  const everClosed = cases.filter((c) => c.status === 'closed' || c.reopened);
  const firstResponse = defined(cases.map((c) => seconds(c.receivedAt, c.acknowledgedAt)));
  const resolution = defined(cases.map((c) => seconds(c.receivedAt, c.closedAt)));
  const summaries = cases.filter((c) => c.status === 'closed' && c.closedAt !== undefined && Date.parse(c.closedAt) <= summaryDeadline(c.receivedAt));
  return {
    received: cases.length,
    open: count('open'),
    closed: count('closed'),
    rejected: count('rejected'),
    withdrawn: count('withdrawn'),
    substantiatedRate: rooted.length === 0 ? null : rooted.filter((c) => c.substantiated).length / rooted.length,
    firstResponseP50: nearestRank(firstResponse, 50),
    firstResponseP90: nearestRank(firstResponse, 90),
    resolutionP50: nearestRank(resolution, 50),
    resolutionP90: nearestRank(resolution, 90),
    summaryResolutions: summaries.length,
    summaryResolutionRate: count('closed') === 0 ? null : summaries.length / count('closed'),
    slaCompliance: cases.length === 0 ? null : cases.filter((c) => !c.breached).length / cases.length,
    satisfactionAvg: mean(defined(cases.map((c) => c.satisfaction))),
    reopenRate: everClosed.length === 0 ? null : everClosed.filter((c) => c.reopened).length / everClosed.length,
    escalations: cases.reduce((sum, c) => sum + c.escalations, 0),
  };
};

/** The cases behind each figure that counts a set of cases (or has one as its numerator), by the drill-down's name. */
const BEHIND_FIGURES: Readonly<Record<string, (c: RawCase) => boolean>> = {
  open: (c) => c.status === 'open',
  closed: (c) => c.status === 'closed',
  rejected: (c) => c.status === 'rejected',
  withdrawn: (c) => c.status === 'withdrawn',
  substantiated: (c) => c.substantiated === true,
  breached: (c) => c.breached,
  reopened: (c) => c.reopened,
  escalated: (c) => c.escalations > 0,
};

const groupBy = <T>(items: T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

describe('read models: case search, analysis, rebuild', () => {
  const clock = new FakeClock(Date.parse('2026-08-30T09:00:00Z'));
  // Kept across the restart below; a dataDir passed in is the test's to remove.
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-read-models-'));
  let api: RunningApi;
  let analyst: StaffClient;
  let ids: string[];
  let log: RecordedEvent[];

  beforeAll(async () => {
    api = await startApi({ clock, dataDir });
    analyst = api.as('analyst', 'ann');
    ids = await walkComplaints(api, clock, '2026-09-01T02:00:00Z', 40);
    // Well past every deadline: the scheduler records the breaches of the cases still open.
    clock.set('2026-12-20T00:00:00Z');
    await api.app.get(SlaScheduler).tick();
    log = await api.app.get<symbol, EventStore>(EVENT_STORE).readAll();
    const head = log[log.length - 1]?.position as number;
    expect((await analyst.get('/cases?limit=1', { 'x-min-position': String(head) })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const all = async (client: StaffClient, path: string): Promise<Array<Record<string, unknown>>> => {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    do {
      const reply = await client.get(`${path}${path.includes('?') ? '&' : '?'}limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(reply.status).toBe(200);
      items.push(...reply.body.items);
      cursor = reply.body.nextCursor;
    } while (cursor);
    return items;
  };

  it('the analysis by category, department and month equals the figures computed from the raw log', async () => {
    const reply = await analyst.get('/analytics/complaints?groupBy=category,department&period=month');
    expect(reply.status).toBe(200);
    const cases = rawCases(log);
    expect(cases).toHaveLength(40);
    const expected = groupBy(cases, (c) => JSON.stringify([c.receivedAt.slice(0, 7), c.category, c.department]));
    const rows = reply.body.rows as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(rows.map((row) => JSON.stringify([row.period, row.category, row.department])).sort()).toEqual([...expected.keys()].sort());
    for (const row of rows) {
      const group = expected.get(JSON.stringify([row.period, row.category, row.department])) as RawCase[];
      const { drillDown, period: _p, category: _c, department: _d, ...metrics } = row;
      const want = figures(group);
      expect(Object.keys(metrics).sort()).toEqual(Object.keys(want).sort());
      for (const [metric, value] of Object.entries(want)) {
        if (value === null) expect({ metric, value: metrics[metric] }).toEqual({ metric, value: null });
        else expect({ metric, value: metrics[metric] }).toEqual({ metric, value: expect.closeTo(value, 9) });
      }
      // The drill-down lists exactly the cases behind the cell.
      expect(drillDown.count).toBe(group.length);
      const listed = await all(analyst, drillDown.href);
      expect(listed.map((c) => c.id).sort()).toEqual(group.map((c) => c.id).sort());
      // And each figure's, exactly the cases it counts.
      expect(Object.keys(drillDown.figures).sort()).toEqual(Object.keys(BEHIND_FIGURES).sort());
      for (const [name, behind] of Object.entries(BEHIND_FIGURES)) {
        const ids = group.filter(behind).map((c) => c.id).sort();
        const { count, href } = drillDown.figures[name];
        expect({ name, count, listed: (await all(analyst, href)).map((c) => c.id).sort() }).toEqual({ name, count: ids.length, listed: ids });
      }
    }
    // Every set is reached somewhere in the scenario, so the comparisons above are not all of empty lists.
    for (const [name, behind] of Object.entries(BEHIND_FIGURES)) expect({ name, some: cases.some(behind) }).toEqual({ name, some: true });
    expect(reply.body.totals).toMatchObject({ ...figures(cases), drillDown: { count: 40, href: '/cases', figures: { breached: { count: cases.filter((c) => c.breached).length, href: '/cases?breached=true' } } } });
    // The scenario reaches every metric with real values, so none of the comparisons above is vacuous.
    for (const value of Object.values(figures(cases))) expect(value).not.toBeNull();
    expect(figures(cases)).toMatchObject({ rejected: expect.any(Number), withdrawn: expect.any(Number) });
    expect(figures(cases).reopenRate).toBeGreaterThan(0);
    expect(figures(cases).escalations).toBeGreaterThan(0);
    expect(figures(cases).slaCompliance).toBeLessThan(1);
    expect(figures(cases).summaryResolutions).toBeGreaterThan(0);
    expect(figures(cases).summaryResolutionRate).toBeLessThan(1);
  });

  it('sets each handler against the team average of the same quarter: the handled cases of every handler', async () => {
    const reply = await analyst.get('/analytics/complaints?groupBy=handler&period=quarter&metrics=closed,resolutionP50');
    const cases = rawCases(log);
    for (const row of reply.body.rows) {
      const quarter = cases.filter((c) => `${c.receivedAt.slice(0, 4)}-Q${Math.ceil(Number(c.receivedAt.slice(5, 7)) / 3)}` === row.period);
      const mine = quarter.filter((c) => c.handler === row.handler);
      // An unassigned backlog is nobody's: it is not part of the team a handler is set against.
      const handled = quarter.filter((c) => c.handler !== null);
      const handlers = new Set(handled.map((c) => c.handler));
      expect(row).toEqual({
        period: row.period,
        handler: row.handler,
        closed: figures(mine).closed,
        resolutionP50: figures(mine).resolutionP50,
        team: {
          handlers: handlers.size,
          closedPerHandler: figures(handled).closed / handlers.size,
          firstResponseP50: figures(handled).firstResponseP50,
          resolutionP50: figures(handled).resolutionP50,
          slaCompliance: figures(handled).slaCompliance,
          satisfactionAvg: figures(handled).satisfactionAvg,
        },
        drillDown: {
          count: mine.length,
          href: expect.stringContaining(`assignee=${row.handler === null ? '%28none%29' : row.handler}`),
          figures: { closed: { count: figures(mine).closed, href: expect.stringMatching(/assignee=.*&status=closed$/) } },
        },
      });
      // Asking for one handler's rows leaves the team as it is: before, the filter made the team that handler alone.
      if (row.handler !== null) {
        const alone = await analyst.get(`/analytics/complaints?groupBy=handler&period=quarter&metrics=closed,resolutionP50&handler=${row.handler}`);
        expect(alone.body.rows.find((r: { period: string }) => r.period === row.period)).toEqual(row);
      }
    }
    expect(reply.body.rows.some((r: { handler: string | null }) => r.handler === null)).toBe(true);
  });

  it('counts periods in the zone asked for, and drills down to the cases each counted', async () => {
    // New York: the scenario's cases come at 02:00 and 14:00 UTC, so some fall on the day before there.
    const reply = await analyst.get('/analytics/complaints?period=day&utcOffset=-05:00&metrics=received');
    expect(reply.status).toBe(200);
    const localDay = (iso: string) => new Date(Date.parse(iso) - 5 * 3_600_000).toISOString().slice(0, 10);
    const cases = rawCases(log);
    // Some cases fall on another day there than in UTC, or the comparison below would prove nothing.
    expect(cases.some((c) => localDay(c.receivedAt) !== c.receivedAt.slice(0, 10))).toBe(true);
    const byDay = new Map<string, number>();
    for (const c of cases) byDay.set(localDay(c.receivedAt), (byDay.get(localDay(c.receivedAt)) ?? 0) + 1);
    expect(reply.body.rows.map((row: { period: string; received: number }) => [row.period, row.received])).toEqual([...byDay].sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const row of reply.body.rows.slice(0, 5) as Array<{ period: string; drillDown: { count: number; href: string } }>) {
      // The day's local midnights, as instants.
      expect(row.drillDown.href).toContain(`receivedFrom=${encodeURIComponent(new Date(Date.parse(`${row.period}T00:00:00-05:00`)).toISOString())}`);
      expect((await all(analyst, row.drillDown.href)).length).toBe(row.drillDown.count);
    }
    // A date in `from` is a local midnight too: a case received early on that UTC day, the day before in New York, is not counted.
    const day = cases.find((c) => localDay(c.receivedAt) !== c.receivedAt.slice(0, 10))?.receivedAt.slice(0, 10) as string;
    const since = await analyst.get(`/analytics/complaints?period=day&utcOffset=-05:00&metrics=received&from=${day}`);
    expect(since.body.rows.map((row: { period: string; received: number }) => [row.period, row.received])).toEqual([...byDay].filter(([d]) => d >= day).sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const bad of ['8', '+8:00', '+15:00', 'Z']) {
      expect((await analyst.get(`/analytics/complaints?utcOffset=${encodeURIComponent(bad)}`)).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    }
  });

  it('filters the analysis and refuses what it cannot mean', async () => {
    const filtered = await analyst.get('/analytics/complaints?department=finance,delivery&from=2026-10-01&to=2026-11-01&metrics=received');
    const expected = rawCases(log).filter((c) => ['finance', 'delivery'].includes(c.department as string) && c.receivedAt >= '2026-10-01' && c.receivedAt < '2026-11-01');
    expect(filtered.body).toEqual({
      rows: [{ received: expected.length, drillDown: { count: expected.length, href: '/cases?receivedFrom=2026-10-01T00%3A00%3A00.000Z&receivedTo=2026-11-01T00%3A00%3A00.000Z&department=finance%2Cdelivery', figures: {} } }],
      totals: { received: expected.length, drillDown: expect.any(Object) },
    });
    // Rows that fix the status already: their status figures are the row itself, so only the others get a list.
    const byStatus = await analyst.get('/analytics/complaints?groupBy=status&metrics=closed,open,reopenRate');
    for (const row of byStatus.body.rows) expect({ status: row.status, lists: Object.keys(row.drillDown.figures).sort() }).toEqual({ status: row.status, lists: ['open', 'reopened'] });
    // Their totals span every status: those lists are theirs.
    expect(Object.keys(byStatus.body.totals.drillDown.figures).sort()).toEqual(['closed', 'open', 'reopened']);
    expect((await analyst.get('/cases?reopened=maybe')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    for (const [query, message] of [
      ['groupBy=colour', 'groupBy'],
      ['period=fortnight', 'period'],
      ['metrics=happiness', 'metrics'],
      ['from=yesterday', 'from'],
      ['from=2026-11-01&to=2026-10-01', 'from must be before to'],
      ['groupBy=category,category', 'groupBy'],
      ['colour=red', 'unknown parameter colour'],
      ['groupBy=(none)', 'groupBy takes no (none)'],
      // A word /cases would refuse: before, analysis answered it with nothing, and its drill-down link with a 400.
      ['category=Billing', 'category'],
      ['status=open', 'status'],
      // The years an instant may have (1970–9999 in UTC), as in a body.
      ['from=0001-01-01T00:00:00Z', 'from 1970 to 9999 in UTC'],
      ['to=9999-12-31T23:59:00-14:00', 'from 1970 to 9999 in UTC'],
    ]) {
      const bad = await analyst.get(`/analytics/complaints?${query}`);
      expect({ query, status: bad.status, code: bad.body.code }).toEqual({ query, status: 400, code: 'INVALID_QUERY' });
      expect(bad.body.message).toContain(message);
    }
    expect((await api.as('handler').get('/analytics/complaints')).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
  });

  it('searches cases by filters, text over the archive, sort and cursor pages', async () => {
    const cases = rawCases(log);
    const breached = await all(analyst, '/cases?breached=true&sort=receivedAt');
    expect(breached.map((c) => c.id)).toEqual(cases.filter((c) => c.breached).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)).map((c) => c.id));
    const finance = await all(analyst, '/cases?department=finance&status=closed,rejected&sort=-receivedAt');
    expect(finance.map((c) => c.id)).toEqual(
      cases
        .filter((c) => c.department === 'finance' && ['closed', 'rejected'].includes(c.status))
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
        .map((c) => c.id),
    );
    // The closing summaries are the knowledge base: find past resolutions by their words.
    const refunds = await all(analyst, '/cases?q=REFUND%20of');
    expect(refunds.length).toBeGreaterThan(0);
    for (const c of refunds) expect(c.archiveSummary).toBe('Refund of the double charge');
    const kettles = await all(analyst, `/cases?q=${encodeURIComponent('broke on day')}&open=false`);
    expect(kettles.every((c) => ['closed', 'rejected', 'withdrawn'].includes(c.status as string))).toBe(true);

    const view = await analyst.get(`/cases/${ids[5]}`);
    expect(view.status).toBe(200);
    const history = (await analyst.get(`/complaints/${ids[5]}/history`)).body.events as Array<{ type: string; metadata: { occurredAt: string; actor: { user: string } } }>;
    expect(view.body).toMatchObject({
      id: ids[5],
      revision: history.length - 1,
      timeline: { events: history.length, last: { type: history.at(-1)?.type, at: history.at(-1)?.metadata.occurredAt, actor: history.at(-1)?.metadata.actor.user }, firsts: { ComplaintReceived: history[0]?.metadata.occurredAt } },
    });
    expect(view.headers.get('x-projection-position')).toBe(String(log[log.length - 1]?.position));

    expect((await analyst.get('/cases/0190a5f0-0000-7000-8000-0000000000aa')).body).toMatchObject({ statusCode: 404, code: 'CASE_NOT_FOUND' });
    expect((await analyst.get('/cases/nope')).body).toMatchObject({ statusCode: 400, code: 'INVALID_COMPLAINT_ID' });
    for (const query of ['status=lost', 'breached=maybe', 'sort=subject', 'limit=0', 'limit=1000', 'receivedFrom=11/01/2026', 'receivedFrom=2026-02-30', 'receivedTo=2026-04-31T10:00:00Z', 'categroy=billing', 'status=', 'product=%22unclosed']) {
      const bad = await analyst.get(`/cases?${query}`);
      expect({ query, status: bad.status, code: bad.body.code }).toEqual({ query, status: 400, code: 'INVALID_QUERY' });
    }
    expect((await analyst.get('/cases?cursor=garbage')).body).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
    const valueless = Buffer.from(JSON.stringify({ values: [], id: 'x', sort: '-receivedAt' })).toString('base64url');
    expect((await analyst.get(`/cases?cursor=${valueless}`)).body).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
    expect((await analyst.get('/cases', { 'x-min-position': 'soon' })).body).toMatchObject({ statusCode: 400, code: 'INVALID_MIN_POSITION' });
  });

  it('reads its own writes with X-Min-Position, and refuses a position past the end of the log at once', async () => {
    const intake = api.as('intake', 'ines');
    const created = await intake.post('/complaints', { channel: 'web', complainant: { name: 'Zhao' }, subject: '退款未到账 refund missing', content: '两周了' });
    const seen = await analyst.get(`/cases?q=${encodeURIComponent('退款未到账')}`, { 'x-min-position': String(created.body.position) });
    expect(seen.body.items.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    expect(Number(seen.headers.get('x-projection-position'))).toBeGreaterThanOrEqual(created.body.position);
    // No wait could reach it: 422, not a 503 after five seconds that a client would retry for ever.
    const started = Date.now();
    const future = await analyst.get('/cases?limit=1', { 'x-min-position': String(created.body.position + 1000) });
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ code: 'POSITION_AHEAD' });
    expect(Date.now() - started).toBeLessThan(4000);
  }, 20_000);

  it('shows a command in its read model within a second without being asked to wait', async () => {
    const created = await api.as('intake', 'ines').post('/complaints', { channel: 'email', complainant: { name: 'Sun' }, subject: 'Seen within a second', content: 'x' });
    const started = Date.now();
    let status = 404;
    while (status !== 200 && Date.now() - started < 1000) {
      status = (await analyst.get(`/cases/${created.body.id}`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports each projection’s position, lag and state', async () => {
    const reply = await analyst.get('/projections');
    const head = (await api.app.get<symbol, EventStore>(EVENT_STORE).headPosition()) as number;
    expect(reply.body.projections).toEqual([
      expect.objectContaining({ name: 'cases', state: 'live', position: head, headPosition: head, lagEvents: 0, lagSeconds: 0, generation: 1, version: 5 }),
      expect.objectContaining({ name: 'rectifications', state: 'live', position: head, lagEvents: 0 }),
      expect.objectContaining({ name: 'appraisal', state: 'live', position: head, lagEvents: 0 }),
    ]);
  });

  it('rebuilds blue/green with the cli while the api serves: the rebuilt read models equal the live ones, and so do a restart’s', async () => {
    const snapshot = async () => ({
      cases: await all(analyst, '/cases?sort=receivedAt'),
      views: await Promise.all(ids.map(async (id) => (await analyst.get(`/cases/${id}`)).body)),
      analysis: (await analyst.get('/analytics/complaints?groupBy=category,department,handler&period=week')).body,
    });
    const live = await snapshot();
    const out: string[] = [];
    const env = { DATA_DIR: api.config.dataDir, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' };
    expect(await runCli(['rebuild', 'cases'], env, { out: (line) => out.push(line), err: (line) => out.push(line) })).toBe(0);
    expect(out[0]).toMatch(/^rebuilt cases: \d+ events to position \d+ in [\d.]+ s \(\d+ events\/s\), generation 2$/);
    expect((await analyst.get('/projections')).body.projections[0]).toMatchObject({ name: 'cases', generation: 2, state: 'live' });
    expect(await snapshot()).toEqual(live);

    // The api's runner moved to the new generation: new writes still show.
    const created = await api.as('intake').post('/complaints', { channel: 'web', complainant: { name: 'Qian' }, subject: 'After the rebuild', content: 'x' });
    expect((await analyst.get(`/cases/${created.body.id}`, { 'x-min-position': String(created.body.position) })).status).toBe(200);

    const before = await snapshot();
    await api.stop();
    api = await startApi({ clock, dataDir });
    analyst = api.as('analyst', 'ann');
    expect(await snapshot()).toEqual(before);
    expect(await runCli(['rebuild', 'nonsense'], env, { out: () => undefined, err: (line) => out.push(line) })).toBe(2);
  }, 60_000);

  it('a cli rebuild stopped by Ctrl-C gives its claims up: the read models stay as they were, and nothing looks like a rebuild still running', async () => {
    const before = (await analyst.get('/projections')).body.projections;
    const listeners = process.listenerCount('SIGINT');
    const events = new SqliteEventStore({ file: join(api.config.dataDir, 'events.db') });
    const documents = new SqliteDocumentStore(join(api.config.dataDir, 'read-models.db'));
    const commit = documents.commit.bind(documents);
    // Ctrl-C arrives while the first batch is being written.
    documents.commit = async (writes, fences) => {
      if (writes.some((write) => /_g\d+$/.test(write.collection))) process.emit('SIGINT', 'SIGINT');
      return commit(writes, fences);
    };
    const err: string[] = [];
    try {
      expect(await rebuild(events, documents, undefined, { out: () => undefined, err: (line) => err.push(line) })).toBe(1);
    } finally {
      await events.close();
      await documents.close();
    }
    expect(err).toEqual([expect.stringMatching(/^the rebuild of cases, rectifications, appraisal was stopped at position \d+; the read models are as they were$/)]);
    expect((await analyst.get('/projections')).body.projections).toEqual(before);
    expect(process.listenerCount('SIGINT')).toBe(listeners);
  });

  it('counts summary resolutions by the policy each case was classified under: a later policy recounts nothing', async () => {
    const cases = rawCases(log);
    const before = (await analyst.get('/analytics/complaints?metrics=summaryResolutions,summaryResolutionRate')).body.totals;
    expect(before).toMatchObject({ summaryResolutions: figures(cases).summaryResolutions });
    // Business days on Mondays only would make far more of them summary resolutions.
    const current = (await api.as('admin').get('/policies/sla')).body.policy;
    expect((await api.as('admin').put('/policies/sla', { ...current, businessHours: { start: '09:00', end: '18:00', days: [1], utcOffsetMinutes: 0 } })).status).toBe(200);
    expect((await analyst.get('/analytics/complaints?metrics=summaryResolutions,summaryResolutionRate')).body.totals).toEqual(before);
  });
});
