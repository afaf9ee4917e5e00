import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteEventStore, uuidv7, type EventToAppend, type JsonObject } from '@redress/event-store';
import { signToken } from '@redress/platform';
import { figure, percentile, type Figure } from './report';

const CASES = 100_000;
const REBUILD_ROUNDS = 3;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const CATEGORIES = ['product_quality', 'service_attitude', 'billing', 'logistics', 'privacy', 'other'];
const DEPARTMENTS = ['delivery', 'finance', 'service', 'sales', 'it', 'legal', 'stores', 'quality'];
const HOUR = 3_600_000;

/**
 * A deterministic spread of values: the n-th case always gets the same, and
 * (a real hash, not n times a constant) attributes do not correlate with each
 * other or with n modulo anything.
 */
const hash = (n: number, salt: number): number => {
  let h = Math.imul(n ^ Math.imul(salt, 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};
const pick = <T>(items: readonly T[], n: number, salt: number): T => items[hash(n, salt) % items.length] as T;

/**
 * One complaint's history as the api would write it, received over two
 * years: most are acknowledged, classified, assigned and investigated; three
 * in five are resolved, followed up and closed; some are rejected or
 * withdrawn; one in ten breaches a deadline. About 9 events a case.
 */
export const history = (n: number): EventToAppend[] => {
  const received = Date.UTC(2025, 0, 1) + ((n * 7919) % (730 * 24)) * HOUR;
  const at = (hours: number) => new Date(received + hours * HOUR).toISOString();
  const sla = (base: number) => ({ policyVersion: 1, acknowledge: at(base + 24), classify: at(base + 48), resolution_proposed: at(base + 120), final_response: at(base + 480) });
  const events: Array<[string, JsonObject, number]> = [];
  const add = (type: string, data: JsonObject, hours: number) => events.push([type, data, hours]);
  add(
    'ComplaintReceived',
    {
      complaintId: '',
      complainantId: `cust-${n % 40_000}`,
      channel: pick(['phone', 'email', 'web', 'chat', 'app', 'in_store'], n, 1),
      complainant: { anonymous: false, name: `Customer ${n}`, contact: `+86 138 ${String(n).padStart(8, '0')}`, customerType: pick(['individual', 'business', 'vip'], n, 2) },
      subject: pick(['Parcel arrived late', 'Charged twice for one order', 'Rude staff at the counter', 'Kettle broke in a week', 'Data shared without consent'], n, 3),
      content: `Case ${n}: the customer reports the problem in detail, with order number ${n * 13} and the dates involved.`,
      receivedAt: at(0),
      product: pick(['express', 'kettle', 'broadband', 'insurance'], n, 4),
      region: pick(['east', 'north', 'south', 'west'], n, 5),
      sla: sla(0),
    },
    0,
  );
  const fate = hash(n, 20) % 20;
  if (fate === 0) return finish(n, events);
  add('ComplaintAcknowledged', {}, 2 + (n % 30));
  if (fate === 1) {
    add('ComplaintRejected', { reason: 'out_of_scope', explanation: 'Not our service' }, 40);
    return finish(n, events);
  }
  if (fate === 2) {
    add('ComplaintWithdrawn', {}, 30);
    return finish(n, events);
  }
  const department = pick(DEPARTMENTS, n, 6);
  add('ComplaintClassified', { category: pick(CATEGORIES, n, 7), severity: pick(['low', 'medium', 'high', 'critical'], n, 8), urgency: pick(['urgent', 'general', 'normal'], n, 9), department, sla: sla(0) }, 20);
  add('ComplaintAssigned', { assignee: `h-${hash(n, 13) % 60}`, department }, 22);
  add('InvestigationNoteAdded', { note: 'Called the courier and checked the tracking log.' }, 40);
  add('RootCauseIdentified', { category: pick(['packaging', 'billing-system', 'training', 'supplier'], n, 10), description: 'Found the cause.', substantiated: hash(n, 14) % 3 !== 0 }, 60);
  if (fate === 3) add('SlaBreached', { step: 'final_response', deadline: at(480) }, 481);
  if (fate < 8) return finish(n, events);
  add('ResolutionProposed', { summary: 'Apologise and refund', proposedBy: `h-${hash(n, 13) % 60}`, remedies: [{ type: 'apology' }], needsApproval: false }, 80);
  add('ResolutionImplemented', { notifiedVia: 'phone' }, 100);
  add('FollowUpRecorded', { satisfaction: 1 + (n % 5), method: 'phone' }, 140);
  add('ComplaintClosed', { outcome: pick(['resolved', 'partially_resolved', 'unresolved'], n, 11), summary: pick(['Refunded the double charge', 'Replaced the kettle', 'Courier retrained'], n, 12), closedAt: at(150) }, 150);
  return finish(n, events);
};

const finish = (n: number, events: Array<[string, JsonObject, number]>): EventToAppend[] => {
  const id = uuidv7();
  return events.map(([type, data, hours]) => {
    const occurredAt = new Date(Date.parse((events[0]?.[1] as { receivedAt: string }).receivedAt) + hours * HOUR).toISOString();
    return {
      id: uuidv7(),
      type,
      data: type === 'ComplaintReceived' ? { ...data, complaintId: id } : data,
      metadata: { actor: { user: `h-${hash(n, 13) % 60}`, role: 'handler' }, occurredAt, correlationId: id, causationId: id, schemaVersion: 1 },
    };
  });
};

/** The built programs (`npm run bench` builds first), as `npm start` and `npm run cli` run them. */
const built = (app: 'api' | 'cli'): string => join(__dirname, '..', 'dist', 'apps', app, 'src', 'main.js');
/** The same young-generation size `npm run bench` gives this process. */
const NODE_FLAGS = ['--max-semi-space-size=64'];
const run = promisify(execFile);

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** Waits for /health: the api builds missing read models before it listens. */
const listening = async (url: string): Promise<void> => {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (await fetch(`${url}/health`).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the api did not start within a minute');
};

/** Latencies of `count` sequential requests (keep-alive), ms, sorted. */
const latencies = async (count: number, request: (i: number) => Promise<Response>): Promise<number[]> => {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await request(i);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
};

export const projectionsBenchmark = async (log: (line: string) => void): Promise<Figure[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'redress-bench-projections-'));
  try {
    log(`writing ${CASES.toLocaleString()} complaint histories…`);
    const events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
    for (let start = 0; start < CASES; start += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, CASES - start) }, (_, i) => {
          const stream = history(start + i);
          return events.appendToStream(`complaint-${(stream[0]?.data as { complaintId: string }).complaintId}`, stream, 'no_stream');
        }),
      );
    }
    const total = await events.headPosition();
    log(`${total.toLocaleString()} events`);

    // Rebuilds alternate with a baseline that only reads the log (which every rebuild must do), so both see the same machine weather.
    // Each rebuild is `npm run cli -- rebuild` as a user runs it: the built CLI in its own process, from an empty read-model store.
    const readOnly: number[] = [];
    const rebuilds: number[] = [];
    const env = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent', JWT_SECRET: SECRET };
    for (let round = 0; round < REBUILD_ROUNDS; round += 1) {
      const started = performance.now();
      for (let after = 0; ; ) {
        const page = await events.readAll({ after, maxCount: 1000 });
        if (page.length === 0) break;
        after = page[page.length - 1]?.position as number;
      }
      readOnly.push(total / ((performance.now() - started) / 1000));
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `read-models.db${suffix}`), { force: true });
      const { stdout } = await run(process.execPath, [...NODE_FLAGS, built('cli'), 'rebuild'], { env });
      const seconds = Number(/ in ([\d.]+) s /.exec(stdout)?.[1]);
      rebuilds.push(total / seconds);
      log(`round ${round + 1}: read ${Math.round(readOnly[round] as number)} events/s, rebuild ${Math.round(rebuilds[round] as number)} events/s`);
    }
    await events.close();
    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

    log('starting the built api on the read models…');
    const port = await freePort();
    const server = spawn(process.execPath, [...NODE_FLAGS, built('api')], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    const token = signToken({ sub: 'bench', role: 'analyst' }, SECRET, new Date(), 3600);
    const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    try {
      await listening(url);
      const searches = [
        (i: number) => `/cases?status=closed&sort=-receivedAt&limit=50&department=${pick(DEPARTMENTS, i, 1)}`,
        (i: number) => `/cases?category=${pick(CATEGORIES, i, 2)}&receivedFrom=2025-0${1 + (i % 9)}-01&receivedTo=2025-1${i % 3}-01&sort=-receivedAt`,
        (i: number) => `/cases?assignee=h-${i % 60}&open=true&sort=receivedAt`,
        (i: number) => `/cases?department=${pick(DEPARTMENTS, i, 3)}&breached=true&sort=-receivedAt`,
        () => `/cases?status=investigating,assigned&sort=-receivedAt&limit=100`,
      ];
      // Steady state: the api's SLA scheduler replays the log when it starts (README, known limits); measure after it has.
      await latencies(1, () => get('/sla/at-risk'));
      await latencies(50, (i) => get((searches[i % searches.length] as (i: number) => string)(i)));
      const cases = await latencies(500, (i) => get((searches[i % searches.length] as (i: number) => string)(i)));
      const coldStarted = performance.now();
      await latencies(1, () => get('/analytics/complaints?groupBy=category,department&period=month'));
      const cold = performance.now() - coldStarted;
      const analytics = await latencies(15, () => get('/analytics/complaints?groupBy=category,department&period=month'));
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
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
