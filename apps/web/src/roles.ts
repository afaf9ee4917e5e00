/**
 * Who may do what: the api's own role tables, imported rather than copied,
 * so the console offers exactly the actions the api would accept.
 */
export { COMPLAINT_ACTIONS, READERS, RECEIVERS, type ComplaintAction } from '../../api/src/complaints/complaint-actions';
export { DISPATCHERS, RECTIFICATION_ACTIONS, type RectificationAction } from '../../api/src/rectifications/rectification-actions';
export { ANALYSTS } from '../../api/src/read-models/analysts';

export const may = (role: string, roles: readonly string[]): boolean => roles.includes(role);
