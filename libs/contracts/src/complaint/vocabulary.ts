import { oneOf } from '../codecs';

/** The complaint domain's closed vocabularies (DOMAIN.md section 1), as lower_snake_case values. */
export const Channel = oneOf(['phone', 'email', 'web', 'chat', 'social', 'in_store', 'app', 'letter', 'referral'], 'Channel');
export const CustomerType = oneOf(['individual', 'business', 'vip', 'government', 'other'], 'CustomerType');
export const Category = oneOf(['product_quality', 'service_attitude', 'billing', 'logistics', 'privacy', 'other'], 'Category');
export const Severity = oneOf(['low', 'medium', 'high', 'critical'], 'Severity');
export const Urgency = oneOf(['urgent', 'general', 'normal'], 'Urgency');
export const RemedyType = oneOf(['apology', 'explanation', 'refund', 'compensation', 'coupon', 'exchange', 'repair', 'correction'], 'RemedyType');
export const ContactDirection = oneOf(['inbound', 'outbound'], 'ContactDirection');
export const FollowUpMethod = oneOf(['phone', 'email', 'survey', 'online'], 'FollowUpMethod');
export const Outcome = oneOf(['resolved', 'partially_resolved', 'unresolved'], 'Outcome');
export const RejectionReason = oneOf(['out_of_scope', 'duplicate', 'abusive', 'insufficient_information'], 'RejectionReason');
/** `integration`: a downstream service; it reads the event feed and nothing else. */
export const ROLES = ['intake', 'handler', 'supervisor', 'department', 'analysis', 'auditor', 'analyst', 'admin', 'integration'] as const;
export const Role = oneOf(ROLES, 'Role');
export const ComplaintStatus = oneOf(
  [
    'received',
    'acknowledged',
    'classified',
    'assigned',
    'investigating',
    'resolution_proposed',
    'resolution_approved',
    'implemented',
    'followed_up',
    'closed',
    'rejected',
    'withdrawn',
  ],
  'ComplaintStatus',
);
