import * as E from 'fp-ts/Either';
import type { SlaStep } from '@redress/contracts';
import { DAY_MS } from '../calendar';
import { DEFAULT_SLA_POLICY, addServiceHours, breachRecorded, dueBreaches, effectiveSeverity, reopenedDeadlines, slaDeadlines, summaryResolutionDeadlines, validateSlaPolicy } from './sla';

const business = {
  ...DEFAULT_SLA_POLICY,
  businessHours: { start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5], utcOffsetMinutes: 480 },
  holidays: ['2026-10-01', '2026-10-02'],
};

describe('SLA deadlines', () => {
  it('counts calendar hours by default', () => {
    expect(addServiceHours(DEFAULT_SLA_POLICY, '2026-11-25T08:00:00.000Z', 1344)).toBe('2027-01-20T08:00:00.000Z');
  });

  it('counts only business hours of working days, in the office’s offset', () => {
    // Friday 2026-11-27 17:00 in UTC+8 (09:00Z): one hour left that day, then Monday 09:00 +3 h → Monday 12:00 +08 = 04:00Z.
    expect(addServiceHours(business, '2026-11-27T09:00:00.000Z', 4)).toBe('2026-11-30T04:00:00.000Z');
    // Received at night: the clock starts at 09:00 next working day.
    expect(addServiceHours(business, '2026-11-24T15:00:00.000Z', 1)).toBe('2026-11-25T02:00:00.000Z');
  });

  it('skips holidays', () => {
    // Wednesday 2026-09-30 18:00 +08 → Thursday and Friday are holidays → Monday 2026-10-05 09:00 + 2 h.
    expect(addServiceHours(business, '2026-09-30T10:00:00.000Z', 2)).toBe('2026-10-05T03:00:00.000Z');
  });

  it('puts the summary-resolution deadline at the close of the third business day after the day of receipt', () => {
    const iso = (deadline: (receivedAt: number) => number, receivedAt: string) => new Date(deadline(Date.parse(receivedAt))).toISOString();
    // Calendar targets: the end of the third weekday after receipt, UTC (Monday → Thursday; Friday → Wednesday).
    expect(iso(summaryResolutionDeadlines(DEFAULT_SLA_POLICY), '2026-11-02T08:00:00.000Z')).toBe('2026-11-06T00:00:00.000Z');
    expect(iso(summaryResolutionDeadlines(DEFAULT_SLA_POLICY), '2026-11-27T08:00:00.000Z')).toBe('2026-12-03T00:00:00.000Z');
    const fast = summaryResolutionDeadlines(business);
    // Received Friday 2026-11-27 at 23:30 +08 (15:30Z): Monday, Tuesday, Wednesday → Wednesday 18:00 +08.
    expect(iso(fast, '2026-11-27T15:30:00.000Z')).toBe('2026-12-02T10:00:00.000Z');
    // The same local Friday, earlier: the same deadline (remembered by day).
    expect(iso(fast, '2026-11-27T01:00:00.000Z')).toBe('2026-12-02T10:00:00.000Z');
    // Received Wednesday 2026-09-30: Thursday and Friday are holidays → Monday, Tuesday, Wednesday.
    expect(iso(fast, '2026-09-30T02:00:00.000Z')).toBe('2026-10-07T10:00:00.000Z');
  });

  it('gives urgent cases the targets of the next severity up', () => {
    expect(effectiveSeverity('medium', 'urgent')).toBe('high');
    expect(effectiveSeverity('critical', 'urgent')).toBe('critical');
    expect(slaDeadlines(DEFAULT_SLA_POLICY, 1, '2026-11-25T00:00:00.000Z', 'low', 'normal')).toEqual({
      policyVersion: 1,
      acknowledge: '2026-11-27T00:00:00.000Z',
      classify: '2026-11-28T00:00:00.000Z',
      resolution_proposed: '2026-12-09T00:00:00.000Z',
      final_response: '2027-01-20T00:00:00.000Z',
    });
  });

  it('validates what the codec cannot', () => {
    expect(validateSlaPolicy(business)).toEqual(E.right(business));
    const broken = {
      targets: { ...DEFAULT_SLA_POLICY.targets, low: { acknowledge: 10, classify: 5, resolution_proposed: 400, final_response: 1400 } },
      businessHours: { start: '18:00', end: '09:00', days: [1, 1], utcOffsetMinutes: 0 },
      holidays: ['2026-13-01', '2026-02-30'],
    };
    expect(validateSlaPolicy(broken)).toEqual(
      E.left([
        "targets.low: each step's target must be at least the one before (acknowledge ≤ classify ≤ resolution_proposed ≤ final_response)",
        'targets: acknowledge must not take longer for a more severe case',
        'targets: classify must not take longer for a more severe case',
        'businessHours.start must be before businessHours.end',
        'businessHours.days names each weekday once',
        'holidays: "2026-13-01" is not a date like 2026-10-01',
        'holidays: "2026-02-30" is not a date like 2026-10-01',
      ]),
    );
    const oneMinuteAWeek = { ...DEFAULT_SLA_POLICY, businessHours: { start: '09:00', end: '09:01', days: [1], utcOffsetMinutes: 0 } };
    expect(validateSlaPolicy(oneMinuteAWeek)).toEqual(E.left(['businessHours and holidays leave 8 working hours in the worst ten years, too few to reach 1344 hours']));
    // Also beside a problem with the targets: every problem at once, the longest target whichever step it is.
    const outOfOrder = { ...oneMinuteAWeek, targets: { ...DEFAULT_SLA_POLICY.targets, low: { ...DEFAULT_SLA_POLICY.targets.low, acknowledge: 5000 } } };
    expect(validateSlaPolicy(outOfOrder)).toEqual(
      E.left([
        "targets.low: each step's target must be at least the one before (acknowledge ≤ classify ≤ resolution_proposed ≤ final_response)",
        'businessHours and holidays leave 8 working hours in the worst ten years, too few to reach 5000 hours',
      ]),
    );
  });

  it('refuses a policy whose holidays would leave too little working time for a case received later, not only now', () => {
    // One hour on Mondays: 522 in any ten years; 30 Monday holidays in 2036 leave 492 to a case received from 2030 on.
    const mondays2036 = Array.from({ length: 30 }, (_, week) => new Date(Date.parse('2036-01-07T00:00:00Z') + week * 7 * DAY_MS).toISOString().slice(0, 10));
    const targets = { acknowledge: 1, classify: 1, resolution_proposed: 1, final_response: 500 };
    const policy = { targets: { critical: targets, high: targets, medium: targets, low: targets }, businessHours: { start: '09:00', end: '10:00', days: [1], utcOffsetMinutes: 0 }, holidays: mondays2036 };
    // From 2026 it would have worked: a check from one start date let it through.
    expect(addServiceHours(policy, '2026-01-01T00:00:00.000Z', 500)).toBeDefined();
    expect(() => addServiceHours(policy, '2030-06-01T00:00:00.000Z', 500)).toThrow('no working time within ten years');
    expect(validateSlaPolicy(policy)).toEqual(E.left(['businessHours and holidays leave 492 working hours in the worst ten years, too few to reach 500 hours']));
    // Holidays on days off cost nothing: 30 Sundays leave the 522 hours.
    const sundays = mondays2036.map((day) => new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10));
    expect(validateSlaPolicy({ ...policy, holidays: sundays })).toEqual(E.right({ ...policy, holidays: sundays }));
    // An exact fit passes: 495 Mondays of 4 h 4 min are 2,013 hours to the minute (counted in hours, 2012.99…).
    const exact = { targets: { critical: { ...targets, final_response: 2013 }, high: { ...targets, final_response: 2013 }, medium: { ...targets, final_response: 2013 }, low: { ...targets, final_response: 2013 } }, businessHours: { start: '09:00', end: '13:04', days: [1], utcOffsetMinutes: 0 }, holidays: mondays2036.slice(0, 27) };
    expect(E.isRight(validateSlaPolicy(exact))).toBe(true);
  });

  const record = (sla: ReturnType<typeof slaDeadlines> | undefined, slaProgress = {}, slaBreaches: ReadonlyArray<{ step: SlaStep; deadline: string }> = [], slaRenewedAt?: string) => ({
    ...(sla ? { sla } : {}),
    slaProgress,
    slaBreaches,
    ...(slaRenewedAt ? { slaRenewedAt } : {}),
  });

  it('finds due breaches: undone past the deadline, or done late, not yet recorded', () => {
    const deadlines = slaDeadlines(DEFAULT_SLA_POLICY, 1, '2026-11-25T00:00:00.000Z', 'critical', 'normal');
    const done = { acknowledge: '2026-11-25T02:00:00.000Z', classify: '2026-11-25T03:00:00.000Z' };
    expect(dueBreaches(record(deadlines, done), '2026-11-26T00:00:00.001Z')).toEqual([
      { step: 'acknowledge', deadline: '2026-11-25T01:00:00.000Z' },
      { step: 'resolution_proposed', deadline: '2026-11-26T00:00:00.000Z' },
    ]);
    const recorded = dueBreaches(record(deadlines, done), '2026-11-26T00:00:00.001Z');
    expect(dueBreaches(record(deadlines, done, recorded), '2026-11-26T00:00:00.001Z')).toEqual([]);
    expect(dueBreaches(record(undefined), '2030-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('records one lateness once: a breach of a step covers it, whatever its deadline becomes on reclassification', () => {
    // Provisional (low) classify deadline 72 h, breached and recorded; classified at 80 h as medium (due at 48 h).
    const provisional = slaDeadlines(DEFAULT_SLA_POLICY, 1, '2026-11-25T00:00:00.000Z', 'low', 'normal');
    const real = slaDeadlines(DEFAULT_SLA_POLICY, 1, '2026-11-25T00:00:00.000Z', 'medium', 'normal');
    const done = { acknowledge: '2026-11-25T00:30:00.000Z', classify: '2026-11-28T08:00:00.000Z' };
    const recorded = [{ step: 'classify' as const, deadline: provisional.classify }];
    expect(dueBreaches(record(real, done, recorded), '2026-11-28T08:00:00.000Z')).toEqual([]);
    expect(breachRecorded(record(real, done, recorded), 'classify')).toBe(true);
    expect(dueBreaches(record(real, done), '2026-11-28T08:00:00.000Z')).toEqual([{ step: 'classify', deadline: real.classify }]);
  });

  it('holds a reopened case to new deadlines, which its earlier breaches do not cover', () => {
    const deadlines = slaDeadlines(DEFAULT_SLA_POLICY, 1, '2026-11-25T00:00:00.000Z', 'critical', 'normal');
    const faster = { ...DEFAULT_SLA_POLICY, targets: { ...DEFAULT_SLA_POLICY.targets, critical: { acknowledge: 2, classify: 5, resolution_proposed: 12, final_response: 48 } } };
    const renewed = reopenedDeadlines(faster, 2, deadlines, '2026-12-01T00:00:00.000Z', 'critical', 'normal');
    expect(renewed).toEqual({
      policyVersion: 2,
      acknowledge: deadlines.acknowledge,
      classify: deadlines.classify,
      resolution_proposed: '2026-12-01T12:00:00.000Z',
      final_response: '2026-12-03T00:00:00.000Z',
    });
    const done = { acknowledge: '2026-11-25T00:30:00.000Z', classify: '2026-11-25T01:30:00.000Z' };
    const before = [
      { step: 'acknowledge' as const, deadline: deadlines.acknowledge },
      { step: 'resolution_proposed' as const, deadline: deadlines.resolution_proposed },
    ];
    const reopened = record(renewed, done, before, '2026-12-01T00:00:00.000Z');
    expect(breachRecorded(reopened, 'acknowledge')).toBe(true);
    expect(breachRecorded(reopened, 'resolution_proposed')).toBe(false);
    expect(dueBreaches(reopened, '2026-12-01T12:00:00.000Z')).toEqual([]);
    expect(dueBreaches(reopened, '2026-12-01T12:00:00.001Z')).toEqual([{ step: 'resolution_proposed', deadline: '2026-12-01T12:00:00.000Z' }]);
    const again = record(renewed, done, [...before, { step: 'resolution_proposed', deadline: renewed.resolution_proposed }], '2026-12-01T00:00:00.000Z');
    expect(dueBreaches(again, '2026-12-01T12:00:00.001Z')).toEqual([]);
  });
});
