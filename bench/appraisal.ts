import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPARTMENTS, latencies, startBuiltApi, writeHistories } from './complaint-log';
import { figure, percentile, type Figure } from './report';

const CASES = 100_000;
const ROUNDS = 15;

/** Resident memory of a process, MiB (Linux). */
const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/**
 * Appraisals over 100,000 cases (two years, 60 handlers, 8 departments),
 * by HTTP against the built api in its own process: the staff ranking table
 * for a month and a quarter, one person's and one department's appraisal with
 * the breakdown down to every case. The analytics query over the same cases
 * is the baseline: both are a pass over facts held in memory.
 */
export const appraisalBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-appraisal-'));
  try {
    log(`writing ${CASES.toLocaleString()} complaint histories…`);
    const total = await writeHistories(dir, CASES);
    log(`${total.toLocaleString()} events; starting the built api (it builds the read models first)…`);
    const started = performance.now();
    const api = await startBuiltApi(dir);
    const startup = performance.now() - started;
    try {
      const rssBefore = rssMiB(api.pid);
      const coldStarted = performance.now();
      await latencies(1, () => api.get('/appraisal/staff?period=2025-06'));
      const cold = performance.now() - coldStarted;
      const rssAfter = rssMiB(api.pid);
      const timed = async (path: (i: number) => string) => latencies(ROUNDS, (i) => api.get(path(i)));
      const month = await timed((i) => `/appraisal/staff?period=2025-${String(1 + (i % 12)).padStart(2, '0')}`);
      const quarter = await timed((i) => `/appraisal/staff?period=2025-Q${1 + (i % 4)}`);
      const person = await timed((i) => `/appraisal/staff/h-${i % 60}?period=2025-Q${1 + (i % 4)}`);
      const department = await timed((i) => `/appraisal/departments/${DEPARTMENTS[i % DEPARTMENTS.length]}?period=2025-Q${1 + (i % 4)}`);
      const whatIf = await timed((i) => `/appraisal/staff?period=2025-Q${1 + (i % 4)}&policyVersion=1&department=${DEPARTMENTS[i % DEPARTMENTS.length]}`);
      await latencies(1, () => api.get('/analytics/complaints?groupBy=category,department&period=month'));
      const analytics = await timed(() => '/analytics/complaints?groupBy=category,department&period=month');
      return [
        figure('log events', total, 'events', 'reference'),
        figure('api start, read models built from an empty store', startup / 1000, 's', 'reference'),
        figure(`staff table, a month (${CASES / 1000}k cases) p50`, percentile(month, 50), 'ms', '< 500'),
        figure('staff table, a month max', month[month.length - 1] as number, 'ms', '< 500'),
        figure('staff table, a quarter p50', percentile(quarter, 50), 'ms', '< 500'),
        figure('one person, a quarter, with breakdown p50', percentile(person, 50), 'ms', '< 500'),
        figure('one department, a quarter, with breakdown p50', percentile(department, 50), 'ms', '< 500'),
        figure('staff table, a quarter, one department, policyVersion given p50', percentile(whatIf, 50), 'ms', '< 500'),
        figure('baseline: GET /analytics category×department×month p50', percentile(analytics, 50), 'ms', 'reference'),
        figure('first appraisal after start (loads the trails)', cold, 'ms', 'reference'),
        figure('api RSS growth loading the trails', rssAfter - rssBefore, 'MiB', 'reference'),
        figure('api RSS after the first appraisal', rssAfter, 'MiB', 'reference'),
      ];
    } finally {
      await api.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
