import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import type { ComplaintEvent } from '@redress/contracts';
import { decide } from './decide';
import { foldComplaint } from './decider';
import { DEFAULT_COMPLAINT_POLICY } from './policy';
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
  // A step is breached at most once, and always against a deadline the case was given (at receipt or classification).
  const breached = history.flatMap((e) => (e.type === 'SlaBreached' ? [e.data] : []));
  expect(new Set(breached.map((b) => b.step)).size).toBe(breached.length);
  const given = new Set(history.flatMap((e) => (e.type === 'ComplaintReceived' || e.type === 'ComplaintClassified' ? Object.values(e.data.sla ?? {}) : [])));
  for (const breach of breached) expect(given.has(breach.deadline)).toBe(true);
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
