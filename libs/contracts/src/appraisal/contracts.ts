import type * as t from 'io-ts';
import { day, decimal, integer, list, struct, text } from '../codecs';

/**
 * The complaint-weighting policy for appraisal (DOMAIN.md section 5),
 * versioned in stream `policy-weighting`. Numbers are only typed here; their
 * ranges (weights ≥ 0, composite weights summing to 1 …) are checked with the
 * whole policy, so a PUT learns every problem at once (422).
 */
const byCategory = struct('CategoryWeights', { product_quality: decimal, service_attitude: decimal, billing: decimal, logistics: decimal, privacy: decimal, other: decimal });
const bySeverity = struct('SeverityMultipliers', { low: decimal, medium: decimal, high: decimal, critical: decimal });

export const WeightingPolicy = struct('WeightingPolicy', {
  /** The first day (UTC) of the periods this version appraises; later than the day it is defined, so nothing published changes. */
  effectiveFrom: day,
  categoryWeights: byCategory,
  severityMultipliers: bySeverity,
  /** Closing outcomes under which a substantiated complaint counts against staff; rejected, withdrawn and unsubstantiated ones never do. */
  countedOutcomes: list(text(50, 'Outcome'), 0, 10, 'CountedOutcomes'),
  /** A counted complaint whose case breached an SLA weighs this many times as much (≥ 1). */
  slaBreachMultiplier: decimal,
  /** A counted complaint whose complainant rated the follow-up at least `atLeast` weighs `multiplier` times as much (≤ 1). */
  satisfactionAdjustment: struct('SatisfactionAdjustment', { atLeast: integer(1, 5, 'Satisfaction'), multiplier: decimal }),
  /** Weighted complaints are reported per this many cases handled. */
  normalisePer: decimal,
  caps: struct('WeightingCaps', {
    /** No single complaint weighs more than this. */
    perComplaint: decimal,
    /** Weighted complaints per `normalisePer` handled at which the complaints component of the composite reaches 0. */
    normalisedScore: decimal,
  }),
  /** Cases handled per 30 days that earn the full workload component. */
  workloadTarget: struct('WorkloadTarget', { casesPer30Days: decimal }),
  /** Fewer cases handled in the period: shown, but not ranked. */
  minCasesHandledForRanking: integer(0, 1_000_000, 'MinCasesHandled'),
  /** The composite score's component weights; they sum to 1. */
  composite: struct('CompositeWeights', { timeliness: decimal, satisfaction: decimal, complaints: decimal, workload: decimal }),
});
export type WeightingPolicy = t.TypeOf<typeof WeightingPolicy>;

export const WeightingPolicyDefined = struct('WeightingPolicyDefined', { version: integer(1, 1_000_000, 'PolicyVersion'), policy: WeightingPolicy });
export const WeightingPolicyEventCodecs = {
  WeightingPolicyDefined: { version: 1, data: WeightingPolicyDefined, description: 'A new version of the complaint-weighting policy for appraisal, effective from a later day.' },
} as const;
