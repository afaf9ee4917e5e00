/**
 * Every way a complaint command can be refused, by stable code. The api maps
 * them to 404 (not found), 409 (already exists), 403 (not this person's case)
 * or 422 (a rule), with the message as written here.
 */
export type ComplaintErrorCode =
  | 'COMPLAINT_NOT_FOUND'
  | 'COMPLAINT_ALREADY_EXISTS'
  | 'RECEIVED_IN_FUTURE'
  | 'COMPLAINT_CLOSED'
  | 'COMPLAINT_REJECTED'
  | 'COMPLAINT_WITHDRAWN'
  | 'ALREADY_ACKNOWLEDGED'
  | 'NOT_ACKNOWLEDGED'
  | 'NOT_CLASSIFIED'
  | 'ASSIGNEE_UNCHANGED'
  | 'ASSIGNEE_REQUIRED'
  | 'ROOT_CAUSE_REQUIRED'
  | 'RESOLUTION_PENDING'
  | 'REMEDY_AMOUNT_REQUIRED'
  | 'MIXED_CURRENCIES'
  | 'NO_RESOLUTION_PROPOSED'
  | 'APPROVAL_NOT_REQUIRED'
  | 'RESOLUTION_NEEDS_APPROVAL'
  | 'NOT_IMPLEMENTED'
  | 'NOT_CLOSED'
  | 'REOPEN_WINDOW_EXPIRED'
  | 'TOO_LATE_TO_REJECT'
  | 'DUPLICATE_OF_REQUIRED'
  | 'DUPLICATE_OF_SELF'
  | 'ESCALATION_LEVEL_NOT_HIGHER'
  | 'NOT_CASE_OWNER'
  | 'NOT_CASE_DEPARTMENT'
  | 'SELF_APPROVAL'
  | 'DUPLICATE_OF_UNKNOWN'
  | 'DUPLICATE_OF_WITHOUT_DUPLICATE';

export interface ComplaintError {
  readonly code: ComplaintErrorCode;
  readonly message: string;
}

export const complaintError = (code: ComplaintErrorCode, message: string): ComplaintError => ({ code, message });
