import * as E from 'fp-ts/Either';
import type * as t from 'io-ts';
import type { ClassifyBody, ComplaintEvent, Remedy, SlaPolicy } from '@redress/contracts';
import { DAY_MS } from '../calendar';
import { dueBreaches, reopenedDeadlines, slaDeadlines } from '../sla/sla';
import type { ComplaintCommand } from './command';
import { complaintError, type ComplaintError } from './errors';
import type { ComplaintPolicy } from './policy';
import { addMoney, moneyOf, type Complaint, type ComplaintStatus, type Money } from './state';

/** Who is deciding: the authenticated member of staff. */
export interface DecidingStaff {
  readonly user: string;
  readonly role: string;
  readonly department?: string;
}

/** Everything decide needs from outside, injected so decisions are deterministic. */
export interface DecisionContext {
  readonly actor: DecidingStaff;
  /** The SLA policy in force, for receipt (provisional deadlines), classification and reopening. */
  readonly sla?: { readonly version: number; readonly policy: SlaPolicy };
  /** ISO-8601 time of the decision. */
  readonly now: string;
  /** A fresh id (complainant ids for anonymous or new complainants). */
  readonly newId: () => string;
  readonly policy: ComplaintPolicy;
}

type Decision = E.Either<ComplaintError, ComplaintEvent[]>;
const events = (...happened: ComplaintEvent[]): Decision => E.right(happened);
const refuse = (...error: Parameters<typeof complaintError>): Decision => E.left(complaintError(...error));

/** The case must exist and be open; names the reason when it is not. */
const open = (state: Complaint): ComplaintError | undefined => {
  switch (state.status) {
    case 'none':
      return complaintError('COMPLAINT_NOT_FOUND', 'there is no such complaint');
    case 'closed':
      return complaintError('COMPLAINT_CLOSED', 'the complaint is closed; only reopen is possible');
    case 'rejected':
      return complaintError('COMPLAINT_REJECTED', 'the complaint was rejected and accepts no further work');
    case 'withdrawn':
      return complaintError('COMPLAINT_WITHDRAWN', 'the complaint was withdrawn and accepts no further work');
    default:
      return undefined;
  }
};

/**
 * Handlers work the cases assigned to them; department staff the cases of
 * their department. Supervisors (and roles the api lets act) are not bound.
 * (The console asks it too, so as not to offer forms the api would refuse.)
 */
export const ownershipRefusal = (state: Pick<Complaint, 'assignee' | 'department'>, actor: DecidingStaff): ComplaintError | undefined => {
  if (actor.role === 'handler' && state.assignee !== undefined && state.assignee !== actor.user) {
    return complaintError('NOT_CASE_OWNER', `the complaint is assigned to ${state.assignee}; handlers work their own cases`);
  }
  if (actor.role === 'department' && (actor.department === undefined || actor.department !== state.department)) {
    return complaintError('NOT_CASE_DEPARTMENT', `the complaint belongs to department ${state.department ?? '(none yet)'}, not ${actor.department ?? '(none in your token)'}`);
  }
  return undefined;
};

const BEFORE_RESOLUTION: readonly ComplaintStatus[] = ['received', 'acknowledged', 'classified', 'assigned', 'investigating'];
const MONEY_REMEDIES: ReadonlySet<Remedy['type']> = new Set(['refund', 'compensation']);

/**
 * What the case will have granted once this resolution is implemented (the
 * handler's authority is per case, not per resolution), or the refusal: money
 * remedies need an amount and a currency, and a case's amounts are all in one.
 */
const caseTotal = (remedies: readonly Remedy[], granted: Money | undefined): E.Either<ComplaintError, number> => {
  const missing = remedies.find((r) => MONEY_REMEDIES.has(r.type) && (r.amount === undefined || r.currency === undefined));
  if (missing) return E.left(complaintError('REMEDY_AMOUNT_REQUIRED', `a ${missing.type} needs an amount and a currency`));
  const priced = remedies.filter((r) => r.amount !== undefined);
  if (priced.some((r) => r.currency === undefined)) return E.left(complaintError('REMEDY_AMOUNT_REQUIRED', 'an amount needs a currency'));
  if (new Set(priced.map((r) => r.currency)).size > 1) return E.left(complaintError('MIXED_CURRENCIES', 'all amounts of one resolution must be in one currency'));
  const money = moneyOf(priced);
  if (money && granted && money.currency !== granted.currency) {
    return E.left(complaintError('MIXED_CURRENCIES', `this case has already granted ${granted.amount} ${granted.currency}: all its amounts must be in ${granted.currency}`));
  }
  // A resolution that grants no money needs no approval, whatever the case granted before.
  return E.right(money === undefined || money.amount === 0 ? 0 : (addMoney(granted, money)?.amount ?? 0));
};

/**
 * A classification's deadlines: from receipt. But a reclassification of a
 * reopened case (investigating again, where classification may change) owes
 * its resolution and final response counted from the reopen, not from a
 * receipt long past, and its acknowledge and classify deadlines stay. And a
 * case that has no Redress deadlines yet (imported: a case received here has
 * provisional ones) is held to them from this classification, when Redress
 * takes it over: counted from the old system's receipt they would be past
 * already, breached at once, and change appraisal periods already reported.
 */
const classifiedDeadlines = (sla: NonNullable<DecisionContext['sla']>, state: Complaint, { severity, urgency }: t.TypeOf<typeof ClassifyBody>, now: string) => {
  if (state.sla === undefined) return slaDeadlines(sla.policy, sla.version, now, severity, urgency);
  return state.slaRenewedAt === undefined
    ? slaDeadlines(sla.policy, sla.version, state.receivedAt as string, severity, urgency)
    : reopenedDeadlines(sla.policy, sla.version, state.sla, state.slaRenewedAt, severity, urgency);
};

/**
 * The SLA policy version a command's deadlines count under when it is not the
 * one in force: a classification, the first one too, keeps the version the
 * case is held to — its receipt's (the provisional deadlines were counted
 * under it), a reopen's, or an earlier classification's — so a policy
 * defined since never rewrites the deadline of a step already done or due
 * (DOMAIN.md section 3: a stricter acknowledge target would make an
 * acknowledgement made in time late). A case with no deadlines (imported, or
 * received before provisional deadlines existed) takes the version in force,
 * as receipt and a reopen do.
 */
export const heldSlaPolicyVersion = (command: ComplaintCommand, state: Complaint): number | undefined =>
  command.type === 'ClassifyComplaint' ? state.sla?.policyVersion : undefined;

/** Deadlines the case has missed and nobody has recorded yet, recorded before its deadlines change (system events). */
const breachesDue = (state: Complaint, now: string): ComplaintEvent[] => dueBreaches(state, now).map((data) => ({ type: 'SlaBreached', data }));

/**
 * The complaint lifecycle (DOMAIN.md section 1) as a pure function: the
 * events a command produces on a case, or the rule it breaks. Nothing is
 * written when it refuses.
 */
export const decide = (command: ComplaintCommand, state: Complaint, ctx: DecisionContext): Decision => {
  if (command.type === 'ReceiveComplaint') {
    if (state.status !== 'none') return refuse('COMPLAINT_ALREADY_EXISTS', 'this complaint has already been received');
    const { complainant, receivedAt, ...rest } = command.body;
    // Intake may record a complaint that arrived earlier (a letter, a call taken on paper), never one still to come.
    // Compared as times: as text, a year past 9999 (+010000-…) would sort before now.
    if (receivedAt !== undefined && Date.parse(receivedAt) > Date.parse(ctx.now)) return refuse('RECEIVED_IN_FUTURE', `receivedAt ${receivedAt} is later than now (${ctx.now})`);
    const { id: givenId, anonymous, ...details } = complainant;
    // An anonymous complaint must not be linkable to a customer record either.
    const complainantId = anonymous === true ? undefined : givenId;
    return events({
      type: 'ComplaintReceived',
      // Fields the body lacks go before its spread where they can (see chainEvents: a hidden class per intake otherwise).
      data: {
        complaintId: command.complaintId,
        ...rest,
        complainantId: complainantId ?? ctx.newId(),
        // An anonymous complainant leaves no name or contact behind, even if one was typed in.
        complainant: anonymous === true ? { anonymous: true, ...(details.customerType ? { customerType: details.customerType } : {}) } : { anonymous: false, ...details },
        receivedAt: receivedAt ?? ctx.now,
        language: rest.language ?? 'und',
        // Provisional deadlines, until classification sets the real ones: the most lenient targets (low, normal; the
        // policy's validation keeps every other severity's at or inside them), so a breach of one is a breach whatever
        // the case turns out to be, and a stricter real deadline missed is found once it is classified.
        ...(ctx.sla ? { sla: slaDeadlines(ctx.sla.policy, ctx.sla.version, receivedAt ?? ctx.now, 'low', 'normal') } : {}),
      },
    });
  }

  if (command.type === 'LinkRectification') {
    // A fact about the complaint at any stage, closed or not; linking twice changes nothing.
    if (state.status === 'none') return refuse('COMPLAINT_NOT_FOUND', 'there is no such complaint');
    return state.rectifications.includes(command.body.rectificationId) ? events() : events({ type: 'RectificationLinked', data: command.body });
  }

  if (command.type === 'ErasePersonalData') {
    // Whatever the status: erasure is the complainant's right at any stage. Once is enough.
    if (state.status === 'none') return refuse('COMPLAINT_NOT_FOUND', 'there is no such complaint');
    return state.personalDataErased ? events() : events({ type: 'PersonalDataErased', data: command.body });
  }

  if (command.type === 'RecordSlaBreaches') {
    // Breaches are recorded whatever the case's status: a case closed late still missed its deadline.
    return events(...breachesDue(state, ctx.now));
  }

  if (command.type === 'ReopenComplaint') {
    // No case, or one rejected or withdrawn (finished for good), says so as to any other command; NOT_CLOSED is for one still open.
    const unreopenable = state.status === 'closed' ? undefined : open(state);
    if (unreopenable) return E.left(unreopenable);
    if (state.status !== 'closed' || !state.closure) return refuse('NOT_CLOSED', 'only a closed complaint can be reopened');
    const deadline = Date.parse(state.closure.closedAt) + ctx.policy.reopenWindowDays * DAY_MS;
    if (Date.parse(ctx.now) > deadline) {
      return refuse('REOPEN_WINDOW_EXPIRED', `a complaint can be reopened within ${ctx.policy.reopenWindowDays} days of closing; that window ended ${new Date(deadline).toISOString()}`);
    }
    const notOwner = ownershipRefusal(state, ctx.actor);
    if (notOwner) return E.left(notOwner);
    const { sla, classification } = state;
    // Without a classification there are no targets to count by (a case imported unclassified). One imported without
    // Redress deadlines is held to them from its reopen on: Redress handles it now.
    if (!classification) return events({ type: 'ComplaintReopened', data: command.body });
    if (!ctx.sla) throw new Error('reopening needs the SLA policy in the decision context');
    return events(...breachesDue(state, ctx.now), {
      type: 'ComplaintReopened',
      data: { ...command.body, sla: reopenedDeadlines(ctx.sla.policy, ctx.sla.version, sla, ctx.now, classification.severity, classification.urgency) },
    });
  }

  const closed = open(state) ?? ownershipRefusal(state, ctx.actor);
  if (closed) return E.left(closed);

  switch (command.type) {
    case 'AcknowledgeComplaint':
      return state.acknowledged ? refuse('ALREADY_ACKNOWLEDGED', 'the complaint has already been acknowledged') : events({ type: 'ComplaintAcknowledged', data: command.body });

    case 'ClassifyComplaint':
      if (!state.acknowledged) return refuse('NOT_ACKNOWLEDGED', 'acknowledge the complaint before classifying it');
      if (!BEFORE_RESOLUTION.includes(state.status as ComplaintStatus)) return refuse('RESOLUTION_PENDING', 'a resolution has been proposed; the classification can no longer change');
      if (!ctx.sla) throw new Error('classifying needs the SLA policy in the decision context');
      return events(...breachesDue(state, ctx.now), { type: 'ComplaintClassified', data: { ...command.body, sla: classifiedDeadlines(ctx.sla, state, command.body, ctx.now) } });

    case 'AssignComplaint': {
      if (!state.classification) return refuse('NOT_CLASSIFIED', 'classify the complaint before assigning it');
      const { assignee, department } = command.body;
      if (state.assignee === undefined) return events({ type: 'ComplaintAssigned', data: command.body });
      if (state.assignee === assignee && (department === undefined || department === state.department)) {
        return refuse('ASSIGNEE_UNCHANGED', `the complaint is already assigned to ${assignee}`);
      }
      return events({ type: 'ComplaintReassigned', data: { ...command.body, previousAssignee: state.assignee } });
    }

    case 'AddInvestigationNote':
      if (state.assignee === undefined) return refuse('ASSIGNEE_REQUIRED', 'assign an owner before investigating');
      return events({ type: 'InvestigationNoteAdded', data: command.body });

    case 'IdentifyRootCause':
      if (state.assignee === undefined) return refuse('ASSIGNEE_REQUIRED', 'assign an owner before investigating');
      if (!BEFORE_RESOLUTION.includes(state.status as ComplaintStatus)) return refuse('RESOLUTION_PENDING', 'a resolution is already under way; decline it to revise the root cause');
      return events({ type: 'RootCauseIdentified', data: command.body });

    case 'ProposeResolution': {
      if (!state.rootCause) return refuse('ROOT_CAUSE_REQUIRED', 'identify the root cause before proposing a resolution');
      if (state.status !== 'investigating') return refuse('RESOLUTION_PENDING', 'a resolution has already been proposed');
      return E.map((total: number): ComplaintEvent[] => [
        { type: 'ResolutionProposed', data: { ...command.body, proposedBy: ctx.actor.user, needsApproval: total > ctx.policy.handlerAuthorityLimit } },
      ])(caseTotal(command.body.remedies, state.granted));
    }

    case 'ApproveResolution':
    case 'DeclineResolution': {
      if (state.status !== 'resolution_proposed' || !state.resolution) return refuse('NO_RESOLUTION_PROPOSED', 'there is no proposed resolution awaiting a decision');
      if (!state.resolution.needsApproval) {
        return refuse('APPROVAL_NOT_REQUIRED', `the remedy is within the handler's authority of ${ctx.policy.handlerAuthorityLimit}; it needs no approval`);
      }
      if (state.resolution.proposedBy === ctx.actor.user) return refuse('SELF_APPROVAL', 'a resolution is approved or declined by someone other than who proposed it');
      return command.type === 'ApproveResolution'
        ? events({ type: 'ResolutionApproved', data: command.body })
        : events({ type: 'ResolutionDeclined', data: command.body });
    }

    case 'ImplementResolution':
      if (!state.resolution || (state.status !== 'resolution_proposed' && state.status !== 'resolution_approved')) {
        return refuse('NO_RESOLUTION_PROPOSED', 'there is no resolution ready to implement');
      }
      if (state.resolution.needsApproval && !state.resolution.approved) {
        return refuse('RESOLUTION_NEEDS_APPROVAL', `with this remedy the case's money exceeds the handler's authority of ${ctx.policy.handlerAuthorityLimit}; a supervisor must approve it first`);
      }
      return events({ type: 'ResolutionImplemented', data: command.body });

    case 'RecordContact':
      return events({ type: 'ContactRecorded', data: command.body });

    case 'RecordFollowUp':
      if (state.status !== 'implemented' && state.status !== 'followed_up') return refuse('NOT_IMPLEMENTED', 'follow up only after the resolution has been implemented');
      return events({ type: 'FollowUpRecorded', data: command.body });

    case 'CloseComplaint':
      if (state.status !== 'implemented' && state.status !== 'followed_up') return refuse('NOT_IMPLEMENTED', 'close only after the resolution has been implemented');
      return events({ type: 'ComplaintClosed', data: { ...command.body, closedAt: ctx.now } });

    case 'RejectComplaint': {
      if (!BEFORE_RESOLUTION.includes(state.status as ComplaintStatus)) return refuse('TOO_LATE_TO_REJECT', 'a resolution is under way; a complaint can only be rejected before one is proposed');
      const { reason, duplicateOf } = command.body;
      if (reason === 'duplicate' && duplicateOf === undefined) return refuse('DUPLICATE_OF_REQUIRED', 'name the case this one duplicates (duplicateOf)');
      if (reason !== 'duplicate' && duplicateOf !== undefined) return refuse('DUPLICATE_OF_WITHOUT_DUPLICATE', 'duplicateOf goes with reason duplicate only');
      if (duplicateOf !== undefined && duplicateOf === state.id) return refuse('DUPLICATE_OF_SELF', 'a complaint cannot duplicate itself');
      return events({ type: 'ComplaintRejected', data: command.body });
    }

    case 'WithdrawComplaint':
      return events({ type: 'ComplaintWithdrawn', data: command.body });

    case 'EscalateComplaint': {
      const level = command.body.level ?? state.escalationLevel + 1;
      if (level <= state.escalationLevel) return refuse('ESCALATION_LEVEL_NOT_HIGHER', `the complaint is already at escalation level ${state.escalationLevel}`);
      if (level > 5) return refuse('ESCALATION_LEVEL_NOT_HIGHER', 'the complaint is already at the highest escalation level (5)');
      return events({ type: 'ComplaintEscalated', data: { level, reason: command.body.reason } });
    }
  }
};
