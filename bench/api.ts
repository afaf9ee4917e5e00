import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon, { type Request, type Result } from 'autocannon';
import Database from 'better-sqlite3';
import { signToken } from '@redress/platform';
import { SECRET, residentMiB, startBuiltApi, writeHistories, type BuiltApi } from './complaint-log';
import { figure, type Figure } from './report';
import { steadyLoad } from './steady-load';

/** Cases written before the api starts: a million events (bench/complaint-log.ts averages about 7.9 a case). */
const CASES = Number(process.env.BENCH_API_CASES ?? 126_000);
const CONNECTIONS = 32;
/** The command rate the api must sustain (issue 9): its capacity must reach it, and its p99 is measured at it. */
const TARGET_RATE = 3000;
/**
 * The api's node flags as compose runs it: a 32 MiB young generation, and the
 * old generation let grow as much as its live size between full GCs rather
 * than V8's usual several times it. An intake now leaves little in the old
 * generation (~0.15 MB promoted per scavenge at 3,000/s), so this means a full
 * GC every 20 s or so, each followed by a cluster of late requests, at a
 * peak RSS of ~220–250 MiB (at 50 %: one every ~10 s; with V8's own growth
 * the heap once sawed up to ~295 MiB).
 */
export const API_NODE_FLAGS = ['--max-semi-space-size=32', '--heap-growing-percent=100'];
const PURE_SECONDS = Number(process.env.BENCH_API_SECONDS ?? 20);
const MIXED_SECONDS = Number(process.env.BENCH_API_MIXED_SECONDS ?? 60);

const token = (user: string, role: Parameters<typeof signToken>[0]['role']) => `Bearer ${signToken({ sub: user, role }, SECRET, new Date(), 3600 * 4)}`;
export const INTAKE = token('bench-intake', 'intake');
export const SUPERVISOR = token('bench-supervisor', 'supervisor');
/** The handler cases are assigned to (`h-bench`). */
export const HANDLER = token('h-bench', 'handler');
const ANALYST = token('bench-analyst', 'analyst');
const json = (authorization: string) => ({ authorization, 'content-type': 'application/json' });
const COMPLAINT = JSON.stringify({ channel: 'web', complainant: { name: 'Load Test', customerType: 'individual' }, subject: 'Parcel arrived late', content: 'The parcel arrived four days late and the box was crushed.', product: 'express', region: 'east' });

/** CPU time a process's main thread has used so far (Linux), µs: the api's one thread is what a request waits for. */
const mainThreadCpu = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100);
};

const cannon = (options: autocannon.Options): Promise<Result> => autocannon({ connections: CONNECTIONS, ...options });
export const failures = (result: Result) => result.errors + result.timeouts + result.non2xx;

/** A command; anything but 2xx throws. */
export const post = async (url: string, path: string, authorization: string, body: unknown) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: json(authorization), body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; revision: number; position: number };
};

/** One case walked by real commands to 50 events: intake, triage, then 46 investigation notes. */
const fiftyEventCase = async (url: string): Promise<string> => {
  const { id } = await post(url, '/complaints', INTAKE, JSON.parse(COMPLAINT));
  await post(url, `/complaints/${id}/acknowledge`, INTAKE, {});
  await post(url, `/complaints/${id}/classify`, SUPERVISOR, { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery' });
  await post(url, `/complaints/${id}/assign`, SUPERVISOR, { assignee: 'h-bench' });
  for (let i = 0; i < 46; i += 1) await post(url, `/complaints/${id}/investigation-notes`, HANDLER, { note: `Checked the courier's log, entry ${i}.` });
  return id;
};

/** A command the api acknowledged: its case's stream and the position of its last event. */
export type Acknowledged = (stream: string, position: number) => void;

/**
 * The mixed workload as each connection runs it, over and over: a case from
 * intake to close (10 commands) interleaved with 4 reads of the case and of
 * the read models: 71 % commands, 29 % queries. `acknowledged` hears of every
 * command answered 2xx.
 */
export const lifecycle = (acknowledged?: Acknowledged): Request[] => {
  const record = (status: number, body: string) => {
    if (acknowledged && status < 300) {
      const reply = JSON.parse(body) as { id: string; position: number };
      acknowledged(`complaint-${reply.id}`, reply.position);
    }
  };
  const on = (path: (id: string) => string, authorization: string, body?: unknown, method: 'POST' | 'GET' = 'POST'): Request => ({
    method,
    headers: method === 'POST' ? json(authorization) : { authorization },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    setupRequest: (request, context) => ({ ...request, path: path((context as { id: string }).id) }),
    ...(method === 'POST' && acknowledged ? { onResponse: (status: number, reply: string) => record(status, reply) } : {}),
  });
  return [
    {
      method: 'POST',
      path: '/complaints',
      headers: json(INTAKE),
      body: COMPLAINT,
      onResponse: (status, body, context) => {
        if (status === 201) (context as { id?: string }).id = (JSON.parse(body) as { id: string }).id;
        record(status, body);
      },
    },
    on((id) => `/complaints/${id}/acknowledge`, INTAKE, {}),
    on((id) => `/complaints/${id}/classify`, SUPERVISOR, { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery' }),
    on((id) => `/complaints/${id}`, ANALYST, undefined, 'GET'),
    on((id) => `/complaints/${id}/assign`, SUPERVISOR, { assignee: 'h-bench' }),
    on((id) => `/complaints/${id}/investigation-notes`, HANDLER, { note: 'Called the courier and checked the tracking log.' }),
    on(() => '/cases?status=investigating&sort=-receivedAt&limit=20', ANALYST, undefined, 'GET'),
    on((id) => `/complaints/${id}/root-cause`, HANDLER, { category: 'courier', description: 'Sorting hub backlog', substantiated: true }),
    on((id) => `/complaints/${id}/resolution`, HANDLER, { summary: 'Apologise and refund the delivery fee', remedies: [{ type: 'apology' }] }),
    on((id) => `/complaints/${id}/history`, ANALYST, undefined, 'GET'),
    on((id) => `/complaints/${id}/implement`, HANDLER, { notifiedVia: 'phone' }),
    on((id) => `/complaints/${id}/follow-up`, INTAKE, { satisfaction: 4, method: 'phone' }),
    on(() => '/cases?department=delivery&open=true&sort=-receivedAt&limit=20', ANALYST, undefined, 'GET'),
    on((id) => `/complaints/${id}/close`, HANDLER, { outcome: 'resolved', summary: 'Delivery fee refunded' }),
  ];
};

interface ProjectionStatus {
  readonly name: string;
  readonly position: number;
}

/** How long after the load stops until every projection holds everything written (polled every 20 ms). */
export const lagAtEnd = async (api: BuiltApi, head: number): Promise<number> => {
  const started = performance.now();
  for (;;) {
    const { projections } = (await (await api.get('/projections')).json()) as { projections: ProjectionStatus[] };
    if (projections.every((p) => p.position >= head)) return (performance.now() - started) / 1000;
    if (performance.now() - started > 60_000) return Number.POSITIVE_INFINITY;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Ids of generated cases, read straight from the embedded log. */
const manyCaseIds = (dir: string, count: number): string[] => {
  const db = new Database(join(dir, 'events.db'), { readonly: true });
  try {
    const rows = db.prepare(`SELECT stream FROM events WHERE stream LIKE 'complaint-%' AND revision = 0 LIMIT ?`).all(count) as Array<{ stream: string }>;
    return rows.map((row) => row.stream.slice('complaint-'.length));
  } finally {
    db.close();
  }
};

export const headOf = async (api: BuiltApi): Promise<number> => ((await (await api.get('/health')).json()) as { position: number }).position;

export const apiBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-api-'));
  try {
    log(`writing ${CASES.toLocaleString()} complaint histories…`);
    const written = await writeHistories(dir, CASES);
    // The api as compose runs it beside projectors: no background work, a 32 MiB young generation (it folds no log).
    log(`${written.toLocaleString()} events; starting the api alone (PROJECTOR=separate)…`);
    const api = await startBuiltApi(dir, { env: { PROJECTOR: 'separate' }, nodeFlags: API_NODE_FLAGS });
    let projector: BuiltApi | undefined;
    try {
      const createOptions = { url: `${api.url}/complaints`, method: 'POST' as const, headers: json(INTAKE), body: COMPLAINT };
      await cannon({ ...createOptions, duration: 3 });
      const created = await cannon({ ...createOptions, duration: PURE_SECONDS });
      log(`POST /complaints: ${Math.round(created.requests.average)} req/s, p99 ${created.latency.p99} ms, ${failures(created)} failed`);
      // Latency is measured at the target rate, not at saturation: there the p99 is only the queue of clients waiting
      // (Little's law). Held by autocannon (bursts each second) and by a steady open-loop sender.
      const atRate = await cannon({ ...createOptions, duration: PURE_SECONDS, overallRate: TARGET_RATE });
      log(`POST /complaints at ${TARGET_RATE}/s (autocannon): ${Math.round(atRate.requests.average)} req/s, p99 ${atRate.latency.p99} ms, ${failures(atRate)} failed`);
      const cpuBefore = mainThreadCpu(api.pid);
      const steady = await steadyLoad(createOptions.url, { method: 'POST', headers: createOptions.headers, body: COMPLAINT }, TARGET_RATE, PURE_SECONDS);
      const cpuPerIntake = (mainThreadCpu(api.pid) - cpuBefore) / Math.round(TARGET_RATE * PURE_SECONDS);
      log(`POST /complaints at ${TARGET_RATE}/s (steady): ${Math.round(steady.rate)} req/s, p50 ${steady.p50.toFixed(1)} ms, p99 ${steady.p99.toFixed(1)} ms, ${steady.failed} failed, sender ${(steady.senderCpu * 100).toFixed(0)} % of a core, api thread ${cpuPerIntake.toFixed(0)} µs an intake`);
      // The same sender on the cheapest route: what HTTP, Nest and this machine add to any request at this rate.
      const floor = await steadyLoad(`${api.url}/health`, { method: 'GET', headers: {} }, TARGET_RATE, PURE_SECONDS);
      log(`GET /health at ${TARGET_RATE}/s (steady): p50 ${floor.p50.toFixed(1)} ms, p99 ${floor.p99.toFixed(1)} ms, ${floor.failed} failed`);

      const caseId = await fiftyEventCase(api.url);
      const readOptions = { url: `${api.url}/complaints/${caseId}`, headers: { authorization: ANALYST } };
      await cannon({ ...readOptions, duration: 3 });
      const read = await cannon({ ...readOptions, duration: PURE_SECONDS });
      log(`GET /complaints/:id (50 events): ${Math.round(read.requests.average)} req/s, p99 ${read.latency.p99} ms, ${failures(read)} failed`);

      // The same read spread over 5,000 generated cases (about 8 events each): the fold cache (2,000 cases) mostly misses.
      const ids = manyCaseIds(dir, 5000);
      let next = 0;
      const spread = await cannon({
        url: api.url,
        duration: PURE_SECONDS,
        requests: [{ method: 'GET', headers: { authorization: ANALYST }, setupRequest: (request) => ({ ...request, path: `/complaints/${ids[(next += 7919) % ids.length] as string}` }) }],
      });
      log(`GET /complaints/:id over 5,000 cases: ${Math.round(spread.requests.average)} req/s, p99 ${spread.latency.p99} ms, ${failures(spread)} failed`);

      // The projector answers /health once it has built the read models (everything so far): give it time for a million events.
      const building = performance.now();
      projector = await startBuiltApi(dir, { app: 'projector', startSeconds: 600 });
      const buildSeconds = (performance.now() - building) / 1000;
      log(`projector started, read models built to the head in ${buildSeconds.toFixed(1)} s; mixed workload…`);

      const mixed = await cannon({ url: api.url, duration: MIXED_SECONDS, requests: lifecycle() });
      const head = await headOf(api);
      const lag = await lagAtEnd(api, head);
      log(`mixed: ${Math.round(mixed.requests.average)} req/s, p99 ${mixed.latency.p99} ms, ${failures(mixed)} failed, ${mixed.resets ?? 0} lifecycles restarted; projections at the head ${lag.toFixed(3)} s after the load`);
      const apiRss = residentMiB(api.pid);
      const apiPeakRss = residentMiB(api.pid, 'peak');
      const projectorRss = residentMiB(projector.pid);
      return [
        figure('log events before the load', written, 'events', '>= 1000000'),
        figure('projector start: read models built from the log', buildSeconds, 's', 'reference'),
        figure(`POST /complaints capacity (durable), ${CONNECTIONS} connections flat out`, created.requests.average, 'req/s', `>= ${TARGET_RATE}`),
        figure(`POST /complaints p99 at a steady ${TARGET_RATE} req/s`, steady.p99, 'ms', '< 25'),
        figure(`POST /complaints p50 at a steady ${TARGET_RATE} req/s`, steady.p50, 'ms', 'reference'),
        figure(`POST /complaints rate held steady (of ${TARGET_RATE})`, steady.rate, 'req/s', `>= ${TARGET_RATE * 0.97}`),
        figure('steady sender CPU (shares the 2 cores with the api)', steady.senderCpu * 100, '% of a core', 'reference'),
        figure(`api main-thread CPU per intake at ${TARGET_RATE} req/s`, cpuPerIntake, 'µs', 'reference'),
        figure(`GET /health p99 at a steady ${TARGET_RATE} req/s (the floor: HTTP, Nest, this machine)`, floor.p99, 'ms', 'reference'),
        figure(`POST /complaints p99 at ${TARGET_RATE} req/s held by autocannon (a burst each second)`, atRate.latency.p99, 'ms', 'reference'),
        figure('POST /complaints p99 flat out (the queue of 32 clients)', created.latency.p99, 'ms', 'reference'),
        figure('POST /complaints and GET /health failures', failures(created) + failures(atRate) + steady.failed + floor.failed, 'requests', '<= 0'),
        figure('GET /complaints/:id, 50-event case', read.requests.average, 'req/s', '>= 4000'),
        figure('GET /complaints/:id p99', read.latency.p99, 'ms', 'reference'),
        figure('GET /complaints/:id over 5,000 cases (~8 events, mostly uncached)', spread.requests.average, 'req/s', 'reference'),
        figure('GET /complaints/:id failures', failures(read) + failures(spread), 'requests', '<= 0'),
        figure(`mixed 70/30 for ${MIXED_SECONDS} s: throughput`, mixed.requests.average, 'req/s', 'reference'),
        figure('mixed: p99', mixed.latency.p99, 'ms', 'reference'),
        figure('mixed: errors, timeouts and non-2xx', failures(mixed), 'requests', '<= 0'),
        figure('mixed: projection lag at the end', lag, 's', '< 1'),
        // The heap saws up and down between full GCs (about 70 MiB here), so a sample at the end says less than the peak.
        figure(`api peak RSS over the whole run (${Math.round(head / 1e5) / 10} M events at the end)`, apiPeakRss, 'MiB', '< 300'),
        figure('api RSS at the end', apiRss, 'MiB', 'reference'),
        figure('projector RSS', projectorRss, 'MiB', 'reference'),
      ];
    } finally {
      await api.stop();
      await projector?.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
