import { signToken } from '@redress/platform';
import { startApi, staffClient, TEST_JWT_SECRET, type RunningApi, type StaffClient } from './support/api';

const department = (api: RunningApi, user: string, dept: string): StaffClient =>
  staffClient(api.url, signToken({ sub: user, role: 'department', department: dept }, TEST_JWT_SECRET, new Date(), 3600));

describe('rectifications api (投诉整改五步法)', () => {
  let api: RunningApi;
  let analysis: StaffClient;
  let delivery: StaffClient;
  let auditor: StaffClient;
  let complaints: string[];

  beforeAll(async () => {
    api = await startApi();
    analysis = api.as('analysis', 'ana');
    delivery = department(api, 'dan', 'delivery');
    auditor = api.as('auditor');
    const intake = api.as('intake');
    complaints = [];
    for (const subject of ['Soaked parcel', 'Wet box again']) {
      const reply = await intake.post('/complaints', { channel: 'app', complainant: { name: 'C' }, subject, content: 'Left in the rain' });
      complaints.push(reply.body.id);
    }
  });
  afterAll(() => api.stop());

  const dispatchBody = () => ({
    problem: 'Parcels left in the rain',
    sourceComplaintIds: complaints,
    department: 'delivery',
    suggestion: 'Waterproof bags and a doorstep photo',
    deadline: new Date(Date.now() + 14 * 86_400_000).toISOString(),
  });

  it('walks an item through all five steps and the return loop', async () => {
    const dispatched = await analysis.post('/rectifications', dispatchBody(), { 'x-correlation-id': 'monthly-analysis-11' });
    expect(dispatched.status).toBe(201);
    const id = dispatched.body.id as string;
    expect(dispatched.headers.get('location')).toBe(`/rectifications/${id}`);

    const steps: Array<[StaffClient, string, unknown, string, number]> = [
      [delivery, 'accept', { measures: 'Bags for every courier', responsiblePerson: 'Zhang Wei', plannedCompletion: '2026-12-10T00:00:00Z' }, 'accepted', 2],
      [delivery, 'feedback', { resolved: true, result: 'Bags issued' }, 'feedback_submitted', 3],
      [analysis, 'review', { decision: 'returned', opinion: 'Show the doorstep photos too' }, 'returned', 4],
      [delivery, 'feedback', { resolved: true, result: 'Bags issued; photos required in the app since 12-05' }, 'feedback_submitted', 3],
      [analysis, 'review', { decision: 'approved', opinion: 'Good' }, 'approved', 4],
      [analysis, 'confirm', { effective: true, note: 'No rain complaints in December' }, 'confirmed', 5],
    ];
    for (const [revision, [who, action, body, status, step]] of steps.entries()) {
      const reply = await who.post(`/rectifications/${id}/${action}`, body);
      expect({ action, status: reply.status, revision: reply.body.revision }).toEqual({ action, status: 200, revision: revision + 1 });
      expect((await auditor.get(`/rectifications/${id}`)).body).toMatchObject({ status, step });
    }
    const item = (await auditor.get(`/rectifications/${id}`)).body;
    expect(item).toMatchObject({ id, revision: 6, status: 'confirmed', step: 5, overdue: false, returns: 1, department: 'delivery', sourceComplaintIds: complaints, confirmation: { effective: true } });
    const events = (await auditor.get(`/rectifications/${id}/history`)).body.events as Array<{ type: string; metadata: { actor: unknown; correlationId: string } }>;
    expect(events.map((e) => e.type)).toEqual([
      'RectificationDispatched',
      'RectificationAccepted',
      'RectificationFeedbackSubmitted',
      'RectificationReviewed',
      'RectificationFeedbackSubmitted',
      'RectificationReviewed',
      'RectificationConfirmed',
    ]);
    expect(events[0]!.metadata).toMatchObject({ actor: { user: 'ana', role: 'analysis' }, correlationId: 'monthly-analysis-11' });
    expect(events[1]!.metadata.actor).toEqual({ user: 'dan', role: 'department' });

    for (const complaintId of complaints) {
      const history = (await auditor.get(`/complaints/${complaintId}/history`)).body.events as Array<{ type: string; data: unknown; metadata: { causationId: string } }>;
      const linked = history.at(-1)!;
      expect(linked).toMatchObject({ type: 'RectificationLinked', data: { rectificationId: id, problem: 'Parcels left in the rain' } });
      expect((await auditor.get(`/complaints/${complaintId}`)).body.rectifications).toContain(id);
    }
  });

  it('answers a dispatch, and its repeat, with a position past every link it wrote: read-your-writes shows each case linked', async () => {
    const body = dispatchBody();
    const dispatched = await analysis.post('/rectifications', body, { 'idempotency-key': 'links-read-back' });
    expect(dispatched.status).toBe(201);
    for (const complaintId of complaints) {
      const events = (await auditor.get(`/complaints/${complaintId}/history`)).body.events as Array<{ type: string; position: number; data: { rectificationId?: string } }>;
      const link = events.find((e) => e.type === 'RectificationLinked' && e.data.rectificationId === dispatched.body.id);
      expect(link?.position).toBeLessThanOrEqual(dispatched.body.position);
      const view = await auditor.get(`/cases/${complaintId}`, { 'x-min-position': String(dispatched.body.position) });
      expect(view.body.rectifications).toContain(dispatched.body.id);
    }
    const again = await analysis.post('/rectifications', body, { 'idempotency-key': 'links-read-back' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(dispatched.body);
  });

  it('starts only from complaints that exist, and refuses bad input with nothing written', async () => {
    const unknown = await analysis.post('/rectifications', { ...dispatchBody(), sourceComplaintIds: [complaints[0], '0190a5f0-0000-7000-8000-00000000f00d'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'SOURCE_COMPLAINT_UNKNOWN', message: expect.stringContaining('0190a5f0-0000-7000-8000-00000000f00d') });
    expect((await analysis.post('/rectifications', { ...dispatchBody(), sourceComplaintIds: [] })).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await analysis.post('/rectifications', { ...dispatchBody(), deadline: '2020-01-01T00:00:00Z' })).body).toMatchObject({ statusCode: 422, code: 'DEADLINE_IN_PAST' });
    expect((await api.as('supervisor').post('/rectifications', dispatchBody())).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
  });

  it('keeps department work to that department and review to analysis', async () => {
    const { body } = await analysis.post('/rectifications', dispatchBody());
    const finance = department(api, 'fay', 'finance');
    const before = (await auditor.get(`/rectifications/${body.id}/history`)).body.events;
    expect((await finance.post(`/rectifications/${body.id}/accept`, { measures: 'm', responsiblePerson: 'p', plannedCompletion: '2026-12-10T00:00:00Z' })).body).toMatchObject({
      statusCode: 403,
      code: 'NOT_RECTIFICATION_DEPARTMENT',
    });
    expect((await delivery.post(`/rectifications/${body.id}/review`, { decision: 'approved', opinion: 'self-approved' })).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
    expect((await delivery.post(`/rectifications/${body.id}/feedback`, { resolved: true, result: 'r' })).body).toMatchObject({ statusCode: 422, code: 'NOT_ACCEPTED' });
    expect((await auditor.get(`/rectifications/${body.id}/history`)).body.events).toEqual(before);
  });

  it('returns the existing item for a repeated Idempotency-Key, and refuses the key with another body', async () => {
    const body = dispatchBody();
    const first = await analysis.post('/rectifications', body, { 'idempotency-key': 'analysis-2026-11-item-3' });
    const again = await analysis.post('/rectifications', body, { 'idempotency-key': 'analysis-2026-11-item-3' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    const links = (await auditor.get(`/complaints/${complaints[0]}/history`)).body.events.filter((e: { data: { rectificationId?: string } }) => e.data.rectificationId === first.body.id);
    expect(links).toHaveLength(1);
    const reused = await analysis.post('/rectifications', { ...body, problem: 'Something else' }, { 'idempotency-key': 'analysis-2026-11-item-3' });
    expect(reused.body).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('honours If-Match and answers unknown items and actions', async () => {
    const { body } = await analysis.post('/rectifications', dispatchBody());
    const stale = await delivery.post(`/rectifications/${body.id}/accept`, { measures: 'm', responsiblePerson: 'p', plannedCompletion: '2026-12-10T00:00:00Z' }, { 'if-match': '5' });
    expect(stale.body).toMatchObject({ statusCode: 409, code: 'REVISION_CONFLICT', currentRevision: 0 });
    expect((await auditor.get('/rectifications/0190a5f0-0000-7000-8000-00000000f00d')).body).toMatchObject({ statusCode: 404, code: 'RECTIFICATION_NOT_FOUND' });
    expect((await auditor.get('/rectifications/nope')).body).toMatchObject({ statusCode: 400, code: 'INVALID_RECTIFICATION_ID' });
    expect((await analysis.post(`/rectifications/${body.id}/skip`, {})).body).toMatchObject({ statusCode: 404, code: 'UNKNOWN_ACTION' });
  });
});
