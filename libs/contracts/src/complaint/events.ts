import type * as t from 'io-ts';
import { bool, instant, integer, list, struct, text, uuid } from '../codecs';
import {
  AcknowledgeBody,
  ApproveResolutionBody,
  AttributedTo,
  ContactBody,
  DeclineResolutionBody,
  FollowUpBody,
  ImplementBody,
  InvestigationNoteBody,
  Language,
  Remedy,
  RejectBody,
  WithdrawBody,
} from './commands';
import { SlaBreached, SlaDeadlines } from '../sla/contracts';
import { Category, Channel, CustomerType, Outcome, Severity, Urgency } from './vocabulary';

/**
 * The complaint's events: past-tense facts, each with a schema version.
 * Event data never holds the actor or the time of recording: those live in
 * the metadata of every event (see metadata.ts).
 */
const id = text(100, 'Id');
const name = text(200, 'Name');

export const ComplaintReceived = struct(
  'ComplaintReceived',
  {
    complaintId: uuid,
    complainantId: id,
    channel: Channel,
    complainant: struct('ComplainantDetails', { anonymous: bool }, { name, contact: text(200, 'Contact'), customerType: CustomerType }),
    subject: text(300, 'Subject'),
    content: text(20_000, 'Content'),
    receivedAt: instant,
    /** Since version 2; version 1 events read as `und` (undetermined). */
    language: Language,
  },
  {
    product: name,
    region: name,
    externalRef: text(200, 'ExternalRef'),
    /** Provisional deadlines until classification sets the real ones (the policy's most lenient targets, low's), so an unanswered case still breaches. */
    sla: SlaDeadlines,
  },
);
export const ComplaintAcknowledged = AcknowledgeBody;
export const ComplaintClassified = struct(
  'ComplaintClassified',
  {
    category: Category,
    severity: Severity,
    urgency: Urgency,
    department: name,
  },
  {
    /**
     * Computed when classified and kept: a later policy never changes this
     * case's deadlines. Absent (since version 2) on a case imported from
     * another system, which was never held to Redress deadlines.
     */
    sla: SlaDeadlines,
  },
);
export const ComplaintAssigned = struct('ComplaintAssigned', { assignee: id }, { department: name });
export const ComplaintReassigned = struct('ComplaintReassigned', { assignee: id, previousAssignee: id }, { department: name });
export const InvestigationNoteAdded = InvestigationNoteBody;
export const RootCauseIdentified = struct(
  'RootCauseIdentified',
  { category: text(100, 'RootCauseCategory'), description: text(4000, 'Note'), substantiated: bool },
  { attributedTo: AttributedTo },
);
export const ResolutionProposed = struct('ResolutionProposed', {
  summary: text(4000, 'Summary'),
  /** Who proposed it: nobody approves their own proposal. */
  proposedBy: id,
  remedies: list(Remedy, 1, 20, 'Remedies'),
  /** Decided when proposed: with this remedy's money, what the case has granted exceeds the handler's authority (per case). */
  needsApproval: bool,
});
export const ResolutionApproved = ApproveResolutionBody;
export const ResolutionDeclined = DeclineResolutionBody;
export const ResolutionImplemented = ImplementBody;
export const ContactRecorded = ContactBody;
export const FollowUpRecorded = FollowUpBody;
export const ComplaintClosed = struct('ComplaintClosed', {
  outcome: Outcome,
  summary: text(4000, 'Summary'),
  /** The reopen window runs from here. */
  closedAt: instant,
});
export const ComplaintReopened = struct(
  'ComplaintReopened',
  { reason: text(4000, 'Note') },
  {
    /**
     * The case's deadlines from the reopen on: acknowledge and classify as they were, a resolution and the final
     * response due again, counted from the reopen under the policy in force then (whose version it names). Absent for
     * a case never held to Redress deadlines (imported), and in version 1, written before reopens renewed them.
     */
    sla: SlaDeadlines,
  },
);
export const ComplaintRejected = RejectBody;
export const ComplaintWithdrawn = WithdrawBody;
/** Written into the source complaint's own stream when a rectification names it, so its auditor sees the link. */
export const RectificationLinked = struct('RectificationLinked', { rectificationId: uuid, problem: text(4000, 'Note') });
export const ComplaintEscalated = struct('ComplaintEscalated', { level: integer(1, 5, 'EscalationLevel'), reason: text(4000, 'Note') });
/** The complainant's personal data on this case was erased (their ComplainantDataErased, the cause in metadata). */
export const PersonalDataErased = struct('PersonalDataErased', { complainantId: id, reason: text(4000, 'Note') });

/** Every complaint event type with its data codec and current schema version. */
export const ComplaintEventCodecs = {
  ComplaintReceived: {
    version: 2,
    data: ComplaintReceived,
    description: 'A complaint was received and recorded from a channel. Version 2 added `language`.',
    // The new field first: a spread that adds one after makes a new hidden class at every call on Node 20 (version 1
    // events have no language, so the order changes nothing else).
    upcasters: { 1: (data: Record<string, unknown>) => ({ language: 'und', ...data }) },
  },
  ComplaintAcknowledged: { version: 1, data: ComplaintAcknowledged, description: 'The first response was given to the complainant.' },
  ComplaintClassified: {
    version: 2,
    data: ComplaintClassified,
    description: 'Category, severity, urgency and responsible department were set. Version 2 made `sla` optional: an imported case has no Redress deadlines.',
    // Every version 1 event has its deadlines: it reads as it is.
    upcasters: { 1: (data: Record<string, unknown>) => data },
  },
  ComplaintAssigned: { version: 1, data: ComplaintAssigned, description: 'An owner was assigned.' },
  ComplaintReassigned: { version: 1, data: ComplaintReassigned, description: 'The owner changed.' },
  InvestigationNoteAdded: { version: 1, data: InvestigationNoteAdded, description: 'An investigation note, with evidence references.' },
  RootCauseIdentified: { version: 1, data: RootCauseIdentified, description: 'The root cause, whether the complaint is substantiated, and to whom it is attributable.' },
  ResolutionProposed: { version: 1, data: ResolutionProposed, description: 'A resolution with remedies was proposed.' },
  ResolutionApproved: { version: 1, data: ResolutionApproved, description: 'A supervisor approved a resolution beyond the handler’s authority.' },
  ResolutionDeclined: { version: 1, data: ResolutionDeclined, description: 'A supervisor declined the proposed resolution; investigation resumes.' },
  ResolutionImplemented: { version: 1, data: ResolutionImplemented, description: 'The resolution was carried out and the complainant notified.' },
  ContactRecorded: { version: 1, data: ContactRecorded, description: 'A contact with the complainant.' },
  FollowUpRecorded: { version: 1, data: FollowUpRecorded, description: 'Follow-up (回访) with satisfaction 1–5.' },
  ComplaintClosed: { version: 1, data: ComplaintClosed, description: 'Closed and archived with an outcome and a summary.' },
  ComplaintReopened: {
    version: 2,
    data: ComplaintReopened,
    description: 'Reopened within the policy window. Version 2 added `sla`: a resolution and the final response fall due again, counted from the reopen.',
    // A version 1 reopen renewed no deadline: it reads as it is.
    upcasters: { 1: (data: Record<string, unknown>) => data },
  },
  ComplaintRejected: { version: 1, data: ComplaintRejected, description: 'Rejected as out of scope, duplicate, abusive or lacking information.' },
  ComplaintWithdrawn: { version: 1, data: ComplaintWithdrawn, description: 'Withdrawn by the complainant.' },
  ComplaintEscalated: { version: 1, data: ComplaintEscalated, description: 'Escalated to a level, with a reason.' },
  SlaBreached: { version: 1, data: SlaBreached, description: 'A deadline of the case passed with its step undone or done late (recorded by the system, once per step, and again after a reopen renews its deadline).' },
  RectificationLinked: { version: 1, data: RectificationLinked, description: 'A rectification item (五步法) was dispatched for a problem this complaint is a source of.' },
  PersonalDataErased: {
    version: 1,
    data: PersonalDataErased,
    description: "The complainant's name, contact details, subject and content on this case were erased (right to erasure); they read as `[erased]` from here on.",
  },
} as const;

type Codecs = typeof ComplaintEventCodecs;
export type ComplaintEventType = keyof Codecs;
/** A complaint event as the domain sees it: its type and its data. */
export type ComplaintEvent = { [K in ComplaintEventType]: { readonly type: K; readonly data: t.TypeOf<Codecs[K]['data']> } }[ComplaintEventType];
export const isComplaintEventType = (type: string): type is ComplaintEventType => Object.hasOwn(ComplaintEventCodecs, type);
