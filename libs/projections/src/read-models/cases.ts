import { complaintEvent, complaintIdOf, evolve, initialState, isFinished, occurredAt, type Complaint } from '@redress/domain';
import type { RecordedEvent } from '@redress/event-store';
import type { Document } from '../document-store';
import type { Projection } from '../engine/projection';

/**
 * The timeline in summary: how many events, the last one (what, when, by
 * whom), and when each kind of event first happened (the milestones). Every
 * event with its actor is in GET /complaints/:id/history.
 */
export interface TimelineSummary {
  readonly events: number;
  readonly escalations: number;
  readonly last: { readonly type: string; readonly at: string; readonly actor: string | null };
  readonly firsts: Readonly<Record<string, string>>;
}

/**
 * The case view: the aggregate's own state (folded with the domain's evolve,
 * so the read model can never disagree with the decider about a status) plus
 * flat fields for filters, sorts and figures.
 */
export type CaseDocument = Document &
  Complaint & {
    readonly revision: number;
    readonly category: string | null;
    readonly severity: string | null;
    readonly urgency: string | null;
    readonly customerType: string | null;
    /** Named apart from the state's `rootCause` (the whole finding), which the fold still needs. */
    readonly rootCauseCategory: string | null;
    readonly substantiated: boolean | null;
    readonly outcome: string | null;
    /** The closing summary: the knowledge base of past resolutions. */
    readonly archiveSummary: string | null;
    readonly acknowledgedAt: string | null;
    readonly closedAt: string | null;
    readonly firstResponseSeconds: number | null;
    readonly resolutionSeconds: number | null;
    readonly breached: boolean | null;
    readonly satisfaction: number | null;
    readonly open: boolean;
    readonly lastEventAt: string;
    readonly timeline: TimelineSummary;
  };

const seconds = (from: string | undefined, to: string | null | undefined): number | null =>
  from === undefined || to === undefined || to === null ? null : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** What the fold carries from event to event: the aggregate's state, the revision and the timeline. */
interface FoldedCase {
  readonly state: Complaint;
  readonly revision: number;
  readonly timeline: TimelineSummary;
}

/**
 * The flat fields, computed from the folded state once per batch, then the
 * state's own. In that order: on Node 20 a literal that spreads an object and
 * then adds fields it lacks makes a new hidden class at every call (render took
 * 4 µs a case), one that spreads it last does not.
 */
const caseDocument = ({ state, revision, timeline }: FoldedCase): CaseDocument => {
  const acknowledgedAt = state.slaProgress.acknowledge ?? null;
  const closedAt = state.closure?.closedAt ?? null;
  return {
    revision,
    category: state.classification?.category ?? null,
    severity: state.classification?.severity ?? null,
    urgency: state.classification?.urgency ?? null,
    customerType: state.complainant?.customerType ?? null,
    rootCauseCategory: state.rootCause?.category ?? null,
    substantiated: state.rootCause?.substantiated ?? null,
    outcome: state.closure?.outcome ?? null,
    archiveSummary: state.closure?.summary ?? null,
    acknowledgedAt,
    closedAt,
    firstResponseSeconds: seconds(state.receivedAt, acknowledgedAt),
    resolutionSeconds: seconds(state.receivedAt, closedAt),
    // Null for a case never held to Redress deadlines (imported): neither in breach nor compliant. (No version bump:
    // before the import existed every case had deadlines, so every read model built then is unchanged.)
    breached: state.sla === undefined ? null : state.slaBreaches.length > 0,
    satisfaction: state.followUp?.satisfaction ?? null,
    open: !isFinished(state.status),
    lastEventAt: timeline.last.at,
    timeline,
    ...state,
  } as unknown as CaseDocument;
};

const COMPLAINT_FIELDS = Object.keys(initialState) as ReadonlyArray<keyof Complaint>;

/** A stored case as the aggregate's state: its own fields only, so render's flat fields, spread before them, are the ones it computes. */
const stateOf = (document: CaseDocument): Complaint => Object.fromEntries(COMPLAINT_FIELDS.map((field) => [field, document[field]])) as unknown as Complaint;

const actorOf = (event: RecordedEvent): string | null => {
  const actor = event.metadata.actor;
  return actor !== null && typeof actor === 'object' && !Array.isArray(actor) && typeof actor.user === 'string' ? actor.user : null;
};

/**
 * The case facts analysis reads (DOMAIN.md section 4), by name, with the
 * case-view field each comes from: scalars only, so a scan of every case
 * stays cheap. Flags come back from a scan as 1/0.
 */
export const CASE_FACTS = {
  receivedAt: 'receivedAt',
  status: 'status',
  category: 'category',
  product: 'product',
  region: 'region',
  customerType: 'customerType',
  channel: 'channel',
  severity: 'severity',
  urgency: 'urgency',
  department: 'department',
  handler: 'assignee',
  rootCause: 'rootCauseCategory',
  substantiated: 'substantiated',
  firstResponseSeconds: 'firstResponseSeconds',
  resolutionSeconds: 'resolutionSeconds',
  breached: 'breached',
  satisfaction: 'satisfaction',
  reopenCount: 'reopenCount',
  escalations: 'timeline.escalations',
  /** The SLA policy version of the case's latest deadlines (none for an imported case): its business calendar. */
  slaPolicyVersion: 'sla.policyVersion',
} as const;
export type CaseFact = keyof typeof CASE_FACTS;

export const casesProjection: Projection<CaseDocument, FoldedCase> = {
  name: 'cases',
  // 2: complainantId indexed, for erasure. 3: the state carries what the case has granted (`granted`), and an
  // imported open case classified (and assigned) by its old system folds to that status instead of `received`.
  // 4: a case withdrawn or rejected past a deadline keeps that step undone (it was null, no longer due).
  // 5: `slaBreaches` lists each breach's step and deadline (it was the steps): a reopen sets new deadlines.
  version: 5,
  collection: 'cases',
  // _position: analysis refreshes its cached facts with the cases changed since it last looked.
  indexes: [['receivedAt'], ['status', 'receivedAt'], ['department', 'receivedAt'], ['assignee', 'receivedAt'], ['_position'], ['complainantId']],
  keyOf: (event) => (complaintEvent(event) ? complaintIdOf(event.streamName) : undefined),
  // An erasure rewrites the complainant's text as [erased]: the text as it was must not stay in the store's files.
  scrubs: (event) => event.type === 'PersonalDataErased',
  // Only the domain fold and the timeline per event; the flat fields once per batch (render).
  load: (document) => ({ state: stateOf(document), revision: document.revision, timeline: document.timeline }),
  evolve: (current, event) => {
    const state = evolve(current?.state ?? initialState, complaintEvent(event) as NonNullable<ReturnType<typeof complaintEvent>>);
    const at = occurredAt(event);
    const previous = current?.timeline;
    const timeline: TimelineSummary = {
      events: (previous?.events ?? 0) + 1,
      escalations: (previous?.escalations ?? 0) + (event.type === 'ComplaintEscalated' ? 1 : 0),
      last: { type: event.type, at, actor: actorOf(event) },
      firsts: previous && event.type in previous.firsts ? previous.firsts : { ...previous?.firsts, [event.type]: at },
    };
    return { state, revision: event.revision, timeline };
  },
  render: caseDocument,
};
