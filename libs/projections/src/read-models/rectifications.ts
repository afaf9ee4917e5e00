import { AWAITING_FEEDBACK, DAY_MS, awaitingFeedback, currentStep, evolveRectification, initialRectification, isOverdueNow, occurredAt, rectificationEvent, rectificationIdOf, type Rectification } from '@redress/domain';
import type { Document, Filter } from '../document-store';
import { asStored, type Projection } from '../engine/projection';

/** A rectification item as stored: the aggregate's state plus when each step happened. */
export type RectificationDocument = Document &
  Rectification & {
    readonly stepDates: Readonly<Partial<Record<'dispatched' | 'accepted' | 'feedback' | 'reviewed' | 'confirmed', string>>>;
    readonly updatedAt: string;
  };

const STEP_DATE = {
  RectificationDispatched: 'dispatched',
  RectificationAccepted: 'accepted',
  RectificationFeedbackSubmitted: 'feedback',
  RectificationReviewed: 'reviewed',
  RectificationConfirmed: 'confirmed',
} as const;

export const rectificationsProjection: Projection<RectificationDocument> = {
  name: 'rectifications',
  version: 1,
  collection: 'rectifications',
  indexes: [['dispatch.dispatchedAt'], ['dispatch.department', 'dispatch.dispatchedAt'], ['status', 'dispatch.dispatchedAt']],
  ...asStored,
  keyOf: (event) => (rectificationEvent(event) ? rectificationIdOf(event.streamName) : undefined),
  evolve: (current, event) => {
    const domainEvent = rectificationEvent(event) as NonNullable<ReturnType<typeof rectificationEvent>>;
    const at = occurredAt(event);
    const step = (STEP_DATE as Partial<Record<string, keyof RectificationDocument['stepDates']>>)[event.type];
    return {
      ...evolveRectification(current ?? initialRectification, domainEvent),
      stepDates: step ? { ...current?.stepDates, [step]: at } : (current?.stepDates ?? {}),
      updatedAt: at,
    } as unknown as RectificationDocument;
  },
};

const STEP_NAMES = ['', '问题分派 dispatch', '问题解决 resolve', '解决情况反馈 feedback', '审核 review', '确认 confirm'] as const;

/** Still waiting for the department's feedback, with its deadline by `horizon` (the SLA board). */
export const feedbackDueBy = (horizon: string): Filter => ({ status: { $in: AWAITING_FEEDBACK }, 'dispatch.deadline': { $lte: horizon } });

/** Overdue at `now`: marked by the scheduler, or past its deadline still waiting for feedback and not marked yet. */
export const overdueFilter = (overdue: boolean, now: string): Filter => {
  const isOverdue: Filter = { $or: [{ overdue: true }, { status: { $in: AWAITING_FEEDBACK }, 'dispatch.deadline': { $lt: now } }] };
  return overdue ? isOverdue : { overdue: { $ne: true }, $or: [{ status: { $nin: AWAITING_FEEDBACK } }, { 'dispatch.deadline': { $gte: now } }] };
};

/**
 * One row of the tracking table (投诉问题整改跟踪表), DOMAIN.md section 2, in
 * its column order; `no` is the row's number in the listing (序号).
 */
export const trackingRow = (no: number, item: RectificationDocument, now: string) => {
  const dispatchedAt = item.dispatch?.dispatchedAt ?? null;
  const end = item.stepDates.confirmed ?? now;
  // The step it is in (当前步骤), not the item's `step`, which is the last one completed.
  const step = currentStep(item.status);
  // The feedback that stands: none while the department owes it, also after a return (review sent the old one back),
  // so counting the 是否解决 column never counts a resolution review rejected. The item's own resource keeps the old one.
  const feedback = awaitingFeedback(item.status) ? undefined : item.feedback;
  return {
    no,
    id: item._id,
    problem: item.dispatch?.problem ?? null,
    sourceComplaints: item.dispatch?.sourceComplaintIds ?? [],
    department: item.dispatch?.department ?? null,
    dispatchedAt,
    suggestion: item.dispatch?.suggestion ?? null,
    deadline: item.dispatch?.deadline ?? null,
    measures: item.acceptance?.measures ?? null,
    responsiblePerson: item.acceptance?.responsiblePerson ?? null,
    plannedCompletion: item.acceptance?.plannedCompletion ?? null,
    feedback: feedback ? (feedback.resolved ? feedback.result : `${feedback.result}${feedback.reasonUnresolved ? ` — ${feedback.reasonUnresolved}` : ''}`) : null,
    resolved: feedback?.resolved ?? null,
    // Until new feedback is reviewed: the last review was of the feedback before it.
    reviewOpinion: item.review && item.status !== 'feedback_submitted' ? `${item.review.decision}: ${item.review.opinion}` : null,
    confirmation: item.confirmation ? `${item.confirmation.effective ? 'effective' : 'not effective'}${item.confirmation.note ? `: ${item.confirmation.note}` : ''}` : null,
    step,
    stepName: STEP_NAMES[step],
    status: item.status,
    overdue: item.overdue || isOverdueNow(item, now),
    daysOpen: dispatchedAt === null ? 0 : Math.max(0, Math.floor((Date.parse(end) - Date.parse(dispatchedAt)) / DAY_MS)),
    returns: item.returns,
    updatedAt: item.updatedAt,
  };
};
export type TrackingRow = ReturnType<typeof trackingRow>;
