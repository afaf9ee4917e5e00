import { startApi, type RunningApi } from './support/api';
import { closedPort } from './support/ports';

/**
 * Issue 10, "read-model store down": the api as compose runs it (projections
 * in projector processes) with MongoDB out of reach from the start. It starts,
 * takes commands and serves cases folded from the log; read-model queries
 * answer 503 READ_MODEL_UNAVAILABLE with Retry-After. (That projections catch
 * up when the store is back is the engine's test with a locked SQLite store:
 * libs/projections/src/engine/engine.spec.ts.)
 */
describe('read-model store down', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ env: { PROJECTOR: 'separate', READ_MODEL_STORE: 'mongodb', MONGODB_URI: `mongodb://127.0.0.1:${await closedPort()}/redress?serverSelectionTimeoutMS=200` } });
  });
  afterAll(() => api.stop());

  it('takes commands and serves cases from the log, and answers read-model queries with 503', async () => {
    const created = await api.as('intake').post('/complaints', { channel: 'web', complainant: { name: 'Wu', contact: 'wu@example.com' }, subject: 'Down', content: 'The read models are down' });
    expect(created.status).toBe(201);
    expect((await api.as('handler').post(`/complaints/${created.body.id}/acknowledge`, { message: 'Received' })).status).toBe(200);
    expect((await api.as('handler').get(`/complaints/${created.body.id}`)).body).toMatchObject({ status: 'acknowledged', subject: 'Down', complainant: { name: 'Wu' } });
    expect((await api.as('handler').get(`/complaints/${created.body.id}/history`)).body.events).toHaveLength(2);

    for (const path of ['/cases', `/cases/${created.body.id}`, '/rectifications', '/analytics/complaints?groupBy=category', '/projections']) {
      const answer = await api.as('analyst').get(path);
      expect({ path, status: answer.status, code: answer.body.code, retryAfter: answer.headers.get('retry-after') }).toEqual({ path, status: 503, code: 'READ_MODEL_UNAVAILABLE', retryAfter: '5' });
    }
  });
});
