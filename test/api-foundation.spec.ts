import { SqliteEventStore } from '@redress/event-store';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startApi, type RunningApi } from './support/api';

describe('api foundation', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('GET /health reports the stores and the log position', async () => {
    const response = await fetch(`${api.url}/health`);
    expect(response.status).toBe(200);
    // The first events of every log: the default SLA and weighting policies, version 1 of each.
    expect(await response.json()).toEqual({ status: 'ok', store: 'sqlite', readModels: 'sqlite', position: 2 });
  });

  it('reports the position of the last event once the log has grown', async () => {
    const writer = new SqliteEventStore({ file: join(api.config.dataDir, 'events.db') });
    const { position } = await writer.appendToStream('health-probe', [{ id: randomUUID(), type: 'Probed', data: {}, metadata: {} }]);
    await writer.close();
    const body = (await (await fetch(`${api.url}/health`)).json()) as { position: number };
    expect(body.position).toBe(position);
  });

  it('answers an unknown route with 404 and a stable code', async () => {
    const response = await fetch(`${api.url}/no-such-route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const response = await fetch(`${api.url}/health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, code: 'INVALID_JSON' });
  });
});

describe('api request bodies', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.stop();
  });

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${api.url}/health`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it.each([
    ['an empty body', ''],
    ['a prototype key', '{"__proto__": {"admin": true}}'],
    ['a constructor key', '{"a": {"constructor": {"prototype": {}}}}'],
    ['a prototype key spelled with escapes', '{"a": {"\\u005f_proto__": {"admin": true}}}'],
  ])('rejects %s with 400 INVALID_JSON', async (_, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, code: 'INVALID_JSON' });
  });

  it('rejects a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await post(JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 1) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
