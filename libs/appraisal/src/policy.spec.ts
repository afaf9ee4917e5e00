import * as E from 'fp-ts/Either';
import { DEFAULT_WEIGHTING_POLICY, validateWeightingPolicy, versionInEffect } from './policy';

describe('weighting policy', () => {
  it('the default is valid and in force from the beginning', () => {
    expect(validateWeightingPolicy(DEFAULT_WEIGHTING_POLICY)).toEqual(E.right(DEFAULT_WEIGHTING_POLICY));
  });

  it('names every problem at once', () => {
    const policy = {
      ...DEFAULT_WEIGHTING_POLICY,
      effectiveFrom: '2026-11-26',
      categoryWeights: { ...DEFAULT_WEIGHTING_POLICY.categoryWeights, billing: -1 },
      countedOutcomes: ['resolved', 'rejected', 'withdrawn', 'unsubstantiated', 'lost', 'resolved'],
      slaBreachMultiplier: 0.5,
      satisfactionAdjustment: { atLeast: 4, multiplier: 2 },
      caps: { perComplaint: 0, normalisedScore: 20 },
      composite: { timeliness: 0.5, satisfaction: 0.3, complaints: 0.3, workload: 0.1 },
    };
    expect(validateWeightingPolicy(policy, '2026-11-26')).toEqual(
      E.left([
        'categoryWeights.billing must be at least 0 (is -1)',
        'countedOutcomes: a rejected complaint never counts against staff',
        'countedOutcomes: a withdrawn complaint never counts against staff',
        'countedOutcomes: an unsubstantiated complaint never counts against staff (only substantiated ones count)',
        'countedOutcomes: "lost" is not a closing outcome (resolved, partially_resolved, unresolved)',
        'countedOutcomes names each outcome once',
        'slaBreachMultiplier must be at least 1 (a breach never lightens a complaint) (is 0.5)',
        'satisfactionAdjustment.multiplier must be from 0 to 1 (is 2)',
        'caps.perComplaint must be more than 0 (is 0)',
        'composite weights must sum to 1 (they sum to 1.2)',
        'effectiveFrom must be a later day than today (2026-11-26): appraisals already published keep the policy they were made with',
      ]),
    );
  });

  it('bounds factors and counts, so no product overflows to Infinity and, times a 0, to NaN', () => {
    const huge = { ...DEFAULT_WEIGHTING_POLICY, categoryWeights: { ...DEFAULT_WEIGHTING_POLICY.categoryWeights, billing: 1e200 }, severityMultipliers: { ...DEFAULT_WEIGHTING_POLICY.severityMultipliers, high: 1e200 }, normalisePer: 1e7 };
    expect(validateWeightingPolicy(huge)).toEqual(
      E.left(['categoryWeights.billing must be at most 1000 (is 1e+200)', 'severityMultipliers.high must be at most 1000 (is 1e+200)', 'normalisePer must be at most 1000000 (is 10000000)']),
    );
  });

  it('a period is appraised by the newest version in effect on its first day', () => {
    const version = (n: number, effectiveFrom: string) => ({ version: n, policy: { effectiveFrom } });
    const versions = [version(1, '1970-01-01'), version(2, '2026-12-01'), version(3, '2026-11-15')];
    expect(versionInEffect(versions, '2026-11-01')?.version).toBe(1);
    expect(versionInEffect(versions, '2026-11-15')?.version).toBe(3);
    // Version 3 came later and is in effect by then too: it supersedes version 2.
    expect(versionInEffect(versions, '2026-12-01')?.version).toBe(3);
    expect(versionInEffect([version(2, '2027-01-01')], '2026-12-01')).toBeUndefined();
  });
});
