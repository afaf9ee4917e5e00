import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteEventStore, uuidv7, type EventToAppend, type JsonObject } from '@redress/event-store';
import { signToken } from '@redress/platform';

/**
 * What the benchmarks that need a realistic log share: 100,000 generated
 * complaint histories, and the built api and CLI run as users run them.
 */
export const CATEGORIES = ['product_quality', 'service_attitude', 'billing', 'logistics', 'privacy', 'other'];
export const DEPARTMENTS = ['delivery', 'finance', 'service', 'sales', 'it', 'legal', 'stores', 'quality'];
const HOUR = 3_600_000;
export const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

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
export const pick = <T>(items: readonly T[], n: number, salt: number): T => items[hash(n, salt) % items.length] as T;
const handlerOf = (n: number): string => `h-${hash(n, 13) % 60}`;

/**
 * One complaint's history as the api would write it, received over two
 * years: most are acknowledged, classified, assigned and investigated; three
 * in five are resolved, followed up and closed; some are rejected or
 * withdrawn; one in ten breaches a deadline, one in ten is handed over to
 * another handler. About 9 events a case.
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
  add('ComplaintAssigned', { assignee: handlerOf(n), department }, 22);
  // One in ten is handed over to another handler.
  const handler = hash(n, 15) % 10 === 0 ? `h-${(hash(n, 13) + 1) % 60}` : handlerOf(n);
  if (handler !== handlerOf(n)) add('ComplaintReassigned', { assignee: handler, previousAssignee: handlerOf(n) }, 30);
  add('InvestigationNoteAdded', { note: 'Called the courier and checked the tracking log.' }, 40);
  const substantiated = hash(n, 14) % 3 !== 0;
  add('RootCauseIdentified', { category: pick(['packaging', 'billing-system', 'training', 'supplier'], n, 10), description: 'Found the cause.', substantiated, ...(substantiated ? { attributedTo: { staff: [handler], department } } : {}) }, 60);
  if (fate === 3) add('SlaBreached', { step: 'final_response', deadline: at(480) }, 481);
  if (fate < 8) return finish(n, events);
  add('ResolutionProposed', { summary: 'Apologise and refund', proposedBy: handler, remedies: [{ type: 'apology' }], needsApproval: false }, 80);
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
      metadata: { actor: { user: handlerOf(n), role: 'handler' }, occurredAt, correlationId: id, causationId: id, schemaVersion: 1 },
    };
  });
};

/** Writes `cases` histories into a fresh SQLite event store in `dir`; the log's head position. */
export const writeHistories = async (dir: string, cases: number): Promise<number> => {
  const events = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
  try {
    for (let start = 0; start < cases; start += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, cases - start) }, (_, i) => {
          const stream = history(start + i);
          return events.appendToStream(`complaint-${(stream[0]?.data as { complaintId: string }).complaintId}`, stream, 'no_stream');
        }),
      );
    }
    return await events.headPosition();
  } finally {
    await events.close();
  }
};

/** The built programs (`npm run bench` builds first), as `npm start` and `npm run cli` run them. */
export const built = (app: 'api' | 'cli' | 'projector'): string => join(__dirname, '..', 'dist', 'apps', app, 'src', 'main.js');
/** The young-generation size `npm start` and `npm run bench` give their process, and the README recommends for a large rebuild. */
export const NODE_FLAGS = ['--max-semi-space-size=64'];
export const run = promisify(execFile);
/**
 * A program under test gets its node flags from its command line only, not this process's NODE_OPTIONS; its
 * intake is not rate limited, since one load generator's token sends thousands of complaints a second.
 */
export const benchEnv = (dir: string) => ({ ...process.env, NODE_OPTIONS: '', DATA_DIR: dir, LOG_LEVEL: 'silent', JWT_SECRET: SECRET, INTAKE_RATE_LIMIT: '0' });

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

export interface BuiltApi {
  readonly pid: number;
  readonly url: string;
  /** GET as an analyst. */
  get(path: string): Promise<Response>;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
}

/** Resident memory of a running process (Linux), MiB: now (VmRSS), or the most it has held so far (VmHWM). Throws once it has exited. */
export const residentMiB = (pid: number, which: 'now' | 'peak' = 'now'): number => {
  const field = which === 'now' ? 'VmRSS' : 'VmHWM';
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
};

export interface StartOptions {
  readonly app?: 'api' | 'projector';
  readonly env?: Record<string, string>;
  readonly nodeFlags?: readonly string[];
  /** How long it may take to answer /health (a projector builds the read models first). */
  readonly startSeconds?: number;
}

/**
 * The built api (or projector) in its own process over `dir`, once it answers
 * /health (with the projections in-process, the api builds missing read
 * models before it listens).
 */
export const startBuiltApi = async (dir: string, { app = 'api', env = {}, nodeFlags = NODE_FLAGS, startSeconds = 60 }: StartOptions = {}): Promise<BuiltApi> => {
  const port = await freePort();
  const server = spawn(process.execPath, [...nodeFlags, built(app)], { env: { ...benchEnv(dir), PORT: String(port), ...env }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const token = signToken({ sub: 'bench', role: 'analyst' }, SECRET, new Date(), 3600);
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const signal = async (name: NodeJS.Signals) => {
    server.kill(name);
    await exited;
  };
  const stop = () => signal('SIGTERM');
  for (let attempt = 0; ; attempt += 1) {
    if (await fetch(`${url}/health`).then((response) => response.ok, () => false)) break;
    if (attempt === startSeconds * 10) {
      await stop();
      throw new Error(`the ${app} did not start within ${startSeconds} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pid: server.pid as number, url, get: (path) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }), stop, kill: () => signal('SIGKILL') };
};

/** Latencies of `count` sequential requests (keep-alive), ms, sorted. */
export const latencies = async (count: number, request: (i: number) => Promise<Response>): Promise<number[]> => {
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
