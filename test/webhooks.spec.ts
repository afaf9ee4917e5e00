import { createHmac, timingSafeEqual } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type RunningApi, type StaffClient } from './support/api';

const SECRET = 'whsec-0123456789abcdef';
const POLICY = { baseDelayMs: 20, maxDelayMs: 100, maxFailures: 6, timeoutMs: 300 };

interface Received {
  readonly eventId: string;
  readonly position: number;
  readonly streamName: string;
  readonly type: string;
  readonly subject: unknown;
  readonly verified: boolean;
}

/** A receiver as a downstream service writes one: it checks the signature over the raw body, and can be told to fail or hang. */
const receiver = () => {
  const received: Received[] = [];
  let behaviour: 'ok' | 'fail' | 'hang' = 'ok';
  let failNext = 0;
  const verify = (request: IncomingMessage, body: string): boolean => {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['x-redress-signature']));
    if (!match) return false;
    const expected = createHmac('sha256', SECRET).update(`${match[1]}.${body}`).digest();
    return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
  };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      if (behaviour === 'hang') return; // never answers: the sender's timeout decides
      if (behaviour === 'fail' || failNext > 0) {
        failNext = Math.max(0, failNext - 1);
        response.writeHead(503).end();
        return;
      }
      const event = JSON.parse(body) as { id: string; position: number; streamName: string; type: string; data: { subject?: unknown } };
      received.push({ eventId: String(request.headers['x-redress-event-id']), position: event.position, streamName: event.streamName, type: event.type, subject: event.data.subject, verified: verify(request, body) && event.id === request.headers['x-redress-event-id'] });
      response.writeHead(204).end();
    });
  });
  return {
    received,
    set: (next: 'ok' | 'fail' | 'hang') => (behaviour = next),
    failTimes: (n: number) => (failNext = n),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/hook`))),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
};

const eventually = async <T>(check: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('webhooks', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-webhooks-'));
  const hook = receiver();
  let url: string;
  let api: RunningApi;
  let admin: StaffClient;
  const complaints: string[] = [];
  /** The log's events of the subscribed types, in order: what must arrive. */
  const expected = async (types: string[]) => {
    const out: Array<{ id: string; position: number; streamName: string }> = [];
    for (let from = 0; ; ) {
      const page = (await api.as('integration').get(`/events?from=${from}&limit=1000&types=${types.join(',')}`)).body;
      if (page.events.length === 0) return out;
      out.push(...page.events);
      from = page.nextPosition;
    }
  };
  const write = async (n: number) => {
    for (let i = 0; i < n; i += 1) {
      const { body } = await api.as('intake').post('/complaints', { channel: 'web', complainant: { name: 'Qin' }, subject: `Hook ${complaints.length}`, content: 'c' });
      complaints.push(body.id);
      await api.as('intake').post(`/complaints/${body.id}/acknowledge`, {});
    }
  };
  /** Every expected event arrived, signed, in order per stream (and once each, counting distinct event ids). */
  const allArrived = async (types: string[]) => {
    const wanted = await expected(types);
    const firstSeen = [...new Map(hook.received.map((r) => [r.eventId, r])).values()];
    if (firstSeen.length < wanted.length) return undefined;
    expect(firstSeen.map((r) => r.eventId).sort()).toEqual(wanted.map((e) => e.id).sort());
    expect(hook.received.every((r) => r.verified)).toBe(true);
    for (const stream of new Set(wanted.map((e) => e.streamName))) {
      const positions = hook.received.filter((r) => r.streamName === stream).map((r) => r.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    return true;
  };

  beforeAll(async () => {
    url = await hook.listen();
    api = await startApi({ dataDir, webhooks: POLICY });
    admin = api.as('admin');
    await write(3);
  });
  afterAll(async () => {
    await api.stop();
    await hook.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let id: string;
  const TYPES = ['ComplaintReceived', 'ComplaintAcknowledged'];

  it('delivers every event of the subscribed types from the position given, signed', async () => {
    const created = await admin.post('/subscriptions', { url, secret: SECRET, types: TYPES, from: 0 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url, types: TYPES, status: 'active', position: 0 });
    expect(created.body).not.toHaveProperty('secret');
    id = created.body.id;
    await write(2);
    await eventually(() => allArrived(TYPES));
    expect(new Set(hook.received.map((r) => r.type))).toEqual(new Set(TYPES));
    const status = await eventually(async () => {
      const body = (await admin.get(`/subscriptions/${id}`)).body;
      return body.delivered === 10 ? body : undefined;
    });
    expect(status).toMatchObject({ status: 'active', failures: 0, lastError: null, lagEvents: 0 });
  });

  it('retries failures and timeouts with backoff, losing and reordering nothing', async () => {
    const status = async () => (await admin.get(`/subscriptions/${id}`)).body;
    hook.failTimes(2);
    await write(1);
    await eventually(() => allArrived(TYPES));
    expect(await status()).toMatchObject({ status: 'active', failures: 0, lastError: { message: 'HTTP 503', status: 503 } });
    hook.set('hang');
    await write(1);
    await eventually(async () => ((await status()).lastError?.message === 'no answer within 300 ms' ? true : undefined));
    hook.set('ok');
    await write(1);
    await eventually(() => allArrived(TYPES));
    expect(await status()).toMatchObject({ status: 'active', failures: 0 });
  });

  it('pauses a subscription that keeps failing, shows why, and resumes from its checkpoint', async () => {
    hook.set('fail');
    await write(2);
    const paused = await eventually(async () => {
      const body = (await admin.get(`/subscriptions/${id}`)).body;
      return body.status === 'paused' ? body : undefined;
    });
    expect(paused).toMatchObject({ failures: 6, lastError: { message: 'HTTP 503', status: 503 } });
    expect(paused.lagEvents).toBeGreaterThan(0);
    hook.set('ok');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Nothing is attempted while paused.
    const before = hook.received.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hook.received.length).toBe(before);
    expect((await admin.post(`/subscriptions/${id}/resume`)).body).toMatchObject({ status: 'active', failures: 0 });
    await eventually(() => allArrived(TYPES));
  });

  it('keeps its state across a restart and carries on', async () => {
    await api.stop();
    api = await startApi({ dataDir, webhooks: POLICY });
    admin = api.as('admin');
    expect((await admin.get(`/subscriptions/${id}`)).body).toMatchObject({ status: 'active', lagEvents: 0 });
    await write(2);
    await eventually(() => allArrived(TYPES));
  });

  it('sends an event retried after its complainant was erased as erased, not as first read', async () => {
    // Patient enough that the subscription is still retrying when the erasure is done, however slow the machine.
    await api.stop();
    api = await startApi({ dataDir, webhooks: { ...POLICY, maxFailures: 1000 } });
    admin = api.as('admin');
    const status = async () => (await admin.get(`/subscriptions/${id}`)).body;
    hook.set('hang');
    const { body } = await api.as('intake').post('/complaints', { channel: 'web', complainant: { id: 'cust-hooked', name: 'Hu Lan' }, subject: 'A private matter', content: 'c' });
    // The first attempt, read before the erasure, got no answer.
    await eventually(async () => ((await status()).lastError?.eventId !== undefined && (await status()).failures >= 1 ? true : undefined));
    expect((await admin.post('/complainants/cust-hooked/erase', { reason: 'asked' })).status).toBe(200);
    hook.set('ok');
    await eventually(() => allArrived(TYPES));
    expect(hook.received.filter((r) => r.streamName === `complaint-${body.id as string}` && r.type === 'ComplaintReceived').map((r) => r.subject)).toEqual(['[erased]']);
    await api.stop();
    api = await startApi({ dataDir, webhooks: POLICY });
    admin = api.as('admin');
  });

  it('is for admins; refuses what it cannot deliver; deletes', async () => {
    expect((await api.as('integration').post('/subscriptions', { url, secret: SECRET })).status).toBe(403);
    expect((await admin.post('/subscriptions', { url: 'ftp://example.com/x', secret: SECRET })).body).toMatchObject({ statusCode: 422, code: 'INVALID_WEBHOOK_URL' });
    expect((await admin.post('/subscriptions', { url, secret: 'short' })).body).toMatchObject({ statusCode: 422, code: 'WEAK_SECRET' });
    expect((await admin.post('/subscriptions', { url, secret: SECRET, types: ['Nope'] })).body).toMatchObject({ statusCode: 422, code: 'UNKNOWN_EVENT_TYPE' });
    expect((await admin.post('/subscriptions', { url, secret: SECRET, from: 10_000_000 })).body).toMatchObject({ statusCode: 422, code: 'POSITION_AHEAD' });
    expect((await admin.post('/subscriptions', { secret: SECRET })).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await admin.get('/subscriptions')).body.items.map((s: { id: string }) => s.id)).toEqual([id]);
    expect((await admin.get('/subscriptions/not-a-uuid')).body).toMatchObject({ statusCode: 400, code: 'INVALID_SUBSCRIPTION_ID' });
    expect((await admin.post(`/subscriptions/${id}/resume`)).body).toMatchObject({ statusCode: 409, code: 'SUBSCRIPTION_NOT_PAUSED' });
    expect((await admin.post('/subscriptions', { url: 'https://user:pw@example.com/hook', secret: SECRET })).body).toMatchObject({ statusCode: 422, code: 'INVALID_WEBHOOK_URL' });
    expect((await admin.post('/subscriptions', { url, secret: ` ${SECRET} ` })).body).toMatchObject({ statusCode: 422, code: 'WEAK_SECRET' });
    const deleted = await fetch(`${api.url}/subscriptions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin.token}` } });
    expect(deleted.status).toBe(204);
    expect((await admin.get(`/subscriptions/${id}`)).body).toMatchObject({ statusCode: 404, code: 'SUBSCRIPTION_NOT_FOUND' });
    const count = hook.received.length;
    await write(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received.length).toBe(count);
  });
});

describe('webhooks over a log restored from an older copy', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-webhooks-restore-'));
  const hook = receiver();
  afterAll(async () => {
    await hook.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deliver the events appended after the restore, which take positions the cursor had passed', async () => {
    const url = await hook.listen();
    const intake = async (api: RunningApi) => (await api.as('intake').post('/complaints', { channel: 'web', complainant: { name: 'Qin' }, subject: 'Restored', content: 'c' })).body.id as string;
    let api = await startApi({ dataDir, webhooks: POLICY });
    await intake(api);
    await api.stop();
    // The copy an operator would restore: the log at one event (closed, so its WAL is in the file).
    const log = join(dataDir, 'events.db');
    copyFileSync(log, `${log}.backup`);
    api = await startApi({ dataDir, webhooks: POLICY });
    await api.as('admin').post('/subscriptions', { url, secret: SECRET, types: ['ComplaintReceived'], from: 0 });
    await intake(api);
    await intake(api);
    await eventually(() => hook.received.length === 3 || undefined);
    await api.stop();
    rmSync(`${log}-wal`, { force: true });
    rmSync(`${log}-shm`, { force: true });
    copyFileSync(`${log}.backup`, log);
    api = await startApi({ dataDir, webhooks: POLICY });
    try {
      const after = [await intake(api), await intake(api)];
      await eventually(() => after.every((id) => hook.received.some((r) => r.streamName === `complaint-${id}`)) || undefined);
      // At the positions of the two delivered before the restore, which the cursor had passed.
      expect(hook.received.slice(3).map((r) => r.position)).toEqual(hook.received.slice(1, 3).map((r) => r.position));
      expect(hook.received.every((r) => r.verified)).toBe(true);
      // The read models, ahead of the restored log as well, were rebuilt from it.
      const cases = await eventually(async () => {
        const { body } = await api.as('supervisor').get('/cases?limit=10');
        return body.items?.length === 3 ? body : undefined;
      });
      expect(cases.items.map((c: { id: string }) => c.id).sort()).toEqual(expect.arrayContaining(after));
    } finally {
      await api.stop();
    }
  });
});

describe('webhooks under WEBHOOK_ALLOWED_HOSTS', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-webhooks-allowed-'));
  const hook = receiver();
  afterAll(async () => {
    await hook.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a target elsewhere, and does not send to one subscribed before the setting left it out', async () => {
    const url = await hook.listen();
    let api = await startApi({ dataDir, webhooks: POLICY });
    const { body: made } = await api.as('admin').post('/subscriptions', { url, secret: SECRET, types: ['ComplaintReceived'] });
    await api.stop();
    api = await startApi({ dataDir, webhooks: POLICY, env: { WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com, *.partner.example' } });
    try {
      const admin = api.as('admin');
      const refused = await admin.post('/subscriptions', { url, secret: SECRET });
      expect(refused.body).toMatchObject({ statusCode: 422, code: 'WEBHOOK_TARGET_NOT_ALLOWED', message: '127.0.0.1 is not among the hosts WEBHOOK_ALLOWED_HOSTS allows (hooks.example.com, *.partner.example)' });
      for (const allowed of ['https://hooks.example.com/in', 'https://crm.partner.example/in']) {
        // Of a type no event here has, so nothing is sent to these names.
        const { status } = await admin.post('/subscriptions', { url: allowed, secret: SECRET, types: ['RectificationConfirmed'] });
        expect({ allowed, status }).toEqual({ allowed, status: 201 });
      }
      expect((await admin.post('/subscriptions', { url: 'https://partner.example/in', secret: SECRET })).body).toMatchObject({ code: 'WEBHOOK_TARGET_NOT_ALLOWED' });
      // The subscription made before: its next event fails without a request, and the reason says why.
      await api.as('intake').post('/complaints', { channel: 'web', complainant: { name: 'Qin' }, subject: 'Not sent', content: 'c' });
      const failing = await eventually(async () => {
        const { body } = await admin.get(`/subscriptions/${made.id}`);
        return body.lastError ? body : undefined;
      });
      expect(failing.lastError.message).toContain('WEBHOOK_ALLOWED_HOSTS');
      expect(hook.received).toEqual([]);
    } finally {
      await api.stop();
    }
  });
});
