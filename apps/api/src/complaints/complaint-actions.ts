import * as C from '@redress/contracts';
import type { ComplaintCommandType } from '@redress/domain';
import type { StaffMember } from '../auth/actor';
import type { RouteAction } from '../http/actions';

type Role = StaffMember['role'];

/**
 * Who may do what to a complaint: the role matrix, in one place, read by the
 * controller, the OpenAPI document and the authorisation tests.
 * Supervisors can do all casework; analysts, auditors and admins only read.
 */
export const READERS: readonly Role[] = ['intake', 'handler', 'supervisor', 'department', 'analysis', 'auditor', 'analyst', 'admin'];
export const RECEIVERS: readonly Role[] = ['intake', 'supervisor'];

export type ComplaintAction = RouteAction<Exclude<ComplaintCommandType, 'ReceiveComplaint' | 'LinkRectification' | 'ErasePersonalData' | 'RecordSlaBreaches'>>;

const casework: readonly Role[] = ['handler', 'supervisor'];

/** `POST /complaints/:id/<action>`: the action path, its command, body and roles. */
export const COMPLAINT_ACTIONS: Readonly<Record<string, ComplaintAction>> = {
  acknowledge: { command: 'AcknowledgeComplaint', body: C.AcknowledgeBody, roles: ['intake', ...casework], summary: 'First response to the complainant (确认投诉内容)' },
  classify: { command: 'ClassifyComplaint', body: C.ClassifyBody, roles: casework, summary: 'Category, severity, urgency, responsible department (初步评估与分类)' },
  assign: { command: 'AssignComplaint', body: C.AssignBody, roles: ['supervisor'], summary: 'Assign or reassign the owner (指派负责人)' },
  'investigation-notes': { command: 'AddInvestigationNote', body: C.InvestigationNoteBody, roles: [...casework, 'department'], summary: 'Investigation note with evidence references' },
  'root-cause': { command: 'IdentifyRootCause', body: C.RootCauseBody, roles: casework, summary: 'Root cause, substantiated or not, attribution (调查与根因分析)' },
  resolution: { command: 'ProposeResolution', body: C.ResolutionBody, roles: casework, summary: 'Propose a resolution with remedies (提出解决方案)' },
  'resolution/approve': { command: 'ApproveResolution', body: C.ApproveResolutionBody, roles: ['supervisor'], summary: 'Approve a remedy beyond the handler’s authority' },
  'resolution/decline': { command: 'DeclineResolution', body: C.DeclineResolutionBody, roles: ['supervisor'], summary: 'Decline a proposed resolution' },
  implement: { command: 'ImplementResolution', body: C.ImplementBody, roles: casework, summary: 'Carry out the resolution and notify the complainant (执行并通知客户)' },
  contacts: { command: 'RecordContact', body: C.ContactBody, roles: ['intake', ...casework], summary: 'Record a contact with the complainant' },
  'follow-up': { command: 'RecordFollowUp', body: C.FollowUpBody, roles: ['intake', ...casework], summary: 'Follow-up with satisfaction 1–5 (回访)' },
  close: { command: 'CloseComplaint', body: C.CloseBody, roles: casework, summary: 'Close and archive with outcome and summary (结案归档)' },
  reopen: { command: 'ReopenComplaint', body: C.ReopenBody, roles: casework, summary: 'Reopen within the policy window' },
  reject: { command: 'RejectComplaint', body: C.RejectBody, roles: ['supervisor'], summary: 'Reject: out of scope, duplicate, abusive, insufficient information (防堵滥诉)' },
  withdraw: { command: 'WithdrawComplaint', body: C.WithdrawBody, roles: ['intake', ...casework], summary: 'Withdrawn by the complainant' },
  escalate: { command: 'EscalateComplaint', body: C.EscalateBody, roles: casework, summary: 'Escalate with level and reason (升级)' },
};
