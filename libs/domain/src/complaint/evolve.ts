import { ERASED, type SlaStep } from '@redress/contracts';
import { addMoney, moneyOf, type Complaint, type TimedComplaintEvent } from './state';

/** Marks an SLA step done at the event's time, the first time only. */
const done = (state: Complaint, step: SlaStep, at: string | undefined): Complaint['slaProgress'] =>
  step in state.slaProgress ? state.slaProgress : { ...state.slaProgress, [step]: at ?? null };

/**
 * A case rejected or withdrawn answers the complainant then and there: its
 * final response is done, and the steps it never reached are no longer due
 * (null: not a deadline anyone can miss) — unless their deadline had already
 * passed. Those stay undone: a missed deadline that is recorded as a breach
 * whether or not the scheduler got to it before the case ended.
 */
const ended = (state: Complaint, at: string | undefined): Complaint['slaProgress'] => {
  const progress = { ...done(state, 'final_response', at) };
  for (const step of ['acknowledge', 'classify', 'resolution_proposed'] as const) {
    const missed = state.sla !== undefined && at !== undefined && Date.parse(at) > Date.parse(state.sla[step]);
    if (!(step in progress) && !missed) progress[step] = null;
  }
  return progress;
};

/**
 * After a reopen with new deadlines, a resolution and the final response are
 * due again. Acknowledge and classify stay done; null (no longer due) where the
 * state does not know when: the SLA scheduler folds a reopen onto a case it
 * had set aside once closed.
 */
const reopenedProgress = (state: Complaint): Complaint['slaProgress'] => ({
  acknowledge: state.slaProgress.acknowledge ?? null,
  classify: state.slaProgress.classify ?? null,
});

/** The personal fields PersonalDataErased blanks: what the complainant gave at intake (contracts' personalDataOf). */
const erased = (state: Complaint): Complaint => {
  const { complainant } = state;
  return {
    ...state,
    personalDataErased: true,
    ...(complainant
      ? { complainant: { ...complainant, ...(complainant.name === undefined ? {} : { name: ERASED }), ...(complainant.contact === undefined ? {} : { contact: ERASED }) } }
      : {}),
    ...(state.subject === undefined ? {} : { subject: ERASED }),
    ...(state.content === undefined ? {} : { content: ERASED }),
  };
};

/**
 * ComplaintReceived copies its fields onto the case: each must be a field of
 * the case, declared in initialState, or the fold loses its one object shape
 * (this fails to compile, naming the field, when one is not).
 */
type Undeclared = Exclude<keyof Extract<TimedComplaintEvent, { type: 'ComplaintReceived' }>['data'], 'complaintId' | keyof Complaint>;
const _receivedFieldsAreCaseFields: [Undeclared] extends [never] ? true : Undeclared = true;

/** Applies one event. Total and pure: replaying the same history always gives the same case. */
export const evolve = (state: Complaint, event: TimedComplaintEvent): Complaint => {
  switch (event.type) {
    case 'ComplaintReceived': {
      const { complaintId, complainant, ...rest } = event.data;
      return { ...state, ...rest, id: complaintId, complainant, status: 'received' };
    }
    case 'ComplaintAcknowledged':
      return { ...state, acknowledged: true, slaProgress: done(state, 'acknowledge', event.at), status: state.status === 'received' ? 'acknowledged' : state.status };
    case 'ComplaintClassified': {
      const { sla, ...classification } = event.data;
      return {
        ...state,
        classification,
        sla,
        slaProgress: done(state, 'classify', event.at),
        department: event.data.department,
        // From `received` only in an imported history: the old system classified it, and no acknowledgement is invented for it.
        status: state.status === 'acknowledged' || state.status === 'received' ? 'classified' : state.status,
      };
    }
    case 'ComplaintAssigned':
    case 'ComplaintReassigned':
      return {
        ...state,
        assignee: event.data.assignee,
        department: event.data.department ?? state.department,
        status: state.status === 'classified' ? 'assigned' : state.status,
      };
    case 'InvestigationNoteAdded':
      return { ...state, investigationNotes: state.investigationNotes + 1, status: state.status === 'assigned' ? 'investigating' : state.status };
    case 'RootCauseIdentified':
      return { ...state, rootCause: event.data, status: 'investigating' };
    case 'ResolutionProposed':
      return { ...state, resolution: { ...event.data, approved: false }, slaProgress: done(state, 'resolution_proposed', event.at), status: 'resolution_proposed' };
    case 'ResolutionApproved':
      return state.resolution ? { ...state, resolution: { ...state.resolution, approved: true }, status: 'resolution_approved' } : state;
    case 'ResolutionDeclined':
      // Fields are set to undefined, never deleted: the case keeps one shape (see initialState).
      return { ...state, resolution: undefined, status: 'investigating' };
    case 'ResolutionImplemented':
      return { ...state, granted: addMoney(state.granted, state.resolution ? moneyOf(state.resolution.remedies) : undefined), status: 'implemented' };
    case 'ContactRecorded':
      return { ...state, contacts: state.contacts + 1 };
    case 'FollowUpRecorded':
      return { ...state, followUp: event.data, status: 'followed_up' };
    case 'ComplaintClosed':
      return { ...state, closure: event.data, slaProgress: done(state, 'final_response', event.at), status: 'closed' };
    case 'ComplaintReopened': {
      // Back to investigating with the same owner and root cause; a new resolution will be needed, by new deadlines.
      const { sla } = event.data;
      return {
        ...state,
        resolution: undefined,
        followUp: undefined,
        closure: undefined,
        // Without the reopen's time (a history folded without it) the renewed steps keep their earlier breaches: none twice.
        ...(sla ? { sla, slaProgress: reopenedProgress(state), ...(event.at === undefined ? {} : { slaRenewedAt: event.at }) } : {}),
        reopenCount: state.reopenCount + 1,
        status: 'investigating',
      };
    }
    case 'ComplaintRejected':
      return { ...state, rejection: event.data, slaProgress: ended(state, event.at), status: 'rejected' };
    case 'ComplaintWithdrawn':
      return { ...state, slaProgress: ended(state, event.at), status: 'withdrawn' };
    case 'SlaBreached':
      return { ...state, slaBreaches: [...state.slaBreaches, event.data] };
    case 'ComplaintEscalated':
      return { ...state, escalationLevel: event.data.level };
    case 'RectificationLinked':
      return { ...state, rectifications: [...state.rectifications, event.data.rectificationId] };
    case 'PersonalDataErased':
      return erased(state);
  }
};
