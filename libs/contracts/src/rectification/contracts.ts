import type * as t from 'io-ts';
import { bool, instant, list, oneOf, struct, text, uuid } from '../codecs';

/**
 * 投诉整改五步法: the rectification item's request bodies and events.
 * dispatch (问题分派) → accept (问题解决) → feedback (解决情况反馈) → review (审核) → confirm (确认).
 */
const note = text(4000, 'Note');
const department = text(200, 'Department');

export const RectificationStatus = oneOf(['dispatched', 'accepted', 'feedback_submitted', 'returned', 'approved', 'confirmed'], 'RectificationStatus');
export const ReviewDecision = oneOf(['approved', 'returned'], 'ReviewDecision');

export const DispatchRectificationBody = struct('DispatchRectificationBody', {
  problem: note,
  sourceComplaintIds: list(uuid, 1, 100, 'SourceComplaintIds'),
  department,
  suggestion: note,
  deadline: instant,
});
export const AcceptRectificationBody = struct('AcceptRectificationBody', { measures: note, responsiblePerson: text(200, 'Person'), plannedCompletion: instant });
export const RectificationFeedbackBody = struct('RectificationFeedbackBody', { resolved: bool, result: note }, { reasonUnresolved: note });
/** A return may set when the department's new feedback is due (`deadline`); it must, once the deadline has passed. */
export const ReviewRectificationBody = struct('ReviewRectificationBody', { decision: ReviewDecision, opinion: note }, { deadline: instant });
export const ConfirmRectificationBody = struct('ConfirmRectificationBody', { effective: bool }, { note });

export const RectificationDispatched = struct('RectificationDispatched', {
  rectificationId: uuid,
  problem: note,
  sourceComplaintIds: list(uuid, 1, 100, 'SourceComplaintIds'),
  department,
  suggestion: note,
  deadline: instant,
  dispatchedAt: instant,
});
export const RectificationOverdue = struct('RectificationOverdue', { deadline: instant });

export const RectificationEventCodecs = {
  RectificationDispatched: { version: 1, data: RectificationDispatched, description: 'Step 1 (问题分派): a recurring problem dispatched to the responsible department with a deadline.' },
  RectificationAccepted: { version: 1, data: AcceptRectificationBody, description: 'Step 2 (问题解决): the department confirmed measures, owner and planned completion.' },
  RectificationFeedbackSubmitted: { version: 1, data: RectificationFeedbackBody, description: 'Step 3 (解决情况反馈): the result, or why it is not resolved.' },
  RectificationReviewed: {
    version: 2,
    data: ReviewRectificationBody,
    description:
      "Step 4 (审核): complaint analysis approved it, or returned it with opinions. Version 2 added `deadline`, which only a return has: when given, it replaces the item's deadline for the new feedback.",
    // A version 1 review set no deadline: it reads as it is.
    upcasters: { 1: (data: Record<string, unknown>) => data },
  },
  RectificationConfirmed: { version: 1, data: ConfirmRectificationBody, description: 'Step 5 (确认): the effect confirmed; the item is closed.' },
  RectificationOverdue: { version: 1, data: RectificationOverdue, description: 'The deadline passed without feedback (recorded by the system, once).' },
} as const;

type Codecs = typeof RectificationEventCodecs;
export type RectificationEventType = keyof Codecs;
export type RectificationEvent = { [K in RectificationEventType]: { readonly type: K; readonly data: t.TypeOf<Codecs[K]['data']> } }[RectificationEventType];
export const isRectificationEventType = (type: string): type is RectificationEventType => Object.hasOwn(RectificationEventCodecs, type);
