import { isComplaintEventType } from '@redress/contracts';
import type { TimedComplaintEvent } from '@redress/domain';
import { uuidv5, type RecordedEvent } from '@redress/event-store';
import { REDRESS_NAMESPACE } from '../http/idempotency';

export const complaintStream = (complaintId: string): string => `complaint-${complaintId}`;

/**
 * The same external reference is the same complaint arriving twice: its id
 * follows from the reference, so appending with `no_stream` makes the repeat
 * find the first case, race-free, without any index.
 */
export const externalRefComplaintId = (externalRef: string): string => uuidv5(REDRESS_NAMESPACE, `external-ref:${externalRef}`);

/** The complaint events of a stream, with the time each occurred (SLA progress needs it). */
export const complaintEvents = (recorded: readonly RecordedEvent[]): TimedComplaintEvent[] =>
  recorded.filter((event) => isComplaintEventType(event.type)).map((event) => complaintEvent(event) as TimedComplaintEvent);

export const complaintEvent = (event: RecordedEvent): TimedComplaintEvent | undefined =>
  isComplaintEventType(event.type)
    ? ({ type: event.type, data: event.data, at: typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt } as TimedComplaintEvent)
    : undefined;
