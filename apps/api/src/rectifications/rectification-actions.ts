import * as C from '@redress/contracts';
import type { RectificationCommand } from '@redress/domain';
import type { StaffMember } from '../auth/actor';
import type { RouteAction } from '../http/actions';

type Role = StaffMember['role'];

/** Complaint analysis (投诉分析部门) dispatches, reviews and confirms; the responsible department accepts and reports. */
export const DISPATCHERS: readonly Role[] = ['analysis'];

export type RectificationAction = RouteAction<Exclude<RectificationCommand['type'], 'DispatchRectification' | 'MarkRectificationOverdue'>>;

export const RECTIFICATION_ACTIONS: Readonly<Record<string, RectificationAction>> = {
  accept: { command: 'AcceptRectification', body: C.AcceptRectificationBody, roles: ['department'], summary: 'Step 2 (问题解决): measures, responsible person, planned completion' },
  feedback: { command: 'SubmitRectificationFeedback', body: C.RectificationFeedbackBody, roles: ['department'], summary: 'Step 3 (解决情况反馈): result, or reason not resolved' },
  review: { command: 'ReviewRectification', body: C.ReviewRectificationBody, roles: ['analysis'], summary: 'Step 4 (审核): approve, or return with opinions' },
  confirm: { command: 'ConfirmRectification', body: C.ConfirmRectificationBody, roles: ['analysis'], summary: 'Step 5 (确认): confirm the effect; closes the item' },
};
