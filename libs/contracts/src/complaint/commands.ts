import type * as t from 'io-ts';
import { amount, bool, currency, instant, integer, languageTag, list, struct, text, uuid } from '../codecs';
import {
  Category,
  Channel,
  ContactDirection,
  CustomerType,
  FollowUpMethod,
  Outcome,
  RejectionReason,
  RemedyType,
  Severity,
  Urgency,
} from './vocabulary';

/**
 * Request bodies of the complaint commands, one codec each: they validate
 * what staff send over HTTP and document it in OpenAPI.
 */
const id = text(100, 'Id');
const name = text(200, 'Name');
const note = text(4000, 'Note');
const summary = text(4000, 'Summary');
/** The language the complaint was made in, as a BCP 47 tag (zh-CN, en); `und` when nobody said. */
export const Language = languageTag;

export const Complainant = struct('Complainant', {}, { id, name, contact: text(200, 'Contact'), customerType: CustomerType, anonymous: bool });

export const ReceiveComplaintBody = struct(
  'ReceiveComplaintBody',
  { channel: Channel, complainant: Complainant, subject: text(300, 'Subject'), content: text(20_000, 'Content') },
  { product: name, region: name, externalRef: text(200, 'ExternalRef'), receivedAt: instant, language: Language },
);
export const AcknowledgeBody = struct('AcknowledgeBody', {}, { message: note });
export const ClassifyBody = struct('ClassifyBody', { category: Category, severity: Severity, urgency: Urgency, department: name });
export const AssignBody = struct('AssignBody', { assignee: id }, { department: name });
export const InvestigationNoteBody = struct('InvestigationNoteBody', { note }, { evidence: list(text(500, 'EvidenceRef'), 0, 50, 'EvidenceRefs') });
export const AttributedTo = struct('AttributedTo', {}, { staff: list(id, 1, 50, 'StaffIds'), department: name });
export const RootCauseBody = struct(
  'RootCauseBody',
  { category: text(100, 'RootCauseCategory'), description: note, substantiated: bool },
  { attributedTo: AttributedTo },
);
export const Remedy = struct('Remedy', { type: RemedyType }, { amount, currency, note });
export const ResolutionBody = struct('ResolutionBody', { summary, remedies: list(Remedy, 1, 20, 'Remedies') });
export const ApproveResolutionBody = struct('ApproveResolutionBody', {}, { note });
export const DeclineResolutionBody = struct('DeclineResolutionBody', { reason: note });
export const ImplementBody = struct('ImplementBody', { notifiedVia: text(50, 'NotifiedVia') }, { note });
export const ContactBody = struct('ContactBody', { channel: Channel, direction: ContactDirection, summary });
export const FollowUpBody = struct('FollowUpBody', { satisfaction: integer(1, 5, 'Satisfaction'), method: FollowUpMethod }, { comment: note });
export const CloseBody = struct('CloseBody', { outcome: Outcome, summary });
export const ReopenBody = struct('ReopenBody', { reason: note });
export const RejectBody = struct('RejectBody', { reason: RejectionReason, explanation: note }, { duplicateOf: uuid });
export const WithdrawBody = struct('WithdrawBody', {}, { reason: note });
export const EscalateBody = struct('EscalateBody', { reason: note }, { level: integer(1, 5, 'EscalationLevel') });

export type ReceiveComplaintBody = t.TypeOf<typeof ReceiveComplaintBody>;
export type Remedy = t.TypeOf<typeof Remedy>;
