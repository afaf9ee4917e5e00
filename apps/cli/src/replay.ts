import { complaintEvent, foldComplaint, type Complaint } from '@redress/domain';
import type { EventStore, JsonObject, RecordedEvent } from '@redress/event-store';
import type { CliIo, ExitCode } from './cli-io';

/** The few fields that say what an event did, for one line of the timeline. */
const keyFields = (data: JsonObject): string =>
  Object.entries(data)
    .filter(([key, value]) => typeof value !== 'object' && key !== 'content' && key !== 'complaintId')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');

const stateLine = (state: Complaint): string =>
  [
    `status=${state.status}`,
    state.assignee && `assignee=${state.assignee}`,
    state.classification && `severity=${state.classification.severity}`,
    state.escalationLevel > 0 && `escalation=${state.escalationLevel}`,
    state.resolution && `resolution=${state.resolution.approved ? 'approved' : state.resolution.needsApproval ? 'awaiting approval' : 'within authority'}`,
    state.closure && `outcome=${state.closure.outcome}`,
  ]
    .filter(Boolean)
    .join(' ');

/** More than this between an event happening and its recording is worth an auditor's note (an import, a back-dated entry). */
const RECORDED_LATER_MS = 60_000;

/** When the event happened, and when it was recorded if that was noticeably later. */
const timeOf = (event: RecordedEvent): string => {
  const occurredAt = typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt;
  return Date.parse(event.recordedAt) - Date.parse(occurredAt) > RECORDED_LATER_MS ? `${occurredAt} (recorded ${event.recordedAt})` : occurredAt;
};

/** `replay <complaintId>`: the case's timeline (when each event happened), each event followed by the state it left. */
export const replay = async (store: EventStore, complaintId: string, io: CliIo): Promise<ExitCode> => {
  const recorded = await store.readStream(`complaint-${complaintId}`);
  if (recorded.length === 0) {
    io.err(`no complaint ${complaintId}`);
    return 2;
  }
  let state: Complaint = foldComplaint([]);
  for (const event of recorded) {
    const actor = event.metadata.actor as { user?: string; role?: string } | undefined;
    io.out(`#${event.revision} ${timeOf(event)} ${actor?.user ?? '?'} (${actor?.role ?? '?'}) ${event.type} ${keyFields(event.data)}`.trimEnd());
    const complaint = complaintEvent(event);
    if (complaint) state = foldComplaint([complaint], state);
    io.out(`    → ${stateLine(state)}`);
  }
  return 0;
};
