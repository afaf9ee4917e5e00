import * as fc from 'fast-check';
import type { WeightingPolicy } from '@redress/contracts';
import type { Mark } from '@redress/projections';
import { appraisal, breakdown, rankingTable, tally, type AppraisalPeriod, type CaseTrail, type SubjectKind } from './appraise';
import { DEFAULT_WEIGHTING_POLICY } from './policy';

/** A trail from [time, kind, ...what] entries; revisions count from 0 as a stream's do. */
const trail = (id: string, ...entries: Array<[string, ...unknown[]]>): CaseTrail => ({
  id,
  marks: entries.map(([iso, kind, ...rest], revision) => [revision, Date.parse(`2026-${iso}Z`), kind, ...rest] as unknown as Mark),
});
const october: AppraisalPeriod = { label: '2026-10', from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-11-01T00:00:00Z'), utcOffsetMinutes: 0 };
const DAY = 86_400;

/**
 * Hand-built October: h-1 and h-2 share a reassigned case (B); findings name
 * who a complaint is attributed to (C is h-2's case but attributed to h-1);
 * D is unsubstantiated, E withdrawn, F rejected; H was closed in September,
 * reopened and closed again; G and I are still open at the end of October; I
 * closes in November and J arrives in November.
 */
const TRAILS: CaseTrail[] = [
  trail('A', ['10-01T00:00:00', 'received'], ['10-01T02:00:00', 'acknowledged'], ['10-01T03:00:00', 'classified', 'billing', 'high', 'finance', true], ['10-01T04:00:00', 'assigned', 'h-1', null],
    ['10-02T00:00:00', 'finding', true, ['h-1'], null], ['10-03T00:00:00', 'followUp', 2], ['10-04T00:00:00', 'closed', 'resolved']),
  trail('B', ['09-20T00:00:00', 'received'], ['09-20T01:00:00', 'acknowledged'], ['09-20T02:00:00', 'classified', 'logistics', 'medium', 'delivery', true], ['09-21T00:00:00', 'assigned', 'h-1', null],
    ['10-10T00:00:00', 'assigned', 'h-2', null], ['10-12T00:00:00', 'finding', true, ['h-2'], 'delivery'], ['10-14T00:00:00', 'followUp', 5], ['10-15T00:00:00', 'closed', 'resolved']),
  trail('C', ['10-05T00:00:00', 'received'], ['10-05T01:00:00', 'acknowledged'], ['10-05T02:00:00', 'classified', 'service_attitude', 'critical', 'service', true], ['10-05T03:00:00', 'assigned', 'h-2', null],
    ['10-06T00:00:00', 'breached'], ['10-07T00:00:00', 'finding', true, ['h-1'], 'training'], ['10-19T00:00:00', 'followUp', 3], ['10-20T00:00:00', 'closed', 'unresolved']),
  trail('D', ['10-02T00:00:00', 'received'], ['10-02T01:00:00', 'acknowledged'], ['10-02T02:00:00', 'classified', 'privacy', 'critical', 'it', true], ['10-02T03:00:00', 'assigned', 'h-1', null],
    ['10-03T00:00:00', 'finding', false, ['h-1'], 'it'], ['10-08T00:00:00', 'closed', 'resolved']),
  trail('E', ['10-03T00:00:00', 'received'], ['10-03T01:00:00', 'acknowledged'], ['10-03T02:00:00', 'classified', 'privacy', 'high', 'it', true], ['10-03T03:00:00', 'assigned', 'h-1', null],
    ['10-04T00:00:00', 'finding', true, ['h-1'], 'it'], ['10-09T00:00:00', 'ended', 'withdrawn']),
  trail('F', ['10-03T00:00:00', 'received'], ['10-03T00:30:00', 'acknowledged'], ['10-03T00:40:00', 'classified', 'billing', 'critical', 'finance', true], ['10-03T01:00:00', 'assigned', 'h-2', null],
    ['10-03T12:00:00', 'finding', true, ['h-2'], 'finance'], ['10-04T00:00:00', 'ended', 'rejected']),
  trail('G', ['10-25T00:00:00', 'received'], ['10-25T01:00:00', 'acknowledged'], ['10-25T02:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-25T03:00:00', 'assigned', 'h-1', null], ['10-26T00:00:00', 'escalated']),
  trail('H', ['09-01T00:00:00', 'received'], ['09-01T00:30:00', 'acknowledged'], ['09-01T01:00:00', 'classified', 'product_quality', 'medium', 'quality', true], ['09-01T02:00:00', 'assigned', 'h-1', null],
    ['09-02T00:00:00', 'finding', true, ['h-1'], null], ['09-03T00:00:00', 'followUp', 1], ['09-04T00:00:00', 'closed', 'resolved'], ['10-05T00:00:00', 'reopened'], ['10-06T00:00:00', 'followUp', 4], ['10-07T00:00:00', 'closed', 'partially_resolved']),
  trail('I', ['10-28T00:00:00', 'received'], ['10-28T01:00:00', 'acknowledged'], ['10-28T02:00:00', 'classified', 'privacy', 'critical', 'it', true], ['10-28T03:00:00', 'assigned', 'h-1', null],
    ['11-01T00:00:00', 'finding', true, ['h-1'], null], ['11-02T00:00:00', 'closed', 'resolved'], ['11-03T00:00:00', 'reopened']),
  trail('J', ['11-02T00:00:00', 'received'], ['11-02T01:00:00', 'acknowledged'], ['11-02T02:00:00', 'classified', 'privacy', 'critical', 'it', true], ['11-02T03:00:00', 'assigned', 'h-1', null]),
];

const appraise = (kind: SubjectKind, subject: string, policy: WeightingPolicy = DEFAULT_WEIGHTING_POLICY, trails = TRAILS, period = october) => {
  const found = tally(trails, period, kind, policy).bySubject.get(subject);
  if (!found) throw new Error(`no tally for ${subject}`);
  return { ...appraisal(subject, found, period, policy), breakdown: breakdown(found) };
};
const ids = (entries: ReadonlyArray<{ complaintId: string }>) => entries.map((entry) => entry.complaintId);

describe('appraisal of hand-built cases (figures worked out by hand)', () => {
  it('h-1: workload split by who held each case, reopened and open cases, attributed weight', () => {
    const h1 = appraise('staff', 'h-1');
    // Handled: A, D, E, G, I outright; B until its reassignment on 10-10; H once reopened. Not C (h-2 held it), not J (November).
    expect(ids(h1.breakdown.handled)).toEqual(['A', 'B', 'D', 'E', 'G', 'H', 'I']);
    expect(ids(h1.breakdown.closed)).toEqual(['A', 'D', 'H']);
    expect(ids(h1.breakdown.openAtEnd)).toEqual(['G', 'I']);
    expect(h1.figures.workload).toEqual({ handled: 7, closed: 3, openAtEnd: 2 });
    // First responses 2 h, 1 h, 30 min; resolutions 3, 6 and 36 days (H from its September receipt).
    expect(h1.figures.timeliness).toEqual({
      firstResponseSeconds: { median: 3600, p90: 7200 },
      resolutionSeconds: { median: 6 * DAY, p90: 36 * DAY },
      slaCompliance: 1,
    });
    // Follow-ups 2 (A) and 4 (H's second, after the reopen voided its 1). H's reopen undid its September closing,
    // which October does not measure; none escalated.
    expect(h1.figures.quality).toEqual({ satisfaction: 3, reopenRate: 0, escalationRate: 0 });
    // A: billing 1 × high 2 = 2. C (h-2's case, attributed to h-1): attitude 1.5 × critical 4 × breach 1.5 = 9, capped at 8.
    // H counted in September, when it first closed substantiated. D unsubstantiated, E withdrawn, I closed in November: none.
    expect(h1.breakdown.weighted.map((w) => [w.complaintId, w.weight, w.capped])).toEqual([['A', 2, false], ['C', 8, true]]);
    // 10 per 7 handled = 142.86 per 100, past the cap of 20.
    expect(h1.figures.weighting).toEqual({ complaints: 2, score: 10, normalised: 142.8571, per: 100 });
    // Timeliness 100, satisfaction (3-1)/4 = 50, complaints 0 (capped), workload 7 / (40 × 31/30) = 16.9355.
    expect(h1.composite.components.map((c) => [c.name, c.value, c.contribution])).toEqual([
      ['timeliness', 100, 30],
      ['satisfaction', 50, 15],
      ['complaints', 0, 0],
      ['workload', 16.9355, 1.6935],
    ]);
    expect(h1.composite.score).toBe(46.6935);
    expect(h1.ranked).toBe(false);
  });

  it('h-2: the reassigned case counts from the handover; a rejected case never weighs', () => {
    const h2 = appraise('staff', 'h-2');
    expect(h2.figures.workload).toEqual({ handled: 3, closed: 2, openAtEnd: 0 });
    expect(h2.breakdown.handled).toEqual([
      { complaintId: 'B', events: [{ revision: 4, kind: 'assigned', at: '2026-10-10T00:00:00.000Z' }] },
      { complaintId: 'C', events: [{ revision: 3, kind: 'assigned', at: '2026-10-05T03:00:00.000Z' }] },
      { complaintId: 'F', events: [{ revision: 3, kind: 'assigned', at: '2026-10-03T01:00:00.000Z' }] },
    ]);
    // B took 25 days, C 15; C breached.
    expect(h2.figures.timeliness).toEqual({ firstResponseSeconds: { median: 3600, p90: 3600 }, resolutionSeconds: { median: 15 * DAY, p90: 25 * DAY }, slaCompliance: 0.5 });
    expect(h2.figures.quality).toEqual({ satisfaction: 4, reopenRate: 0, escalationRate: 0 });
    // B: logistics 1 × medium 1 × satisfied 0.5. F was rejected.
    expect(h2.figures.weighting).toEqual({ complaints: 1, score: 0.5, normalised: 16.6667, per: 100 });
    // 0.3 × 50 + 0.3 × 75 + 0.3 × (1 − 16.667/20) × 100 + 0.1 × 3/41.333 × 100
    expect(h2.composite.score).toBe(43.2258);
    expect(h2.breakdown.closed[1]).toMatchObject({ complaintId: 'C', resolutionSeconds: 15 * DAY, breached: true, satisfaction: 3 });
    expect(h2.breakdown.closed[1]?.events.map((e) => [e.revision, e.kind])).toEqual([[0, 'received'], [1, 'acknowledged'], [4, 'breached'], [6, 'followUp'], [7, 'closed']]);
  });

  it('departments: the finding names the department, else the case’s department at the closing', () => {
    const weighted = (department: string) => appraise('department', department).breakdown.weighted.map((w) => [w.complaintId, w.weight]);
    expect(weighted('finance')).toEqual([['A', 2]]);
    expect(weighted('training')).toEqual([['C', 8]]);
    expect(weighted('delivery')).toEqual([['B', 0.5]]);
    expect(weighted('quality')).toEqual([]);
    // C was the service department's case, but the finding attributes it to training.
    const service = appraise('department', 'service');
    expect(service.figures.workload).toEqual({ handled: 1, closed: 1, openAtEnd: 0 });
    expect(service.figures.weighting.complaints).toBe(0);
    const it = appraise('department', 'it');
    expect(ids(it.breakdown.handled)).toEqual(['D', 'E', 'I']);
  });

  it('charges breaches and escalations to whoever held the case then, and a reopen to whoever made the closing it undid', () => {
    const handedOver = trail('K', ['10-01T00:00:00', 'received'], ['10-01T01:00:00', 'acknowledged'], ['10-01T02:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-01T03:00:00', 'assigned', 'h-1', null],
      ['10-02T00:00:00', 'escalated'], ['10-02T06:00:00', 'breached'], ['10-03T00:00:00', 'assigned', 'h-2', null], ['10-04T00:00:00', 'closed', 'resolved'],
      ['10-05T00:00:00', 'reopened'], ['10-06T00:00:00', 'assigned', 'h-3', null], ['10-07T00:00:00', 'closed', 'resolved']);
    const closed = (subject: string) => appraise('staff', subject, DEFAULT_WEIGHTING_POLICY, [handedOver]).breakdown.closed;
    // h-1 held it through the escalation and the breach but closed nothing.
    expect(closed('h-1')).toEqual([]);
    // h-2 closed it: no breach or escalation of theirs, but their closing was reopened.
    expect(closed('h-2')).toMatchObject([{ complaintId: 'K', breached: false, escalated: false, reopened: true }]);
    expect(closed('h-3')).toMatchObject([{ complaintId: 'K', breached: false, escalated: false, reopened: false }]);
    const held = trail('L', ['10-01T00:00:00', 'received'], ['10-01T02:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-01T03:00:00', 'assigned', 'h-1', null],
      ['10-02T00:00:00', 'escalated'], ['10-02T06:00:00', 'breached'], ['10-04T00:00:00', 'closed', 'resolved']);
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [held]).figures.quality).toEqual({ satisfaction: null, reopenRate: 0, escalationRate: 1 });
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [held]).figures.timeliness.slaCompliance).toBe(0);
  });

  it('a breach counts from its deadline, even when the scheduler records it after the period', () => {
    // Closed 5 s after a deadline, seconds before midnight; the scheduler recorded the breach in November, after another event.
    const late = trail('M', ['10-30T00:00:00', 'received'], ['10-30T01:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-30T02:00:00', 'assigned', 'h-1', null],
      ['10-31T23:59:55', 'closed', 'resolved'], ['11-01T00:00:30', 'followUp', 5], ['10-31T23:59:50', 'breached']);
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [late]).figures.timeliness.slaCompliance).toBe(0);
  });

  it('charges a breach the scheduler recorded late to whoever held the case at the deadline, not when it was recorded', () => {
    // h-1 held it past the deadline (10-02T06:00); it went to h-2 before the scheduler recorded the breach; h-2 closed it.
    const handedOn = trail('P', ['10-01T00:00:00', 'received'], ['10-01T01:00:00', 'acknowledged'], ['10-01T02:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-01T03:00:00', 'assigned', 'h-1', null],
      ['10-03T00:00:00', 'assigned', 'h-2', null], ['10-02T06:00:00', 'breached'], ['10-04T00:00:00', 'closed', 'resolved']);
    expect(appraise('staff', 'h-2', DEFAULT_WEIGHTING_POLICY, [handedOn]).breakdown.closed).toMatchObject([{ complaintId: 'P', breached: false }]);
    // And it is h-1's: back with h-1, who closes it, the breach recorded while h-2 held it is h-1's.
    const handedBack = trail('R', ['10-01T00:00:00', 'received'], ['10-01T01:00:00', 'acknowledged'], ['10-01T02:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-01T03:00:00', 'assigned', 'h-1', null],
      ['10-03T00:00:00', 'assigned', 'h-2', null], ['10-02T06:00:00', 'breached'], ['10-03T12:00:00', 'assigned', 'h-1', null], ['10-04T00:00:00', 'closed', 'resolved']);
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [handedBack]).breakdown.closed).toMatchObject([{ complaintId: 'R', breached: true }]);
    // Before anyone held it, a missed deadline is nobody's on the staff side.
    const unheld = trail('Q', ['10-01T00:00:00', 'received'], ['10-03T00:00:00', 'acknowledged'], ['10-03T01:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-03T02:00:00', 'assigned', 'h-2', null],
      ['10-02T00:00:00', 'breached'], ['10-04T00:00:00', 'closed', 'resolved']);
    expect(appraise('staff', 'h-2', DEFAULT_WEIGHTING_POLICY, [unheld]).breakdown.closed).toMatchObject([{ complaintId: 'Q', breached: false }]);
  });

  it('measures a closing by the deadlines before it: a reopened case’s new deadline missed later is its next closing’s', () => {
    // Closed on time on 10-04, reopened on 10-05 (new deadlines), the renewed one missed on 10-08, still open at the end.
    const reopened = trail('S', ['10-01T00:00:00', 'received'], ['10-01T01:00:00', 'acknowledged'], ['10-01T02:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-01T03:00:00', 'assigned', 'h-1', null],
      ['10-04T00:00:00', 'closed', 'resolved'], ['10-05T00:00:00', 'reopened'], ['10-08T00:00:00', 'breached']);
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [reopened]).breakdown.closed).toMatchObject([{ complaintId: 'S', breached: false }]);
    // Nor is its weight: substantiated and counted at that closing, without the breach multiplier.
    const found = { ...reopened, marks: [...reopened.marks.slice(0, 4), [9, Date.parse('2026-10-02T00:00:00Z'), 'finding', true, ['h-1'], null] as unknown as Mark, ...reopened.marks.slice(4)] };
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [found]).breakdown.weighted).toMatchObject([{ complaintId: 'S', breachMultiplier: 1 }]);
    // Closed again on 10-09: that closing missed one.
    const closedAgain = { ...reopened, marks: [...reopened.marks, [7, Date.parse('2026-10-09T00:00:00Z'), 'closed', 'resolved'] as unknown as Mark] };
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [closedAgain]).breakdown.closed).toMatchObject([{ complaintId: 'S', breached: true }]);
  });

  it('charges an escalation to the closing it came before: one of a reopened case is its next closing’s', () => {
    const reopened = trail('E', ['10-01T00:00:00', 'received'], ['10-01T01:00:00', 'acknowledged'], ['10-01T02:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-01T03:00:00', 'assigned', 'h-1', null],
      ['10-04T00:00:00', 'closed', 'resolved'], ['10-05T00:00:00', 'reopened'], ['10-06T00:00:00', 'escalated']);
    const firstClosing = appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [reopened]);
    expect(firstClosing.breakdown.closed).toMatchObject([{ complaintId: 'E', escalated: false, reopened: true }]);
    expect(firstClosing.figures.quality.escalationRate).toBe(0);
    const closedAgain = { ...reopened, marks: [...reopened.marks, [8, Date.parse('2026-10-09T00:00:00Z'), 'closed', 'resolved'] as unknown as Mark] };
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [closedAgain]).breakdown.closed).toMatchObject([{ complaintId: 'E', escalated: true }]);
  });

  it('measures each breach and escalation in one period only: that of the first closing after it', () => {
    const rounds = (firstRound: string) =>
      trail('P', [`${firstRound}-01T00:00:00`, 'received'], [`${firstRound}-01T01:00:00`, 'acknowledged'], [`${firstRound}-01T02:00:00`, 'classified', 'billing', 'low', 'finance', true],
        [`${firstRound}-01T03:00:00`, 'assigned', 'h-1', null], [`${firstRound}-02T00:00:00`, 'escalated'], [`${firstRound}-03T00:00:00`, 'breached'], [`${firstRound}-04T00:00:00`, 'closed', 'resolved'],
        // Reopened, and closed again on 10-20 in time, with no escalation.
        ['10-10T00:00:00', 'reopened'], ['10-20T00:00:00', 'closed', 'resolved']);
    // The first round was September's: September's figures have its breach and escalation, October's closing has neither.
    const september: AppraisalPeriod = { label: '2026-09', from: Date.parse('2026-09-01T00:00:00Z'), to: october.from, utcOffsetMinutes: 0 };
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [rounds('09')], september).breakdown.closed).toMatchObject([{ complaintId: 'P', breached: true, escalated: true }]);
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [rounds('09')]).breakdown.closed).toMatchObject([{ complaintId: 'P', breached: false, escalated: false }]);
    // Both rounds in October: its last closing, the one measured, carries them.
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [rounds('10')]).breakdown.closed).toMatchObject([{ complaintId: 'P', breached: true, escalated: true }]);
    // A closing by someone else does not take a holder's breach from them: h-1 missed it, h-2 closed in September,
    // h-1 closed the reopened case in October. September measured nothing of h-1's, so October has it.
    const handedOver = trail('Q', ['09-01T00:00:00', 'received'], ['09-01T01:00:00', 'acknowledged'], ['09-01T02:00:00', 'classified', 'billing', 'low', 'finance', true],
      ['09-01T03:00:00', 'assigned', 'h-1', null], ['09-03T12:00:00', 'assigned', 'h-2', null], ['09-03T00:00:00', 'breached'], ['09-04T00:00:00', 'closed', 'resolved'],
      ['10-10T00:00:00', 'reopened'], ['10-10T01:00:00', 'assigned', 'h-1', null], ['10-20T00:00:00', 'closed', 'resolved']);
    expect(appraise('staff', 'h-2', DEFAULT_WEIGHTING_POLICY, [handedOver], september).breakdown.closed).toMatchObject([{ complaintId: 'Q', breached: false }]);
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [handedOver]).breakdown.closed).toMatchObject([{ complaintId: 'Q', breached: true }]);
  });

  it('measures SLA compliance only over cases held to deadlines: an imported case is neither compliant nor in breach', () => {
    const imported = trail('N', ['10-01T00:00:00', 'received'], ['10-01T00:00:00', 'classified', 'billing', 'low', 'finance', false], ['10-01T00:00:00', 'assigned', 'h-1', null], ['10-02T00:00:00', 'closed', 'resolved']);
    const live = trail('O', ['10-01T00:00:00', 'received'], ['10-01T01:00:00', 'classified', 'billing', 'low', 'finance', true], ['10-01T02:00:00', 'assigned', 'h-1', null],
      ['10-02T00:00:00', 'breached'], ['10-03T00:00:00', 'closed', 'resolved']);
    const onlyImported = appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [imported]);
    expect(onlyImported.figures.timeliness.slaCompliance).toBeNull();
    expect(onlyImported.composite.components.find((c) => c.name === 'timeliness')).toMatchObject({ value: null, contribution: 0 });
    expect(onlyImported.breakdown.closed).toMatchObject([{ complaintId: 'N', breached: null }]);
    // Before: the imported case counted as compliant, so h-1's breach showed as 50 %.
    expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, [imported, live]).figures.timeliness.slaCompliance).toBe(0);
  });

  it('counts a complaint once: not again when closed again later, and not at all when withdrawn or rejected after a reopen', () => {
    const base: Array<[string, ...unknown[]]> = [['10-01T00:00:00', 'received'], ['10-01T01:00:00', 'classified', 'billing', 'high', 'finance', true], ['10-01T02:00:00', 'assigned', 'h-1', null],
      ['10-02T00:00:00', 'finding', true, ['h-1'], null], ['10-03T00:00:00', 'closed', 'resolved'], ['10-04T00:00:00', 'reopened']];
    const weights = (trails: CaseTrail[], period = october) => {
      const found = tally(trails, period, 'staff', DEFAULT_WEIGHTING_POLICY).bySubject.get('h-1');
      return found ? [...found.weighted.keys()] : [];
    };
    expect(weights([trail('N', ...base)])).toEqual(['N']);
    expect(weights([trail('N', ...base, ['10-05T00:00:00', 'ended', 'withdrawn'])])).toEqual([]);
    expect(weights([trail('N', ...base, ['10-05T00:00:00', 'ended', 'rejected'])])).toEqual([]);
    // Found unsubstantiated after the reopen and closed again within October: it no longer counts.
    expect(weights([trail('N', ...base, ['10-05T00:00:00', 'finding', false, ['h-1'], null], ['10-06T00:00:00', 'closed', 'resolved'])])).toEqual([]);
    // Closed again in November: counted in October, not again in November.
    const november: AppraisalPeriod = { label: '2026-11', from: october.to, to: Date.parse('2026-12-01T00:00:00Z'), utcOffsetMinutes: 0 };
    const again = trail('N', ...base, ['11-05T00:00:00', 'closed', 'resolved']);
    expect(weights([again])).toEqual(['N']);
    expect(weights([again], november)).toEqual([]);
  });

  it('the policy decides the weights: a what-if under other weights', () => {
    const policy: WeightingPolicy = { ...DEFAULT_WEIGHTING_POLICY, categoryWeights: { ...DEFAULT_WEIGHTING_POLICY.categoryWeights, billing: 3 }, caps: { perComplaint: 100, normalisedScore: 200 }, countedOutcomes: ['resolved'] };
    const h1 = appraise('staff', 'h-1', policy);
    // A: 3 × 2 = 6; C (unresolved) no longer counts.
    expect(h1.breakdown.weighted.map((w) => [w.complaintId, w.weight])).toEqual([['A', 6]]);
    expect(h1.figures.weighting).toEqual({ complaints: 1, score: 6, normalised: 85.7143, per: 100 });
    // complaints component: (1 − 85.7143/200) × 100 = 57.1429
    expect(h1.composite.components[2]).toEqual({ name: 'complaints', value: 57.1429, weight: 0.3, appliedWeight: 0.3, contribution: 17.1429 });
  });

  it('leaves out satisfaction without a follow-up and scales the others up; gives no composite to whoever closed nothing', () => {
    // D only: closed, no follow-up. 0.3 / 0.7 of 100 twice, and 0.1 / 0.7 of 1 / (40 × 31/30) × 100 = 2.4194.
    const d = appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, TRAILS.filter((t) => t.id === 'D'));
    expect(d.composite.components.map((c) => [c.name, c.value, c.appliedWeight, c.contribution])).toEqual([
      ['timeliness', 100, 0.4286, 42.8571],
      ['satisfaction', null, 0, 0],
      ['complaints', 100, 0.4286, 42.8571],
      ['workload', 2.4194, 0.1429, 0.3456],
    ]);
    expect(d.composite.score).toBe(86.0598);
    // G only: open at the end, nothing closed. Its complaints component alone would score it 75.6 and rank it above those who work cases.
    const g = appraise('staff', 'h-1', { ...DEFAULT_WEIGHTING_POLICY, minCasesHandledForRanking: 1 }, TRAILS.filter((t) => t.id === 'G'));
    expect(g.composite.score).toBeNull();
    expect(g.ranked).toBe(false);
  });

  it('ranks those who handled enough, equal scores sharing a rank; the rest follow unranked', () => {
    const row = (subject: string, score: number | null, ranked = true) => ({ subject, composite: { score, components: [] }, ranked }) as unknown as Parameters<typeof rankingTable>[0][number];
    const table = rankingTable([row('c', 50), row('a', 70), row('d', 50), row('b', 90, false), row('e', 40)]);
    expect(table.map((r) => [r.subject, r.rank])).toEqual([['a', 1], ['c', 2], ['d', 2], ['e', 4], ['b', null]]);
  });

  it('nothing after the period’s end changes it', () => {
    const later = fc.array(
      fc.tuple(fc.integer({ min: 0, max: TRAILS.length - 1 }), fc.integer({ min: 0, max: 40 * DAY }), fc.constantFrom<Mark[2]>('closed', 'reopened', 'assigned', 'finding', 'followUp', 'breached', 'ended', 'escalated')),
      { maxLength: 30 },
    );
    const before = appraise('staff', 'h-1');
    fc.assert(
      fc.property(later, (extra) => {
        const trails = TRAILS.map((t) => ({ ...t, marks: [...t.marks] }));
        for (const [which, offset, kind] of extra) {
          const target = trails[which] as { marks: Mark[] };
          const at = Math.max(october.to, ...target.marks.map((m) => m[1])) + offset * 1000;
          const mark = { closed: [kind, 'resolved'], reopened: [kind], assigned: [kind, 'h-1', null], finding: [kind, true, ['h-1'], null], followUp: [kind, 1], breached: [kind], ended: [kind, 'withdrawn'], escalated: [kind] }[kind as string] as unknown[];
          target.marks.push([target.marks.length, at, ...mark] as unknown as Mark);
        }
        expect(appraise('staff', 'h-1', DEFAULT_WEIGHTING_POLICY, trails)).toEqual(before);
      }),
    );
  });

  it('never counts one breach or escalation against a subject in two periods', () => {
    const months = ['09', '10', '11'].map((month, i) => ({ label: `2026-${month}`, from: Date.parse(`2026-${month}-01T00:00:00Z`), to: Date.parse(`2026-${['10', '11', '12'][i] as string}-01T00:00:00Z`), utcOffsetMinutes: 0 }));
    const step = fc.constantFrom('h-1', 'h-2', 'breached', 'escalated', 'close');
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 1, max: 6 * DAY })), { maxLength: 25 }), (steps) => {
        // A case received on 09-01, taken by h-1, then each step some time after the one before; `close` closes or reopens.
        let at = Date.parse('2026-09-01T00:00:00Z');
        const marks: unknown[][] = [[at, 'received'], [at, 'acknowledged'], [at, 'classified', 'billing', 'low', 'finance', true], [at, 'assigned', 'h-1', null]];
        let open = true;
        for (const [what, after] of steps) {
          at += after * 1000;
          if (what === 'close') marks.push(open ? [at, 'closed', 'resolved'] : [at, 'reopened']);
          else marks.push(what.startsWith('h-') ? [at, 'assigned', what, null] : [at, what]);
          if (what === 'close') open = !open;
        }
        const trails = [{ id: 'X', marks: marks.map((mark, revision) => [revision, ...mark] as unknown as Mark) }];
        for (const [kind, who] of [['staff', 'h-1'], ['staff', 'h-2'], ['department', 'finance']] as const) {
          const counted = months.flatMap((month) => {
            const found = tally(trails, month, kind, DEFAULT_WEIGHTING_POLICY).bySubject.get(who);
            return found ? breakdown(found).closed.flatMap((c) => c.events.filter((e) => e.kind === 'breached' || e.kind === 'escalated').map((e) => e.revision)) : [];
          });
          expect(counted).toEqual([...new Set(counted)]);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
