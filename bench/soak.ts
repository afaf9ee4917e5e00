import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { API_NODE_FLAGS, failures, headOf, lagAtEnd, lifecycle } from './api';
import { residentMiB, startBuiltApi, writeHistories, type BuiltApi } from './complaint-log';
import { figure, type Figure } from './report';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
/** Cases in the log before the load starts. */
const CASES = Number(process.env.BENCH_SOAK_CASES ?? 20_000);
const CONNECTIONS = 32;

interface Minute {
  readonly rate: number;
  readonly p99: number;
  readonly errors: number;
  readonly apiRss: number;
  readonly projectorRss: number;
}

/** Acknowledged commands whose event is not at the position the api answered, in the stream it named. */
const lostEvents = (dir: string, acknowledged: ReadonlyArray<readonly [stream: string, position: number]>): number => {
  const db = new Database(join(dir, 'events.db'), { readonly: true });
  try {
    const at = db.prepare<[number], { stream: string }>('SELECT stream FROM events WHERE position = ?');
    return acknowledged.filter(([stream, position]) => at.get(position)?.stream !== stream).length;
  } finally {
    db.close();
  }
};

/**
 * `npm run bench -- soak`: the api as compose runs it (PROJECTOR=separate)
 * and a projector, under the mixed lifecycle workload from 32 connections for
 * 10 minutes. Half way through every minute the projector is stopped —
 * SIGTERM one minute, SIGKILL the next — and a new one started. Reports
 * errors, acknowledged commands missing from the log, the projections' lag
 * when the load stops, and how the p99 and the processes' memory drift from
 * the first minute to the last.
 */
export const soakBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-soak-'));
  try {
    log(`writing ${CASES.toLocaleString()} complaint histories…`);
    await writeHistories(dir, CASES);
    const api = await startBuiltApi(dir, { env: { PROJECTOR: 'separate' }, nodeFlags: API_NODE_FLAGS });
    let projector: BuiltApi = await startBuiltApi(dir, { app: 'projector', startSeconds: 600 });
    const acknowledged: Array<readonly [string, number]> = [];
    const minutes: Minute[] = [];
    const restartSeconds: number[] = [];
    try {
      for (let minute = 1; minute <= MINUTES; minute += 1) {
        const restart = (async () => {
          await new Promise((resolve) => setTimeout(resolve, 30_000));
          await (minute % 2 === 0 ? projector.kill() : projector.stop());
          const starting = performance.now();
          projector = await startBuiltApi(dir, { app: 'projector', startSeconds: 600 });
          restartSeconds.push((performance.now() - starting) / 1000);
        })();
        const result = await autocannon({ url: api.url, connections: CONNECTIONS, duration: 60, requests: lifecycle((stream, position) => acknowledged.push([stream, position])) });
        await restart;
        const now: Minute = { rate: result.requests.average, p99: result.latency.p99, errors: failures(result), apiRss: residentMiB(api.pid), projectorRss: residentMiB(projector.pid) };
        minutes.push(now);
        log(`minute ${minute}: ${Math.round(now.rate)} req/s, p99 ${now.p99} ms, ${now.errors} errors, api ${now.apiRss.toFixed(0)} MiB, projector ${now.projectorRss.toFixed(0)} MiB (restarted with ${minute % 2 === 0 ? 'SIGKILL' : 'SIGTERM'})`);
      }
      const lag = await lagAtEnd(api, await headOf(api));
      const lost = lostEvents(dir, acknowledged);
      const first = minutes[0] as Minute;
      const last = minutes[minutes.length - 1] as Minute;
      log(`${acknowledged.length.toLocaleString()} commands acknowledged, ${lost} missing; projections at the head ${lag.toFixed(3)} s after the load`);
      return [
        figure(`minutes of mixed load (${CONNECTIONS} connections)`, minutes.length, 'minutes', `>= ${MINUTES}`),
        figure('projector restarts under load (SIGTERM and SIGKILL by turns)', restartSeconds.length, 'restarts', `>= ${MINUTES}`),
        figure('errors, timeouts and non-2xx', minutes.reduce((sum, m) => sum + m.errors, 0), 'requests', '<= 0'),
        figure('acknowledged commands missing from the log', lost, 'commands', '<= 0'),
        figure('commands acknowledged', acknowledged.length, 'commands', 'reference'),
        figure('projection lag when the load stops', lag, 's', '< 1'),
        figure('throughput, first minute', first.rate, 'req/s', 'reference'),
        figure('throughput, last minute', last.rate, 'req/s', 'reference'),
        figure('p99, first minute', first.p99, 'ms', 'reference'),
        figure('p99, last minute', last.p99, 'ms', 'reference'),
        figure('p99 drift, last minute / first', last.p99 / first.p99, 'x', 'reference'),
        figure('api RSS growth, last minute / first', last.apiRss / first.apiRss, 'x', 'reference'),
        figure('api RSS, last minute', last.apiRss, 'MiB', 'reference'),
        figure('projector restart to healthy, max', Math.max(...restartSeconds), 's', 'reference'),
      ];
    } finally {
      await api.stop();
      await projector.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
