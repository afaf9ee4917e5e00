import type * as t from 'io-ts';
import { instant, integer, list, oneOf, struct, text } from '../codecs';

/**
 * The SLA policy (DOMAIN.md section 3): targets in hours, counted from
 * receipt, per severity; `urgent` takes the next severity up. Calendar time
 * unless business hours are given.
 */
export const SlaStep = oneOf(['acknowledge', 'classify', 'resolution_proposed', 'final_response'], 'SlaStep');
const hours = integer(1, 24 * 366, 'Hours');
export const SlaTargets = struct('SlaTargets', { acknowledge: hours, classify: hours, resolution_proposed: hours, final_response: hours });
const clock = text(5, 'ClockTime');
export const BusinessHours = struct('BusinessHours', {
  /** "09:00" */
  start: clock,
  /** "18:00" */
  end: clock,
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: list(integer(1, 7, 'Weekday'), 1, 7, 'Weekdays'),
  /** The office's offset from UTC, in minutes (China: 480). */
  utcOffsetMinutes: integer(-840, 840, 'UtcOffsetMinutes'),
});
export const SlaPolicy = struct(
  'SlaPolicy',
  {
    targets: struct('SlaTargetsBySeverity', { low: SlaTargets, medium: SlaTargets, high: SlaTargets, critical: SlaTargets }),
  },
  {
    businessHours: BusinessHours,
    /** Days off in business time, "2026-10-01". */
    holidays: list(text(10, 'Date'), 0, 366, 'Holidays'),
  },
);
export type SlaPolicy = t.TypeOf<typeof SlaPolicy>;
export type SlaStep = t.TypeOf<typeof SlaStep>;

export const SlaPolicyDefined = struct('SlaPolicyDefined', { version: integer(1, 1_000_000, 'PolicyVersion'), policy: SlaPolicy });
export const SlaPolicyEventCodecs = {
  SlaPolicyDefined: { version: 1, data: SlaPolicyDefined, description: 'A new version of the SLA policy: cases received or reopened from now on get its deadlines; a classification keeps the version its case was received or reopened under (one without deadlines, such as an imported case, gets this one).' },
} as const;

/** Deadlines as stored on classification, with the policy version that gave them. */
export const SlaDeadlines = struct('SlaDeadlines', {
  policyVersion: integer(1, 1_000_000, 'PolicyVersion'),
  acknowledge: instant,
  classify: instant,
  resolution_proposed: instant,
  final_response: instant,
});
export const SlaBreached = struct('SlaBreached', { step: SlaStep, deadline: instant });
