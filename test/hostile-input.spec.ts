import * as fc from 'fast-check';
import { ROLES } from '@redress/contracts';
import { SqliteEventStore, verifyLog, type RecordedEvent } from '@redress/event-store';
import { signToken } from '@redress/platform';
import { join } from 'node:path';
import { FakeClock } from './support/clock';
import { TEST_JWT_SECRET, startApi, type RunningApi } from './support/api';
import { captureLogs } from './support/logs';

const COMPLAINT = { channel: 'web', complainant: { name: 'Wang Fang', contact: '+86 138 0000 0000' }, subject: 'Charged twice', content: 'My card was charged twice for one order.' };

/** Every event in the log, read past the api through a second connection. */
const allEvents = async (api: RunningApi): Promise<RecordedEvent[]> => {
  const store = new SqliteEventStore({ file: join(api.config.dataDir, 'events.db') });
  try {
    return await store.readAll({ maxCount: 100_000 });
  } finally {
    await store.close();
  }
};

describe('hostile input', () => {
  describe('fuzzing every endpoint', () => {
    let api: RunningApi;
    let complaintId: string;
    let rectificationId: string;
    beforeAll(async () => {
      api = await startApi({ env: { INTAKE_RATE_LIMIT: '0' } });
      complaintId = (await api.as('intake').post('/complaints', COMPLAINT)).body.id;
      await api.as('supervisor').post(`/complaints/${complaintId}/classify`, { category: 'billing', severity: 'high', urgency: 'urgent', department: 'finance' });
      const dispatched = await api.as('analysis').post('/rectifications', {
        problem: 'Double charges',
        sourceComplaintIds: [complaintId],
        department: 'finance',
        suggestion: 'Check the payment retry logic',
        deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      });
      rectificationId = dispatched.body.id;
    });
    afterAll(() => api.stop());

    it('never answers 500, never alters a stored event, and leaves every chain whole', async () => {
      const docs = (await (await fetch(`${api.url}/docs`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(docs.paths).flatMap(([template, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), template })));
      expect(routes.length).toBeGreaterThan(30);
      const before = await allEvents(api);

      const ascii = (maxLength: number) => fc.string({ unit: 'grapheme-ascii', maxLength });
      const id = fc.oneof(
        fc.constantFrom(complaintId, rectificationId, '..', '%00', "' OR 1=1 --", 'a'.repeat(250), '0190a5f0-0000-7000-8000-0000000000aa'),
        fc.uuid(),
        ascii(60),
      );
      const deep = fc.integer({ min: 30, max: 5000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
      const body = fc.oneof(
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc.dictionary(fc.constantFrom('channel', 'complainant', 'subject', 'content', 'category', 'note', '__proto__', 'constructor', 'deadline', 'satisfaction'), fc.jsonValue()).map((value) => JSON.stringify(value)),
        ascii(200),
        deep,
        fc.constant(undefined),
      );
      const forged = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"x","role":"admin","iat":0,"exp":9999999999}').toString('base64url')}.`;
      // Mostly valid tokens, so most requests get past authentication to the parsers and the deciders.
      const authorization = fc.oneof(
        { arbitrary: fc.constantFrom(...ROLES).map((role) => `Bearer ${api.as(role).token}`), weight: 4 },
        fc.constantFrom('', 'Bearer', 'Bearer x.y.z', `Bearer ${forged}`, `Bearer ${signToken({ sub: 'x', role: 'admin' }, 'another-secret-another-secret-another-1', new Date(), 60)}`),
        ascii(80),
      );
      const request = fc.record({
        route: fc.constantFrom(...routes),
        id,
        query: fc.array(fc.tuple(ascii(12), ascii(40)), { maxLength: 3 }),
        authorization,
        contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined),
        body,
        ifMatch: fc.option(ascii(20), { nil: undefined }),
        idempotencyKey: fc.option(ascii(120), { nil: undefined }),
        correlationId: fc.option(ascii(120), { nil: undefined }),
      });

      const answers = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const path = r.route.template.replace(/\{[^}]+\}/g, () => encodeURIComponent(r.id));
          const query = r.query.length === 0 ? '' : `?${new URLSearchParams(r.query).toString()}`;
          const headers: Record<string, string> = { authorization: r.authorization };
          if (r.contentType) headers['content-type'] = r.contentType;
          if (r.ifMatch !== undefined) headers['if-match'] = r.ifMatch;
          if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
          if (r.correlationId !== undefined) headers['x-correlation-id'] = r.correlationId;
          const withBody = r.route.method !== 'GET' && r.body !== undefined;
          const response = await fetch(`${api.url}${path}${query}`, {
            method: r.route.method,
            headers,
            ...(withBody ? { body: r.body } : {}),
            // The event feed streams forever: its answer's head is all this needs.
            signal: AbortSignal.timeout(5000),
          });
          const text = await (path.startsWith('/events') && response.status === 200 ? Promise.resolve('') : response.text());
          answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
          if (response.status >= 500) throw new Error(`${r.route.method} ${path}${query} → ${response.status} ${text}`);
          if (response.status >= 400) expect(JSON.parse(text)).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) }));
        }),
        { numRuns: 600 },
      );

      const after = await allEvents(api);
      expect(after.slice(0, before.length)).toEqual(before);
      const store = new SqliteEventStore({ file: join(api.config.dataDir, 'events.db') });
      const report = await verifyLog(store);
      const continuity = store.checkContinuity();
      await store.close();
      expect(report.firstBreak).toBeUndefined();
      expect(continuity).toBeUndefined();
      // Most answers are refusals, of every kind; some random requests were valid, which is allowed.
      expect([...answers.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 403, 404]));
    });
  });

  describe('limits', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApi();
    });
    afterAll(() => api.stop());

    it('refuses bodies nested too deep, too large, with unknown fields or overlong strings, and stores nothing', async () => {
      const intake = api.as('intake');
      const deep = await fetch(`${api.url}/complaints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${intake.token}`, 'content-type': 'application/json' },
        body: `{"channel":${'['.repeat(40)}${']'.repeat(40)}}`,
      });
      expect(deep.status).toBe(400);
      expect(await deep.json()).toMatchObject({ code: 'JSON_TOO_DEEP' });
      // 32 levels are fine (the body is then refused for its content), 33 are not.
      const nested = (depth: number) => ({ ...COMPLAINT, product: JSON.parse(`${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}`) as unknown });
      expect((await intake.post('/complaints', nested(32))).body.code).toBe('VALIDATION_FAILED');
      expect((await intake.post('/complaints', nested(33))).body.code).toBe('JSON_TOO_DEEP');
      const large = await intake.post('/complaints', { ...COMPLAINT, content: 'x'.repeat(1024 * 1024) });
      expect(large.status).toBe(413);
      expect(large.body.code).toBe('PAYLOAD_TOO_LARGE');
      const unknown = await intake.post('/complaints', { ...COMPLAINT, isAdmin: true });
      expect(unknown.status).toBe(400);
      expect(JSON.stringify(unknown.body)).toContain('isAdmin');
      const overlong = await intake.post('/complaints', { ...COMPLAINT, subject: 's'.repeat(301) });
      expect(overlong.status).toBe(400);
      expect((await allEvents(api)).filter((e) => e.streamName.startsWith('complaint-'))).toEqual([]);
    });
  });

  describe('intake rate limit', () => {
    it('answers 429 RATE_LIMITED with Retry-After past the burst, per user, stores nothing refused, and lets the next through when due', async () => {
      const clock = new FakeClock(Date.parse('2026-11-26T08:00:00Z'));
      const api = await startApi({ clock, env: { INTAKE_RATE_LIMIT: '2' } });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i += 1) statuses.push((await api.as('intake').post('/complaints', COMPLAINT)).status);
        expect(statuses).toEqual([201, 201, 201, 201, 429]);
        const refused = await api.as('intake').post('/complaints', COMPLAINT);
        expect(refused.status).toBe(429);
        expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
        expect(refused.headers.get('retry-after')).toBe('1');
        expect((await api.as('intake', 'intake-2').post('/complaints', COMPLAINT)).status).toBe(201);
        expect((await allEvents(api)).filter((e) => e.type === 'ComplaintReceived')).toHaveLength(5);
        clock.set('2026-11-26T08:00:01Z');
        expect((await api.as('intake').post('/complaints', COMPLAINT)).status).toBe(201);
      } finally {
        await api.stop();
      }
    });
  });

  describe('logs', () => {
    it('never contain the signing secret or a token\'s signature, for good, forged and refused requests', async () => {
      const logs = captureLogs();
      const api = await startApi({ env: { LOG_LEVEL: 'trace' }, logs: logs.stream });
      try {
        const good = api.as('supervisor');
        const stranger = signToken({ sub: 'x', role: 'admin' }, 'another-secret-another-secret-another-1', new Date(), 60);
        await good.get('/cases');
        await good.post('/complaints', { broken: true });
        await fetch(`${api.url}/cases`, { headers: { authorization: `Bearer ${stranger}` } });
        const logged = logs.text();
        expect(logged).toContain('/cases');
        for (const secret of [TEST_JWT_SECRET, good.token.split('.')[2] as string, stranger.split('.')[2] as string]) expect(logged).not.toContain(secret);
      } finally {
        await api.stop();
      }
    });
  });
});
