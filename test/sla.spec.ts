import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7, type EventStore } from '@redress/event-store';
import { SlaScheduler } from '../apps/api/src/sla/sla-scheduler';
import { EVENT_STORE } from '../apps/api/src/tokens';
import { CommandBus } from '@nestjs/cqrs';
import { signToken } from '@redress/platform';
import { startApi, staffClient, TEST_JWT_SECRET, type RunningApi } from './support/api';
import { captureLogs } from './support/logs';
import { FakeClock } from './support/clock';


const T0 = Date.parse('2026-11-02T08:00:00.000Z');
const hoursAfterT0 = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
type Events = Array<{ type: string; data: Record<string, unknown>; metadata: { actor: unknown } }>;

describe('SLA policy, deadlines and the scheduler', () => {
  const clock = new FakeClock(T0);
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-sla-'));
  let api: RunningApi;
  const tick = () => api.app.get(SlaScheduler).tick();
  const events = async (path: string) => (await api.as('auditor').get(`${path}/history`)).body.events as Events;
  const breaches = async (complaintId: string) => (await events(`/complaints/${complaintId}`)).filter((e) => e.type === 'SlaBreached').map((e) => e.data);

  const openCase = async (severity: string) => {
    const intake = api.as('intake');
    const { body } = await intake.post('/complaints', { channel: 'phone', complainant: { name: 'C' }, subject: `${severity} case`, content: 'c' });
    await intake.post(`/complaints/${body.id}/acknowledge`, {});
    expect((await api.as('handler').post(`/complaints/${body.id}/classify`, { category: 'billing', severity, urgency: 'normal', department: 'finance' })).status).toBe(200);
    return body.id as string;
  };

  beforeAll(async () => {
    api = await startApi({ clock, dataDir });
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let first: string;
  let second: string;
  /** `first`'s deadlines under version 1: high, from receipt at T0. */
  const firstDeadlines = {
    policyVersion: 1,
    acknowledge: hoursAfterT0(4),
    classify: hoursAfterT0(8),
    resolution_proposed: hoursAfterT0(72),
    final_response: hoursAfterT0(240),
  };

  it('starts with the default policy as version 1 and stores deadlines at classification', async () => {
    const policy = await api.as('analyst').get('/policies/sla');
    expect(policy.body).toMatchObject({ version: 1, definedBy: { user: 'system', role: 'system' }, policy: { targets: { high: { acknowledge: 4, classify: 8, resolution_proposed: 72, final_response: 240 } } } });
    first = await openCase('high');
    expect((await api.as('auditor').get(`/complaints/${first}`)).body.sla).toEqual(firstDeadlines);
  });

  it('versions the policy; a new version never moves an existing case’s deadlines', async () => {
    const current = (await api.as('admin').get('/policies/sla')).body.policy;
    const faster = { ...current, targets: { ...current.targets, high: { ...current.targets.high, resolution_proposed: 24 } } };
    expect((await api.as('supervisor').put('/policies/sla', faster)).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
    const defined = await api.as('admin').put('/policies/sla', faster);
    expect(defined.status).toBe(200);
    expect(defined.body).toMatchObject({ version: 2, definedBy: { user: 'admin-1', role: 'admin' } });
    expect((await api.as('auditor').get('/policies/sla/versions')).body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    second = await openCase('high');
    expect((await api.as('auditor').get(`/complaints/${first}`)).body.sla).toMatchObject({ policyVersion: 1, resolution_proposed: hoursAfterT0(72) });
    expect((await api.as('auditor').get(`/complaints/${second}`)).body.sla).toMatchObject({ policyVersion: 2, resolution_proposed: hoursAfterT0(24) });
  });

  it('reclassifies a case under the policy version it is held to: a version defined since does not move its deadlines', async () => {
    const reclassified = await api.as('handler').post(`/complaints/${first}/classify`, { category: 'billing', severity: 'high', urgency: 'normal', department: 'finance' });
    expect(reclassified.status).toBe(200);
    expect((await api.as('auditor').get(`/complaints/${first}`)).body.sla).toEqual(firstDeadlines);
  });

  it('refuses a policy that makes no sense, naming every problem', async () => {
    const current = (await api.as('admin').get('/policies/sla')).body.policy;
    const reply = await api.as('admin').put('/policies/sla', { ...current, businessHours: { start: '18:00', end: '09:00', days: [1], utcOffsetMinutes: 480 } });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ code: 'INVALID_SLA_POLICY', details: ['businessHours.start must be before businessHours.end'] });
    expect((await api.as('admin').put('/policies/sla', { targets: {} })).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect((await api.as('auditor').get('/policies/sla')).body.version).toBe(2);
  });

  it('records each missed deadline exactly once, by itself', async () => {
    clock.advanceHours(25);
    await tick();
    expect(await breaches(first)).toEqual([]);
    expect(await breaches(second)).toEqual([{ step: 'resolution_proposed', deadline: hoursAfterT0(24) }]);
    clock.advanceHours(48);
    await tick();
    await tick();
    expect(await breaches(first)).toEqual([{ step: 'resolution_proposed', deadline: hoursAfterT0(72) }]);
    expect(await breaches(second)).toEqual([{ step: 'resolution_proposed', deadline: hoursAfterT0(24) }]);
    const breach = (await events(`/complaints/${first}`)).find((e) => e.type === 'SlaBreached');
    expect(breach?.metadata.actor).toEqual({ user: 'sla-scheduler', role: 'system' });
  });

  it('marks a rectification overdue once when its deadline passes without feedback', async () => {
    const { body } = await api.as('analysis').post('/rectifications', {
      problem: 'Double charges',
      sourceComplaintIds: [first, second],
      department: 'finance',
      suggestion: 'Fix retries',
      deadline: hoursAfterT0(75),
    });
    expect(body.id).toBeDefined();
    await tick();
    expect((await api.as('auditor').get(`/rectifications/${body.id}`)).body.overdue).toBe(false);
    clock.advanceHours(3);
    await tick();
    await tick();
    const overdue = (await events(`/rectifications/${body.id}`)).filter((e) => e.type === 'RectificationOverdue');
    expect(overdue.map((e) => e.data)).toEqual([{ deadline: hoursAfterT0(75) }]);
    expect((await api.as('auditor').get(`/rectifications/${body.id}`)).body).toMatchObject({ overdue: true, status: 'dispatched' });
  });

  it('names the system, not the department, on an item found overdue when its late feedback arrives', async () => {
    const { body } = await api.as('analysis').post('/rectifications', { problem: 'Late refunds', sourceComplaintIds: [first], department: 'finance', suggestion: 'Automate', deadline: hoursAfterT0(80) });
    const finance = staffClient(api.url, signToken({ sub: 'fay', role: 'department', department: 'finance' }, TEST_JWT_SECRET, clock.now(), 3600 * 24 * 365));
    expect((await finance.post(`/rectifications/${body.id}/accept`, { measures: 'm', responsiblePerson: 'Fay', plannedCompletion: hoursAfterT0(79) })).status).toBe(200);
    // The deadline passes with no tick in between: the feedback itself finds the item overdue.
    clock.advanceHours(10);
    expect((await finance.post(`/rectifications/${body.id}/feedback`, { resolved: true, result: 'Automated' })).status).toBe(200);
    const recorded = (await events(`/rectifications/${body.id}`)).slice(-2);
    expect(recorded.map((e) => [e.type, e.metadata.actor])).toEqual([
      ['RectificationOverdue', { user: 'sla-scheduler', role: 'system' }],
      ['RectificationFeedbackSubmitted', { user: 'fay', role: 'department' }],
    ]);
    clock.advanceHours(-10);
  });

  it('lists what is due soon or breached', async () => {
    const board = await api.as('analyst').get('/sla/at-risk?within=P7D');
    const items = board.body.items as Array<{ kind: string; id: string; step: string; breached: boolean }>;
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'complaint', id: first, step: 'resolution_proposed', breached: true }),
        expect.objectContaining({ kind: 'complaint', id: first, step: 'final_response', breached: false }),
        expect.objectContaining({ kind: 'rectification', step: 'feedback', breached: true }),
      ]),
    );
    expect(items.some((i) => i.step === 'acknowledge')).toBe(false);
    expect((await api.as('analyst').get('/sla/at-risk?within=P1W')).body.items).toEqual(items);
    expect((await api.as('analyst').get('/sla/at-risk?within=tomorrow')).body).toMatchObject({ statusCode: 400, code: 'INVALID_WITHIN' });
    // As every read: an unknown parameter is refused, and the answer says the log position it reflects (the head, at least).
    expect((await api.as('analyst').get('/sla/at-risk?within=PT1H&foo=1')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY', message: expect.stringContaining('foo') });
    const head = (await api.as('analyst').get('/health')).body.position as number;
    expect(Number(board.headers.get('x-projection-position'))).toBeGreaterThanOrEqual(head);
  });

  it('holds a case nobody answers to provisional deadlines from receipt', async () => {
    const { body } = await api.as('intake').post('/complaints', { channel: 'email', complainant: { anonymous: true }, subject: 'Ignored', content: 'c' });
    const receivedAt = clock.now().getTime();
    // The most lenient targets (low: acknowledge within 2 days) until it is classified.
    clock.advanceHours(47);
    await tick();
    expect(await breaches(body.id)).toEqual([]);
    clock.advanceHours(2);
    await tick();
    expect(await breaches(body.id)).toEqual([{ step: 'acknowledge', deadline: new Date(receivedAt + 48 * 3_600_000).toISOString() }]);
    clock.advanceHours(-49);
  });

  it('never breaches a case that was withdrawn before its deadlines', async () => {
    const withdrawn = await openCase('critical');
    expect((await api.as('intake').post(`/complaints/${withdrawn}/withdraw`, { reason: 'Sorted' })).status).toBe(200);
    clock.advanceHours(100);
    await tick();
    expect(await breaches(withdrawn)).toEqual([]);
    const board = (await api.as('analyst').get('/sla/at-risk?within=P365D')).body.items as Array<{ id: string }>;
    expect(board.some((item) => item.id === withdrawn)).toBe(false);
    clock.advanceHours(-100);
  });

  it('records a deadline that passed unrecorded before the case was withdrawn', async () => {
    const late = await openCase('critical');
    // The scheduler does not run while the resolution deadline (24 h) passes; then the complainant withdraws.
    clock.advanceHours(30);
    expect((await api.as('intake').post(`/complaints/${late}/withdraw`, { reason: 'Gave up waiting' })).status).toBe(200);
    await tick();
    await tick();
    const [breach, ...more] = await breaches(late);
    expect(more).toEqual([]);
    expect(breach).toMatchObject({ step: 'resolution_proposed' });
    clock.advanceHours(-30);
  });

  it('writes a rectification link that a crash left unwritten', async () => {
    const rectificationId = '0190a5f0-0000-7000-8000-0000000000c1';
    const store = api.app.get<symbol, EventStore>(EVENT_STORE);
    await store.appendToStream(`rectification-${rectificationId}`, [
      {
        id: uuidv7(),
        type: 'RectificationDispatched',
        data: { rectificationId, problem: 'Orphaned', sourceComplaintIds: [first], department: 'finance', suggestion: 's', deadline: hoursAfterT0(2000), dispatchedAt: hoursAfterT0(76) },
        metadata: { actor: { user: 'ana', role: 'analysis' }, occurredAt: hoursAfterT0(76), correlationId: 'c', causationId: 'c', schemaVersion: 1 },
      },
    ]);
    await tick();
    await tick();
    const links = (await events(`/complaints/${first}`)).filter((e) => e.type === 'RectificationLinked' && e.data.rectificationId === rectificationId);
    expect(links).toHaveLength(1);
  });

  it('writes a link a crash left unwritten also when the item is confirmed before the next tick', async () => {
    const rectificationId = '0190a5f0-0000-7000-8000-0000000000c2';
    const metadata = { actor: { user: 'ana', role: 'analysis' }, occurredAt: hoursAfterT0(76), correlationId: 'c', causationId: 'c', schemaVersion: 1 };
    // Dispatched, then the process died before linking it into its source complaint.
    await api.app.get<symbol, EventStore>(EVENT_STORE).appendToStream(`rectification-${rectificationId}`, [
      { id: uuidv7(), type: 'RectificationDispatched', data: { rectificationId, problem: 'Confirmed unlinked', sourceComplaintIds: [second], department: 'finance', suggestion: 's', deadline: hoursAfterT0(2000), dispatchedAt: hoursAfterT0(76) }, metadata },
    ]);
    const finance = staffClient(api.url, signToken({ sub: 'fay', role: 'department', department: 'finance' }, TEST_JWT_SECRET, clock.now(), 3600 * 24 * 365));
    const steps: Array<[typeof finance, string, unknown]> = [
      [finance, 'accept', { measures: 'm', responsiblePerson: 'Fay', plannedCompletion: hoursAfterT0(1000) }],
      [finance, 'feedback', { resolved: true, result: 'Done' }],
      [api.as('analysis'), 'review', { decision: 'approved', opinion: 'Good' }],
      [api.as('analysis'), 'confirm', { effective: true }],
    ];
    for (const [who, action, body] of steps) expect((await who.post(`/rectifications/${rectificationId}/${action}`, body)).status).toBe(200);
    await tick();
    const links = async () => (await events(`/complaints/${second}`)).filter((e) => e.type === 'RectificationLinked' && e.data.rectificationId === rectificationId);
    expect(await links()).toHaveLength(1);
    await tick();
    expect(await links()).toHaveLength(1);
  });

  it('says when it cannot record what is due, and records it at the next tick', async () => {
    const logs = captureLogs();
    const dir = mkdtempSync(join(tmpdir(), 'redress-sla-fault-'));
    // A clock of its own: the other tests' clock stays where they left it.
    const ownClock = new FakeClock(T0);
    const own = await startApi({ clock: ownClock, dataDir: dir, env: { LOG_LEVEL: 'info' }, logs: logs.stream });
    try {
      const { body } = await own.as('intake').post('/complaints', { channel: 'phone', complainant: { name: 'C' }, subject: 'due soon', content: 'c' });
      ownClock.advanceHours(72);
      const bus = own.app.get(CommandBus);
      const execute = bus.execute.bind(bus);
      bus.execute = (() => Promise.reject(new Error('disk I/O error'))) as typeof bus.execute;
      await own.app.get(SlaScheduler).tick();
      // It used to be logged at debug, like a refusal: a store outage went unseen at the default level.
      expect(logs.text()).toContain('SLA scheduler could not record what is due; the next tick tries again');
      bus.execute = execute;
      await own.app.get(SlaScheduler).tick();
      const history = (await own.as('auditor').get(`/complaints/${body.id as string}/history`)).body.events as Events;
      expect(history.filter((e) => e.type === 'SlaBreached').length).toBeGreaterThan(0);
    } finally {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds a reopened case to new deadlines from the reopen, and records a breach of one', async () => {
    const handler = api.as('handler');
    const reopened = await openCase('critical');
    expect((await api.as('supervisor').post(`/complaints/${reopened}/assign`, { assignee: 'handler-1' })).status).toBe(200);
    for (const [action, body] of [
      ['root-cause', { category: 'billing', description: 'Charged twice', substantiated: true, attributedTo: { department: 'finance' } }],
      ['resolution', { summary: 'Apologise', remedies: [{ type: 'apology' }] }],
      ['implement', { notifiedVia: 'phone' }],
      ['close', { outcome: 'resolved', summary: 'Apologised' }],
    ] as const) {
      expect((await handler.post(`/complaints/${reopened}/${action}`, body)).status).toBe(200);
    }
    // Closed in time; the scheduler sets the case aside (nothing left due) before it is reopened a day later.
    await tick();
    clock.advanceHours(24);
    const reopenedAt = clock.now().getTime();
    const reply = await handler.post(`/complaints/${reopened}/reopen`, { reason: 'Charged a third time' });
    expect(reply.status).toBe(200);
    const before = (await api.as('auditor').get(`/complaints/${reopened}`)).body;
    // Critical: a resolution within 24 h and a final response within 72 h, now counted from the reopen, under version 2.
    expect(before.sla).toEqual({
      policyVersion: 2,
      acknowledge: new Date(reopenedAt - 24 * 3_600_000 + 3_600_000).toISOString(),
      classify: new Date(reopenedAt - 24 * 3_600_000 + 4 * 3_600_000).toISOString(),
      resolution_proposed: new Date(reopenedAt + 24 * 3_600_000).toISOString(),
      final_response: new Date(reopenedAt + 72 * 3_600_000).toISOString(),
    });
    expect(Object.keys(before.slaProgress).sort()).toEqual(['acknowledge', 'classify']);
    const board = (await api.as('analyst').get('/sla/at-risk?within=P2D', { 'x-min-position': String(reply.body.position) })).body.items as Array<{ id: string; step: string }>;
    expect(board.filter((item) => item.id === reopened).map((item) => item.step)).toEqual(['resolution_proposed']);

    clock.advanceHours(25);
    await tick();
    await tick();
    const breach = { step: 'resolution_proposed', deadline: new Date(reopenedAt + 24 * 3_600_000).toISOString() };
    expect(await breaches(reopened)).toEqual([breach]);
    const view = (await api.as('analyst').get(`/cases/${reopened}`, { 'x-min-position': String(reply.body.position + 1) })).body;
    expect(view).toMatchObject({ status: 'investigating', breached: true, slaBreaches: [breach], reopenCount: 1 });
    expect((await api.as('analyst').get(`/cases?breached=true&reopened=true`)).body.items.map((c: { id: string }) => c.id)).toContain(reopened);
    clock.advanceHours(-49);
  });

  it('records a lateness the scheduler has not yet recorded when a classification changes the deadlines, as the system', async () => {
    const intake = api.as('intake');
    const { body } = await intake.post('/complaints', { channel: 'phone', complainant: { name: 'C' }, subject: 'Acknowledged late', content: 'c' });
    const receivedAt = clock.now().getTime();
    // No tick while the provisional acknowledge deadline (48 h) passes.
    clock.advanceHours(50);
    await intake.post(`/complaints/${body.id}/acknowledge`, {});
    const classified = await api.as('handler').post(`/complaints/${body.id}/classify`, { category: 'billing', severity: 'low', urgency: 'normal', department: 'finance' });
    expect(classified.status).toBe(200);
    const history = await events(`/complaints/${body.id}`);
    expect(history.slice(-2).map((e) => [e.type, e.data.step ?? null, e.metadata.actor])).toEqual([
      ['SlaBreached', 'acknowledge', { user: 'sla-scheduler', role: 'system' }],
      ['ComplaintClassified', null, { user: 'handler-1', role: 'handler' }],
    ]);
    expect(history.at(-2)?.data.deadline).toBe(new Date(receivedAt + 48 * 3_600_000).toISOString());
    // The answer names the last event written, and the scheduler finds nothing more to record for that step.
    expect(classified.body.revision).toBe(history.length - 1);
    await tick();
    expect((await breaches(body.id)).filter((b) => b.step === 'acknowledge')).toHaveLength(1);
    clock.advanceHours(-50);
  });

  it('catches up after a restart with deadlines that passed while it was down, still once', async () => {
    await api.stop();
    clock.advanceHours(200);
    api = await startApi({ clock, dataDir });
    await tick();
    await tick();
    expect(await breaches(first)).toEqual([
      { step: 'resolution_proposed', deadline: hoursAfterT0(72) },
      { step: 'final_response', deadline: hoursAfterT0(240) },
    ]);
  });

  it('classifies a case under the version it was received under: a stricter version defined in between does not make a step done in time late', async () => {
    const intake = api.as('intake');
    const { body } = await intake.post('/complaints', { channel: 'phone', complainant: { name: 'C' }, subject: 'received under 2', content: 'c' });
    const { receivedAt } = (await api.as('auditor').get(`/complaints/${body.id}`)).body;
    clock.advanceHours(3);
    await intake.post(`/complaints/${body.id}/acknowledge`, {});
    // Version 3 wants high cases acknowledged within an hour: this one, acknowledged after three, was in time under 2 (four hours).
    const current = (await api.as('admin').get('/policies/sla')).body.policy;
    expect((await api.as('admin').put('/policies/sla', { ...current, targets: { ...current.targets, high: { ...current.targets.high, acknowledge: 1 } } })).body.version).toBe(3);
    expect((await api.as('handler').post(`/complaints/${body.id}/classify`, { category: 'billing', severity: 'high', urgency: 'normal', department: 'finance' })).status).toBe(200);
    // Before, the classification counted under version 3, and the scheduler then recorded the acknowledgement as late.
    expect((await api.as('auditor').get(`/complaints/${body.id}`)).body.sla).toMatchObject({ policyVersion: 2, acknowledge: new Date(Date.parse(receivedAt) + 4 * 3_600_000).toISOString() });
    await tick();
    expect(await breaches(body.id)).toEqual([]);
  });

  it('refuses a version based on one that is no longer current, so one admin cannot undo another unawares', async () => {
    const read = await api.as('admin').get('/policies/sla');
    expect(read.headers.get('etag') as string).toBe(`"${read.body.version}"`);
    // Another admin defines a version meanwhile.
    const b = await api.as('admin', 'admin-2').put('/policies/sla', read.body.policy, { 'if-match': read.headers.get('etag') as string });
    expect([b.body.version, b.headers.get('etag')]).toEqual([read.body.version + 1, `"${read.body.version + 1}"`]);
    const stale = await api.as('admin').put('/policies/sla', read.body.policy, { 'if-match': read.headers.get('etag') as string });
    expect(stale.body).toMatchObject({ statusCode: 409, code: 'REVISION_CONFLICT', currentVersion: read.body.version + 1 });
    expect((await api.as('auditor').get('/policies/sla/versions')).body.versions).toHaveLength(read.body.version + 1);
    expect((await api.as('admin').put('/policies/sla', read.body.policy, { 'if-match': 'W/"2"' })).body).toMatchObject({ statusCode: 400, code: 'INVALID_IF_MATCH' });
  });
});
