import type { ComplaintEvent, ComplaintEventType } from '@redress/contracts';
import { complaintEvent, complaintIdOf, occurredAt } from '@redress/domain';
import type { RecordedEvent } from '@redress/event-store';
import type { Document } from '../document-store';
import type { Projection } from '../engine/projection';

/**
 * One event that appraisal reads: its revision in the case's stream (the
 * event behind a figure), when it happened (ms since the epoch) and what it
 * says. Tuples, because 100,000 trails are held in memory.
 */
export type Mark =
  | readonly [revision: number, at: number, kind: 'received']
  | readonly [revision: number, at: number, kind: 'acknowledged']
  /** `deadlines`: the case is held to Redress's SLA (an imported one never was, and has no compliance to measure). */
  | readonly [revision: number, at: number, kind: 'classified', category: string, severity: string, department: string, deadlines: boolean]
  | readonly [revision: number, at: number, kind: 'assigned', assignee: string, department: string | null]
  | readonly [revision: number, at: number, kind: 'finding', substantiated: boolean, staff: readonly string[], department: string | null]
  | readonly [revision: number, at: number, kind: 'followUp', satisfaction: number]
  | readonly [revision: number, at: number, kind: 'closed', outcome: string]
  | readonly [revision: number, at: number, kind: 'reopened']
  | readonly [revision: number, at: number, kind: 'ended', how: 'rejected' | 'withdrawn']
  /** At the deadline it missed: the one mark that can come before marks ahead of it in the stream. */
  | readonly [revision: number, at: number, kind: 'breached']
  | readonly [revision: number, at: number, kind: 'escalated'];
export type MarkKind = Mark[2];

/**
 * A case's appraisal trail (DOMAIN.md section 5): who held it and when, in
 * which department, when it was open, its findings, follow-ups, breaches and
 * escalations, in the order they happened. Appraisal folds a trail up to a
 * period's end, so a past period always reads the same history.
 */
export type AppraisalTrail = Document & { readonly marks: readonly Mark[] };

type DataOf<K extends ComplaintEventType> = Extract<ComplaintEvent, { type: K }>['data'];
type Marker<K extends ComplaintEventType> = (data: DataOf<K>, revision: number, at: number) => Mark;

/** The events appraisal reads, each as its mark; the others leave the trail alone. */
const MARKERS: { readonly [K in ComplaintEventType]?: Marker<K> } = {
  // Receipt counts from when the complaint was received, which intake may give (never later than it was recorded, so marks stay in order).
  ComplaintReceived: (data, revision, at) => [revision, Math.min(Date.parse(data.receivedAt), at), 'received'],
  ComplaintAcknowledged: (_, revision, at) => [revision, at, 'acknowledged'],
  ComplaintClassified: (data, revision, at) => [revision, at, 'classified', data.category, data.severity, data.department, data.sla !== undefined],
  ComplaintAssigned: (data, revision, at) => [revision, at, 'assigned', data.assignee, data.department ?? null],
  ComplaintReassigned: (data, revision, at) => [revision, at, 'assigned', data.assignee, data.department ?? null],
  RootCauseIdentified: (data, revision, at) => [revision, at, 'finding', data.substantiated, data.attributedTo?.staff ?? [], data.attributedTo?.department ?? null],
  FollowUpRecorded: (data, revision, at) => [revision, at, 'followUp', data.satisfaction],
  ComplaintClosed: (data, revision, at) => [revision, at, 'closed', data.outcome],
  ComplaintReopened: (_, revision, at) => [revision, at, 'reopened'],
  ComplaintRejected: (_, revision, at) => [revision, at, 'ended', 'rejected'],
  ComplaintWithdrawn: (_, revision, at) => [revision, at, 'ended', 'withdrawn'],
  // A breach happened at its deadline; the scheduler records it up to a tick later (or, after downtime, much later).
  SlaBreached: (data, revision) => [revision, Date.parse(data.deadline), 'breached'],
  ComplaintEscalated: (_, revision, at) => [revision, at, 'escalated'],
};

const markOf = (event: RecordedEvent): Mark => {
  const { type, data } = complaintEvent(event) as ComplaintEvent;
  return (MARKERS[type] as Marker<typeof type>)(data as never, event.revision, Date.parse(occurredAt(event)));
};

export const appraisalTrailsProjection: Projection<AppraisalTrail, readonly Mark[]> = {
  name: 'appraisal',
  // 2: a classification says whether the case has deadlines.
  version: 2,
  collection: 'appraisal_trails',
  // _position: appraisal refreshes its cached trails with the cases changed since it last looked.
  indexes: [['_position']],
  keyOf: (event) => (Object.hasOwn(MARKERS, event.type) ? complaintIdOf(event.streamName) : undefined),
  load: (document) => document.marks,
  evolve: (marks, event) => [...(marks ?? []), markOf(event)],
  render: (marks) => ({ marks }) as AppraisalTrail,
};
