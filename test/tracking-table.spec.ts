import { signToken } from '@redress/platform';
import type { EventStore } from '@redress/event-store';
import { generationCollection, rebuildProjection, rectificationsProjection, type ActiveGeneration, type DocumentStore, type ProjectionCatalog, type RectificationDocument } from '@redress/projections';
import { DOCUMENT_STORE, EVENT_STORE, PROJECTION_CATALOG } from '../apps/api/src/tokens';
import { startApi, staffClient, TEST_JWT_SECRET, type RunningApi, type StaffClient } from './support/api';
import { FakeClock } from './support/clock';

/** The rectification tracking table (投诉问题整改跟踪表) as the read model serves it, JSON and CSV. */
describe('rectification tracking table', () => {
  const clock = new FakeClock(Date.parse('2026-11-02T01:00:00Z'));
  let api: RunningApi;
  let analysis: StaffClient;
  let delivery: StaffClient;
  let finance: StaffClient;
  let reader: StaffClient;
  const items: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ clock });
    analysis = api.as('analysis', 'ana');
    const department = (user: string, dept: string) => staffClient(api.url, signToken({ sub: user, role: 'department', department: dept }, TEST_JWT_SECRET, clock.now(), 3600 * 24 * 365));
    delivery = department('dan', 'delivery');
    finance = department('fei', 'finance');
    reader = api.as('auditor', 'ada');
    const source = (await api.as('intake').post('/complaints', { channel: 'app', complainant: { name: 'C' }, subject: 'Wet parcel', content: 'Rain' })).body.id as string;
    const dispatch = async (key: string, department: string, problem: string, days: number) => {
      const reply = await analysis.post('/rectifications', { problem, sourceComplaintIds: [source], department, suggestion: '=HYPERLINK("http://evil")', deadline: new Date(clock.now().getTime() + days * 86_400_000).toISOString() });
      expect(reply.status).toBe(201);
      items[key] = reply.body.id;
      clock.advanceHours(24);
      return reply.body.position as number;
    };
    await dispatch('rain', 'delivery', '包裹被雨淋湿, "again"', 10);
    await dispatch('bills', 'finance', 'Double charges', 3);
    await dispatch('late', 'delivery', 'Late parcels', 30);
    const step = async (who: StaffClient, key: string, action: string, body: unknown) => {
      const reply = await who.post(`/rectifications/${items[key]}/${action}`, body);
      expect({ action, status: reply.status }).toEqual({ action, status: 200 });
      clock.advanceHours(24);
    };
    await step(delivery, 'rain', 'accept', { measures: '防水袋 waterproof bags', responsiblePerson: '王经理', plannedCompletion: '2026-11-20T00:00:00Z' });
    await step(delivery, 'rain', 'feedback', { resolved: true, result: 'Bags in use' });
    await step(analysis, 'rain', 'review', { decision: 'approved', opinion: 'Good' });
    await step(analysis, 'rain', 'confirm', { effective: true, note: 'No wet parcels since' });
    await step(finance, 'bills', 'accept', { measures: 'Fix the billing run', responsiblePerson: 'Fei', plannedCompletion: '2026-11-30T00:00:00Z' });
  }, 60_000);
  afterAll(() => api.stop());

  it('lists one row per item with the columns of the tracking table, numbered across pages', async () => {
    const first = await reader.get('/rectifications?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((row: { no: number; id: string }) => [row.no, row.id])).toEqual([
      [1, items.rain],
      [2, items.bills],
    ]);
    const second = await reader.get(`/rectifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ no: 3, id: items.late })] });
    expect(first.body.items[0]).toEqual({
      no: 1,
      id: items.rain,
      problem: '包裹被雨淋湿, "again"',
      sourceComplaints: [expect.any(String)],
      department: 'delivery',
      dispatchedAt: '2026-11-02T01:00:00.000Z',
      suggestion: '=HYPERLINK("http://evil")',
      deadline: '2026-11-12T01:00:00.000Z',
      measures: '防水袋 waterproof bags',
      responsiblePerson: '王经理',
      plannedCompletion: '2026-11-20T00:00:00.000Z',
      feedback: 'Bags in use',
      resolved: true,
      reviewOpinion: 'approved: Good',
      confirmation: 'effective: No wet parcels since',
      step: 5,
      stepName: '确认 confirm',
      status: 'confirmed',
      overdue: false,
      // Dispatched on the 2nd at 01:00, confirmed on the 8th at 01:00.
      daysOpen: 6,
      returns: 0,
      updatedAt: expect.any(String),
    });
  });

  it('filters by department, step, status, period and overdue — overdue as of now, before the scheduler marks it', async () => {
    const ids = async (query: string) => (await reader.get(`/rectifications?${query}`)).body.items.map((row: { id: string }) => row.id);
    expect(await ids('department=delivery')).toEqual([items.rain, items.late]);
    // The step each is in: bills accepted (3, feedback due), late dispatched (2, to be resolved), rain confirmed (5).
    expect(await ids('step=2')).toEqual([items.late]);
    expect(await ids('step=3,5')).toEqual([items.rain, items.bills]);
    expect(await ids('step=1')).toEqual([]);
    expect(await ids('status=confirmed,dispatched')).toEqual([items.rain, items.late]);
    expect(await ids('dispatchedFrom=2026-11-03&dispatchedTo=2026-11-04')).toEqual([items.bills]);
    expect(await ids('overdue=true')).toEqual([items.bills]);
    expect(await ids('overdue=false')).toEqual([items.rain, items.late]);
    expect(await ids('sort=-deadline')).toEqual([items.late, items.rain, items.bills]);
    for (const query of ['step=6', 'status=lost', 'overdue=yes', 'colour=red', 'limit=0', 'sort=problem']) {
      const bad = await reader.get(`/rectifications?${query}`);
      expect({ query, status: bad.status, code: bad.body.code }).toEqual({ query, status: 400, code: 'INVALID_QUERY' });
    }
    // A cursor of another table is an INVALID_CURSOR, as one the store cannot read is.
    expect((await reader.get('/rectifications?cursor=xyz')).body).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
    // The CSV has every row: a page's limit or cursor there is refused, not ignored.
    const paged = await fetch(`${api.url}/rectifications?limit=2`, { headers: { authorization: `Bearer ${reader.token}`, accept: 'text/csv' } });
    expect([paged.status, ((await paged.json()) as { code: string }).code]).toEqual([400, 'INVALID_QUERY']);
  });

  it('exports every matching row as CSV that Excel opens as UTF-8, with formulas defused', async () => {
    const response = await fetch(`${api.url}/rectifications?department=delivery`, { headers: { authorization: `Bearer ${reader.token}`, accept: 'text/csv' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="rectification-tracking.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n');
    expect(lines[0]).toBe(
      '序号 No.,问题 Problem,来源投诉 Source complaints,责任部门 Responsible department,分派日期 Dispatched,整改建议 Suggestion,整改期限 Deadline,整改措施 Measures,责任人 Responsible person,计划完成 Planned completion,解决情况反馈 Feedback,是否解决 Resolved,审核意见 Review opinion,确认 Confirmation,当前步骤 Current step,状态 Status,是否逾期 Overdue,已开天数 Days open,编号 Id',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^1,"包裹被雨淋湿, ""again""",[0-9a-f-]{36},delivery,2026-11-02T01:00:00.000Z,"'=HYPERLINK\(""http:\/\/evil""\)",/);
    expect(lines[1]).toContain(',防水袋 waterproof bags,王经理,');
    expect(lines[2]).toMatch(/^2,Late parcels,/);
    expect(lines[3]).toBe('');
  });

  it('shows no feedback on a row whose feedback review returned, until the department submits new feedback', async () => {
    const source = (await api.as('intake').post('/complaints', { channel: 'app', complainant: { name: 'E' }, subject: 'Overcharged', content: 'Twice' })).body.id;
    const id = (await analysis.post('/rectifications', { problem: 'Refunds', sourceComplaintIds: [source], department: 'refunds', suggestion: 's', deadline: '2027-01-01T00:00:00Z' })).body.id as string;
    const refunds = staffClient(api.url, signToken({ sub: 'rui', role: 'department', department: 'refunds' }, TEST_JWT_SECRET, clock.now(), 3600 * 24 * 365));
    const act = async (who: StaffClient, action: string, body: unknown) => {
      const reply = await who.post(`/rectifications/${id}/${action}`, body);
      expect({ action, status: reply.status }).toEqual({ action, status: 200 });
      return String(reply.body.position);
    };
    const row = async (position: string) => (await reader.get('/rectifications?department=refunds', { 'x-min-position': position })).body.items[0];
    const csvCells = async () => {
      const response = await fetch(`${api.url}/rectifications?department=refunds`, { headers: { authorization: `Bearer ${reader.token}`, accept: 'text/csv' } });
      const [, line] = (await response.text()).split('\r\n');
      // 解决情况反馈 Feedback and 是否解决 Resolved
      return line?.split(',').slice(10, 12);
    };
    const acceptance = { measures: 'Refund checks', responsiblePerson: 'Rui', plannedCompletion: '2026-12-01T00:00:00Z' };
    await act(refunds, 'accept', acceptance);
    expect(await row(await act(refunds, 'feedback', { resolved: true, result: 'Checks in place' }))).toMatchObject({ feedback: 'Checks in place', resolved: true });
    const returned = await act(analysis, 'review', { decision: 'returned', opinion: 'Show the figures' });
    expect(await row(returned)).toMatchObject({ status: 'returned', step: 2, feedback: null, resolved: null, reviewOpinion: 'returned: Show the figures', returns: 1 });
    expect(await csvCells()).toEqual(['', '']);
    // The item itself keeps what was sent back.
    expect((await reader.get(`/rectifications/${id}`)).body.feedback).toEqual({ resolved: true, result: 'Checks in place' });
    expect(await row(await act(refunds, 'accept', acceptance))).toMatchObject({ status: 'accepted', feedback: null, resolved: null });
    const resubmitted = await act(refunds, 'feedback', { resolved: false, result: 'Half done', reasonUnresolved: 'Vendor late' });
    expect(await row(resubmitted)).toMatchObject({ status: 'feedback_submitted', feedback: 'Half done — Vendor late', resolved: false });
    expect(await csvCells()).toEqual(['Half done — Vendor late', 'false']);
  });

  it('answers in CSV only when the client prefers it to JSON, by the weights in Accept', async () => {
    const typeFor = async (accept: string) =>
      (await fetch(`${api.url}/rectifications?department=delivery`, { headers: { authorization: `Bearer ${reader.token}`, accept } })).headers.get('content-type');
    for (const accept of ['text/csv', 'text/csv, application/json', 'application/json;q=0.5, text/csv', 'text/csv, */*;q=0.8', 'TEXT/CSV']) expect({ accept, type: await typeFor(accept) }).toEqual({ accept, type: 'text/csv; charset=utf-8' });
    for (const accept of ['application/json, text/csv;q=0.1', 'text/csv;q=0.5, */*', 'text/csv;q=0, application/json', '*/*', 'text/*', 'text/csv;q=x']) {
      expect({ accept, type: await typeFor(accept) }).toEqual({ accept, type: 'application/json; charset=utf-8' });
    }
  });

  it('shows a new item at once with X-Min-Position', async () => {
    const source = (await api.as('intake').post('/complaints', { channel: 'app', complainant: { name: 'D' }, subject: 'x', content: 'y' })).body.id;
    const dispatched = await analysis.post('/rectifications', { problem: 'New', sourceComplaintIds: [source], department: 'it', suggestion: 's', deadline: '2027-01-01T00:00:00Z' });
    const rows = await reader.get('/rectifications?department=it', { 'x-min-position': String(dispatched.body.position) });
    expect(rows.body.items.map((row: { id: string }) => row.id)).toEqual([dispatched.body.id]);
    const view = await reader.get(`/cases/${source}`, { 'x-min-position': String(dispatched.body.position) });
    expect(view.body.rectifications).toEqual([dispatched.body.id]);
  });

  describe('the CSV export while the table changes under it', () => {
    let documents: DocumentStore;
    let active: ActiveGeneration;
    const csv = (query: string) => fetch(`${api.url}/rectifications?${query}`, { headers: { authorization: `Bearer ${reader.token}`, accept: 'text/csv' } });
    /** Runs `meanwhile` once, after the export has read its first page of the bulk rows (not at the runner's reads). */
    const afterFirstPage = (meanwhile: () => Promise<unknown>) => {
      const open = documents.collection.bind(documents);
      let pages = 0;
      return jest.spyOn(documents, 'collection').mockImplementation(((name: string) => {
        const collection = open(name);
        if (name !== generationCollection(rectificationsProjection.collection, active.generation)) return collection;
        const find = collection.find.bind(collection);
        collection.find = async (...args) => {
          const page = await find(...args);
          if (JSON.stringify(args[0]).includes('"bulk"') && (pages += 1) === 1) await meanwhile();
          return page;
        };
        return collection;
      }) as typeof documents.collection);
    };

    beforeAll(async () => {
      documents = api.app.get<symbol, DocumentStore>(DOCUMENT_STORE);
      active = (await api.app.get<symbol, ProjectionCatalog>(PROJECTION_CATALOG).active('rectifications')) as ActiveGeneration;
      // More rows than a page of the export (1,000): read-model documents as the projection writes them, not in the log.
      const template = (await active.collection<RectificationDocument>().get(items.late as string)) as RectificationDocument;
      const minutes = (i: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString();
      const bulk = Array.from({ length: 1200 }, (_, i) => ({ ...template, _id: `bulk-${String(i).padStart(4, '0')}`, dispatch: { ...template.dispatch!, department: 'bulk', dispatchedAt: minutes(i) }, updatedAt: minutes(i) }));
      await documents.commit(bulk.map((upsert) => ({ collection: generationCollection(rectificationsProjection.collection, active.generation), upsert })));
    });

    it('lists each row once, numbered in order, when sorted by a field an update moves between its pages', async () => {
      const collection = generationCollection(rectificationsProjection.collection, active.generation);
      const first = (await active.collection<RectificationDocument>().get('bulk-0000')) as RectificationDocument;
      // The first row listed becomes the last by updatedAt once the export has passed it.
      const spy = afterFirstPage(() => documents.commit([{ collection, upsert: { ...first, updatedAt: '2026-12-31T00:00:00.000Z' } }]));
      try {
        const response = await csv('department=bulk&sort=updatedAt');
        expect(response.status).toBe(200);
        const rows = (await response.text()).split('\r\n').slice(1, -1).map((line) => line.split(','));
        expect(rows.map((cells) => cells[0])).toEqual(Array.from({ length: 1200 }, (_, i) => String(i + 1)));
        expect(new Set(rows.map((cells) => cells.at(-1))).size).toBe(1200);
      } finally {
        spy.mockRestore();
      }
    });

    it('answers 503 PROJECTION_NOT_READY, not a table cut short, when a rebuild swaps the read model while it reads', async () => {
      // The rebuild replays the log alone: the bulk rows go with the generation it replaces, dropped at once here.
      const spy = afterFirstPage(() => rebuildProjection(api.app.get<symbol, EventStore>(EVENT_STORE), documents, rectificationsProjection, { retireAfterMs: 0 }));
      try {
        const response = await csv('department=bulk');
        // Before, it answered 200 with the first page's 1,000 of the 1,200 rows: the pages after the drop read nothing.
        expect([response.status, response.headers.get('retry-after')]).toEqual([503, '1']);
        expect(JSON.parse(await response.text())).toMatchObject({ code: 'PROJECTION_NOT_READY' });
      } finally {
        spy.mockRestore();
      }
      // Asked again, it reads the new generation: every item of the log, and only those.
      const again = await csv('');
      expect(again.status).toBe(200);
      expect((await again.text()).split('\r\n').slice(1, -1)).toHaveLength((await reader.get('/rectifications?limit=500')).body.items.length);
      expect((await reader.get('/rectifications?department=bulk')).body.items).toEqual([]);
    });
  });

  it("a return once the deadline has passed sets a new one, by which the item is then judged overdue; a new feedback's row shows no stale review", async () => {
    const source = (await api.as('intake').post('/complaints', { channel: 'app', complainant: { name: 'F' }, subject: 'Late', content: 'Again' })).body.id;
    const deadline = new Date(clock.now().getTime() + 2 * 86_400_000).toISOString();
    const id = (await analysis.post('/rectifications', { problem: 'Late vans', sourceComplaintIds: [source], department: 'fleet', suggestion: 's', deadline })).body.id as string;
    const fleet = staffClient(api.url, signToken({ sub: 'fay', role: 'department', department: 'fleet' }, TEST_JWT_SECRET, clock.now(), 3600 * 24 * 365));
    const act = async (who: StaffClient, action: string, body: unknown) => (await who.post(`/rectifications/${id}/${action}`, body)).body;
    await act(fleet, 'accept', { measures: 'New routes', responsiblePerson: 'Fay', plannedCompletion: deadline });
    await act(fleet, 'feedback', { resolved: true, result: 'Routes changed' });
    // The feedback came in time; review takes three days.
    clock.advanceHours(72);
    const before = (await reader.get(`/rectifications/${id}`)).body.revision;
    expect(await act(analysis, 'review', { decision: 'returned', opinion: 'Show the timings' })).toMatchObject({ statusCode: 422, code: 'DEADLINE_REQUIRED' });
    expect((await reader.get(`/rectifications/${id}`)).body.revision).toBe(before);
    const again = new Date(clock.now().getTime() + 5 * 86_400_000).toISOString();
    const returned = await act(analysis, 'review', { decision: 'returned', opinion: 'Show the timings', deadline: again });
    const row = async (position: number) => (await reader.get('/rectifications?department=fleet', { 'x-min-position': String(position) })).body.items[0];
    // Before, a return after the deadline made the item overdue at once, for the review's delay.
    expect(await row(returned.position)).toMatchObject({ status: 'returned', deadline: again, overdue: false, reviewOpinion: 'returned: Show the timings' });
    expect((await reader.get(`/rectifications/${id}`)).body).toMatchObject({ deadline: again, overdue: false });
    expect((await reader.get('/rectifications?department=fleet&overdue=true')).body.items).toEqual([]);
    const resubmitted = await act(fleet, 'feedback', { resolved: true, result: 'Timings attached' });
    // The return's opinion was about the feedback before: this one awaits its review.
    expect(await row(resubmitted.position)).toMatchObject({ status: 'feedback_submitted', feedback: 'Timings attached', reviewOpinion: null });
    expect(await act(analysis, 'review', { decision: 'approved', opinion: 'Good', deadline: again })).toMatchObject({ statusCode: 422, code: 'DEADLINE_ONLY_ON_RETURN' });
    const late = await act(analysis, 'review', { decision: 'returned', opinion: 'Once more', deadline: new Date(clock.now().getTime() + 86_400_000).toISOString() });
    clock.advanceHours(25);
    expect(await row(late.position)).toMatchObject({ status: 'returned', overdue: true });
  });
});
