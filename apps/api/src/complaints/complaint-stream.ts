import { isComplaintEventType } from '@redress/contracts';
import type { TimedComplaintEvent } from '@redress/domain';
import { uuidv5, type RecordedEvent } from '@redress/event-store';

export const complaintStream = (complaintId: string): string => `complaint-${complaintId}`;

/** Redress's own namespace for name-based (version 5) complaint ids. */
const NAMESPACE = '6f1c2a0e-4b8d-5f3a-9c7e-1d2b3a4f5e6d';

/**
 * The case id follows from what makes an intake a repeat: the external
 * reference (the same complaint arriving twice), else the caller's
 * Idempotency-Key (per user). Appending with `no_stream` then makes a
 * repeat find the first case, race-free, without any index.
 */
export const intakeComplaintId = (externalRef: string | undefined, idempotency: { user: string; key: string } | undefined, fresh: () => string): string =>
  externalRef !== undefined
    ? uuidv5(NAMESPACE, `external-ref:${externalRef}`)
    : idempotency !== undefined
      ? uuidv5(NAMESPACE, `idempotency-key:${idempotency.user}:${idempotency.key}`)
      : fresh();

/** The complaint events of a stream, with the time each occurred (SLA progress needs it). */
export const complaintEvents = (recorded: readonly RecordedEvent[]): TimedComplaintEvent[] =>
  recorded.filter((event) => isComplaintEventType(event.type)).map((event) => complaintEvent(event) as TimedComplaintEvent);

export const complaintEvent = (event: RecordedEvent): TimedComplaintEvent | undefined =>
  isComplaintEventType(event.type)
    ? ({ type: event.type, data: event.data, at: typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt } as TimedComplaintEvent)
    : undefined;
