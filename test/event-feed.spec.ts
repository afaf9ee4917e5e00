import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, uuidv7 } from '@redress/event-store';
import { startApi, type RunningApi, type StaffClient } from './support/api';

/** A streaming response read frame by frame: SSE frames end with a blank line, NDJSON ones with a newline. */
const openStream = async (url: string, token: string, accept: string, headers: Record<string, string> = {}) => {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept, ...headers }, signal: abort.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const separator = accept === 'text/event-stream' ? '\n\n' : '\n';
  let buffer = '';
  const frames: string[] = [];
  /** Reads until `count` frames have come (heartbeats included), or fails after `ms`. */
  const until = async (done: (frames: string[]) => boolean, ms = 10_000): Promise<string[]> => {
    const deadline = Date.now() + ms;
    while (!done(frames)) {
      if (Date.now() > deadline) throw new Error(`stream: timed out with ${frames.length} frames`);
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      for (let at = buffer.indexOf(separator); at >= 0; at = buffer.indexOf(separator)) {
        frames.push(buffer.slice(0, at));
        buffer = buffer.slice(at + separator.length);
      }
    }
    return frames;
  };
  return { response, frames, until, close: () => abort.abort() };
};

/** The events among SSE frames (heartbeats are comments, with at most an id). */
const sseEvents = (frames: string[]) =>
  frames.filter((frame) => frame.startsWith('id: ')).map((frame) => {
    const [id, data] = frame.split('\n');
    const event = JSON.parse(data?.slice(6) ?? 'null');
    return { id: Number(id?.slice(4)), type: event.type as string, event };
  });

describe('the event feed', () => {
  let api: RunningApi;
  let feed: StaffClient;
  let intake: StaffClient;
  const receive = async (subject: string) => (await intake.post('/complaints', { channel: 'web', complainant: { name: 'Zhao' }, subject, content: 'c' })).body as { id: string; position: number };

  beforeAll(async () => {
    // One intake user sends hundreds of complaints a second here (a load test of the feed): no intake rate limit.
    api = await startApi({ env: { INTAKE_RATE_LIMIT: '0' } });
    feed = api.as('integration', 'billing-sync');
    intake = api.as('intake');
    // A ComplaintReceived written before version 2, as an old log holds it.
    const store = new SqliteEventStore({ file: join(api.config.dataDir, 'events.db') });
    const id = uuidv7();
    await store.appendToStream(`complaint-${id}`, [
      {
        id: uuidv7(),
        type: 'ComplaintReceived',
        data: { complaintId: id, complainantId: 'c-1', channel: 'letter', complainant: { anonymous: true }, subject: 'Old', content: 'From 2025', receivedAt: '2025-03-01T00:00:00.000Z' },
        metadata: { actor: { user: 'ines', role: 'intake' }, occurredAt: '2025-03-01T00:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1 },
      },
    ]);
    await store.close();
    for (let i = 0; i < 5; i += 1) await receive(`Complaint ${i}`);
  });
  afterAll(() => api.stop());

  it('pages through the log in order, each event once, with where the next page starts', async () => {
    const seen: number[] = [];
    let from = 0;
    for (;;) {
      const page = await feed.get(`/events?from=${from}&limit=3`);
      expect(page.status).toBe(200);
      if (page.body.events.length === 0) break;
      seen.push(...page.body.events.map((e: { position: number }) => e.position));
      from = page.body.nextPosition;
    }
    const head = (await feed.get('/events?limit=1')).body.headPosition;
    expect(seen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const received = await feed.get('/events?types=ComplaintReceived&streamPrefix=complaint-&limit=100');
    expect(received.body.events.map((e: { type: string }) => e.type)).toEqual(Array(6).fill('ComplaintReceived'));
    expect((await feed.get('/events?streamPrefix=policy-')).body.events.map((e: { streamName: string }) => e.streamName)).toEqual(['policy-sla', 'policy-weighting']);
  });

  it('serves old events upcast to the current version, or as stored with raw=true', async () => {
    const [old] = (await feed.get('/events?types=ComplaintReceived&limit=1')).body.events;
    expect(old.data).toMatchObject({ subject: 'Old', language: 'und' });
    expect(old.metadata).toMatchObject({ schemaVersion: 2, storedSchemaVersion: 1 });
    const [raw] = (await feed.get('/events?types=ComplaintReceived&limit=1&raw=true')).body.events;
    expect(raw.data).not.toHaveProperty('language');
    expect(raw.metadata.schemaVersion).toBe(1);
    expect(raw.metadata).not.toHaveProperty('storedSchemaVersion');
    const [current] = (await feed.get(`/events?types=ComplaintReceived&limit=1&from=${old.position}`)).body.events;
    expect(current.data.language).toBe('und');
    expect(current.metadata).not.toHaveProperty('storedSchemaVersion');
  });

  it('streams SSE: catch-up, then live, ids are positions, and Last-Event-ID resumes after the last one seen', async () => {
    const head = (await feed.get('/events?limit=1')).body.headPosition as number;
    const stream = await openStream(`${api.url}/events?types=ComplaintReceived`, feed.token, 'text/event-stream');
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await stream.until((frames) => sseEvents(frames).length === 6);
    const live = await receive('Live one');
    const events = sseEvents(await stream.until((frames) => sseEvents(frames).length === 7));
    stream.close();
    expect(events.map((e) => e.type)).toEqual(Array(7).fill('ComplaintReceived'));
    expect(events.map((e) => e.id)).toEqual(events.map((e) => e.event.position));
    expect(events.at(-1)?.event.position).toBe(live.position);
    expect(events.at(-1)?.id).toBeGreaterThan(head);
    // Reconnect as EventSource does: only what came after the last id seen.
    const resumed = await openStream(`${api.url}/events?types=ComplaintReceived`, feed.token, 'text/event-stream', { 'last-event-id': String(events[4]?.id) });
    expect(sseEvents(await resumed.until((frames) => sseEvents(frames).length === 2)).map((e) => e.id)).toEqual([events[5]?.id, events[6]?.id]);
    resumed.close();
  });

  it('streams only when the client prefers a stream to JSON, by the weights in Accept', async () => {
    const typeFor = async (accept: string) => {
      const controller = new AbortController();
      const response = await fetch(`${api.url}/events?limit=1`, { headers: { authorization: `Bearer ${feed.token}`, accept }, signal: controller.signal });
      controller.abort();
      return response.headers.get('content-type');
    };
    expect(await typeFor('text/event-stream;q=0.9, application/x-ndjson')).toBe('application/x-ndjson; charset=utf-8');
    expect(await typeFor('application/json;q=0.5, text/event-stream')).toBe('text/event-stream; charset=utf-8');
    // Before, naming a stream at all was enough.
    for (const accept of ['application/json, text/event-stream;q=0.1', 'application/x-ndjson;q=0', '*/*']) expect({ accept, type: await typeFor(accept) }).toEqual({ accept, type: 'application/json; charset=utf-8' });
  });

  it('streams NDJSON with heartbeats while idle', async () => {
    const stream = await openStream(`${api.url}/events?heartbeatSeconds=1&from=${(await feed.get('/events?limit=1')).body.headPosition}`, feed.token, 'application/x-ndjson');
    expect(stream.response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    await stream.until((frames) => frames.includes(''), 5000);
    const created = await receive('After the heartbeat');
    const frames = await stream.until((all) => all.some((frame) => frame !== ''));
    stream.close();
    expect(frames.filter((frame) => frame !== '').map((frame) => JSON.parse(frame).position)).toEqual([created.position]);
  });

  it('a consumer that stops reading holds back neither writers nor other consumers', async () => {
    const from = (await feed.get('/events?limit=1')).body.headPosition as number;
    const stalled = await openStream(`${api.url}/events?from=0`, feed.token, 'application/x-ndjson');
    const reading = await openStream(`${api.url}/events?from=${from}&types=ComplaintReceived`, feed.token, 'application/x-ndjson');
    // Enough events to fill the stalled consumer's socket buffers many times over.
    const started = Date.now();
    const created = [];
    for (let i = 0; i < 300; i += 1) created.push((await receive(`Load ${i} ${'x'.repeat(200)}`)).position);
    // Writers go at their usual pace (300 receives take about a second and a half here).
    expect(Date.now() - started).toBeLessThan(30_000);
    const frames = await reading.until((all) => all.filter((f) => f !== '').length === 300, 20_000);
    expect(frames.filter((f) => f !== '').map((f) => JSON.parse(f).position)).toEqual(created);
    stalled.close();
    reading.close();
  });

  it('sends a stalled consumer an event erased while it waited for the socket as erased, not as first read', async () => {
    const from = (await feed.get('/events?limit=1')).body.headPosition as number;
    const stalled = await openStream(`${api.url}/events?from=${from}&types=ComplaintReceived`, feed.token, 'application/x-ndjson');
    // Stalled: more than its socket buffers hold (~10 MB), so what comes next waits in the api's queue for it.
    for (let i = 0; i < 500; i += 1) {
      const filler = await intake.post('/complaints', { channel: 'web', complainant: { name: 'Zhao' }, subject: `Filler ${i}`, content: 'x'.repeat(20_000) });
      expect(filler.status).toBe(201);
    }
    const target = (await intake.post('/complaints', { channel: 'web', complainant: { id: 'cust-streamed', name: 'Wen Li' }, subject: 'Queued and private', content: 'c' })).body as { id: string };
    expect((await api.as('admin').post('/complainants/cust-streamed/erase', { reason: 'asked' })).status).toBe(200);
    const frames = await stalled.until((all) => all.some((f) => f.includes(target.id)), 30_000);
    const received = frames.filter((f) => f.includes(target.id)).map((f) => JSON.parse(f) as { data: { subject: string } });
    expect(received.map((event) => event.data.subject)).toEqual(['[erased]']);
    stalled.close();
  });

  it('is for consumers only, and refuses what it cannot mean', async () => {
    expect((await api.as('handler').get('/events')).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
    expect((await feed.get('/events?from=-1')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await feed.get('/events?types=NoSuchEvent')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await feed.get('/events?limit=0')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await feed.get('/events?after=3')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await feed.get('/events?from=5&from=6')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await feed.get('/events?from=999999999')).body).toMatchObject({ statusCode: 422, code: 'POSITION_AHEAD' });
    expect((await feed.get('/complaints/00000000-0000-7000-8000-000000000000')).status).toBe(403);
  });

  it('tells staff what changed, live, without the data they may not read from the log', async () => {
    const handler = api.as('handler', 'hao');
    const page = await handler.get('/events/changes?limit=2');
    expect(page.status).toBe(200);
    expect(page.body.events[0]).toEqual({ id: expect.any(String), streamName: 'policy-sla', revision: 0, position: 1, type: 'SlaPolicyDefined', recordedAt: expect.any(String) });
    const stream = await openStream(`${api.url}/events/changes?from=${page.body.headPosition}`, handler.token, 'text/event-stream');
    const created = await receive('Watched by the console');
    const [change] = sseEvents(await stream.until((frames) => sseEvents(frames).length === 1));
    stream.close();
    expect(change).toMatchObject({ id: created.position, type: 'ComplaintReceived', event: { streamName: `complaint-${created.id}` } });
    expect(Object.keys(change?.event ?? {})).not.toContain('data');
    expect((await handler.get('/events/changes?raw=true')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await api.as('integration').get('/events/changes')).status).toBe(403);
  });

  it('publishes the catalogue to anyone', async () => {
    const response = await fetch(`${api.url}/events/catalogue`);
    expect(response.status).toBe(200);
    const { types } = (await response.json()) as { types: Array<{ type: string; version: number }> };
    expect(types.find((t) => t.type === 'ComplaintReceived')).toMatchObject({ version: 2, olderVersions: [1], stream: 'complaint-<complaintId>' });
  });

  it('stops cleanly with streams open', async () => {
    const open = await openStream(`${api.url}/events`, feed.token, 'text/event-stream');
    await open.until((frames) => frames.length > 0);
    const other = await startApi();
    const stream = await openStream(`${other.url}/events`, other.as('integration').token, 'text/event-stream');
    await stream.until((frames) => frames.length > 0);
    await other.stop();
    open.close();
  });
});

describe('a consumer of the feed across restarts', () => {
  it('picks up after its own disconnect and the server’s restart with Last-Event-ID: every event once, in order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redress-feed-restart-'));
    let api = await startApi({ dataDir });
    const write = async (n: number) => {
      for (let i = 0; i < n; i += 1) await api.as('intake').post('/complaints', { channel: 'web', complainant: { name: 'Wu' }, subject: `Restart ${i}`, content: 'c' });
    };
    const seen: number[] = [];
    let lastId: string | undefined;
    /** Reads from where it left off until it has `count` events. */
    const consume = async (count: number) => {
      const stream = await openStream(`${api.url}/events`, api.as('integration').token, 'text/event-stream', lastId ? { 'last-event-id': lastId } : {});
      const events = sseEvents(await stream.until((frames) => sseEvents(frames).length >= count));
      stream.close();
      seen.push(...events.map((e) => e.id));
      lastId = String(events.at(-1)?.id);
    };
    try {
      await write(3);
      await consume(5); // the two default policies and three complaints
      await write(2);
      await consume(2);
      await api.stop();
      api = await startApi({ dataDir });
      await write(2);
      await consume(2);
      const head = (await api.as('integration').get('/events?limit=1')).body.headPosition as number;
      expect(seen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    } finally {
      await api.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
