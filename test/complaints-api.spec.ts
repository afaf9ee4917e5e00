import { join } from 'node:path';
import Database from 'better-sqlite3';
import { externalRefComplaintId, signToken } from '@redress/platform';
import { startApi, staffClient, TEST_JWT_SECRET, type RunningApi, type StaffClient } from './support/api';

const intakeBody = (overrides: Record<string, unknown> = {}) => ({
  channel: 'phone',
  complainant: { name: 'Li Wei', contact: '+86 138 0000 0000', customerType: 'individual' },
  subject: 'Parcel arrived damaged',
  content: 'The box was soaked and the vase inside broken.',
  product: 'express-delivery',
  region: 'east',
  ...overrides,
});

describe('complaints api', () => {
  let api: RunningApi;
  let intake: StaffClient;
  let handler: StaffClient;
  let supervisor: StaffClient;
  let auditor: StaffClient;

  beforeAll(async () => {
    api = await startApi();
    intake = api.as('intake', 'ines');
    handler = api.as('handler', 'hao');
    supervisor = api.as('supervisor', 'sun');
    auditor = api.as('auditor', 'ada');
  });
  afterAll(() => api.stop());

  const receive = async (overrides: Record<string, unknown> = {}) => {
    const reply = await intake.post('/complaints', intakeBody(overrides));
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };

  /** Walks a case to `investigating` with a root cause. */
  const investigated = async () => {
    const id = await receive();
    for (const [who, action, body] of [
      [handler, 'acknowledge', {}],
      [handler, 'classify', { category: 'logistics', severity: 'medium', urgency: 'normal', department: 'delivery' }],
      [supervisor, 'assign', { assignee: 'hao' }],
      [handler, 'root-cause', { category: 'packaging', description: 'Box not waterproof', substantiated: true, attributedTo: { department: 'delivery' } }],
    ] as const) {
      expect((await who.post(`/complaints/${id}/${action}`, body)).status).toBe(200);
    }
    return id;
  };

  const history = async (id: string) => (await auditor.get(`/complaints/${id}/history`)).body.events as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('takes a complaint from intake to close and reopen, recording who did what', async () => {
    const created = await intake.post('/complaints', intakeBody(), { 'x-correlation-id': 'call-centre-42' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/complaints/${created.body.id}`);
    expect(created.headers.get('x-correlation-id')).toBe('call-centre-42');
    expect(created.body).toEqual({ id: expect.any(String), revision: 0, position: expect.any(Number) });
    const id = created.body.id as string;

    const steps: Array<[StaffClient, string, unknown]> = [
      [intake, 'acknowledge', { message: 'Sorry — we are looking into it' }],
      [handler, 'classify', { category: 'logistics', severity: 'high', urgency: 'urgent', department: 'delivery' }],
      [supervisor, 'assign', { assignee: 'hao' }],
      [handler, 'investigation-notes', { note: 'Courier left it in the rain', evidence: ['photo-1.jpg'] }],
      [handler, 'root-cause', { category: 'packaging', description: 'Box not waterproof', substantiated: true, attributedTo: { staff: ['courier-7'], department: 'delivery' } }],
      [handler, 'resolution', { summary: 'Refund and apologise', remedies: [{ type: 'apology' }, { type: 'refund', amount: 320, currency: 'CNY' }] }],
      [handler, 'implement', { notifiedVia: 'phone' }],
      [intake, 'contacts', { channel: 'phone', direction: 'outbound', summary: 'Confirmed the refund' }],
      [intake, 'follow-up', { satisfaction: 4, method: 'phone', comment: 'Fine now' }],
      [handler, 'close', { outcome: 'resolved', summary: 'Refunded 320 CNY; packaging changed' }],
      [handler, 'reopen', { reason: 'Refund never arrived' }],
    ];
    let position = created.body.position as number;
    for (const [revision, [who, action, body]] of steps.entries()) {
      const reply = await who.post(`/complaints/${id}/${action}`, body);
      expect({ action, status: reply.status, body: reply.body }).toEqual({ action, status: 200, body: { id, revision: revision + 1, position: expect.any(Number) } });
      expect(reply.body.position).toBeGreaterThan(position);
      expect(reply.headers.get('etag')).toBe(`"${revision + 1}"`);
      position = reply.body.position;
    }

    const current = await auditor.get(`/complaints/${id}`);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({
      id,
      revision: 11,
      status: 'investigating',
      channel: 'phone',
      subject: 'Parcel arrived damaged',
      complainantId: expect.any(String),
      assignee: 'hao',
      reopenCount: 1,
      rootCause: { substantiated: true },
    });
    expect(current.body.resolution).toBeUndefined();

    const events = await history(id);
    expect(events.map((e) => e.type)).toEqual([
      'ComplaintReceived',
      'ComplaintAcknowledged',
      'ComplaintClassified',
      'ComplaintAssigned',
      'InvestigationNoteAdded',
      'RootCauseIdentified',
      'ResolutionProposed',
      'ResolutionImplemented',
      'ContactRecorded',
      'FollowUpRecorded',
      'ComplaintClosed',
      'ComplaintReopened',
    ]);
    expect(events.map((e) => e.metadata.actor)).toEqual([
      { user: 'ines', role: 'intake' },
      { user: 'ines', role: 'intake' },
      { user: 'hao', role: 'handler' },
      { user: 'sun', role: 'supervisor' },
      ...Array(3).fill({ user: 'hao', role: 'handler' }),
      { user: 'hao', role: 'handler' },
      { user: 'ines', role: 'intake' },
      { user: 'ines', role: 'intake' },
      { user: 'hao', role: 'handler' },
      { user: 'hao', role: 'handler' },
    ]);
    expect(events[0]).toMatchObject({
      revision: 0,
      position: created.body.position,
      data: { complaintId: id, channel: 'phone', complainant: { name: 'Li Wei', anonymous: false } },
      metadata: { correlationId: 'call-centre-42', causationId: expect.any(String), schemaVersion: 2, prevHash: '0'.repeat(64), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(events[1]!.metadata.prevHash).toBe(events[0]!.metadata.hash);
    expect(new Set(events.map((e) => e.metadata.causationId)).size).toBe(12);
    expect((await auditor.get(`/complaints/${id}/verify`)).body).toEqual({ id, ok: true, verifiedEvents: 12 });
  });

  it('needs a supervisor’s approval above the handler’s authority', async () => {
    const id = await investigated();
    expect((await handler.post(`/complaints/${id}/resolution`, { summary: 'Compensate', remedies: [{ type: 'compensation', amount: 800, currency: 'CNY' }] })).status).toBe(200);
    const refused = await handler.post(`/complaints/${id}/implement`, { notifiedVia: 'email' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ statusCode: 422, code: 'RESOLUTION_NEEDS_APPROVAL', message: expect.stringContaining('500') });
    expect((await handler.post(`/complaints/${id}/resolution/approve`, {})).body).toMatchObject({ code: 'ROLE_FORBIDDEN' });
    expect((await supervisor.post(`/complaints/${id}/resolution/approve`, { note: 'Goodwill' })).status).toBe(200);
    expect((await handler.post(`/complaints/${id}/implement`, { notifiedVia: 'email' })).status).toBe(200);
  });

  it('keeps casework to the case’s owner and approval to a second person', async () => {
    const id = await investigated();
    const other = api.as('handler', 'eve');
    const before = await history(id);
    const intruder = await other.post(`/complaints/${id}/investigation-notes`, { note: 'not my case' });
    expect(intruder.status).toBe(403);
    expect(intruder.body).toMatchObject({ code: 'NOT_CASE_OWNER', message: expect.stringContaining('hao') });
    expect(await history(id)).toEqual(before);
    expect((await supervisor.post(`/complaints/${id}/resolution`, { summary: 'Goodwill', remedies: [{ type: 'compensation', amount: 9000, currency: 'CNY' }] })).status).toBe(200);
    const own = await supervisor.post(`/complaints/${id}/resolution/approve`, {});
    expect(own.status).toBe(422);
    expect(own.body.code).toBe('SELF_APPROVAL');
    expect((await api.as('supervisor', 'sol').post(`/complaints/${id}/resolution/approve`, {})).status).toBe(200);
    const wrongDepartment = staffClient(api.url, signToken({ sub: 'd-1', role: 'department', department: 'finance' }, TEST_JWT_SECRET, new Date(), 600));
    expect((await wrongDepartment.post(`/complaints/${id}/investigation-notes`, { note: 'n' })).body).toMatchObject({ statusCode: 403, code: 'NOT_CASE_DEPARTMENT' });
    const rightDepartment = staffClient(api.url, signToken({ sub: 'd-2', role: 'department', department: 'delivery' }, TEST_JWT_SECRET, new Date(), 600));
    expect((await rightDepartment.post(`/complaints/${id}/investigation-notes`, { note: 'Courier contract reviewed' })).status).toBe(200);
  });

  it('rejects as a duplicate only of a case that exists', async () => {
    const original = await receive();
    const copy = await receive();
    const unknown = await supervisor.post(`/complaints/${copy}/reject`, { reason: 'duplicate', explanation: 'same parcel', duplicateOf: '0190a5f0-0000-7000-8000-0000000f00d0' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('DUPLICATE_OF_UNKNOWN');
    // Every other refusal comes first: the case itself missing, a stale If-Match, a reason that takes no duplicateOf.
    const nowhere = '0190a5f0-0000-7000-8000-0000000f00d1';
    const duplicate = { reason: 'duplicate', explanation: 'same parcel', duplicateOf: '0190a5f0-0000-7000-8000-0000000f00d0' };
    expect((await supervisor.post(`/complaints/${nowhere}/reject`, duplicate)).body).toMatchObject({ statusCode: 404, code: 'COMPLAINT_NOT_FOUND' });
    expect((await supervisor.post(`/complaints/${copy}/reject`, duplicate, { 'if-match': '7' })).body).toMatchObject({ statusCode: 409, code: 'REVISION_CONFLICT', currentRevision: 0 });
    expect((await supervisor.post(`/complaints/${copy}/reject`, { ...duplicate, reason: 'abusive' })).body).toMatchObject({ statusCode: 422, code: 'DUPLICATE_OF_WITHOUT_DUPLICATE' });
    expect((await supervisor.post(`/complaints/${copy}/reject`, { reason: 'duplicate', explanation: 'same parcel', duplicateOf: original })).status).toBe(200);
    expect((await auditor.get(`/complaints/${copy}`)).body).toMatchObject({ status: 'rejected', rejection: { reason: 'duplicate', duplicateOf: original } });
  });

  it('stores decoded values: text is trimmed, so the same assignee typed with spaces is the same', async () => {
    const id = await investigated();
    const reply = await supervisor.post(`/complaints/${id}/assign`, { assignee: '  hao ' });
    expect(reply.body).toMatchObject({ statusCode: 422, code: 'ASSIGNEE_UNCHANGED' });
    await handler.post(`/complaints/${id}/investigation-notes`, { note: '  padded note  ' });
    expect((await history(id)).at(-1)?.data).toEqual({ note: 'padded note' });
  });

  it('generates a correlation id, or replaces one that is not usable, and returns it', async () => {
    const generated = await auditor.get('/health');
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = await intake.post('/complaints', intakeBody(), { 'x-correlation-id': 'has spaces and <script>' });
    expect(replaced.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await history(replaced.body.id))[0]!.metadata.correlationId).toBe(replaced.headers.get('x-correlation-id'));
  });

  describe('intake idempotency', () => {
    it('returns the existing case for a repeated Idempotency-Key, per user', async () => {
      const first = await intake.post('/complaints', intakeBody(), { 'idempotency-key': 'form-77' });
      const again = await intake.post('/complaints', intakeBody(), { 'idempotency-key': 'form-77' });
      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await history(first.body.id)).toHaveLength(1);
      const reused = await intake.post('/complaints', intakeBody({ subject: 'a different complaint' }), { 'idempotency-key': 'form-77' });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const otherUser = await api.as('intake', 'someone-else').post('/complaints', intakeBody(), { 'idempotency-key': 'form-77' });
      expect(otherUser.status).toBe(201);
      expect(otherUser.body.id).not.toBe(first.body.id);
    });

    it('returns the existing case for a repeated externalRef', async () => {
      const first = await intake.post('/complaints', intakeBody({ externalRef: 'CRM-2026-0001' }));
      const again = await supervisor.post('/complaints', intakeBody({ externalRef: 'CRM-2026-0001' }));
      expect([first.status, again.status]).toEqual([201, 200]);
      expect(again.body.id).toBe(first.body.id);
      expect((await auditor.get(`/complaints/${first.body.id}`)).body.externalRef).toBe('CRM-2026-0001');
    });

    it('refuses a malformed Idempotency-Key with an externalRef too, storing nothing', async () => {
      for (const body of [intakeBody(), intakeBody({ externalRef: 'CRM-2026-0002' })]) {
        expect((await intake.post('/complaints', body, { 'idempotency-key': 'has spaces' })).body).toMatchObject({ statusCode: 400, code: 'INVALID_IDEMPOTENCY_KEY' });
      }
      expect((await auditor.get(`/complaints/${externalRefComplaintId('CRM-2026-0002')}`)).status).toBe(404);
    });
  });

  describe('errors, and nothing stored when a command fails', () => {
    it('400: names every bad field by path', async () => {
      const reply = await intake.post('/complaints', { channel: 'fax', complainant: { nmae: 'x' }, subject: ' ', actor: { user: 'forged' } });
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('VALIDATION_FAILED');
      expect(reply.body.details).toEqual(
        expect.arrayContaining([
          { path: 'actor', message: 'is not a known field' },
          { path: 'channel', message: 'must be one of phone, email, web, chat, social, in_store, app, letter, referral' },
          { path: 'complainant.nmae', message: 'is not a known field' },
          { path: 'subject', message: 'must not be empty' },
          { path: 'content', message: 'is required' },
        ]),
      );
      const id = await investigated();
      const before = await history(id);
      const bad = await handler.post(`/complaints/${id}/resolution`, { summary: 'x', remedies: [{ type: 'refund', amount: -5, currency: 'cny' }] });
      expect(bad.body.details).toEqual([
        { path: 'remedies.0.amount', message: 'must be an amount from 0 to 1000000000000 with at most two decimals' },
        { path: 'remedies.0.currency', message: 'must be an ISO 4217 code such as CNY or EUR' },
      ]);
      expect(await history(id)).toEqual(before);
    });

    it('400: a receivedAt outside the years 1970–9999 in UTC, which stored would not compare with other times as text', async () => {
      for (const receivedAt of ['9999-12-31T23:59:00-14:00', '0001-01-01T00:00:00Z']) {
        const reply = await intake.post('/complaints', intakeBody({ receivedAt, externalRef: `CRM-YEAR-${receivedAt}` }));
        expect(reply.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ path: 'receivedAt', message: expect.stringContaining('1970 to 9999') }] });
        expect((await auditor.get(`/complaints/${externalRefComplaintId(`CRM-YEAR-${receivedAt}`)}`)).status).toBe(404);
      }
    });

    it('400: a language that is not a BCP 47 tag', async () => {
      const reply = await intake.post('/complaints', intakeBody({ language: '=not a tag!', externalRef: 'CRM-LANGUAGE-1' }));
      expect(reply.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ path: 'language', message: expect.stringContaining('BCP 47') }] });
      expect((await auditor.get(`/complaints/${externalRefComplaintId('CRM-LANGUAGE-1')}`)).status).toBe(404);
      expect((await intake.post('/complaints', intakeBody({ language: 'zh-Hans-CN' }))).status).toBe(201);
    });

    it('401: no token, a forged token, an expired token, alg none', async () => {
      const anonymous = await fetch(`${api.url}/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(intakeBody()) });
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
      const forged = staffClient(api.url, signToken({ sub: 'x', role: 'supervisor' }, 'another-secret-another-secret-12345', new Date(), 60));
      expect((await forged.get('/complaints/00000000-0000-7000-8000-000000000000')).body).toMatchObject({ statusCode: 401, code: 'TOKEN_INVALID' });
      const expired = staffClient(api.url, signToken({ sub: 'x', role: 'supervisor' }, TEST_JWT_SECRET, new Date(Date.now() - 7200_000), 3600));
      expect((await expired.get('/complaints/00000000-0000-7000-8000-000000000000')).body).toMatchObject({ statusCode: 401, code: 'TOKEN_EXPIRED' });
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const none = staffClient(api.url, `${b64({ alg: 'none' })}.${b64({ sub: 'x', role: 'admin', iat: 1, exp: 9e9 })}.`);
      expect((await none.get('/complaints/00000000-0000-7000-8000-000000000000')).status).toBe(401);
      // The scheme is case-insensitive; anything but a bearer token is not one.
      const token = signToken({ sub: 'x', role: 'supervisor' }, TEST_JWT_SECRET, new Date(), 60);
      const lower = await fetch(`${api.url}/complaints/00000000-0000-7000-8000-000000000000`, { headers: { authorization: `bearer ${token}` } });
      expect(await lower.json()).toMatchObject({ statusCode: 404, code: 'COMPLAINT_NOT_FOUND' });
      const basic = await fetch(`${api.url}/complaints/00000000-0000-7000-8000-000000000000`, { headers: { authorization: `Basic ${token}` } });
      expect(await basic.json()).toMatchObject({ statusCode: 401, code: 'AUTHENTICATION_REQUIRED' });
    });

    it('403: a role that may not act, and nothing is stored', async () => {
      const id = await receive();
      const reply = await api.as('analyst').post(`/complaints/${id}/acknowledge`, {});
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: 'ROLE_FORBIDDEN', message: expect.stringContaining('analyst') });
      expect(await history(id)).toHaveLength(1);
    });

    it('404: an unknown case or action; 400: an id that is not a UUID', async () => {
      const unknown = '0190a5f0-0000-7000-8000-00000000dead';
      expect((await handler.post(`/complaints/${unknown}/acknowledge`, {})).body).toMatchObject({ statusCode: 404, code: 'COMPLAINT_NOT_FOUND' });
      expect((await auditor.get(`/complaints/${unknown}`)).body).toMatchObject({ statusCode: 404, code: 'COMPLAINT_NOT_FOUND' });
      expect((await auditor.get(`/complaints/${unknown}/history`)).status).toBe(404);
      expect((await auditor.get(`/complaints/${unknown}/verify`)).status).toBe(404);
      const id = await receive();
      expect((await handler.post(`/complaints/${id}/teleport`, {})).body).toMatchObject({ statusCode: 404, code: 'UNKNOWN_ACTION' });
      expect((await auditor.get('/complaints/not-a-uuid')).body).toMatchObject({ statusCode: 400, code: 'INVALID_COMPLAINT_ID' });
    });

    it('409: a stale If-Match, with the current revision; a fresh one is accepted', async () => {
      const id = await receive();
      await handler.post(`/complaints/${id}/acknowledge`, {});
      const stale = await handler.post(`/complaints/${id}/contacts`, { channel: 'email', direction: 'inbound', summary: 'Chased' }, { 'if-match': '0' });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'REVISION_CONFLICT', currentRevision: 1 });
      expect(await history(id)).toHaveLength(2);
      const fresh = await handler.post(`/complaints/${id}/contacts`, { channel: 'email', direction: 'inbound', summary: 'Chased' }, { 'if-match': '"1"' });
      expect(fresh.body.revision).toBe(2);
      // Only a revision, bare or as the strong ETag the api sends: a weak tag never matches (RFC 9110), and * is no revision.
      for (const header of ['yesterday', 'W/"2"', 'w/"2"', '"2', '*']) {
        const refused = await handler.post(`/complaints/${id}/contacts`, { channel: 'email', direction: 'inbound', summary: 'Chased' }, { 'if-match': header });
        expect({ header, status: refused.status, code: refused.body.code }).toEqual({ header, status: 400, code: 'INVALID_IF_MATCH' });
      }
      expect(await history(id)).toHaveLength(3);
      const nowhere = await handler.post('/complaints/0190a5f0-0000-7000-8000-00000000dead/contacts', { channel: 'email', direction: 'inbound', summary: 'x' }, { 'if-match': '0' });
      expect(nowhere.body).toMatchObject({ statusCode: 404, code: 'COMPLAINT_NOT_FOUND' });
    });

    it('422: a domain rule, with its code, and the stream unchanged', async () => {
      const id = await receive();
      await handler.post(`/complaints/${id}/acknowledge`, {});
      const before = await history(id);
      const cases: Array<[StaffClient, string, unknown, string]> = [
        [handler, 'acknowledge', {}, 'ALREADY_ACKNOWLEDGED'],
        [supervisor, 'assign', { assignee: 'hao' }, 'NOT_CLASSIFIED'],
        [handler, 'resolution', { summary: 's', remedies: [{ type: 'apology' }] }, 'ROOT_CAUSE_REQUIRED'],
        [handler, 'close', { outcome: 'resolved', summary: 's' }, 'NOT_IMPLEMENTED'],
        [supervisor, 'reject', { reason: 'duplicate', explanation: 'seen before' }, 'DUPLICATE_OF_REQUIRED'],
      ];
      for (const [who, action, body, code] of cases) {
        const reply = await who.post(`/complaints/${id}/${action}`, body);
        expect({ action, status: reply.status, code: reply.body.code }).toEqual({ action, status: 422, code });
      }
      expect(await history(id)).toEqual(before);
    });

    it('retries on concurrent change when no If-Match is given', async () => {
      const id = await receive();
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) => handler.post(`/complaints/${id}/contacts`, { channel: 'phone', direction: 'inbound', summary: `call ${i}` })),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(new Set(replies.map((r) => r.body.revision))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    });
  });

  describe("the auditor's view", () => {
    it('gives the state at any revision and as of any recording time', async () => {
      const id = await receive();
      await handler.post(`/complaints/${id}/acknowledge`, {});
      const events = await history(id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await handler.post(`/complaints/${id}/classify`, { category: 'billing', severity: 'low', urgency: 'normal', department: 'finance' });

      const atZero = await auditor.get(`/complaints/${id}/state?atRevision=0`);
      expect(atZero.body).toMatchObject({ id, revision: 0, status: 'received', acknowledged: false });
      const asOf = await auditor.get(`/complaints/${id}/state?asOf=${encodeURIComponent(events[1]!.recordedAt)}`);
      expect(asOf.body).toMatchObject({ id, revision: 1, status: 'acknowledged' });
      expect(asOf.body.classification).toBeUndefined();
      expect((await auditor.get(`/complaints/${id}/state?atRevision=2`)).body).toMatchObject({ revision: 2, status: 'classified' });
      expect((await auditor.get(`/complaints/${id}/state?atRevision=3`)).body).toMatchObject({ statusCode: 404, code: 'COMPLAINT_NOT_FOUND' });
      expect((await auditor.get(`/complaints/${id}/state?asOf=2000-01-01T00:00:00Z`)).body).toMatchObject({ statusCode: 404, code: 'COMPLAINT_NOT_FOUND' });
      expect((await auditor.get(`/complaints/${id}/state`)).body).toMatchObject({ statusCode: 400, code: 'STATE_POINT_REQUIRED' });
      expect((await auditor.get(`/complaints/${id}/state?asOf=yesterday`)).body).toMatchObject({ statusCode: 400, code: 'INVALID_AS_OF' });
      expect((await auditor.get(`/complaints/${id}/state?atRevision=-1`)).body).toMatchObject({ statusCode: 400, code: 'INVALID_AT_REVISION' });
    });

    it('reports a broken chain for a case altered behind the api', async () => {
      const id = await receive();
      await handler.post(`/complaints/${id}/acknowledge`, { message: 'original' });
      const db = new Database(join(api.config.dataDir, 'events.db'));
      db.prepare(`UPDATE events SET data = json_set(data, '$.message', 'rewritten') WHERE stream = ? AND revision = 1`).run(`complaint-${id}`);
      db.close();
      const reply = await auditor.get(`/complaints/${id}/verify`);
      expect(reply.body).toEqual({
        id,
        ok: false,
        verifiedEvents: 1,
        firstBreak: { streamName: `complaint-${id}`, revision: 1, position: expect.any(Number), reason: 'hash does not match the event content' },
      });
    });

    it("reports a case whose complainant's data key is gone without an erasure, and leaves the others alone", async () => {
      // Without a customer id, each intake names a complainant of its own.
      const id = await receive();
      const other = await receive();
      const db = new Database(join(api.config.dataDir, 'events.db'));
      const [sealed] = db.prepare(`SELECT json_extract(data, '$._sealed') AS envelope, json_extract(data, '$.complainantId') AS complainant FROM events WHERE stream = ?`).all(`complaint-${id}`) as Array<{ envelope: string; complainant: string }>;
      const keyId = sealed?.envelope.split(':')[2];
      db.prepare('DELETE FROM data_keys WHERE id = ?').run(keyId);
      db.close();
      expect((await auditor.get(`/complaints/${id}/verify`)).body).toEqual({
        id,
        ok: false,
        verifiedEvents: 1,
        firstUnreadable: { streamName: `complaint-${id}`, revision: 0, position: expect.any(Number), reason: `its data key ${keyId} is gone, and no erasure of ${sealed?.complainant} is recorded` },
      });
      expect((await auditor.get(`/complaints/${other}/verify`)).body).toMatchObject({ ok: true });
    });
  });

  it('publishes an OpenAPI document generated from the codecs', async () => {
    const docs = await fetch(`${api.url}/docs`);
    expect(docs.status).toBe(200);
    const document = (await docs.json()) as { paths: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/complaints', '/complaints/{id}/resolution/approve', '/complaints/{id}/follow-up', '/complaints/{id}/state']));
    expect(document.paths['/complaints/{id}/follow-up'].post.requestBody.content['application/json'].schema.properties.satisfaction).toEqual({ type: 'integer', minimum: 1, maximum: 5 });
  });
});
