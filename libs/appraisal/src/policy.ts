import * as E from 'fp-ts/Either';
import { Outcome, type WeightingPolicy } from '@redress/contracts';

/** DOMAIN.md section 7: weighting policy v1, in force from the beginning. */
export const DEFAULT_WEIGHTING_POLICY: WeightingPolicy = {
  effectiveFrom: '1970-01-01',
  categoryWeights: { privacy: 2, service_attitude: 1.5, product_quality: 1.2, billing: 1, logistics: 1, other: 0.5 },
  severityMultipliers: { low: 0.5, medium: 1, high: 2, critical: 4 },
  countedOutcomes: ['resolved', 'partially_resolved', 'unresolved'],
  slaBreachMultiplier: 1.5,
  satisfactionAdjustment: { atLeast: 4, multiplier: 0.5 },
  normalisePer: 100,
  caps: { perComplaint: 8, normalisedScore: 20 },
  workloadTarget: { casesPer30Days: 40 },
  minCasesHandledForRanking: 10,
  composite: { timeliness: 0.3, satisfaction: 0.3, complaints: 0.3, workload: 0.1 },
};

/** What a complaint can end as besides a closing outcome: none of it ever counts against staff (DOMAIN.md section 5). */
const NEVER_COUNTED: Readonly<Record<string, string>> = {
  rejected: 'a rejected complaint never counts against staff',
  withdrawn: 'a withdrawn complaint never counts against staff',
  unsubstantiated: 'an unsubstantiated complaint never counts against staff (only substantiated ones count)',
};

const atLeast = (problems: string[], path: string, value: number, bound: number, what = `at least ${bound}`) => {
  if (value < bound) problems.push(`${path} must be ${what} (is ${value})`);
};
const positive = (problems: string[], path: string, value: number) => {
  if (value <= 0) problems.push(`${path} must be more than 0 (is ${value})`);
};
/**
 * Factors multiply (a weight by a multiplier by the breach one) and counts
 * divide: bounded, no product overflows to Infinity, which a multiplier of 0
 * would then turn into NaN, and a person would drop out of the ranking unsaid.
 */
const MAX_FACTOR = 1000;
const MAX_COUNT = 1_000_000;
const atMost = (problems: string[], path: string, value: number, bound: number) => {
  if (value > bound) problems.push(`${path} must be at most ${bound} (is ${value})`);
};

/**
 * Every problem with a policy, or the policy. `today` (UTC, "2026-11-26") is
 * given for a new version: it may only take effect from a later day, so an
 * appraisal already published never changes its policy.
 */
export const validateWeightingPolicy = (policy: WeightingPolicy, today?: string): E.Either<string[], WeightingPolicy> => {
  const problems: string[] = [];
  for (const [category, weight] of Object.entries(policy.categoryWeights)) {
    atLeast(problems, `categoryWeights.${category}`, weight, 0);
    atMost(problems, `categoryWeights.${category}`, weight, MAX_FACTOR);
  }
  for (const [severity, multiplier] of Object.entries(policy.severityMultipliers)) {
    atLeast(problems, `severityMultipliers.${severity}`, multiplier, 0);
    atMost(problems, `severityMultipliers.${severity}`, multiplier, MAX_FACTOR);
  }
  for (const outcome of policy.countedOutcomes) {
    if (Object.hasOwn(NEVER_COUNTED, outcome)) problems.push(`countedOutcomes: ${NEVER_COUNTED[outcome]}`);
    else if (!Outcome.is(outcome)) problems.push(`countedOutcomes: ${JSON.stringify(outcome)} is not a closing outcome (${Outcome.values.join(', ')})`);
  }
  if (new Set(policy.countedOutcomes).size !== policy.countedOutcomes.length) problems.push('countedOutcomes names each outcome once');
  atLeast(problems, 'slaBreachMultiplier', policy.slaBreachMultiplier, 1, 'at least 1 (a breach never lightens a complaint)');
  atMost(problems, 'slaBreachMultiplier', policy.slaBreachMultiplier, MAX_FACTOR);
  const { multiplier } = policy.satisfactionAdjustment;
  if (multiplier < 0 || multiplier > 1) problems.push(`satisfactionAdjustment.multiplier must be from 0 to 1 (is ${multiplier})`);
  const counts: Array<[string, number]> = [
    ['normalisePer', policy.normalisePer],
    ['caps.perComplaint', policy.caps.perComplaint],
    ['caps.normalisedScore', policy.caps.normalisedScore],
    ['workloadTarget.casesPer30Days', policy.workloadTarget.casesPer30Days],
  ];
  for (const [path, value] of counts) {
    positive(problems, path, value);
    atMost(problems, path, value, MAX_COUNT);
  }
  const components = Object.entries(policy.composite);
  for (const [component, weight] of components) atLeast(problems, `composite.${component}`, weight, 0);
  const sum = components.reduce((total, [, weight]) => total + weight, 0);
  if (Math.abs(sum - 1) > 1e-9) problems.push(`composite weights must sum to 1 (they sum to ${Number(sum.toFixed(9))})`);
  if (today !== undefined && policy.effectiveFrom <= today) {
    problems.push(`effectiveFrom must be a later day than today (${today}): appraisals already published keep the policy they were made with`);
  }
  return problems.length === 0 ? E.right(policy) : E.left(problems);
};

/**
 * The version that appraises a period starting on `day`: the newest version
 * in effect by then. Versions never take effect retroactively, so a period
 * that has begun always gets the same one.
 */
export const versionInEffect = <V extends { readonly version: number; readonly policy: { readonly effectiveFrom: string } }>(versions: readonly V[], day: string): V | undefined =>
  versions.filter((v) => v.policy.effectiveFrom <= day).reduce<V | undefined>((newest, v) => (newest === undefined || v.version > newest.version ? v : newest), undefined);
