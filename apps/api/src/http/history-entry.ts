import type { RecordedEvent } from '@redress/event-store';

/** One event of the auditor's history. */
export const historyEntry = (event: RecordedEvent) => {
  const { actor, occurredAt, correlationId, causationId, schemaVersion, prevHash, hash, import: origin } = event.metadata;
  return {
    id: event.id,
    type: event.type,
    revision: event.revision,
    position: event.position,
    recordedAt: event.recordedAt,
    data: event.data,
    // `import` only on imported events: where in the source file the case came from.
    metadata: { actor, occurredAt, correlationId, causationId, schemaVersion, prevHash, hash, ...(origin === undefined ? {} : { import: origin }) },
  };
};
