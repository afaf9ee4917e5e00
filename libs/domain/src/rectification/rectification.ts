import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type * as C from '@redress/contracts';
import type { RectificationEvent } from '@redress/contracts';
import type { DecidingStaff } from '../complaint/decide';

type Of<Codec extends t.Mixed> = t.TypeOf<Codec>;

export type RectificationCommand =
  | { readonly type: 'DispatchRectification'; readonly rectificationId: string; readonly body: Of<typeof C.DispatchRectificationBody> }
  | { readonly type: 'AcceptRectification'; readonly body: Of<typeof C.AcceptRectificationBody> }
  | { readonly type: 'SubmitRectificationFeedback'; readonly body: Of<typeof C.RectificationFeedbackBody> }
  | { readonly type: 'ReviewRectification'; readonly body: Of<typeof C.ReviewRectificationBody> }
  | { readonly type: 'ConfirmRectification'; readonly body: Of<typeof C.ConfirmRectificationBody> }
  | { readonly type: 'MarkRectificationOverdue' };

export type RectificationStatus = Of<typeof C.RectificationStatus>;

export interface Rectification {
  readonly status: RectificationStatus | 'none';
  /** The last of the five steps completed (1 dispatch … 5 confirm); 0 before dispatch. */
  readonly step: 0 | 1 | 2 | 3 | 4 | 5;
  /** What was dispatched, with the deadline as it stands: a return may set a new one (the history keeps the first). */
  readonly dispatch?: Of<typeof C.RectificationDispatched>;
  readonly acceptance?: Of<typeof C.AcceptRectificationBody>;
  readonly feedback?: Of<typeof C.RectificationFeedbackBody>;
  readonly review?: Of<typeof C.ReviewRectificationBody>;
  readonly confirmation?: Of<typeof C.ConfirmRectificationBody>;
  /** It was once past its deadline without feedback (recorded; it stays so). */
  readonly overdue: boolean;
  readonly returns: number;
}

export const initialRectification: Rectification = { status: 'none', step: 0, overdue: false, returns: 0 };

export type RectificationStep = 1 | 2 | 3 | 4 | 5;

/**
 * The step an item is in (the tracking table's 当前步骤): the one whose action
 * it waits for. A return (审核退回) sends it back to the department's step 2;
 * approved, it is in step 5 until confirmed, and stays there once confirmed
 * (its status then says it is done).
 */
const CURRENT_STEP: Readonly<Record<RectificationStatus, RectificationStep>> = {
  dispatched: 2,
  accepted: 3,
  feedback_submitted: 4,
  returned: 2,
  approved: 5,
  confirmed: 5,
};
export const currentStep = (status: RectificationStatus | 'none'): RectificationStep => (status === 'none' ? 1 : CURRENT_STEP[status]);

/** The statuses of the items in the step (none is ever in step 1: dispatching makes the item). */
export const statusesInStep = (step: RectificationStep): RectificationStatus[] =>
  (Object.keys(CURRENT_STEP) as RectificationStatus[]).filter((status) => CURRENT_STEP[status] === step);

export type RectificationErrorCode =
  | 'RECTIFICATION_NOT_FOUND'
  | 'RECTIFICATION_ALREADY_EXISTS'
  | 'RECTIFICATION_CONFIRMED'
  | 'DUPLICATE_SOURCE_COMPLAINT'
  | 'DEADLINE_IN_PAST'
  | 'NOT_RECTIFICATION_DEPARTMENT'
  | 'ALREADY_ACCEPTED'
  | 'NOT_ACCEPTED'
  | 'REASON_UNRESOLVED_REQUIRED'
  | 'NO_FEEDBACK_TO_REVIEW'
  | 'NOT_APPROVED'
  | 'NOT_OVERDUE'
  | 'DEADLINE_REQUIRED'
  | 'DEADLINE_ONLY_ON_RETURN';

export interface RectificationError {
  readonly code: RectificationErrorCode;
  readonly message: string;
}

export interface RectificationContext {
  readonly now: string;
  readonly actor: DecidingStaff;
}

type Decision = E.Either<RectificationError, RectificationEvent[]>;
const events = (...happened: RectificationEvent[]): Decision => E.right(happened);
const refuse = (code: RectificationErrorCode, message: string): Decision => E.left({ code, message });

/** The statuses in which an item waits for the department's feedback (the step with a deadline): until it is given, and again after a return. */
export const AWAITING_FEEDBACK: readonly RectificationStatus[] = ['dispatched', 'accepted', 'returned'];
export const awaitingFeedback = (status: RectificationStatus | 'none'): boolean => (AWAITING_FEEDBACK as readonly string[]).includes(status);

/** Past its deadline still waiting for feedback, and not yet marked. */
export const isOverdueNow = (state: Rectification, now: string): boolean =>
  !state.overdue && awaitingFeedback(state.status) && state.dispatch !== undefined && Date.parse(now) > Date.parse(state.dispatch.deadline);

/** Department staff act only on their own department's items. */
const ownDepartment = (state: Rectification, actor: DecidingStaff): boolean =>
  actor.role !== 'department' || (actor.department !== undefined && actor.department === state.dispatch?.department);

/**
 * The five steps as a pure function. A return (审核退回) sends the item back
 * to the department, which may accept again with new measures or resubmit
 * feedback.
 */
export const decideRectification = (command: RectificationCommand, state: Rectification, ctx: RectificationContext): Decision => {
  if (command.type === 'DispatchRectification') {
    if (state.status !== 'none') return refuse('RECTIFICATION_ALREADY_EXISTS', 'this rectification has already been dispatched');
    const { sourceComplaintIds, deadline } = command.body;
    if (new Set(sourceComplaintIds).size !== sourceComplaintIds.length) return refuse('DUPLICATE_SOURCE_COMPLAINT', 'each source complaint is named once');
    if (Date.parse(deadline) <= Date.parse(ctx.now)) return refuse('DEADLINE_IN_PAST', 'the deadline must be in the future');
    return events({ type: 'RectificationDispatched', data: { ...command.body, rectificationId: command.rectificationId, dispatchedAt: ctx.now } });
  }
  if (state.status === 'none') return refuse('RECTIFICATION_NOT_FOUND', 'there is no such rectification');
  if (state.status === 'confirmed') return refuse('RECTIFICATION_CONFIRMED', 'the rectification is confirmed and closed');
  if (!ownDepartment(state, ctx.actor)) {
    return refuse('NOT_RECTIFICATION_DEPARTMENT', `this item is for department ${state.dispatch?.department ?? '?'}, not ${ctx.actor.department ?? '(none in your token)'}`);
  }

  switch (command.type) {
    case 'AcceptRectification':
      if (state.status !== 'dispatched' && state.status !== 'returned') return refuse('ALREADY_ACCEPTED', 'the department has already accepted this item');
      return events({ type: 'RectificationAccepted', data: command.body });
    case 'SubmitRectificationFeedback':
      if (state.acceptance === undefined || (state.status !== 'accepted' && state.status !== 'returned')) {
        return refuse('NOT_ACCEPTED', 'feedback follows acceptance (or a return from review)');
      }
      if (!command.body.resolved && command.body.reasonUnresolved === undefined) return refuse('REASON_UNRESOLVED_REQUIRED', 'say why it is not resolved (reasonUnresolved)');
      // Feedback after the deadline: the item was overdue, whether or not the scheduler noticed in time.
      return isOverdueNow(state, ctx.now)
        ? events({ type: 'RectificationOverdue', data: { deadline: state.dispatch?.deadline as string } }, { type: 'RectificationFeedbackSubmitted', data: command.body })
        : events({ type: 'RectificationFeedbackSubmitted', data: command.body });
    case 'ReviewRectification': {
      if (state.status !== 'feedback_submitted') return refuse('NO_FEEDBACK_TO_REVIEW', 'there is no feedback awaiting review');
      const { decision, deadline } = command.body;
      if (deadline !== undefined && decision !== 'returned') return refuse('DEADLINE_ONLY_ON_RETURN', 'only a return sets a new deadline');
      if (deadline !== undefined && Date.parse(deadline) <= Date.parse(ctx.now)) return refuse('DEADLINE_IN_PAST', 'the deadline must be in the future');
      // A return after the deadline would make the item overdue at once, for a review's delay rather than the department's.
      const current = state.dispatch?.deadline as string;
      if (decision === 'returned' && deadline === undefined && Date.parse(ctx.now) >= Date.parse(current)) {
        return refuse('DEADLINE_REQUIRED', `the deadline (${current}) has passed: a return sets when the new feedback is due (deadline)`);
      }
      return events({ type: 'RectificationReviewed', data: command.body });
    }
    case 'ConfirmRectification':
      if (state.status !== 'approved') return refuse('NOT_APPROVED', 'confirm only after review approved the item');
      return events({ type: 'RectificationConfirmed', data: command.body });
    case 'MarkRectificationOverdue':
      if (!isOverdueNow(state, ctx.now)) return refuse('NOT_OVERDUE', 'the item is not overdue');
      return events({ type: 'RectificationOverdue', data: { deadline: state.dispatch?.deadline as string } });
  }
};

/** The dispatch with the deadline a return set, if it set one. */
const withDeadline = (dispatch: Rectification['dispatch'], deadline: string | undefined): Rectification['dispatch'] =>
  dispatch && deadline !== undefined ? { ...dispatch, deadline } : dispatch;

export const evolveRectification = (state: Rectification, event: RectificationEvent): Rectification => {
  switch (event.type) {
    case 'RectificationDispatched':
      return { ...state, status: 'dispatched', step: 1, dispatch: event.data };
    case 'RectificationAccepted':
      return { ...state, status: 'accepted', step: 2, acceptance: event.data };
    case 'RectificationFeedbackSubmitted':
      return { ...state, status: 'feedback_submitted', step: 3, feedback: event.data };
    case 'RectificationReviewed':
      return event.data.decision === 'approved'
        ? { ...state, status: 'approved', step: 4, review: event.data }
        : { ...state, status: 'returned', step: 4, review: event.data, returns: state.returns + 1, dispatch: withDeadline(state.dispatch, event.data.deadline) };
    case 'RectificationConfirmed':
      return { ...state, status: 'confirmed', step: 5, confirmation: event.data };
    case 'RectificationOverdue':
      return { ...state, overdue: true };
  }
};

export const rectificationDecider = { decide: decideRectification, evolve: evolveRectification, initialState: initialRectification };
export const foldRectification = (history: readonly RectificationEvent[]): Rectification => history.reduce(evolveRectification, initialRectification);
