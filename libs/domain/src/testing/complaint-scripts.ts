import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { ComplaintEventCodecs, type ComplaintEvent } from '@redress/contracts';
import { DAY_MS } from '../calendar';
import type { ComplaintCommand } from '../complaint/command';
import { decide, type DecidingStaff } from '../complaint/decide';
import { evolve } from '../complaint/evolve';
import { DEFAULT_COMPLAINT_POLICY } from '../complaint/policy';
import { DEFAULT_SLA_POLICY } from '../sla/sla';
import { initialState, type Complaint, type TimedComplaintEvent } from '../complaint/state';

/**
 * Random complaint scripts for property tests: commands with the days that
 * pass before each and who decides it, run through the real decider so only
 * accepted events remain. Shared by the domain's and the projections' tests.
 */
export const ID = '0190a5f0-0000-7000-8000-000000000001';
const OTHER = '0190a5f0-0000-7000-8000-000000000002';
const text = fc.constantFrom('a', 'note', '投诉', 'x y');
const remedy = fc.oneof(
  fc.record({ type: fc.constantFrom('apology' as const, 'explanation' as const, 'coupon' as const) }),
  fc.record({ type: fc.constantFrom('refund' as const, 'compensation' as const), amount: fc.constantFrom(0, 0.29, 1.1, 100, 499.99, 500, 500.01, 2000), currency: fc.constantFrom('CNY', 'CNY', 'EUR') }),
  fc.record({ type: fc.constant('refund' as const) }),
);

const receive: ComplaintCommand = {
  type: 'ReceiveComplaint',
  complaintId: ID,
  body: { channel: 'email', complainant: { anonymous: false, name: 'n' }, subject: 's', content: 'c' },
};

/** Work commands are ten times likelier than rejecting or withdrawing, which end a case, so long scripts reach every step. */
const often = <T>(arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight: 10 });
const rarely = <T>(arbitrary: fc.Arbitrary<T>) => ({ arbitrary, weight: 1 });

const command: fc.Arbitrary<ComplaintCommand> = fc.oneof(
  rarely(fc.constant(receive)),
  often(text.map((message): ComplaintCommand => ({ type: 'AcknowledgeComplaint', body: { message } }))),
  often(fc.record({ category: fc.constantFrom('billing' as const, 'privacy' as const), severity: fc.constantFrom('low' as const, 'critical' as const), urgency: fc.constant('normal' as const), department: text }).map(
    (body): ComplaintCommand => ({ type: 'ClassifyComplaint', body }),
  )),
  often(fc.constantFrom('h-1', 'h-2').map((assignee): ComplaintCommand => ({ type: 'AssignComplaint', body: { assignee } }))),
  often(text.map((note): ComplaintCommand => ({ type: 'AddInvestigationNote', body: { note } }))),
  often(fc.boolean().map((substantiated): ComplaintCommand => ({ type: 'IdentifyRootCause', body: { category: 'c', description: 'd', substantiated } }))),
  often(fc.array(remedy, { minLength: 1, maxLength: 3 }).map((remedies): ComplaintCommand => ({ type: 'ProposeResolution', body: { summary: 's', remedies } }))),
  often(fc.constant<ComplaintCommand>({ type: 'ApproveResolution', body: {} })),
  often(fc.constant<ComplaintCommand>({ type: 'DeclineResolution', body: { reason: 'r' } })),
  often(fc.constant<ComplaintCommand>({ type: 'ImplementResolution', body: { notifiedVia: 'phone' } })),
  often(fc.constant<ComplaintCommand>({ type: 'RecordContact', body: { channel: 'phone', direction: 'inbound', summary: 's' } })),
  often(fc.integer({ min: 1, max: 5 }).map((satisfaction): ComplaintCommand => ({ type: 'RecordFollowUp', body: { satisfaction, method: 'phone' } }))),
  often(fc.constantFrom('resolved' as const, 'unresolved' as const).map((outcome): ComplaintCommand => ({ type: 'CloseComplaint', body: { outcome, summary: 's' } }))),
  often(fc.constant<ComplaintCommand>({ type: 'ReopenComplaint', body: { reason: 'r' } })),
  rarely(fc.constantFrom<ComplaintCommand>(
    { type: 'RejectComplaint', body: { reason: 'abusive', explanation: 'e' } },
    { type: 'RejectComplaint', body: { reason: 'duplicate', explanation: 'e', duplicateOf: OTHER } },
    { type: 'RejectComplaint', body: { reason: 'duplicate', explanation: 'e', duplicateOf: ID } },
  )),
  rarely(fc.constant<ComplaintCommand>({ type: 'WithdrawComplaint', body: {} })),
  often(fc.constant<ComplaintCommand>({ type: 'RecordSlaBreaches' })),
  often(fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }).map((level): ComplaintCommand => ({ type: 'EscalateComplaint', body: level === undefined ? { reason: 'r' } : { reason: 'r', level } }))),
);

const actor = fc.constantFrom<DecidingStaff>(
  { user: 'h-1', role: 'handler' },
  { user: 'h-2', role: 'handler' },
  { user: 's-1', role: 'supervisor' },
  { user: 's-2', role: 'supervisor' },
);
export type Step = [ComplaintCommand, number, DecidingStaff];

/** Commands, each with the days that pass before it and who decides it. */
export const script = fc
  .array(fc.tuple(command, fc.integer({ min: 0, max: 3 }), actor), { minLength: 50, maxLength: 250 })
  .map((steps): Step[] => [[receive, 0, { user: 'i-1', role: 'intake' }], ...steps]);

/** Runs a script through decide, keeping what was accepted. */
export const run = (steps: readonly Step[], check: (state: Complaint, history: readonly ComplaintEvent[], now: string) => void = () => undefined) => {
  let state = initialState;
  const history: TimedComplaintEvent[] = [];
  let day = 0;
  for (const [cmd, later, by] of steps) {
    day += later;
    const now = new Date(Date.UTC(2026, 10, 1) + day * DAY_MS).toISOString();
    const decision = decide(cmd, state, { now, actor: by, newId: () => 'generated', policy: DEFAULT_COMPLAINT_POLICY, sla: { version: 1, policy: DEFAULT_SLA_POLICY } });
    if (E.isLeft(decision)) continue;
    for (const event of decision.right) {
      expect(ComplaintEventCodecs[event.type].data.is(event.data)).toBe(true);
      state = evolve(state, { ...event, at: now });
      history.push({ ...event, at: now });
    }
    check(state, history, now);
  }
  return { state, history };
};

