import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { SlaBreached, SlaDeadlines, SlaPolicy, SlaStep } from '@redress/contracts';
import { DAY_MS } from '../calendar';

type Severity = 'low' | 'medium' | 'high' | 'critical';
type Deadlines = t.TypeOf<typeof SlaDeadlines>;
type Breach = t.TypeOf<typeof SlaBreached>;

export const SLA_STEPS: readonly SlaStep[] = ['acknowledge', 'classify', 'resolution_proposed', 'final_response'];

/** DOMAIN.md section 7, in hours from receipt; 1,344 h is the FCA's eight weeks. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  targets: {
    critical: { acknowledge: 1, classify: 4, resolution_proposed: 24, final_response: 72 },
    high: { acknowledge: 4, classify: 8, resolution_proposed: 72, final_response: 240 },
    medium: { acknowledge: 24, classify: 48, resolution_proposed: 168, final_response: 672 },
    low: { acknowledge: 48, classify: 72, resolution_proposed: 336, final_response: 1344 },
  },
};

const UP: Record<Severity, Severity> = { low: 'medium', medium: 'high', high: 'critical', critical: 'critical' };
/** `urgent` takes the targets of the next severity up. */
export const effectiveSeverity = (severity: Severity, urgency: string): Severity => (urgency === 'urgent' ? UP[severity] : severity);

const MINUTE = 60_000;
const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Whether the local day starting at `midnight` (ms, in the office's offset) is one of `days` (1 Monday … 7 Sunday) and not a holiday. */
const isWorkingDay = (days: readonly number[], holidays: ReadonlySet<string>, midnight: number): boolean =>
  days.includes(((new Date(midnight).getUTCDay() + 6) % 7) + 1) && !holidays.has(new Date(midnight).toISOString().slice(0, 10));

/** Business days where the policy names none (its targets in calendar hours): Monday to Friday. */
const WEEKDAYS: readonly number[] = [1, 2, 3, 4, 5];

/**
 * `from` plus `hours` of service time: calendar hours, or only the business
 * hours of working days that are not holidays, in the office's UTC offset.
 */
export const addServiceHours = (policy: SlaPolicy, from: string, hours: number): string => {
  const start = Date.parse(from);
  const business = policy.businessHours;
  if (!business) return new Date(start + hours * 60 * MINUTE).toISOString();
  const offset = business.utcOffsetMinutes * MINUTE;
  const [open, close] = [minutesOf(business.start) * MINUTE, minutesOf(business.end) * MINUTE];
  const holidays = new Set(policy.holidays ?? []);
  let remaining = hours * 60 * MINUTE;
  let local = start + offset;
  for (let days = 0; remaining > 0; days += 1) {
    if (days > 3660) throw new Error('the SLA policy leaves no working time within ten years');
    const midnight = Math.floor(local / DAY_MS) * DAY_MS;
    const working = isWorkingDay(business.days, holidays, midnight);
    if (!working || local >= midnight + close) {
      local = midnight + DAY_MS;
      continue;
    }
    local = Math.max(local, midnight + open);
    const available = midnight + close - local;
    if (available >= remaining) {
      local += remaining;
      remaining = 0;
    } else {
      remaining -= available;
      local = midnight + DAY_MS;
    }
  }
  return new Date(local - offset).toISOString();
};

/** Business days after the day of receipt within which a closed case is a summary resolution (DOMAIN.md section 3). */
const SUMMARY_RESOLUTION_DAYS = 3;

/**
 * When a case received at a time must be closed by to count as a summary
 * resolution (the FCA's fast track, DOMAIN.md section 3): the close of business
 * on the third business day after the day of receipt, by the policy's business
 * calendar (working days, holidays, closing time, offset). A policy with
 * calendar-hour targets has no business hours: its business days are Monday
 * to Friday but its holidays, each ending at midnight UTC. Times are ms since
 * the epoch. Deadlines depend only on the day of receipt, so the returned
 * function remembers one per day (analysis asks for one per case).
 */
export const summaryResolutionDeadlines = (policy: SlaPolicy): ((receivedAt: number) => number) => {
  const business = policy.businessHours;
  const offset = (business?.utcOffsetMinutes ?? 0) * MINUTE;
  const close = business ? minutesOf(business.end) * MINUTE : DAY_MS;
  const days = business?.days ?? WEEKDAYS;
  const holidays = new Set(policy.holidays ?? []);
  const byDay = new Map<number, number>();
  return (receivedAt) => {
    const received = Math.floor((receivedAt + offset) / DAY_MS) * DAY_MS;
    let deadline = byDay.get(received);
    if (deadline === undefined) {
      let midnight = received;
      for (let counted = 0; counted < SUMMARY_RESOLUTION_DAYS; ) {
        midnight += DAY_MS;
        if (midnight - received > 3660 * DAY_MS) throw new Error('the SLA policy leaves no working day within ten years');
        if (isWorkingDay(days, holidays, midnight)) counted += 1;
      }
      deadline = midnight + close - offset;
      byDay.set(received, deadline);
    }
    return deadline;
  };
};

/** The four deadlines of a case, counted from `from` (its receipt, or a reopen) under one policy version. */
export const slaDeadlines = (policy: SlaPolicy, version: number, from: string, severity: Severity, urgency: string): Deadlines => {
  const targets = policy.targets[effectiveSeverity(severity, urgency)];
  return {
    policyVersion: version,
    acknowledge: addServiceHours(policy, from, targets.acknowledge),
    classify: addServiceHours(policy, from, targets.classify),
    resolution_proposed: addServiceHours(policy, from, targets.resolution_proposed),
    final_response: addServiceHours(policy, from, targets.final_response),
  };
};

/**
 * A reopened case's deadlines: a new resolution and a new final response are
 * owed, within the same targets as at receipt, counted from the reopen under
 * the policy in force then. (The complainant came back dissatisfied; the case
 * is held to time again, as a case just received would be. Acknowledge and
 * classify were done and keep their deadlines; a case that had none, an
 * imported one, gets all four from the reopen, the first two never due.)
 */
export const reopenedDeadlines = (policy: SlaPolicy, version: number, before: Deadlines | undefined, reopenedAt: string, severity: Severity, urgency: string): Deadlines => {
  const renewed = slaDeadlines(policy, version, reopenedAt, severity, urgency);
  return before ? { ...renewed, acknowledge: before.acknowledge, classify: before.classify } : renewed;
};

/**
 * The business minutes any ten years hold, whatever day they start (the span
 * addServiceHours searches): 522 whole weeks, less every holiday that falls on
 * a working day (all of them, wherever they fall: a bound, not the exact
 * figure). A policy with at least this much for its longest target computes
 * every deadline.
 */
const leastWorkingMinutes = (business: NonNullable<SlaPolicy['businessHours']>, holidays: readonly string[]): number => {
  const onWorkingDays = new Set(holidays.filter((day) => isWorkingDay(business.days, new Set(), Date.parse(`${day}T00:00:00Z`)))).size;
  return (522 * business.days.length - onWorkingDays) * (minutesOf(business.end) - minutesOf(business.start));
};

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The rules a codec cannot say; every problem at once. */
export const validateSlaPolicy = (policy: SlaPolicy): E.Either<string[], SlaPolicy> => {
  const problems: string[] = [];
  for (const [severity, targets] of Object.entries(policy.targets)) {
    const ordered = SLA_STEPS.map((step) => targets[step]);
    if (ordered.some((value, i) => i > 0 && value < (ordered[i - 1] as number))) {
      problems.push(`targets.${severity}: each step's target must be at least the one before (acknowledge ≤ classify ≤ resolution_proposed ≤ final_response)`);
    }
  }
  const order: Severity[] = ['low', 'medium', 'high', 'critical'];
  for (const step of SLA_STEPS) {
    if (order.some((severity, i) => i > 0 && policy.targets[severity][step] > policy.targets[order[i - 1] as Severity][step])) {
      problems.push(`targets: ${step} must not take longer for a more severe case`);
    }
  }
  const business = policy.businessHours;
  // The calendar's own problems: the working-time bound below needs a calendar to count in, not valid targets.
  const targetProblems = problems.length;
  if (business) {
    if (!CLOCK.test(business.start) || !CLOCK.test(business.end)) problems.push('businessHours.start and .end are times like "09:00"');
    else if (minutesOf(business.start) >= minutesOf(business.end)) problems.push('businessHours.start must be before businessHours.end');
    if (new Set(business.days).size !== business.days.length) problems.push('businessHours.days names each weekday once');
  }
  const realDate = (day: string) => DATE.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  for (const day of policy.holidays ?? []) if (!realDate(day)) problems.push(`holidays: ${JSON.stringify(day)} is not a date like 2026-10-01`);
  if (problems.length === targetProblems && business) {
    // Too little working time would make deadlines fail to compute, and every intake with them: from any start.
    // Of every step's target, not only the final response's: the targets' order may be one of the problems.
    const longest = Math.max(...Object.values(policy.targets).flatMap((targets) => SLA_STEPS.map((step) => targets[step])));
    // In whole minutes: hours as a fraction could miss an exact fit by a rounding.
    const least = leastWorkingMinutes(business, policy.holidays ?? []);
    if (least < longest * 60) problems.push(`businessHours and holidays leave ${Math.floor(least / 60)} working hours in the worst ten years, too few to reach ${longest} hours`);
  }
  return problems.length === 0 ? E.right(policy) : E.left(problems);
};

/** Completion of each step as the case records it: the time, or null when it is unknown or the step is no longer due. */
export type SlaProgress = Partial<Record<SlaStep, string | null>>;

/**
 * Events only the system records (DOMAIN.md: a deadline passing is recorded
 * by the system as an event of its own, and system events name the system),
 * even when a member of staff's command is what finds the deadline passed
 * (feedback handed in after a rectification's deadline).
 */
export const SYSTEM_RECORDED_EVENTS: ReadonlySet<string> = new Set(['SlaBreached', 'RectificationOverdue']);

/** What a case keeps of its time limits (the complaint's state has these fields). */
export interface SlaRecord {
  readonly sla?: Deadlines;
  readonly slaProgress: SlaProgress;
  /** Every breach recorded, in order. */
  readonly slaBreaches: readonly Breach[];
  /** When a reopen last gave the case new deadlines. */
  readonly slaRenewedAt?: string;
}

/** The steps a reopen owes again, by new deadlines. */
const RENEWED_STEPS: ReadonlySet<SlaStep> = new Set(['resolution_proposed', 'final_response']);

/**
 * Whether a breach of the step is recorded for the case's current deadline:
 * any breach of the step, except that a step a reopen renewed starts afresh
 * (a breach recorded before the reopen had its deadline before it; every
 * renewed deadline falls after it). So one lateness is recorded once,
 * whatever a reclassification does to its deadline, and a reopened case can
 * breach its new deadlines.
 */
export const breachRecorded = ({ slaBreaches, slaRenewedAt }: Pick<SlaRecord, 'slaBreaches' | 'slaRenewedAt'>, step: SlaStep): boolean => {
  const renewed = slaRenewedAt !== undefined && RENEWED_STEPS.has(step) ? Date.parse(slaRenewedAt) : undefined;
  return slaBreaches.some((breach) => breach.step === step && (renewed === undefined || Date.parse(breach.deadline) >= renewed));
};

/** The breaches to record now: steps whose deadline passed undone, or that were done after it, and not recorded yet. */
export const dueBreaches = (record: SlaRecord, now: string): Breach[] => {
  const { sla: deadlines, slaProgress: done } = record;
  return deadlines === undefined
    ? []
    : SLA_STEPS.filter((step) => {
        if (breachRecorded(record, step)) return false;
        const deadline = Date.parse(deadlines[step]);
        const at = done[step];
        return at === undefined ? Date.parse(now) > deadline : at !== null && Date.parse(at) > deadline;
      }).map((step) => ({ step, deadline: deadlines[step] }));
};
