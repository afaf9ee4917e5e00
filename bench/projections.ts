import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@redress/event-store';
import { CATEGORIES, DEPARTMENTS, NODE_FLAGS, benchEnv, built, latencies, pick, run, startBuiltApi, writeHistories } from './complaint-log';
import { figure, percentile, type Figure } from './report';

const CASES = 100_000;
const REBUILD_ROUNDS = 3;

export const projectionsBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-projections-'));
  try {
    log(`writing ${CASES.toLocaleString()} complaint histories…`);
    const total = await writeHistories(dir, CASES);
    log(`${total.toLocaleString()} events`);

    // Rebuilds alternate with a baseline that only reads the log (which every rebuild must do), so both see the same machine weather.
    // Each rebuild is `npm run cli -- rebuild` as a user runs it: the built CLI in its own process, from an empty read-model store.
    const events = new SqliteEventStore({ file: join(dir, 'events.db') });
    const readOnly: number[] = [];
    const rebuilds: number[] = [];
    for (let round = 0; round < REBUILD_ROUNDS; round += 1) {
      const started = performance.now();
      for (let after = 0; ; ) {
        const page = await events.readAll({ after, maxCount: 1000 });
        if (page.length === 0) break;
        after = page[page.length - 1]?.position as number;
      }
      readOnly.push(total / ((performance.now() - started) / 1000));
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `read-models.db${suffix}`), { force: true });
      // With the young generation the README recommends for a large rebuild (NODE_OPTIONS=--max-semi-space-size=64).
      const { stdout } = await run(process.execPath, [...NODE_FLAGS, built('cli'), 'rebuild'], { env: benchEnv(dir) });
      const seconds = Number(/ in ([\d.]+) s /.exec(stdout)?.[1]);
      rebuilds.push(total / seconds);
      log(`round ${round + 1}: read ${Math.round(readOnly[round] as number)} events/s, rebuild ${Math.round(rebuilds[round] as number)} events/s`);
    }
    await events.close();
    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

    log('starting the built api on the read models…');
    const api = await startBuiltApi(dir);
    try {
      const searches = [
        (i: number) => `/cases?status=closed&sort=-receivedAt&limit=50&department=${pick(DEPARTMENTS, i, 1)}`,
        (i: number) => `/cases?category=${pick(CATEGORIES, i, 2)}&receivedFrom=2025-0${1 + (i % 9)}-01&receivedTo=2025-1${i % 3}-01&sort=-receivedAt`,
        (i: number) => `/cases?assignee=h-${i % 60}&open=true&sort=receivedAt`,
        (i: number) => `/cases?department=${pick(DEPARTMENTS, i, 3)}&breached=true&sort=-receivedAt`,
        () => `/cases?status=investigating,assigned&sort=-receivedAt&limit=100`,
      ];
      const search = (i: number) => api.get((searches[i % searches.length] as (i: number) => string)(i));
      // Steady state: the api's SLA scheduler replays the log when it starts (README, known limits); measure after it has.
      await latencies(1, () => api.get('/sla/at-risk'));
      await latencies(50, search);
      const cases = await latencies(500, search);
      const coldStarted = performance.now();
      await latencies(1, () => api.get('/analytics/complaints?groupBy=category,department&period=month'));
      const cold = performance.now() - coldStarted;
      const analytics = await latencies(15, () => api.get('/analytics/complaints?groupBy=category,department&period=month'));
      return [
        figure('log events', total, 'events', 'reference'),
        figure(`rebuild all projections, median of ${REBUILD_ROUNDS}`, median(rebuilds), 'events/s', '>= 50000'),
        figure('baseline: read the log only, median', median(readOnly), 'events/s', 'reference'),
        figure('rebuild ÷ read-only baseline', median(rebuilds) / median(readOnly), 'ratio', 'reference'),
        figure(`GET /cases filtered+sorted p50 (${CASES / 1000}k cases)`, percentile(cases, 50), 'ms', 'reference'),
        figure(`GET /cases filtered+sorted p95 (${CASES / 1000}k cases)`, percentile(cases, 95), 'ms', '< 20'),
        figure('GET /analytics category×department×month p50', percentile(analytics, 50), 'ms', '< 200'),
        figure('GET /analytics category×department×month max', analytics[analytics.length - 1] as number, 'ms', 'reference'),
        figure('GET /analytics first query (loads the facts cache)', cold, 'ms', 'reference'),
      ];
    } finally {
      await api.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
