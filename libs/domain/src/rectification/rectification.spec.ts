import type { RectificationEvent } from '@redress/contracts';
import { deciderSpecification } from '../testing/decider-specification';
import { currentStep, foldRectification, rectificationDecider, statusesInStep, type RectificationCommand, type RectificationContext } from './rectification';

const NOW = '2026-11-25T10:00:00.000Z';
const ID = '0190a5f0-0000-7000-8000-0000000000a1';
const C1 = '0190a5f0-0000-7000-8000-000000000001';
const C2 = '0190a5f0-0000-7000-8000-000000000002';
const ANALYSIS = { user: 'ana', role: 'analysis' };
const DELIVERY = { user: 'dan', role: 'department', department: 'delivery' };
const by = (actor: RectificationContext['actor'], now = NOW) => deciderSpecification(rectificationDecider, () => ({ now, actor }));

const dispatchBody = { problem: 'Parcels soaked in rain', sourceComplaintIds: [C1, C2], department: 'delivery', suggestion: 'Waterproof bags', deadline: '2026-12-25T00:00:00.000Z' };
const dispatched: RectificationEvent[] = [{ type: 'RectificationDispatched', data: { ...dispatchBody, rectificationId: ID, dispatchedAt: NOW } }];
const acceptance = { measures: 'Bags for all couriers', responsiblePerson: 'Zhang', plannedCompletion: '2026-12-15T00:00:00.000Z' };
const accepted: RectificationEvent[] = [...dispatched, { type: 'RectificationAccepted', data: acceptance }];
const feedback = { resolved: true, result: 'Bags in use since 12-10' };
const fedBack: RectificationEvent[] = [...accepted, { type: 'RectificationFeedbackSubmitted', data: feedback }];
const returned: RectificationEvent[] = [...fedBack, { type: 'RectificationReviewed', data: { decision: 'returned', opinion: 'Show evidence' } }];
const approved: RectificationEvent[] = [...fedBack, { type: 'RectificationReviewed', data: { decision: 'approved', opinion: 'Good' } }];
const confirmed: RectificationEvent[] = [...approved, { type: 'RectificationConfirmed', data: { effective: true } }];

const cmd = (command: RectificationCommand) => command;

describe('rectification decider (投诉整改五步法)', () => {
  describe('1 dispatch', () => {
    it('dispatches with its source complaints and deadline', () =>
      by(ANALYSIS)([]).when(cmd({ type: 'DispatchRectification', rectificationId: ID, body: dispatchBody })).then(dispatched));
    it('refuses a second dispatch', () => by(ANALYSIS)(dispatched).when(cmd({ type: 'DispatchRectification', rectificationId: ID, body: dispatchBody })).thenFails('RECTIFICATION_ALREADY_EXISTS'));
    it('refuses a source named twice', () =>
      by(ANALYSIS)([]).when(cmd({ type: 'DispatchRectification', rectificationId: ID, body: { ...dispatchBody, sourceComplaintIds: [C1, C1] } })).thenFails('DUPLICATE_SOURCE_COMPLAINT'));
    it('refuses a deadline in the past', () =>
      by(ANALYSIS)([]).when(cmd({ type: 'DispatchRectification', rectificationId: ID, body: { ...dispatchBody, deadline: NOW } })).thenFails('DEADLINE_IN_PAST'));
  });

  describe('2 accept', () => {
    it('the department accepts with measures, owner and date', () => by(DELIVERY)(dispatched).when(cmd({ type: 'AcceptRectification', body: acceptance })).then([{ type: 'RectificationAccepted', data: acceptance }]));
    it('refuses another department', () =>
      by({ ...DELIVERY, department: 'finance' })(dispatched).when(cmd({ type: 'AcceptRectification', body: acceptance })).thenFails('NOT_RECTIFICATION_DEPARTMENT'));
    it('refuses accepting twice', () => by(DELIVERY)(accepted).when(cmd({ type: 'AcceptRectification', body: acceptance })).thenFails('ALREADY_ACCEPTED'));
    it('accepts again after a return', () => by(DELIVERY)(returned).when(cmd({ type: 'AcceptRectification', body: acceptance })).then([{ type: 'RectificationAccepted', data: acceptance }]));
    it('refuses an unknown item', () => by(DELIVERY)([]).when(cmd({ type: 'AcceptRectification', body: acceptance })).thenFails('RECTIFICATION_NOT_FOUND'));
  });

  describe('3 feedback', () => {
    it('gives the result', () => by(DELIVERY)(accepted).when(cmd({ type: 'SubmitRectificationFeedback', body: feedback })).then([{ type: 'RectificationFeedbackSubmitted', data: feedback }]));
    it('resubmits after a return', () => by(DELIVERY)(returned).when(cmd({ type: 'SubmitRectificationFeedback', body: feedback })).then([{ type: 'RectificationFeedbackSubmitted', data: feedback }]));
    it('refuses feedback before acceptance', () => by(DELIVERY)(dispatched).when(cmd({ type: 'SubmitRectificationFeedback', body: feedback })).thenFails('NOT_ACCEPTED'));
    it('needs the reason when not resolved', () =>
      by(DELIVERY)(accepted).when(cmd({ type: 'SubmitRectificationFeedback', body: { resolved: false, result: 'Supplier late' } })).thenFails('REASON_UNRESOLVED_REQUIRED'));
  });

  describe('4 review', () => {
    it('approves', () =>
      by(ANALYSIS)(fedBack).when(cmd({ type: 'ReviewRectification', body: { decision: 'approved', opinion: 'Good' } })).then([{ type: 'RectificationReviewed', data: { decision: 'approved', opinion: 'Good' } }]));
    it('returns with opinions', () =>
      by(ANALYSIS)(fedBack).when(cmd({ type: 'ReviewRectification', body: { decision: 'returned', opinion: 'Show evidence' } })).then([{ type: 'RectificationReviewed', data: { decision: 'returned', opinion: 'Show evidence' } }]));
    it('refuses without feedback', () => by(ANALYSIS)(accepted).when(cmd({ type: 'ReviewRectification', body: { decision: 'approved', opinion: 'x' } })).thenFails('NO_FEEDBACK_TO_REVIEW'));

    describe("a return's deadline", () => {
      const late = '2026-12-26T00:00:00.000Z';
      const review = (body: { decision: 'approved' | 'returned'; opinion: string; deadline?: string }) => cmd({ type: 'ReviewRectification', body });
      it('may set when the new feedback is due, which then counts for overdue', () => {
        const again = { decision: 'returned' as const, opinion: 'Show evidence', deadline: '2027-01-10T00:00:00.000Z' };
        by(ANALYSIS)(fedBack).when(review(again)).then([{ type: 'RectificationReviewed', data: again }]);
        const history: RectificationEvent[] = [...fedBack, { type: 'RectificationReviewed', data: again }];
        expect(foldRectification(history).dispatch?.deadline).toBe('2027-01-10T00:00:00.000Z');
        by({ user: 'system', role: 'system' }, late)(history).when(cmd({ type: 'MarkRectificationOverdue' })).thenFails('NOT_OVERDUE');
        by({ user: 'system', role: 'system' }, '2027-01-10T00:00:00.001Z')(history).when(cmd({ type: 'MarkRectificationOverdue' })).then([{ type: 'RectificationOverdue', data: { deadline: '2027-01-10T00:00:00.000Z' } }]);
      });
      it('must set one once the deadline has passed: the department gave feedback in time, and is not late for the review', () =>
        by(ANALYSIS, late)(fedBack).when(review({ decision: 'returned', opinion: 'Show evidence' })).thenFails('DEADLINE_REQUIRED'));
      it('keeps the deadline when it sets none before it passes', () => expect(foldRectification(returned).dispatch?.deadline).toBe(dispatchBody.deadline));
      it('refuses one in the past, or with an approval', () => {
        by(ANALYSIS, late)(fedBack).when(review({ decision: 'returned', opinion: 'x', deadline: late })).thenFails('DEADLINE_IN_PAST');
        by(ANALYSIS)(fedBack).when(review({ decision: 'approved', opinion: 'x', deadline: '2027-01-10T00:00:00.000Z' })).thenFails('DEADLINE_ONLY_ON_RETURN');
      });
    });
  });

  describe('5 confirm', () => {
    it('confirms the effect and closes', () => by(ANALYSIS)(approved).when(cmd({ type: 'ConfirmRectification', body: { effective: true } })).then([{ type: 'RectificationConfirmed', data: { effective: true } }]));
    it('refuses before approval', () => by(ANALYSIS)(returned).when(cmd({ type: 'ConfirmRectification', body: { effective: true } })).thenFails('NOT_APPROVED'));
    it('takes nothing after confirmation', () => by(DELIVERY)(confirmed).when(cmd({ type: 'AcceptRectification', body: acceptance })).thenFails('RECTIFICATION_CONFIRMED'));
  });

  describe('overdue', () => {
    const system = { user: 'system', role: 'system' };
    it('is marked once the deadline passes without feedback', () =>
      by(system, '2026-12-25T00:00:00.001Z')(accepted).when(cmd({ type: 'MarkRectificationOverdue' })).then([{ type: 'RectificationOverdue', data: { deadline: '2026-12-25T00:00:00.000Z' } }]));
    it('is not marked twice', () =>
      by(system, '2026-12-26T00:00:00.000Z')([...accepted, { type: 'RectificationOverdue', data: { deadline: '2026-12-25T00:00:00.000Z' } }]).when(cmd({ type: 'MarkRectificationOverdue' })).thenFails('NOT_OVERDUE'));
    it('is marked when the feedback itself comes after the deadline', () =>
      by(DELIVERY, '2026-12-26T00:00:00.000Z')(accepted)
        .when(cmd({ type: 'SubmitRectificationFeedback', body: feedback }))
        .then([
          { type: 'RectificationOverdue', data: { deadline: '2026-12-25T00:00:00.000Z' } },
          { type: 'RectificationFeedbackSubmitted', data: feedback },
        ]));
    it('is marked when a returned item passes its deadline', () =>
      by(system, '2026-12-26T00:00:00.000Z')(returned).when(cmd({ type: 'MarkRectificationOverdue' })).then([{ type: 'RectificationOverdue', data: { deadline: '2026-12-25T00:00:00.000Z' } }]));
    it('is not marked before the deadline or after feedback', () => {
      by(system, '2026-12-24T23:59:59.000Z')(accepted).when(cmd({ type: 'MarkRectificationOverdue' })).thenFails('NOT_OVERDUE');
      by(system, '2026-12-26T00:00:00.000Z')(fedBack).when(cmd({ type: 'MarkRectificationOverdue' })).thenFails('NOT_OVERDUE');
    });
  });

  it('is in the step whose action it waits for: a return sends it back to the department, confirmed stays in step 5', () => {
    const steps = [[], dispatched, accepted, fedBack, returned, approved, confirmed].map((history) => {
      const item = foldRectification(history);
      return [item.status, item.step, currentStep(item.status)];
    });
    // [status, last step completed, step it is in]
    expect(steps).toEqual([
      ['none', 0, 1],
      ['dispatched', 1, 2],
      ['accepted', 2, 3],
      ['feedback_submitted', 3, 4],
      ['returned', 4, 2],
      ['approved', 4, 5],
      ['confirmed', 5, 5],
    ]);
    expect([1, 2, 3, 4, 5].map((step) => statusesInStep(step as 1 | 2 | 3 | 4 | 5))).toEqual([[], ['dispatched', 'returned'], ['accepted'], ['feedback_submitted'], ['approved', 'confirmed']]);
  });
});
