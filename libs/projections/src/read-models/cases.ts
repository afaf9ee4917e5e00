import { COMPLAINT_STREAM_PREFIX, complaintEvent, evolve, initialState, occurredAt, type Complaint } from '@redress/domain';
import type { RecordedEvent } from '@redress/event-store';
import type { Document } from '../document-store';
import type { Projected, Projection } from '../engine/projection';

/** One line of a case's timeline: what happened, when, by whom. */
export interface TimelineEntry {
  readonly revision: number;
  readonly type: string;
  readonly at: string;
  readonly actor: string | null;
}

const TERMINAL = ['closed', 'rejected', 'withdrawn'];

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
    readonly deadlines: Complaint['sla'] | null;
    readonly breached: boolean;
    readonly satisfaction: number | null;
    readonly escalations: number;
    readonly open: boolean;
    readonly lastEventAt: string;
    readonly timeline: readonly TimelineEntry[];
  };

const seconds = (from: string | undefined, to: string | null | undefined): number | null =>
  from === undefined || to === undefined || to === null ? null : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** The flat fields, recomputed from the state after every event. */
const caseDocument = (id: string, state: Complaint, revision: number, timeline: readonly TimelineEntry[]): CaseDocument => {
  const last = timeline[timeline.length - 1] as TimelineEntry;
  const acknowledgedAt = state.slaProgress.acknowledge ?? null;
  const closedAt = state.closure?.closedAt ?? null;
  return {
    ...state,
    _id: id,
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
    deadlines: state.sla ?? null,
    breached: state.slaBreaches.length > 0,
    satisfaction: state.followUp?.satisfaction ?? null,
    escalations: timeline.filter((entry) => entry.type === 'ComplaintEscalated').length,
    open: !TERMINAL.includes(state.status),
    lastEventAt: last.at,
    timeline,
  } as unknown as CaseDocument;
};

const actorOf = (event: RecordedEvent): string | null => {
  const actor = event.metadata.actor;
  return actor !== null && typeof actor === 'object' && !Array.isArray(actor) && typeof actor.user === 'string' ? actor.user : null;
};

/** Slim per-case facts for analytics: scalars only, flags as 1/0, so a scan of 100,000 stays small. */
export const CASE_FACT_FIELDS = [
  'receivedAt',
  'status',
  'category',
  'product',
  'region',
  'customerType',
  'channel',
  'severity',
  'urgency',
  'department',
  'handler',
  'rootCause',
  'substantiated',
  'firstResponseSeconds',
  'resolutionSeconds',
  'breached',
  'satisfaction',
  'reopened',
  'everClosed',
  'escalations',
] as const;
export type CaseFact = Record<(typeof CASE_FACT_FIELDS)[number], string | number | null>;

const flag = (value: boolean | null): number | null => (value === null ? null : value ? 1 : 0);

export const caseFact = (document: CaseDocument): CaseFact & Document => ({
  _id: document._id,
  receivedAt: document.receivedAt ?? null,
  status: document.status,
  category: document.category,
  product: document.product ?? null,
  region: document.region ?? null,
  customerType: document.customerType,
  channel: document.channel ?? null,
  severity: document.severity,
  urgency: document.urgency,
  department: document.department ?? null,
  handler: document.assignee ?? null,
  rootCause: document.rootCauseCategory,
  substantiated: flag(document.substantiated),
  firstResponseSeconds: document.firstResponseSeconds,
  resolutionSeconds: document.resolutionSeconds,
  breached: flag(document.breached),
  satisfaction: document.satisfaction,
  reopened: flag(document.reopenCount > 0),
  everClosed: flag(document.status === 'closed' || document.reopenCount > 0),
  escalations: document.escalations,
});

export const CASES = 'cases';
export const CASE_FACTS = 'case_facts';

export const casesProjection: Projection<CaseDocument> = {
  name: 'cases',
  version: 1,
  collection: CASES,
  indexes: [['receivedAt'], ['status', 'receivedAt'], ['department', 'receivedAt'], ['assignee', 'receivedAt'], ['category', 'receivedAt']],
  keyOf: (event) => (event.streamName.startsWith(COMPLAINT_STREAM_PREFIX) && complaintEvent(event) ? event.streamName.slice(COMPLAINT_STREAM_PREFIX.length) : undefined),
  evolve: (current: (CaseDocument & Projected) | undefined, event) => {
    const id = event.streamName.slice(COMPLAINT_STREAM_PREFIX.length);
    const state = evolve(current ?? initialState, complaintEvent(event) as NonNullable<ReturnType<typeof complaintEvent>>);
    const timeline = [...(current?.timeline ?? []), { revision: event.revision, type: event.type, at: occurredAt(event), actor: actorOf(event) }];
    return caseDocument(id, state, event.revision, timeline);
  },
  derived: [{ collection: CASE_FACTS, indexes: [['receivedAt']], of: caseFact }],
};
