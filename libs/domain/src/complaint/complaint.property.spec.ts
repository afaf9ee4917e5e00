import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type { ComplaintEvent } from '@redress/contracts';
import { decide } from './decide';
import { foldComplaint } from './decider';
import { DEFAULT_COMPLAINT_POLICY } from './policy';
import { SLA_STEPS } from '../sla/sla';
import type { Complaint, TimedComplaintEvent } from './state';
import { run, script } from '../testing/complaint-scripts';

const invariantsHold = (state: Complaint, history: readonly ComplaintEvent[]): void => {
  const types = history.map((e) => e.type);
  if (state.status === 'none') expect(history).toHaveLength(0);
  else expect(types[0]).toBe('ComplaintReceived');
  expect(types.filter((t) => t === 'ComplaintReceived')).toHaveLength(state.status === 'none' ? 0 : 1);
  if (['resolution_approved', 'implemented', 'followed_up'].includes(state.status)) {
    expect(state.resolution).toBeDefined();
    if (state.resolution!.needsApproval) expect(state.resolution!.approved).toBe(true);
  }
  if (state.status === 'closed') expect(state.closure).toBeDefined();
  if (state.status === 'investigating' || state.resolution) expect(state.assignee).toBeDefined();
  if (state.resolution) expect(state.rootCause).toBeDefined();
  // Levels only rise; a case was classified before it was assigned.
  const levels = history.flatMap((e) => (e.type === 'ComplaintEscalated' ? [e.data.level] : []));
  levels.forEach((level, i) => i > 0 && expect(level).toBeGreaterThan(levels[i - 1]!));
  // A step is breached again only against a later deadline (a reopen's), and always against one the case was given
  // for that step (at receipt, classification or a reopen).
  const breached = history.flatMap((e) => (e.type === 'SlaBreached' ? [e.data] : []));
  for (const step of SLA_STEPS) {
    const deadlines = breached.filter((b) => b.step === step).map((b) => Date.parse(b.deadline));
    deadlines.forEach((deadline, i) => i > 0 && expect(deadline).toBeGreaterThan(deadlines[i - 1]!));
  }
  const given = new Set(
    history.flatMap((e) => {
      const sla = e.type === 'ComplaintReceived' || e.type === 'ComplaintClassified' || e.type === 'ComplaintReopened' ? e.data.sla : undefined;
      return sla ? SLA_STEPS.map((step) => `${step} ${sla[step]}`) : [];
    }),
  );
  for (const breach of breached) expect(given.has(`${breach.step} ${breach.deadline}`)).toBe(true);
  const firstAssign = types.indexOf('ComplaintAssigned');
  if (firstAssign >= 0) expect(types.indexOf('ComplaintClassified')).toBeLessThan(firstAssign);
};

describe('complaint decider properties', () => {
  it('never yields a history that breaks an invariant, and every event fits its published codec', () => {
    fc.assert(
      fc.property(script, (steps) => {
        run(steps, (state, history, now) => {
          invariantsHold(state, history);
          if (state.status === 'rejected' || state.status === 'withdrawn') {
            const reopen = decide({ type: 'ReopenComplaint', body: { reason: 'r' } }, state, { now, actor: { user: 's-1', role: 'supervisor' }, newId: () => 'g', policy: DEFAULT_COMPLAINT_POLICY });
            expect(E.isLeft(reopen)).toBe(true);
          }
          if (state.resolution?.approved) expect(history.some((e) => e.type === 'ResolutionApproved')).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('replays any history to the same state: from stored JSON, and from any snapshot onwards', () => {
    fc.assert(
      fc.property(script, fc.nat(), (steps, cut) => {
        const { state, history } = run(steps);
        expect(foldComplaint(JSON.parse(JSON.stringify(history)) as TimedComplaintEvent[])).toEqual(state);
        const at = history.length === 0 ? 0 : cut % history.length;
        expect(foldComplaint(history.slice(at), foldComplaint(history.slice(0, at)))).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });
});
