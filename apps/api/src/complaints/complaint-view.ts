import type { Complaint } from '@redress/domain';
import type { RecordedEvent } from '@redress/event-store';

/** The case as the api shows it: its id and revision, then its folded state. */
export const complaintView = (id: string, revision: number, state: Complaint) => {
  const { id: _id, ...rest } = state;
  return { id, revision, ...rest };
};

/** One event of the auditor's history. */
export const historyEntry = (event: RecordedEvent) => {
  const { actor, occurredAt, correlationId, causationId, schemaVersion, prevHash, hash } = event.metadata;
  return {
    id: event.id,
    type: event.type,
    revision: event.revision,
    position: event.position,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: { actor, occurredAt, correlationId, causationId, schemaVersion, prevHash, hash },
  };
};
