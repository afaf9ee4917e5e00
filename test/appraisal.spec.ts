import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '@redress/platform';
import { runCli } from '../apps/cli/src/cli';
import { SlaScheduler } from '../apps/api/src/sla/sla-scheduler';
import { startApi, TEST_JWT_SECRET, type RunningApi, type StaffClient } from './support/api';
import { FakeClock } from './support/clock';

const DAY = 86_400;

/**
 * Nine complaints walked by real commands through October 2026 on a fake
 * clock, and every appraisal figure worked out by hand below (not by the code
 * under test). ann and bob are handlers; P2 is reassigned from ann to bob; P3
 * is ann's case but its finding attributes it to bob; P4 is unsubstantiated,
 * P5 withdrawn and P6 rejected after substantiated findings; P7 is reopened
 * and closed again; P8 and P9 are open at the end of October.
 */
describe('appraisal over HTTP', () => {
  const clock = new FakeClock(Date.parse('2026-10-01T08:00:00Z'));
  const dataDir = mkdtempSync(join(tmpdir(), 'redress-appraisal-'));
  let api: RunningApi;
  let position = 0;
  let intake: StaffClient;
  let supervisor: StaffClient;
  let ann: StaffClient;
  let bob: StaffClient;
  let analyst: StaffClient;
  const ids: Record<string, string> = {};

  const at = (when: string) => clock.set(`2026-${when}:00.000Z`);
  const act = async (who: StaffClient, name: string, action: string, body: unknown, when: string) => {
    at(when);
    const reply = await who.post(`/complaints/${ids[name]}/${action}`, body);
    if (reply.status !== 200) throw new Error(`${action} on ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
    position = reply.body.position;
  };
  const receive = async (name: string, when: string) => {
    at(when);
    const reply = await intake.post('/complaints', { channel: 'phone', complainant: { name: `Customer ${name}` }, subject: `Complaint ${name}`, content: 'What went wrong' });
    ids[name] = reply.body.id;
    position = reply.body.position;
  };
  /** Received, acknowledged an hour later, classified, assigned. */
  const opened = async (name: string, day: string, category: string, severity: string, department: string, handler: string) => {
    await receive(name, `${day}T08:00`);
    await act(intake, name, 'acknowledge', {}, `${day}T09:00`);
    await act(supervisor, name, 'classify', { category, severity, urgency: 'normal', department }, `${day}T10:00`);
    await act(supervisor, name, 'assign', { assignee: handler }, `${day}T11:00`);
  };
  const resolved = async (who: StaffClient, name: string, when: string) => {
    await act(who, name, 'resolution', { summary: 'Apologise', remedies: [{ type: 'apology' }] }, `${when}T09:00`);
    await act(who, name, 'implement', { notifiedVia: 'phone' }, `${when}T10:00`);
  };
  const get = (who: StaffClient, path: string) => who.get(path, { 'x-min-position': String(position) });

  beforeAll(async () => {
    api = await startApi({ clock, dataDir });
    [intake, supervisor, ann, bob, analyst] = [api.as('intake', 'ines'), api.as('supervisor', 'sun'), api.as('handler', 'ann'), api.as('handler', 'bob'), api.as('analyst', 'alex')];
    // P1: ann; billing, high; substantiated against ann; satisfaction 2; closed after 3 days.
    await opened('P1', '10-01', 'billing', 'high', 'finance', 'ann');
    await act(ann, 'P1', 'root-cause', { category: 'billing-system', description: 'Double charge', substantiated: true, attributedTo: { staff: ['ann'] } }, '10-02T08:00');
    await resolved(ann, 'P1', '10-02');
    await act(intake, 'P1', 'follow-up', { satisfaction: 2, method: 'phone' }, '10-03T08:00');
    await act(ann, 'P1', 'close', { outcome: 'resolved', summary: 'Refunded' }, '10-04T08:00');
    // P2: ann for a day, then bob; logistics, medium; against bob and delivery; satisfaction 5; 4 days.
    await opened('P2', '10-05', 'logistics', 'medium', 'delivery', 'ann');
    await act(supervisor, 'P2', 'assign', { assignee: 'bob' }, '10-06T08:00');
    await act(bob, 'P2', 'root-cause', { category: 'courier', description: 'Late', substantiated: true, attributedTo: { staff: ['bob'], department: 'delivery' } }, '10-07T08:00');
    await resolved(bob, 'P2', '10-07');
    await act(intake, 'P2', 'follow-up', { satisfaction: 5, method: 'phone' }, '10-08T08:00');
    await act(bob, 'P2', 'close', { outcome: 'resolved', summary: 'Sped up' }, '10-09T08:00');
    // P3: ann's; service attitude, critical; attributed to bob; its resolution deadline (24 h) is missed; 2 days.
    await opened('P3', '10-10', 'service_attitude', 'critical', 'service', 'ann');
    await act(ann, 'P3', 'root-cause', { category: 'training', description: 'Rude at the counter', substantiated: true, attributedTo: { staff: ['bob'] } }, '10-10T12:00');
    at('10-11T10:00');
    await api.app.get(SlaScheduler).tick();
    await act(ann, 'P3', 'resolution', { summary: 'Apologise', remedies: [{ type: 'apology' }] }, '10-11T11:00');
    await act(ann, 'P3', 'implement', { notifiedVia: 'phone' }, '10-11T12:00');
    await act(intake, 'P3', 'follow-up', { satisfaction: 3, method: 'phone' }, '10-11T14:00');
    await act(ann, 'P3', 'close', { outcome: 'unresolved', summary: 'Apologised' }, '10-12T08:00');
    // P4: ann's; unsubstantiated; acknowledged after 30 min; closed after a day without a follow-up.
    await receive('P4', '10-13T08:00');
    await act(intake, 'P4', 'acknowledge', {}, '10-13T08:30');
    await act(supervisor, 'P4', 'classify', { category: 'privacy', severity: 'critical', urgency: 'normal', department: 'it' }, '10-13T09:00');
    await act(supervisor, 'P4', 'assign', { assignee: 'ann' }, '10-13T09:30');
    await act(ann, 'P4', 'root-cause', { category: 'none', description: 'Nothing wrong', substantiated: false, attributedTo: { staff: ['ann'] } }, '10-13T12:00');
    await act(ann, 'P4', 'resolution', { summary: 'Explain', remedies: [{ type: 'explanation' }] }, '10-13T13:00');
    await act(ann, 'P4', 'implement', { notifiedVia: 'email' }, '10-13T14:00');
    await act(ann, 'P4', 'close', { outcome: 'resolved', summary: 'Explained' }, '10-14T08:00');
    // P5: ann's; substantiated, then withdrawn.
    await opened('P5', '10-15', 'billing', 'low', 'finance', 'ann');
    await act(ann, 'P5', 'root-cause', { category: 'billing-system', description: 'Wrong rate', substantiated: true, attributedTo: { staff: ['ann'] } }, '10-16T08:00');
    await act(intake, 'P5', 'withdraw', { reason: 'Sorted' }, '10-17T08:00');
    // P6: bob's; substantiated, then rejected.
    await opened('P6', '10-18', 'billing', 'medium', 'finance', 'bob');
    await act(bob, 'P6', 'root-cause', { category: 'billing-system', description: 'Wrong rate', substantiated: true, attributedTo: { staff: ['bob'] } }, '10-18T12:00');
    await act(supervisor, 'P6', 'reject', { reason: 'abusive', explanation: 'Threats' }, '10-19T08:00');
    // P7: ann's; product quality, medium; satisfaction 1, closed, reopened, satisfaction 4, closed again after 6 days in all.
    await opened('P7', '10-20', 'product_quality', 'medium', 'quality', 'ann');
    await act(ann, 'P7', 'root-cause', { category: 'supplier', description: 'Bad batch', substantiated: true, attributedTo: { staff: ['ann'] } }, '10-21T08:00');
    await resolved(ann, 'P7', '10-21');
    await act(intake, 'P7', 'follow-up', { satisfaction: 1, method: 'phone' }, '10-22T08:00');
    await act(ann, 'P7', 'close', { outcome: 'resolved', summary: 'Replaced' }, '10-23T08:00');
    await act(ann, 'P7', 'reopen', { reason: 'Broke again' }, '10-24T08:00');
    await resolved(ann, 'P7', '10-24');
    await act(intake, 'P7', 'follow-up', { satisfaction: 4, method: 'phone' }, '10-25T08:00');
    await act(ann, 'P7', 'close', { outcome: 'partially_resolved', summary: 'Replaced again' }, '10-26T08:00');
    // P8: ann's, escalated, open. P9: ann's, open at the end of October, closed in November.
    await opened('P8', '10-28', 'billing', 'low', 'finance', 'ann');
    await act(ann, 'P8', 'escalate', { reason: 'Regulator', level: 1 }, '10-29T08:00');
    await opened('P9', '10-30', 'logistics', 'low', 'delivery', 'ann');
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The scenario’s names (P1 …) of the cases listed. */
  const named = (entries: Array<{ complaintId: string }>) => entries.map((e) => Object.keys(ids).find((name) => ids[name] === e.complaintId)).sort();
  let annOctober: unknown;

  it('starts with the default weighting policy as version 1', async () => {
    const reply = await analyst.get('/policies/weighting');
    expect(reply.body).toMatchObject({ version: 1, definedBy: { user: 'system', role: 'system' }, policy: { effectiveFrom: '1970-01-01', categoryWeights: { privacy: 2, service_attitude: 1.5 }, composite: { timeliness: 0.3 } } });
  });

  it('ann in October: workload by who held each case, exclusions, and the composite', async () => {
    // A day after the month's end its figures are final: what an appraisal publishes.
    at('11-02T08:00');
    const reply = await get(ann, '/appraisal/staff/ann?period=2026-10');
    expect(reply.status).toBe(200);
    const a = reply.body;
    expect(a).toMatchObject({ kind: 'staff', subject: 'ann', period: { label: '2026-10', from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }, asOf: '2026-11-01T00:00:00.000Z', final: true });
    expect(a.policy).toMatchObject({ version: 1, whatIf: false });
    // Handled: P2 only until bob took it over; not P6 (bob's). Closed: P1, P3, P4, P7. Open at the end: P8, P9.
    expect(named(a.breakdown.handled)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P7', 'P8', 'P9']);
    expect(named(a.breakdown.closed)).toEqual(['P1', 'P3', 'P4', 'P7']);
    expect(named(a.breakdown.openAtEnd)).toEqual(['P8', 'P9']);
    expect(a.figures.workload).toEqual({ handled: 8, closed: 4, openAtEnd: 2 });
    // First responses 1 h, 1 h (P3 acknowledged at 09:00), 30 min, 1 h; resolutions 3, 2, 1 and 6 days; P3 missed a deadline.
    expect(a.figures.timeliness).toEqual({ firstResponseSeconds: { median: 3600, p90: 3600 }, resolutionSeconds: { median: 2 * DAY, p90: 6 * DAY }, slaCompliance: 0.75 });
    // Satisfaction 2, 3 and 4 (P7's second follow-up; P4 had none); P7 reopened; P8's escalation is not among the closed.
    expect(a.figures.quality).toEqual({ satisfaction: 3, reopenRate: 0.25, escalationRate: 0 });
    // Against ann: P1 billing 1 × high 2 = 2; P7 quality 1.2 × medium 1 × satisfied 0.5 = 0.6.
    // Not P3 (attributed to bob), P4 (unsubstantiated), P5 (withdrawn). 2.6 per 8 handled = 32.5 per 100.
    expect(a.breakdown.weighted.map((w: { weight: number }) => w.weight)).toEqual(expect.arrayContaining([2, 0.6]));
    expect(named(a.breakdown.weighted)).toEqual(['P1', 'P7']);
    expect(a.figures.weighting).toEqual({ complaints: 2, score: 2.6, normalised: 32.5, per: 100 });
    // 0.3 × 75 + 0.3 × 50 + 0.3 × 0 (past the cap of 20) + 0.1 × 8 / (40 × 31/30) × 100 = 39.4355
    expect(a.composite.score).toBe(39.4355);
    expect(a.ranked).toBe(false);
    // The events behind a figure: P3's closing case names its breach.
    const p3 = a.breakdown.closed.find((c: { complaintId: string }) => c.complaintId === ids.P3);
    expect(p3).toMatchObject({ breached: true, satisfaction: 3, resolutionSeconds: 2 * DAY });
    expect(p3.events.map((e: { kind: string }) => e.kind)).toEqual(['received', 'acknowledged', 'breached', 'followUp', 'closed']);
    annOctober = a;
  });

  it('bob in October: the handed-over case and the complaint attributed to him', async () => {
    const b = (await get(bob, '/appraisal/staff/bob?period=2026-10')).body;
    expect(named(b.breakdown.handled)).toEqual(['P2', 'P6']);
    expect(b.figures.workload).toEqual({ handled: 2, closed: 1, openAtEnd: 0 });
    expect(b.figures.timeliness).toEqual({ firstResponseSeconds: { median: 3600, p90: 3600 }, resolutionSeconds: { median: 4 * DAY, p90: 4 * DAY }, slaCompliance: 1 });
    // P2: 1 × 1 × satisfied 0.5; P3: attitude 1.5 × critical 4 × breach 1.5 = 9, capped at 8. P6 was rejected.
    expect(b.breakdown.weighted.map((w: { complaintId: string; weight: number; capped: boolean }) => [named([w])[0], w.weight, w.capped]).sort()).toEqual([['P2', 0.5, false], ['P3', 8, true]]);
    expect(b.figures.weighting).toEqual({ complaints: 2, score: 8.5, normalised: 425, per: 100 });
    // 0.3 × 100 + 0.3 × 100 + 0 + 0.1 × 2 / 41.333 × 100
    expect(b.composite.score).toBe(60.4839);
  });

  it('departments: the finding’s department, else the case’s', async () => {
    const service = (await get(analyst, '/appraisal/departments/service?period=2026-10')).body;
    expect(service.figures.weighting).toMatchObject({ complaints: 1, score: 8 });
    const delivery = (await get(analyst, '/appraisal/departments/delivery?period=2026-10')).body;
    expect(named(delivery.breakdown.weighted)).toEqual(['P2']);
    expect(delivery.figures.workload).toEqual({ handled: 2, closed: 1, openAtEnd: 1 });
    const finance = (await get(analyst, '/appraisal/departments/finance?period=2026-Q4')).body;
    expect(finance.period).toEqual({ label: '2026-Q4', from: '2026-10-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', utcOffset: '+00:00' });
    expect(finance.final).toBe(false);
    expect(finance).not.toHaveProperty('ranked');
    expect(named(finance.breakdown.handled)).toEqual(['P1', 'P5', 'P6', 'P8']);
    expect(named(finance.breakdown.weighted)).toEqual(['P1']);
  });

  it('the ranking table, as JSON and as CSV', async () => {
    const table = (await get(analyst, '/appraisal/staff?period=2026-10')).body;
    expect(table.rows.map((r: { subject: string; rank: number | null; ranked: boolean }) => [r.subject, r.rank, r.ranked])).toEqual([['ann', null, false], ['bob', null, false]]);
    expect(table.rows[0].href).toBe('/appraisal/staff/ann?period=2026-10&policyVersion=1');
    // An office at +08:00 counts October from its own midnight (nothing here happened in the eight hours either side), and its links keep the zone.
    const zoned = (await get(analyst, '/appraisal/staff?period=2026-10&utcOffset=%2B08:00')).body;
    expect(zoned.period).toEqual({ label: '2026-10', from: '2026-09-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z', utcOffset: '+08:00' });
    expect(zoned.rows[0].href).toBe('/appraisal/staff/ann?period=2026-10&policyVersion=1&utcOffset=%2B08%3A00');
    expect((await get(analyst, zoned.rows[0].href)).body).toMatchObject({ subject: 'ann', period: zoned.period, composite: { score: 39.4355 } });
    expect((await get(analyst, '/appraisal/staff?period=2026-10&department=delivery')).body.rows.map((r: { subject: string }) => r.subject)).toEqual(['ann', 'bob']);
    expect((await get(analyst, '/appraisal/staff?period=2026-10&department=quality')).body.rows.map((r: { subject: string }) => r.subject)).toEqual(['ann']);
    const csv = await fetch(`${api.url}/appraisal/staff?period=2026-10`, { headers: { authorization: `Bearer ${analyst.token}`, accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      '排名 Rank,员工 Staff,综合得分 Composite,已处理 Handled,已结案 Closed,期末未结 Open at end,首次响应中位数(秒) First response median (s),首次响应P90(秒) First response p90 (s),' +
        '解决时长中位数(秒) Resolution median (s),解决时长P90(秒) Resolution p90 (s),SLA达标率 SLA compliance,满意度 Satisfaction,重开率 Reopen rate,升级率 Escalation rate,' +
        '加权投诉数 Weighted complaints,加权分 Weighted score,每百件加权分 Weighted per 100 handled,期间 Period,时区 Zone,截至 As of,定稿 Final,权重政策版本 Policy version,假设分析 What-if',
    );
    expect(lines[1]).toBe(',ann,39.4355,8,4,2,3600,3600,172800,518400,0.75,3,0.25,0,2,2.6,32.5,2026-10,UTC+00:00,2026-11-01T00:00:00.000Z,true,1,false');
    expect(lines[2]).toBe(',bob,60.4839,2,1,0,3600,3600,345600,345600,1,5,0,0,2,8.5,425,2026-10,UTC+00:00,2026-11-01T00:00:00.000Z,true,1,false');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="appraisal-2026-10-v1.csv"');
    // In a zone: the file says so, by its name and on every row.
    const zonedCsv = await fetch(`${api.url}/appraisal/staff?period=2026-10&utcOffset=%2B08:00`, { headers: { authorization: `Bearer ${analyst.token}`, accept: 'text/csv' } });
    expect(zonedCsv.headers.get('content-disposition')).toBe('attachment; filename="appraisal-2026-10-UTC+0800-v1.csv"');
    expect((await zonedCsv.text()).split('\r\n')[1]).toContain(',2026-10,UTC+08:00,2026-10-31T16:00:00.000Z,');
    // Named but weighed below JSON, CSV is not what the client prefers.
    const json = await fetch(`${api.url}/appraisal/staff?period=2026-10`, { headers: { authorization: `Bearer ${analyst.token}`, accept: 'application/json, text/csv;q=0.1' } });
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await json.json()) as { rows: unknown[] }).rows).toHaveLength(2);
  });

  it('refuses a weighting policy that makes no sense, naming every problem, and stores nothing', async () => {
    const current = (await analyst.get('/policies/weighting')).body.policy;
    expect((await ann.put('/policies/weighting', current)).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
    const bad = await api.as('analysis', 'ana').put('/policies/weighting', { ...current, effectiveFrom: '2026-11-02', countedOutcomes: ['resolved', 'withdrawn'], composite: { timeliness: 0.5, satisfaction: 0.3, complaints: 0.3, workload: 0.1 } });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'INVALID_WEIGHTING_POLICY' });
    expect(bad.body.details).toEqual([
      'countedOutcomes: a withdrawn complaint never counts against staff',
      'composite weights must sum to 1 (they sum to 1.2)',
      'effectiveFrom must be a later day than today (2026-11-02): appraisals already published keep the policy they were made with',
    ]);
    expect((await api.as('admin').put('/policies/weighting', { ...current, categoryWeights: { billing: 1 } })).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    // At 12:00 UTC it is already the 3rd east of +12:00, where an appraisal of days from the 3rd has begun: too late for the 3rd.
    at('11-02T12:00');
    expect((await api.as('admin').put('/policies/weighting', { ...current, effectiveFrom: '2026-11-03' })).body).toMatchObject({ statusCode: 422, details: [expect.stringContaining('later day than today (2026-11-03)')] });
    at('11-02T08:00');
    expect((await analyst.get('/policies/weighting/versions')).body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it('a new version governs the periods from its effective day; any period can be recomputed under another (what-if)', async () => {
    const current = (await analyst.get('/policies/weighting')).body.policy;
    const v2 = { ...current, effectiveFrom: '2026-11-03', categoryWeights: { ...current.categoryWeights, billing: 3 }, minCasesHandledForRanking: 2 };
    const defined = await api.as('analysis', 'ana').put('/policies/weighting', v2);
    expect(defined.status).toBe(200);
    expect(defined.body).toMatchObject({ version: 2, definedBy: { user: 'ana', role: 'analysis' }, policy: { effectiveFrom: '2026-11-03' } });
    // October keeps version 1.
    expect((await get(ann, '/appraisal/staff/ann?period=2026-10')).body).toEqual(annOctober);
    // What-if: October under version 2. P1 weighs 3 × 2 = 6 (6.6 in all; still past the cap); both handled at least 2, so both are ranked.
    const whatIf = (await get(ann, '/appraisal/staff/ann?period=2026-10&policyVersion=2')).body;
    expect(whatIf.policy).toMatchObject({ version: 2, whatIf: true });
    expect(whatIf.figures.weighting).toEqual({ complaints: 2, score: 6.6, normalised: 82.5, per: 100 });
    const table = (await get(analyst, '/appraisal/staff?period=2026-10&policyVersion=2')).body;
    expect(table.rows.map((r: { subject: string; rank: number }) => [r.subject, r.rank])).toEqual([['bob', 1], ['ann', 2]]);
    // A period starting on or after its effective day gets version 2 by itself, once it has begun.
    expect((await get(ann, '/appraisal/staff/ann?period=2026-11-03..2026-11-30')).body).toMatchObject({ statusCode: 422, code: 'PERIOD_NOT_BEGUN' });
    at('11-03T08:00');
    expect((await get(ann, '/appraisal/staff/ann?period=2026-11-03..2026-11-30')).body.policy).toMatchObject({ version: 2, whatIf: false });
    // At +08:00 the same days begin at 16:00 UTC on 11-02, and are still governed by the version in effect on their own first day.
    expect((await get(ann, '/appraisal/staff/ann?period=2026-11-03..2026-11-30&utcOffset=%2B08:00')).body).toMatchObject({ period: { from: '2026-11-02T16:00:00.000Z' }, policy: { version: 2, whatIf: false } });
    expect((await get(ann, '/appraisal/staff/ann?period=2026-11')).body.policy).toMatchObject({ version: 1, whatIf: false });
  });

  it('a past period recomputed later under its own version gives what it gave when first published', async () => {
    // November: P9 found and closed, P7 reopened and found unsubstantiated, P8 handed to bob, P1 breached late, a version 3.
    await act(ann, 'P9', 'root-cause', { category: 'courier', description: 'Late', substantiated: true, attributedTo: { staff: ['ann'] } }, '11-03T08:00');
    await resolved(ann, 'P9', '11-03');
    await act(ann, 'P9', 'close', { outcome: 'resolved', summary: 'Done' }, '11-04T08:00');
    await act(ann, 'P7', 'reopen', { reason: 'Again' }, '11-05T08:00');
    await act(ann, 'P7', 'root-cause', { category: 'none', description: 'Misuse', substantiated: false }, '11-05T09:00');
    await act(supervisor, 'P8', 'assign', { assignee: 'bob' }, '11-06T08:00');
    const current = (await analyst.get('/policies/weighting')).body.policy;
    expect((await api.as('admin').put('/policies/weighting', { ...current, effectiveFrom: '2026-12-01', severityMultipliers: { low: 1, medium: 1, high: 1, critical: 1 } })).status).toBe(200);
    at('12-05T08:00');
    expect((await get(ann, '/appraisal/staff/ann?period=2026-10')).body).toEqual(annOctober);
    const november = (await get(ann, '/appraisal/staff/ann?period=2026-11')).body;
    expect(november.figures.workload).toEqual({ handled: 3, closed: 1, openAtEnd: 1 });
    expect(named(november.breakdown.weighted)).toEqual(['P9']);
  });

  it('who may read what, and clear errors for bad requests', async () => {
    expect((await bob.get('/appraisal/staff/ann?period=2026-10')).body).toMatchObject({ statusCode: 403, code: 'ROLE_FORBIDDEN' });
    expect((await ann.get('/appraisal/staff?period=2026-10')).status).toBe(403);
    const finance = api.as('department', 'fay');
    expect((await finance.get('/appraisal/departments/finance?period=2026-10')).status).toBe(403);
    const financeStaff = await fetch(`${api.url}/appraisal/departments/finance?period=2026-10`, { headers: { authorization: `Bearer ${signToken({ sub: 'fay', role: 'department', department: 'finance' }, TEST_JWT_SECRET, clock.now(), 3600)}` } });
    expect(financeStaff.status).toBe(200);
    expect((await analyst.get('/appraisal/staff/ann')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await analyst.get('/appraisal/staff/ann?period=2026-13')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await analyst.get('/appraisal/staff/ann?period=2026-10-05..2026-10-01')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await analyst.get('/appraisal/staff/ann?period=2026-10&sort=rank')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await analyst.get('/appraisal/staff/ann?period=2026-10&utcOffset=8')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY', message: 'utcOffset is an offset like +08:00 or -05:00, not "8"' });
    // A + typed into the URL arrives as a space: the message says how to write it.
    expect((await analyst.get('/appraisal/staff/ann?period=2026-10&utcOffset=+08:00')).body.message).toContain('write + as %2B');
    expect((await analyst.get('/appraisal/staff/ann?period=2026-10&policyVersion=9')).body).toMatchObject({ statusCode: 404, code: 'POLICY_VERSION_NOT_FOUND' });
    expect((await analyst.get('/appraisal/staff?period=2027-01')).body).toMatchObject({ statusCode: 422, code: 'PERIOD_NOT_BEGUN' });
    expect((await analyst.get('/appraisal/staff?period=1969-12')).body).toMatchObject({ statusCode: 400, code: 'INVALID_QUERY' });
    expect((await analyst.get('/appraisal/staff/nobody?period=2026-10')).body).toMatchObject({ statusCode: 404, code: 'STAFF_NOT_FOUND' });
    expect((await analyst.get(`/appraisal/staff/${'%20'.repeat(3)}?period=2026-10`)).body).toMatchObject({ statusCode: 400, code: 'INVALID_STAFF' });
    expect((await analyst.get(`/appraisal/departments/${'%20'.repeat(3)}?period=2026-10`)).body).toMatchObject({ statusCode: 400, code: 'INVALID_DEPARTMENT' });
    // A department name may be 200 characters long; a longer path segment is refused before any handler.
    expect((await analyst.get(`/appraisal/departments/${'d'.repeat(200)}?period=2026-10`)).body).toMatchObject({ statusCode: 404, code: 'DEPARTMENT_NOT_FOUND' });
    expect((await analyst.get(`/appraisal/departments/${'d'.repeat(201)}?period=2026-10`)).status).toBe(414);
    expect((await analyst.get('/appraisal/departments/nowhere?period=2026-10')).body).toMatchObject({ statusCode: 404, code: 'DEPARTMENT_NOT_FOUND' });
  });

  it('the CLI prints the same table', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET };
    expect(await runCli(['appraisal', '--period', '2026-10', '--policy-version', '2'], env, { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(0);
    expect(err).toEqual([]);
    expect(out[1]).toContain('Weighting policy version 2 (effective from 2026-11-03), a what-if');
    const rows = out.filter((line) => /^\s*\d+\s+(ann|bob)\b/.test(line)).map((line) => line.trim().split(/\s+/).slice(0, 5));
    expect(rows).toEqual([['1', 'bob', '60.4839', '2', '1'], ['2', 'ann', '39.4355', '8', '4']]);
    expect(await runCli(['appraisal', '--period', 'October'], env, { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
    expect(err[0]).toContain('--period "October" is not a period');
    const zoned: string[] = [];
    expect(await runCli(['appraisal', '--period', '2026-10', '--utc-offset', '+08:00'], env, { out: (l) => zoned.push(l), err: (l) => err.push(l) })).toBe(0);
    expect(zoned[0]).toContain('Staff appraisal 2026-10 (UTC+08:00): 2026-09-30T16:00:00.000Z to 2026-10-31T16:00:00.000Z');
    expect(await runCli(['appraisal', '--period', '2026-10', '--utc-offset', '8'], env, { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
    expect(err[1]).toContain('--utc-offset is an offset like +08:00 or --utc-offset=-05:00, not "8"');
    const west: string[] = [];
    expect(await runCli(['appraisal', '--period', '2026-10', '--utc-offset=-05:00'], env, { out: (l) => west.push(l), err: (l) => err.push(l) })).toBe(0);
    expect(west[0]).toContain('Staff appraisal 2026-10 (UTC-05:00): 2026-10-01T05:00:00.000Z to 2026-11-01T05:00:00.000Z');
  });
});
